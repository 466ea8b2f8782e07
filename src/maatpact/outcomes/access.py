"""Who may see and act on events, outcomes and SIB contracts, declared by the app that
owns them (household scope from ``accounts.policies``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household


def can_record_events(user: User, household: Household, *, full: bool | None = None) -> bool:
    """Events (eviction, placement, job...) are case facts: full access and a case role."""
    return (
        user.is_authenticated
        and user.role in (Role.REGISSEUR, Role.TEAMLEIDER, Role.PROGRAMMATEAM)
        and policies.has_full_access(user, household, full=full)
    )


def can_view_outcome_list(user: User) -> bool:
    """The regional list of achieved outcomes (pseudonymised: numbers and facts only)."""
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.ANALIST)


def outcome_households(user: User) -> QuerySet[Household]:
    """Households whose achieved outcomes (pseudonymised facts) the user may list: the
    regional team and analysts, within their region."""
    if not can_view_outcome_list(user):
        return policies.all_households().none()
    qs = policies.all_households()
    return qs if user.region_id is None else qs.filter(municipality__region_id=user.region_id)


def can_verify_outcomes(user: User) -> bool:
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def can_manage_contracts(user: User) -> bool:
    """Payment periods, rate card and caps are set by the regional team."""
    return user.is_authenticated and user.role == Role.PROGRAMMATEAM


def visible_contracts(user: User) -> QuerySet:
    """The regional team sees every contract; a financier only those its organisation is
    a payer of or invests in; everyone else none."""
    from maatpact.outcomes.models import Contract

    qs = Contract.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.PROGRAMMATEAM:
        return qs
    if user.role == Role.FINANCIER and user.organisation_id:
        return qs.filter(
            Q(payers__organisation_id=user.organisation_id)
            | Q(investments__investor_id=user.organisation_id)
        ).distinct()
    return qs.none()


def can_view_contracts(user: User) -> bool:
    """The contract list: the regional team, and financiers (their own contracts)."""
    return user.is_authenticated and user.role in (Role.PROGRAMMATEAM, Role.FINANCIER)


def statement_organisations(user: User, organisation_ids: set[int]) -> set[int]:
    """Of a contract's payers and investors, those whose statement the user may read."""
    if not user.is_authenticated:
        return set()
    if user.role == Role.PROGRAMMATEAM:
        return set(organisation_ids)
    if user.role == Role.FINANCIER and user.organisation_id in organisation_ids:
        return {user.organisation_id}
    return set()


def can_view_savings(user: User) -> bool:
    """Aggregated cost and savings: regional team, analysts and financiers."""
    return user.is_authenticated and user.role in (
        Role.PROGRAMMATEAM,
        Role.ANALIST,
        Role.FINANCIER,
    )


# Lent to ``accounts.policies`` under the same names, for callers that still ask there.
policies.register_rules(
    can_record_events,
    can_view_outcome_list,
    outcome_households,
    can_verify_outcomes,
    can_manage_contracts,
    visible_contracts,
    can_view_contracts,
    statement_organisations,
    can_view_savings,
)
