"""The local calendar day: one helper turns a moment into a day, in Europe/Amsterdam,
at every hour of the year (the clock frozen at the hours where that is easy to get wrong)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings
from django.utils import timezone

from maatpact.common import dates
from tests.clock import AMS, BOUNDARIES

SRC = Path(__file__).resolve().parents[2] / "src" / "maatpact"


def test_today_is_the_local_day_at_every_boundary(boundary):
    assert dates.today() == boundary.day
    assert dates.local_day(timezone.now()) == boundary.day
    assert dates.local_day() == boundary.day


def test_n_days_ago_counts_calendar_days_not_hours(boundary):
    assert dates.days_ago(100) == boundary.day - timedelta(days=100)
    assert dates.days_ago(0) == boundary.day
    assert dates.days_ago(1, on=date(2026, 3, 1)) == date(2026, 2, 28)


def test_now_minus_24_hour_days_is_not_a_day():
    """Why "N days ago" must be a local day: 100 × 24 h before a winter evening at 23:30
    is the summer morning after the day 100 days before."""
    moment = datetime(2026, 11, 20, 23, 30, tzinfo=AMS).astimezone(UTC)  # like timezone.now()
    assert dates.local_day(moment - timedelta(days=100)) == date(2026, 8, 13)
    assert dates.days_ago(100, on=dates.local_day(moment)) == date(2026, 8, 12)


@pytest.mark.parametrize("b", BOUNDARIES, ids=str)
def test_the_day_of_a_moment_whatever_zone_it_is_written_in(b):
    assert dates.local_day(b.moment) == b.day
    assert dates.local_day(b.moment.astimezone(UTC)) == b.day
    # Also when another time zone happens to be active.
    with timezone.override("America/New_York"):
        assert dates.local_day(b.moment) == b.day


def test_local_midnight_on_the_change_days():
    assert dates.start_of_day(date(2026, 3, 29)) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert dates.start_of_day(date(2026, 3, 30)) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert dates.start_of_day(date(2026, 10, 25)) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert dates.start_of_day(date(2026, 10, 26)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)

    # The spring day has 23 hours, the autumn day 25 (counted in UTC: Python subtracts
    # two moments of one zone by their wall clocks).
    def hours(day):
        return dates.start_of_day(day + timedelta(days=1)).astimezone(UTC) - dates.start_of_day(
            day
        ).astimezone(UTC)

    spring, autumn = hours(date(2026, 3, 29)), hours(date(2026, 10, 25))
    assert spring == timedelta(hours=23)
    assert autumn == timedelta(hours=25)
    assert dates.local_moment(date(2026, 10, 25)) == datetime(2026, 10, 25, 11, 0, tzinfo=UTC)
    assert dates.local_day(dates.local_moment(date(2026, 3, 29), time(23, 59))) == date(2026, 3, 29)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        dates.local_day(datetime(2026, 1, 1, 12, 0))


def test_the_settings_keep_the_database_on_the_same_local_day():
    assert dates.LOCAL_TZ.key == "Europe/Amsterdam"
    assert not [e for e in checks.run_checks() if e.id and e.id.startswith("maatpact.E00")]
    with override_settings(TIME_ZONE="UTC"):
        assert "maatpact.E002" in {e.id for e in checks.run_checks()}


# Ways of turning a moment into a day (or of moving the zone) that bypass the helper.
FORBIDDEN = {
    r"\bdate\.today\(\)": "date.today() is the server's zone",
    r"datetime\.now\(": "datetime.now() is the server's zone",
    r"timezone\.localdate\(": "follows the active zone: use dates.local_day",
    r"timezone\.localtime\(": "follows the active zone: use dates.local_day",
    r"timezone\.(activate|override)\(": "the code never changes the active zone",
    r"\.astimezone\((?!UTC\))": "use dates.local_day (only UTC for hashes)",
    r"\b(raised_at|created_at|decided_at|at|requested_at|verified_at)\.date\(\)": "a moment",
    r"\bTrunc(Date|Month|Year|Week)\((?![^)]*tzinfo=)": "pass tzinfo=dates.LOCAL_TZ",
}


def test_no_code_turns_a_moment_into_a_day_by_itself():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path.name == "dates.py":
            continue
        if path.relative_to(SRC).as_posix() == "reports/check.py":
            continue  # the report's second, independent computation: it must not share dates
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, line):
                    found.append(f"{path.relative_to(SRC)}:{number}: {why}: {line.strip()}")
    assert found == []
