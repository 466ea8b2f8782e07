"""What the budget app contributes to shared pages (see common.registry)."""

from __future__ import annotations

from django.urls import reverse

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.dates import add_working_days
from maatpact.common.money import euro
from maatpact.common.registry import (
    HouseholdPanel,
    NavItem,
    WorklistItem,
    WorklistSource,
    register_nav,
    register_panel,
    register_worklist_source,
)

from . import selectors

# A team lead decides on a request within this many working days.
DECISION_WORKING_DAYS = 3


def _panel(request, household, full):
    """The household's spends (one query) and whether this user may request one."""
    spends = list(selectors.household_spends(household)[:20])
    return {
        "spends": spends,
        "can_request": policies.can_request_spend(request.user, household, full=full),
    }


def _approvals(user):
    """One worklist item per request waiting for this team lead (one query)."""

    today = dates.today()
    items = []
    for spend in selectors.approval_inbox(user)[:100]:
        due = add_working_days(dates.local_day(spend.requested_at), DECISION_WORKING_DAYS)
        items.append(
            WorklistItem(
                kind="goedkeuring",
                label=f"Uitgave van {euro(spend.amount)} goedkeuren of afwijzen",
                url=reverse("budget:spend", args=[spend.pk]),
                household_number=spend.household.number,
                due=due,
                overdue=due < today,
            )
        )
    return items


register_panel(HouseholdPanel("budget", 60, "budget/panels/spends.html", _panel))
register_worklist_source(WorklistSource("budget-approvals", 30, _approvals))
register_nav(NavItem("Goedkeuren", "budget:inbox", 30, frozenset({"teamleider"})))
register_nav(
    NavItem(
        "Budget",
        "budget:overview",
        40,
        frozenset({"regisseur", "teamleider", "programmateam", "analist"}),
    )
)
register_nav(NavItem("Budget verdelen", "budget:allocate", 45, frozenset({"programmateam"})))
register_nav(NavItem("Fonds en bronnen", "budget:funds", 46, frozenset({"programmateam"})))
