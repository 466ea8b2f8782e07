"""Moments at which "today" is easy to get wrong, for tests that freeze the clock.

Each moment is given in Amsterdam time with the local calendar day it falls on, written
down by hand (not computed by the code under test). Around midnight the UTC day is the
day before; at 23:30 "now minus N × 24 hours" lands on another local day when a clock
change lies in between; on the two change days an hour is missing or doubled.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

AMS = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Boundary:
    name: str
    moment: datetime  # aware, Amsterdam
    day: date  # the local calendar day of the moment

    def __str__(self) -> str:
        return self.name


BOUNDARIES = [
    # Winter, 23:30: 100 × 24 h earlier is 00:30 the next summer day.
    Boundary("winter-2330", datetime(2026, 11, 20, 23, 30, tzinfo=AMS), date(2026, 11, 20)),
    # Summer, 23:30.
    Boundary("summer-2330", datetime(2026, 7, 15, 23, 30, tzinfo=AMS), date(2026, 7, 15)),
    # Midnight on a Monday in winter: in UTC still Sunday 23:00.
    Boundary("winter-midnight", datetime(2026, 11, 23, 0, 0, tzinfo=AMS), date(2026, 11, 23)),
    # 00:30 on a Monday in summer: in UTC still Sunday 22:30.
    Boundary("summer-0030", datetime(2026, 6, 1, 0, 30, tzinfo=AMS), date(2026, 6, 1)),
    # Spring change (29 March 2026, 02:00 -> 03:00): before, after, and late that day.
    Boundary("spring-0030", datetime(2026, 3, 29, 0, 30, tzinfo=AMS), date(2026, 3, 29)),
    Boundary("spring-0330", datetime(2026, 3, 29, 3, 30, tzinfo=AMS), date(2026, 3, 29)),
    Boundary("spring-2330", datetime(2026, 3, 29, 23, 30, tzinfo=AMS), date(2026, 3, 29)),
    # Autumn change (25 October 2026, 03:00 -> 02:00): the first and the second 02:30.
    Boundary("autumn-0230a", datetime(2026, 10, 25, 2, 30, tzinfo=AMS), date(2026, 10, 25)),
    Boundary("autumn-0230b", datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=AMS), date(2026, 10, 25)),
    Boundary("autumn-2330", datetime(2026, 10, 25, 23, 30, tzinfo=AMS), date(2026, 10, 25)),
]


@contextmanager
def frozen(moment: datetime):
    """The clock stands still at ``moment`` (Python's clock: ``timezone.now()``)."""
    with time_machine.travel(moment, tick=False):
        yield
