"""What the outcomes app contributes to shared pages (see common.registry)."""

from __future__ import annotations

from maatpact.accounts import policies
from maatpact.common.registry import HouseholdPanel, NavItem, register_nav, register_panel

from . import selectors


def _events(request, household, full):
    return {
        "events": selectors.household_events(household),
        "can_record": policies.can_record_events(request.user, household, full=full),
    }


def _outcomes(request, household, full):
    return {"outcomes": selectors.household_outcomes(household)}


register_panel(HouseholdPanel("events", 60, "outcomes/panels/events.html", _events))
register_panel(
    HouseholdPanel("outcomes", 65, "outcomes/panels/outcomes.html", _outcomes, personal=False)
)

register_nav(NavItem("Resultaten", "outcomes:list", 40, frozenset({"programmateam", "analist"})))
register_nav(NavItem("SIB", "outcomes:contracts", 45, frozenset({"programmateam", "financier"})))
register_nav(
    NavItem(
        "Kosten en besparing",
        "outcomes:savings",
        50,
        frozenset({"programmateam", "analist", "financier"}),
    )
)
