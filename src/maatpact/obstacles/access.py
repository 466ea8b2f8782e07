"""Who may see and work on obstacles, escalations and proposals, declared by the app
that owns them.

An obstacle belongs to a household (or to none: a general obstacle). Who may see it
follows who may see the household (``accounts.policies``); its case content only with
full access to that household. The regional team sees the whole region's register,
pseudonymised, and full case data once an obstacle is escalated to it - a grant this
app registers with ``policies.register_full_access_grant``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household


def visible_obstacles(user: User):
    """Obstacles the user may list or open (full or pseudonymised); others answer 404."""
    from maatpact.obstacles.models import Obstacle

    qs = Obstacle.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.REGISSEUR:
        # A caseload is small: materialising it lets the database start from the
        # household index instead of scanning the register newest-first.
        own = list(policies.full_access_households(user).values_list("pk", flat=True))
        return qs.filter(Q(household_id__in=own) | Q(household__isnull=True, raised_by=user))
    if user.role == Role.TEAMLEIDER:
        return qs.filter(municipality_id=user.municipality_id)
    if user.role == Role.PROGRAMMATEAM:
        return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)
    if user.role == Role.FINANCIER:
        return qs.filter(household__in=policies.full_access_subquery(user))
    return qs.none()


def obstacle_full_q(user: User) -> Q:
    """Obstacles whose case content the user may read: general ones, or full access."""
    return Q(household__isnull=True) | Q(household__in=policies.full_access_subquery(user))


def can_see_obstacle_lists(user: User) -> bool:
    """The register and the escalation worklist: the case-working roles."""
    return user.is_authenticated and user.role in policies.CASE_WORKERS


def can_work_on_obstacle(user: User, obstacle) -> bool:
    """Record a breakthrough or a custom-fit decision: case workers with the full case."""
    if not user.is_authenticated or user.role not in policies.CASE_WORKERS:
        return False
    return visible_obstacles(user).filter(obstacle_full_q(user), pk=obstacle.pk).exists()


def can_raise_obstacle(
    user: User, household: Household | None = None, *, full: bool | None = None
) -> bool:
    if not user.is_authenticated or user.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        return False
    return household is None or policies.has_full_access(user, household, full=full)


def can_escalate(user: User, obstacle) -> bool:
    """The role that handles the current level moves it up (the coordinator from level 1)."""
    if not user.is_authenticated or obstacle.current_level is None:
        return False
    if user.role != obstacle.current_level.handled_by:
        return False
    return visible_obstacles(user).filter(pk=obstacle.pk).exists()


def obstacles_on_my_level(user: User):
    """Open obstacles waiting for the user's role: the escalation worklist."""
    return (
        visible_obstacles(user)
        # An open obstacle on a level inside the system always has a deadline, and
        # recording a breakthrough clears it (same transaction), so "has a deadline" is
        # "open" here - without an anti-join against every breakthrough in the region.
        .filter(current_level__handled_by=user.role, deadline__isnull=False)
        .exclude(current_level__external=True)
    )


def can_manage_proposals(user: User) -> bool:
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_view_proposals(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.TEAMLEIDER)


def can_view_obstacle_analysis(user: User) -> bool:
    return user.is_authenticated and user.role in (
        Role.PROGRAMMATEAM,
        Role.ANALIST,
        Role.TEAMLEIDER,
    )


def analysable_obstacles(user: User):
    """Obstacles counted in the user's aggregates (no case data is ever shown from them)."""
    from maatpact.obstacles.models import Obstacle

    qs = Obstacle.objects.all()
    if not can_view_obstacle_analysis(user):
        return qs.none()
    if user.role == Role.TEAMLEIDER:
        return qs.filter(municipality_id=user.municipality_id)
    return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)


# Lent to ``accounts.policies`` under the same names, for callers that still ask there.
policies.register_rules(
    visible_obstacles,
    obstacle_full_q,
    can_see_obstacle_lists,
    can_work_on_obstacle,
    can_raise_obstacle,
    can_escalate,
    obstacles_on_my_level,
    can_manage_proposals,
    can_view_proposals,
    can_view_obstacle_analysis,
    analysable_obstacles,
)


def _escalated_to_region() -> Q:
    from .selectors import households_escalated_to_region_q

    return households_escalated_to_region_q()


# An obstacle on a level with region_full_access opens the household to the regional team.
policies.register_full_access_grant(Role.PROGRAMMATEAM, _escalated_to_region)
