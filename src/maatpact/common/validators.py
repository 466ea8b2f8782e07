"""Plausibility checks on dates typed by people (far past or future is a typo or an attack)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from maatpact.common import dates

EARLIEST_BIRTH_YEAR = 1900
EARLIEST_CASE_DATE = dt.date(2000, 1, 1)
MAX_DAYS_AHEAD = 366


def validate_birth_date(value: dt.date) -> None:
    if value > dates.today():
        raise ValidationError("Een geboortedatum kan niet in de toekomst liggen.")
    if value.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            f"Een geboortedatum vóór {EARLIEST_BIRTH_YEAR} is niet aannemelijk; "
            "controleer het jaartal."
        )


def validate_case_date(value: dt.date) -> None:
    """Dates of case events: from 2000 up to a year ahead."""
    latest = dates.today() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if value < EARLIEST_CASE_DATE or value > latest:
        raise ValidationError(
            f"Deze datum ligt te ver in het verleden of de toekomst (tussen "
            f"{EARLIEST_CASE_DATE:%d-%m-%Y} en {latest:%d-%m-%Y})."
        )


def plausible_case_date(value: dt.date) -> bool:
    try:
        validate_case_date(value)
    except ValidationError:
        return False
    return True


def validate_case_date_for(value: dt.date, field: str) -> None:
    """``validate_case_date`` with the error on ``field`` (for services)."""
    if not plausible_case_date(value):
        raise ValidationError(
            {field: "Deze datum ligt te ver in het verleden of de toekomst; controleer het jaar."}
        )
