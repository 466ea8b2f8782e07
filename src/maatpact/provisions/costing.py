"""The one costing rule for provisions, exact to a fraction of a cent.

Every figure that costs provisions (the household page, the system-cost API, the interim
report, the budget scenarios and the savings estimate) follows these rules:

* A provision runs from ``starts_on`` up to and including ``ends_on`` (its last day is
  costed); an open end runs on.
* A monthly amount is spread evenly over the days of each calendar month: a day of a
  month with ``n`` days costs ``amount / n``, so a full month costs the monthly amount.
* A one-off amount counts in full on its start date.
* Time in the programme is measured the same way, in *household-months*: a day of a month
  with ``n`` days is ``1/n`` month, and a household-year is 12 household-months. A
  provision of €100 a month that runs the whole time therefore costs €1,200 per
  household-year, in leap years and in partial months alike.

To make that exact, dates are mapped to a *month position* counted in units of
``1/UNITS_PER_MONTH`` month, where ``UNITS_PER_MONTH`` = 377,580 is the least common
multiple of 28, 29, 30 and 31: one day is a whole number of units in every month. Money
is then an integer number of cent-units and sums are exact integers, in Python and in SQL
alike (``reports.db.month_position_sql`` is the same function in the database). Amounts
are rounded only at the end, half up, to whole cents (:func:`cents`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

# lcm(28, 29, 30, 31): one day is a whole number of units in every calendar month.
UNITS_PER_MONTH = 377_580
_UNITS_PER_DAY = {n: UNITS_PER_MONTH // n for n in (28, 29, 30, 31)}
ONE_DAY = timedelta(days=1)


def month_position(day: date) -> int:
    """The start of ``day`` in month units since year 0: whole months plus the days before
    it, each worth ``1/days-in-its-month``."""
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (day.year * 12 + day.month) * UNITS_PER_MONTH + (day.day - 1) * _UNITS_PER_DAY[
        days_in_month
    ]


def month_units(first: date, stop: date) -> int:
    """Length of the half-open span ``[first, stop)`` in month units (0 when empty)."""
    if stop <= first:
        return 0
    return month_position(stop) - month_position(first)


def months(first: date, stop: date) -> Fraction:
    """The same in (fractional) months: ``[1 Jan, 1 Jul)`` is exactly 6."""
    return Fraction(month_units(first, stop), UNITS_PER_MONTH)


def end_exclusive(ends_on: date | None, stop: date) -> date:
    """The day after a provision's last day, limited to ``stop`` (open end: ``stop``)."""
    return stop if ends_on is None else min(stop, ends_on + ONE_DAY)


def cent_units(amount: Decimal) -> int:
    """An amount in euros (two decimals) as whole cents."""
    return int((amount * 100).to_integral_value())


def provision_units(
    cost_kind: str, amount: Decimal, starts_on: date, ends_on: date | None, start: date, end: date
) -> int:
    """Exact cost of one provision within ``[start, end)``, in cent-units
    (cents × ``UNITS_PER_MONTH``)."""
    if cost_kind == "eenmalig":
        return cent_units(amount) * UNITS_PER_MONTH if start <= starts_on < end else 0
    first = max(start, starts_on)
    return cent_units(amount) * month_units(first, end_exclusive(ends_on, end))


def cents(units: int | Fraction) -> int:
    """Cent-units (or any exact number of them) rounded half up to whole cents."""
    value = Fraction(units) / UNITS_PER_MONTH
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))


def euros(cent_count: int) -> Decimal:
    return (Decimal(cent_count) / 100).quantize(Decimal("0.01"))


def to_euros(units: int | Fraction) -> Decimal:
    """Cent-units rounded half up to euros with two decimals."""
    return euros(cents(units))


def per_year(amount: Decimal, span_units: int) -> Decimal | None:
    """A rounded amount over a span of ``span_units`` month units, scaled to 12 months and
    rounded half up to the cent; ``None`` for an empty span."""
    if span_units <= 0:
        return None
    return to_euros(Fraction(cent_units(amount) * 12 * UNITS_PER_MONTH**2, span_units))


def year_back(day: date) -> date:
    """The same calendar date a year earlier; 1 March for 29 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return date(day.year - 1, 3, 1)


def year_on(day: date) -> date:
    """The same calendar date a year later; 1 March for 29 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)
