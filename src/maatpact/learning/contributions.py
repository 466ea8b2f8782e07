"""What the learning app contributes to shared pages (see common.registry)."""

from __future__ import annotations

from maatpact.accounts import policies
from maatpact.common.registry import HouseholdPanel, NavItem, register_nav, register_panel

from . import selectors


def _panel(request, household, full):
    return {
        "reflections": selectors.household_reflections(request.user, household, full=full),
        "can_write": policies.can_write_reflection(request.user, household, full=full),
        "user_id": request.user.pk,
    }


register_panel(HouseholdPanel("reflections", 70, "learning/panels/reflections.html", _panel))
register_nav(
    NavItem(
        "Leren",
        "learning:lessons",
        60,
        frozenset({"regisseur", "teamleider", "programmateam", "analist"}),
    )
)
