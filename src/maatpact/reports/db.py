"""Small portable SQL helpers for date arithmetic inside aggregates (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, Func, IntegerField


@contextmanager
def report_session() -> Iterator[None]:
    """Planner settings for the report's aggregates, for this transaction only.

    PostgreSQL compiles a query with JIT when its estimated cost is high, and for these
    sub-second aggregates the compiling costs more than it saves (1.2 s of 5.9 s for the
    former ZRM query at 20,000 households, EXPLAIN ANALYZE). A larger ``work_mem`` lets
    the GROUP BY sorts stay in memory instead of spilling to disk (4 MB default).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end - start``), computed in the database."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(_f(end), _f(start), **extra)

    def as_sql(self, compiler, conn, **extra):
        return super().as_sql(compiler, conn, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, conn, **extra):
        return super().as_sql(
            compiler,
            conn,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def _f(value):
    return F(value) if isinstance(value, str) else value


def days_sql(end: str, start: str) -> str:
    """The same in raw SQL, for the hand-written aggregates."""
    if connection.vendor == "sqlite":
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
    return f"({end} - {start})"


def add_days_sql(expr: str, days: int) -> str:
    if connection.vendor == "sqlite":
        return f"date({expr}, '{days:+d} days')"
    return f"({expr} + {days:d})"


def least_sql(*exprs: str) -> str:
    name = "MIN" if connection.vendor == "sqlite" else "LEAST"
    return f"{name}({', '.join(exprs)})"


def greatest_sql(*exprs: str) -> str:
    name = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    return f"{name}({', '.join(exprs)})"


def month_position_sql(expr: str) -> str:
    """``provisions.costing.month_position`` in SQL: the start of day ``expr`` in month
    units (an integer), so costs and household-months sum exactly in the database.

    For a statement executed *with* parameters (``%`` is written ``%%``)."""
    units = 377_580  # provisions.costing.UNITS_PER_MONTH
    if connection.vendor == "sqlite":
        year = f"CAST(strftime('%%Y', {expr}) AS INTEGER)"
        month = f"CAST(strftime('%%m', {expr}) AS INTEGER)"
        day = f"CAST(strftime('%%d', {expr}) AS INTEGER)"
        days_in_month = (
            f"CAST(strftime('%%d', {expr}, 'start of month', '+1 month', '-1 day') AS INTEGER)"
        )
    else:
        year = f"EXTRACT(YEAR FROM {expr})::bigint"
        month = f"EXTRACT(MONTH FROM {expr})::bigint"
        day = f"EXTRACT(DAY FROM {expr})::bigint"
        days_in_month = (
            f"EXTRACT(DAY FROM date_trunc('month', {expr}) + interval '1 month' "
            "- interval '1 day')::bigint"
        )
    return f"(({year} * 12 + {month}) * {units} + ({day} - 1) * ({units} / {days_in_month}))"


def year_back_sql(expr: str) -> str:
    """``provisions.costing.year_back``: the same date a year earlier, 1 March for 29 Feb."""
    if connection.vendor == "sqlite":
        return f"date({expr}, '-1 year')"  # SQLite already turns 29 Feb into 1 March
    return (
        f"(({expr} - interval '1 year')::date + CASE WHEN EXTRACT(MONTH FROM {expr}) = 2 "
        f"AND EXTRACT(DAY FROM {expr}) = 29 THEN 1 ELSE 0 END)"
    )


def cents_sql(expr: str) -> str:
    """A money column (two decimals) as whole cents."""
    if connection.vendor == "sqlite":
        return f"CAST(ROUND({expr} * 100) AS INTEGER)"
    return f"({expr} * 100)::bigint"


def int_div_sql(numerator: str, denominator: str) -> str:
    """Integer division of non-negative whole numbers (truncating)."""
    if connection.vendor == "sqlite":
        return f"(({numerator}) / ({denominator}))"
    return f"div({numerator}, {denominator})"
