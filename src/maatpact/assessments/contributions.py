"""What the assessments app contributes to the household page and the worklist."""

from __future__ import annotations

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.registry import (
    HouseholdPanel,
    WorklistSource,
    register_panel,
    register_worklist_source,
)
from maatpact.households.selectors import household_members

from . import selectors


def _panel(request, household, full):
    """Latest profile and trajectory per subject; four queries whatever the history."""
    today = dates.today()
    members = household_members(household)
    can_assess = full and policies.can_work_on_case(request.user, household, full=full)
    return {
        "full": full,
        "trajectories": selectors.trajectories(
            selectors.household_assessments(household), full=full, members=members
        ),
        "can_assess": can_assess,
        "adults": [m for m in members if _adult(m, today)] if can_assess else [],
    }


def _adult(member, today) -> bool:
    from maatpact.common.dates import age_on

    return age_on(member.date_of_birth, today) >= 18


def _worklist(user):
    return selectors.reassessment_due(user, dates.today())


# Scores are measurements without identifying data: shown pseudonymised too.
register_panel(
    HouseholdPanel("assessments", 30, "assessments/panels/assessments.html", _panel, personal=False)
)
register_worklist_source(WorklistSource("reassessments", 20, _worklist))
