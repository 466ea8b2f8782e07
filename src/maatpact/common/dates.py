"""Calendar helpers: working days (deadlines skip weekends) and age bands."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def add_working_days(start: date | datetime, days: int) -> date | datetime:
    """Add ``days`` working days (Mon-Fri); a start in a weekend counts from Monday."""
    current = start
    added = 0
    while added < days:
        current = current + timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(born: date | None, on: date) -> str:
    """Ten-year bands (18-29 and 0-17 split) so exports never carry a date of birth."""
    if born is None:
        return "onbekend"
    age = age_on(born, on)
    if age < 18:
        return "0-17"
    if age < 30:
        return "18-29"
    if age >= 80:
        return "80+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"
