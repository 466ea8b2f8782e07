"""The household page opens with the organisations around the household and their cost."""

from __future__ import annotations

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.registry import HouseholdPanel, register_panel

from . import selectors
from .views import cost_context


def _panel(request, household, full):
    """One query for the provisions; everything else is computed from that list."""
    today = dates.today()
    provisions = selectors.household_provisions(household)
    return {
        "can_edit": policies.can_work_on_case(request.user, household, full=full),
        **cost_context(household, provisions, today),
    }


# Order 1: the first panel of the household page.
register_panel(
    HouseholdPanel("organisations", 1, "provisions/panels/overview.html", _panel, special=True)
)
