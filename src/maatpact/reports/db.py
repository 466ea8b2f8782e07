"""Small portable SQL helpers for date arithmetic inside aggregates (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Func, IntegerField


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
