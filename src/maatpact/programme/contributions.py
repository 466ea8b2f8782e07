"""What the programme app contributes to shared pages and services (see common.registry)."""

from __future__ import annotations

from maatpact.common.registry import HouseholdPanel, NavItem, register_nav, register_panel
from maatpact.households.services import register_selection_guard

from . import access, selectors, services


def _screening(request, household, full):
    return {
        "screenings": list(selectors.household_screenings(household)[:5]),
        "criteria": selectors.criteria_for(household.cohort),
        "can_screen": full and access.can_screen(request.user, household, full=full),
    }


register_selection_guard(services.selection_guard)
# Pseudonymised view too: counts and results only, the override reason is left out there.
register_panel(
    HouseholdPanel("screening", 15, "programme/panels/screening.html", _screening, personal=False)
)
register_nav(
    NavItem(
        "Programma",
        "programme:overview",
        5,
        frozenset({"programmateam", "teamleider", "analist", "beheerder"}),
    )
)
register_nav(NavItem("Inlezen", "programme:intake_import", 12, frozenset({"teamleider"})))
