"""Who may do what with the programme, declared in one place for this app.

The programme's structure (phases, cohorts, the closing decisions) is programme data,
no household data: the programme team manages it; team leads, the regional team and
analysts read it. A screening is household data: it follows the household's own rules
(``accounts.policies``), and only a team lead of the household's municipality may select
a household that does not meet the criteria.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household

READERS = frozenset({Role.PROGRAMMATEAM, Role.TEAMLEIDER, Role.ANALIST, Role.BEHEERDER})


def can_view_programme(user: User) -> bool:
    return user.is_authenticated and user.role in READERS


def can_manage_programme(user: User) -> bool:
    """Phases, their criteria and closing decisions, and cohorts."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_screen(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Whoever may change the household's status may screen it (coordinator, team lead)."""
    return policies.can_change_status(user, household, full=full)


def can_override_selection(user: User, household: Household) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and user.municipality_id == household.municipality_id
    )
