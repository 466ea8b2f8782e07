"""Plain-Python reference computations of report figures, for the tests only.

Deliberately naive (day by day, ``Fraction``, no SQL and no code from ``maatpact``), so a
test that compares a report figure with these is a second, independent computation.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

DAY = timedelta(days=1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def one_year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 3, 1)
    return date(day.year - 1, day.month, day.day)


def cost(p, first: date, last: date) -> Fraction:
    """Cost of provision ``p`` on the days ``first`` .. ``last`` (both inclusive)."""
    if p.cost_kind == "eenmalig":
        return Fraction(p.amount) if first <= p.starts_on <= last else Fraction(0)
    total = Fraction(0)
    day = max(first, p.starts_on)
    end = last if p.ends_on is None else min(last, p.ends_on)
    while day <= end:
        total += Fraction(p.amount) / days_in_month(day)
        day += DAY
    return total


def months(first: date, last: date) -> Fraction:
    total, day = Fraction(0), first
    while day <= last:
        total += Fraction(1, days_in_month(day))
        day += DAY
    return total


def exact_cent(x: Fraction) -> Decimal:
    """Round an exact fraction half up to the cent without any Decimal precision limit."""
    cents = x * 100
    whole = int(cents + Fraction(1, 2)) if cents >= 0 else -int(-cents + Fraction(1, 2))
    return Decimal(whole) / 100


@dataclass
class CostRow:
    households: int
    before: Decimal
    during: Decimal
    months: Fraction

    @property
    def before_per_household(self) -> Decimal:
        return exact_cent(Fraction(self.before) / self.households)

    @property
    def during_per_year(self) -> Decimal | None:
        return exact_cent(Fraction(self.during) * 12 / self.months) if self.months else None


def system_cost(households, provisions, date_from: date, last: date, financier=None):
    """``{financier_id: CostRow, "total": CostRow}`` as docs/reports.md defines them.

    ``households``: objects with started_on, closed_on, registered_on (already limited to
    the scope); ``provisions``: objects with household_id, financier_id and cost fields.
    """
    by_household = defaultdict(list)
    for p in provisions:
        if financier is None or p.financier_id == financier:
            by_household[p.household_id].append(p)
    rows: dict = {}
    total = CostRow(0, Decimal(0), Decimal(0), Fraction(0))
    for h in households:
        if h.registered_on > last or (h.closed_on and h.closed_on < date_from):
            continue
        if h.started_on is None or h.started_on > last:
            continue
        entry = h.started_on
        d_first = max(entry, date_from)
        d_last = min(h.closed_on, last) if h.closed_on else last
        m = months(d_first, d_last)
        total.households += 1
        total.months += m
        per_fin = defaultdict(lambda: [Fraction(0), Fraction(0)])
        for p in by_household[h.pk]:
            per_fin[p.financier_id][0] += cost(p, one_year_earlier(entry), entry - DAY)
            per_fin[p.financier_id][1] += cost(p, d_first, d_last)
        for fid, (before, during) in per_fin.items():
            if not (before or during):
                continue
            row = rows.setdefault(fid, CostRow(0, Decimal(0), Decimal(0), Fraction(0)))
            row.households += 1
            row.before += exact_cent(before)
            row.during += exact_cent(during)
            row.months += m
            total.before += exact_cent(before)
            total.during += exact_cent(during)
    rows["total"] = total
    return rows
