"""What the households app contributes to shared pages (see common.registry)."""

from __future__ import annotations

from maatpact.common.registry import HouseholdPanel, NavItem, register_nav, register_panel

from . import selectors


def _members(request, household, full):
    return {"members": selectors.household_members(household)}


def _coordination(request, household, full):
    return {"assignments": list(selectors.household_assignments(household)[:10])}


def _bases(request, household, full):
    return {"bases": selectors.household_bases(household)}


register_panel(HouseholdPanel("members", 10, "households/panels/members.html", _members))
register_panel(
    HouseholdPanel("coordination", 90, "households/panels/coordination.html", _coordination)
)
register_panel(HouseholdPanel("bases", 95, "households/panels/bases.html", _bases))

register_nav(NavItem("Mijn huishoudens", "households:worklist", 10, frozenset({"regisseur"})))
register_nav(NavItem("Gemeente", "households:overview", 10, frozenset({"teamleider"})))
register_nav(
    NavItem("Huishoudens in de regio", "households:region", 10, frozenset({"programmateam"}))
)
register_nav(NavItem("Aanmelden", "households:intake", 20, frozenset({"regisseur", "teamleider"})))
