"""Calendar helpers: the local calendar day, working days (deadlines skip weekends) and
age bands.

A moment (an aware datetime, stored in UTC) becomes a day only here, always in
Europe/Amsterdam, whatever time zone happens to be active: "today", "100 days ago",
a deadline, a report period and the date a spend counts in the savings estimate are all
local days. A moment at 23:30 local time on a summer evening is 21:30 UTC, and the
moment exactly 100 × 24 hours before a winter evening at 23:30 is already the next
summer day, so neither ``moment.date()`` nor "now minus N days" is a day.

The database converts too (``__date`` lookups, ``TruncDate``) with the active time zone;
``LOCAL_TZ`` is ``settings.TIME_ZONE`` (a system check keeps them equal) and the code
never activates another one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ_NAME = "Europe/Amsterdam"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def local_day(moment: datetime | None = None) -> date:
    """The calendar day in Europe/Amsterdam of ``moment`` (aware), or of now."""
    moment = timezone.now() if moment is None else moment
    if timezone.is_naive(moment):
        raise ValueError("local_day needs an aware datetime (USE_TZ is on).")
    return moment.astimezone(LOCAL_TZ).date()


def today() -> date:
    """Today in Europe/Amsterdam."""
    return local_day()


def days_ago(days: int, on: date | None = None) -> date:
    """The local day ``days`` calendar days before ``on`` (today by default)."""
    return (on or today()) - timedelta(days=days)


def local_moment(day: date, at: time = time(12)) -> datetime:
    """The aware moment at local clock time ``at`` on ``day`` (noon by default, which
    exists on every day, also on the days the clocks change)."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def start_of_day(day: date) -> datetime:
    """Local midnight at the start of ``day``: the lower bound of the day's moments."""
    return local_moment(day, time(0))


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
