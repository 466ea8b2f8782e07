"""Retention (AVG art. 5(1)(e)): anonymise households closed longer than the term.

What goes: names, BSN, exact date of birth (-> 1 July of the birth year, so age bands
still work), the address (-> the municipality only) and every personal free-text field
of every model that reaches the household (``personal.personal_fields``). What stays:
statuses, dates of phases, scores, costs, links between records - the aggregate figures
the programme reports on. The audit trail stays (it holds no personal values).
Idempotent: an anonymised household is never touched again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from maatpact.audit.services import Action, record
from maatpact.common import dates

from .personal import HOUSEHOLD_LABEL, household_links, personal_fields

REDACTED = "[geanonimiseerd]"


def retention_months() -> int:
    return int(settings.MAATPACT.get("RETENTION_MONTHS", 84))


def cutoff_date(today: dt.date | None = None, months: int | None = None) -> dt.date:
    """The last closing date that is past the term (closed on or before it)."""
    today = today or dates.today()
    months = retention_months() if months is None else months
    year, month = divmod(today.month - 1 - months, 12)
    year += today.year
    month += 1
    day = min(today.day, _days_in_month(year, month))
    return dt.date(year, month, day)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def households_due(today: dt.date | None = None, months: int | None = None):
    from maatpact.households.models import Household

    return Household.objects.filter(
        status=Household.Status.AFGESLOTEN,
        closed_on__lte=cutoff_date(today, months),
        anonymised_at__isnull=True,
    ).order_by("pk")


def _blank_value(field: models.Field):
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        if field.blank:
            return ""
        return REDACTED[: field.max_length] if field.max_length else REDACTED
    raise ValueError(f"{field.model._meta.label}.{field.name}: geen anonimiseerregel")


@dataclass
class RetentionResult:
    households: int
    fields: int


@transaction.atomic
def anonymise_household(household, *, actor=None) -> int:
    """Anonymise one household in one transaction; returns the number of fields changed."""
    from maatpact.households.models import Household, Member

    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.anonymised_at is not None:
        return 0
    changed = 0
    # The household itself: address -> municipality only, closure reason redacted.
    Household.objects.filter(pk=household.pk).update(
        street="",
        house_number="",
        postcode="",
        city=household.municipality.name,
        closure_reason=REDACTED,
        anonymised_at=timezone.now(),
    )
    changed += 5
    # Members: no names, no BSN, date of birth -> 1 July of the birth year.
    members = list(Member.objects.filter(household=household).order_by("pk"))
    for index, member in enumerate(members, start=1):
        member.first_name = f"Gezinslid {index}"
        member.last_name = REDACTED
        member.bsn = ""
        member.date_of_birth = dt.date(member.date_of_birth.year, 7, 1)
    Member.objects.bulk_update(members, ["first_name", "last_name", "bsn", "date_of_birth"])
    changed += 4 * len(members)
    # Every other household-related model: its personal free-text fields.
    for link in household_links():
        if link.label in (HOUSEHOLD_LABEL, "households.member"):
            continue
        names = personal_fields(link.model)
        if not names:
            continue
        meta_fields = {f.name: f for f in link.model._meta.concrete_fields}
        updates = {name: _blank_value(meta_fields[name]) for name in names}
        changed += link.filter_for(household).update(**updates) * len(updates)
    record(
        actor,
        Action.ANONYMISE,
        household,
        household_id=household.pk,
        detail=f"bewaartermijn verstreken ({retention_months()} maanden)",
    )
    return changed


def run_retention(
    *, today: dt.date | None = None, months: int | None = None, actor=None
) -> RetentionResult:
    count = 0
    fields = 0
    for household in households_due(today, months).select_related("municipality").iterator():
        fields += anonymise_household(household, actor=actor)
        count += 1
    return RetentionResult(households=count, fields=fields)
