"""Which version of the reports, dashboards and exports a user gets, declared by the app
that owns them. Aggregates only; households are counted through ``report_households``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from maatpact.accounts import policies
from maatpact.accounts.models import Role

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.households.models import Household

_REPORT_AUDIENCE = {
    Role.PROGRAMMATEAM: "regio",
    Role.ANALIST: "analist",
    Role.TEAMLEIDER: "gemeente",
    Role.FINANCIER: "financier",
}


def report_audience(user: User) -> str | None:
    """Which version of the interim report the user gets; ``None``: no report at all.

    The regional team sees exact figures; team leads (own municipality), analysts and
    financiers (their own part) see figures with small cells suppressed.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    return _REPORT_AUDIENCE.get(user.role)


def report_exact(user: User) -> bool:
    return report_audience(user) == "regio"


def report_municipalities(user: User) -> QuerySet:
    """Municipalities the user may choose in the report (and see aggregates of)."""
    from maatpact.regions.models import Municipality

    audience = report_audience(user)
    qs = Municipality.objects.all()
    if audience is None:
        return qs.none()
    if audience == "gemeente":
        return qs.filter(pk=user.municipality_id)
    if user.region_id is not None:
        return qs.filter(region_id=user.region_id)
    return qs


def report_households(user: User, municipality_id: int | None = None) -> QuerySet[Household]:
    """Households whose data may enter the user's aggregates (never shown one by one)."""
    allowed = report_municipalities(user)
    qs = policies.all_households().filter(municipality__in=allowed)
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs


def can_export(user: User) -> bool:
    """Pseudonymised exports: analysts and the regional team only."""
    return (
        user.is_authenticated and user.is_active and user.role in (Role.ANALIST, Role.PROGRAMMATEAM)
    )


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role != Role.BEHEERDER


# Lent to ``accounts.policies`` under the same names, for callers that still ask there.
policies.register_rules(
    report_audience,
    report_exact,
    report_municipalities,
    report_households,
    can_export,
    can_view_dashboard,
)
