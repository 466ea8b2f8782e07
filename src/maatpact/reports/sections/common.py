"""Helpers shared by the sections: the period population and cell constructors."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maatpact.reports.context import ReportContext
from maatpact.reports.registry import Cell


def in_period(ctx: ReportContext) -> QuerySet:
    """Households in the programme during the period: registered by its end, not closed
    before its start."""
    return ctx.households.filter(registered_on__lte=ctx.date_to).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=ctx.date_from)
    )


def count(n: int) -> Cell:
    return Cell(n, households=n, additive=True)


def value(v, households: int) -> Cell:
    return Cell(v, households=households)


def label(text: str) -> Cell:
    return Cell(text)


PERIOD_TEXT = (
    "huishoudens in het programma in de periode: aangemeld uiterlijk op de einddatum en "
    "niet afgesloten vóór de begindatum"
)
