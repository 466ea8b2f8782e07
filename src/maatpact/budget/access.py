"""Who may see and act on the rule-free budget, declared by the app that owns it.

Coordinators: spends of the households they coordinate now. Team leads: their
municipality. The regional team: the whole region, pseudonymised (household numbers
only). Analysts: aggregated figures only. Financiers and administrators: nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household


def visible_spends(user: User) -> QuerySet:
    """Spends the user may see one by one; everything else answers 404."""
    from maatpact.budget.models import Spend

    qs = Spend.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.REGISSEUR:
        return qs.filter(household__in=policies.full_access_households(user))
    if user.role == Role.TEAMLEIDER:
        return qs.filter(allocation__municipality_id=user.municipality_id)
    if user.role == Role.PROGRAMMATEAM:
        if user.region_id is None:
            return qs
        return qs.filter(allocation__municipality__region_id=user.region_id)
    return qs.none()


def can_request_spend(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Only the household's own coordinator spends on it."""
    return (
        user.is_authenticated
        and user.role == Role.REGISSEUR
        and policies.has_full_access(user, household, full=full)
    )


def can_decide_spend(user: User, spend) -> bool:
    """A team lead of the spend's municipality who did not request it (four eyes)."""
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and user.municipality_id == spend.allocation.municipality_id
        and user.pk != spend.requested_by_id
    )


def can_mark_spend_paid(user: User, spend) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEIDER
        and (user.municipality_id == spend.allocation.municipality_id)
    )


def can_reverse_spend(user: User, spend) -> bool:
    """Corrections: a team lead of the municipality or the regional team."""
    if not user.is_authenticated:
        return False
    if user.role == Role.TEAMLEIDER:
        return user.municipality_id == spend.allocation.municipality_id
    return user.role == Role.PROGRAMMATEAM


def can_decide_spends(user: User) -> bool:
    """The approval inbox: team leads (four eyes on requests above the threshold)."""
    return user.is_authenticated and user.role == Role.TEAMLEIDER


def can_manage_budget(user: User) -> bool:
    """Allocating the fund and transferring between municipalities: the regional team."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def budget_overview_scope(user: User) -> QuerySet | None:
    """Municipalities whose budget figures the user may see; ``None`` means no access."""
    from maatpact.regions.models import Municipality

    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in (Role.REGISSEUR, Role.TEAMLEIDER):
        return Municipality.objects.filter(pk=user.municipality_id)
    if user.role in (Role.PROGRAMMATEAM, Role.ANALIST):
        qs = Municipality.objects.all()
        return qs if user.region_id is None else qs.filter(region_id=user.region_id)
    return None


def can_see_budget_per_household(user: User) -> bool:
    """Figures per household (numbers only): team leads and the regional team, not analysts."""
    return user.is_authenticated and user.role in (Role.TEAMLEIDER, Role.PROGRAMMATEAM)


# Lent to ``accounts.policies`` under the same names, for callers that still ask there.
policies.register_rules(
    visible_spends,
    can_request_spend,
    can_decide_spend,
    can_mark_spend_paid,
    can_reverse_spend,
    can_decide_spends,
    can_manage_budget,
    budget_overview_scope,
    can_see_budget_per_household,
)
