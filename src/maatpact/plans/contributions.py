"""What the plans app contributes to the household page and the worklist."""

from __future__ import annotations

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.registry import (
    HouseholdPanel,
    WorklistSource,
    register_panel,
    register_worklist_source,
)

from . import selectors


def _panel(request, household, full):
    return {
        "plan": selectors.plan_for(household),
        "can_edit": policies.can_work_on_case(request.user, household, full=full),
    }


def _worklist(user):
    return selectors.actions_due(user, dates.today())


register_panel(HouseholdPanel("plan", 20, "plans/panels/plan.html", _panel))
register_worklist_source(WorklistSource("plan_actions", 10, _worklist))
