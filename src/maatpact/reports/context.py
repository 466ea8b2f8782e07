"""What a report is computed for: who reads it, which households, which period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from maatpact.accounts import policies
from maatpact.common.sql import ids_sql

if TYPE_CHECKING:
    from maatpact.accounts.models import User
    from maatpact.regions.models import Municipality


@dataclass
class ReportContext:
    user: User | None
    audience: str
    date_from: date
    date_to: date
    households: QuerySet  # the households in scope (region or one municipality)
    municipalities: QuerySet  # the municipalities in scope
    municipality: Municipality | None = None
    organisation_id: int | None = None  # set for a financier: only its own part
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.audience == "regio"

    @property
    def scope_label(self) -> str:
        return self.municipality.name if self.municipality else "de regio"

    def household_ids_sql(self) -> tuple[str, tuple]:
        """SQL (with params) selecting the ids of the households in scope, for raw SQL."""
        return ids_sql(self.households)


def build_context(
    user: User, date_from: date, date_to: date, municipality: Municipality | None = None
) -> ReportContext:
    """The context for a user; raises ``PermissionError`` when the user gets no report."""
    audience = policies.report_audience(user)
    if audience is None:
        raise PermissionError("Geen rapportage voor deze rol.")
    if municipality is not None and not (
        policies.report_municipalities(user).filter(pk=municipality.pk).exists()
    ):
        raise PermissionError("Deze gemeente valt buiten uw bereik.")
    if audience == "gemeente" and municipality is None:
        municipality = user.municipality
    return ReportContext(
        user=user,
        audience=audience,
        date_from=date_from,
        date_to=date_to,
        households=policies.report_households(
            user, municipality.pk if municipality is not None else None
        ),
        municipalities=(
            policies.report_municipalities(user).filter(pk=municipality.pk)
            if municipality is not None
            else policies.report_municipalities(user)
        ),
        municipality=municipality,
        organisation_id=user.organisation_id if audience == "financier" else None,
    )
