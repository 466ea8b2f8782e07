"""System cost before and during the programme, per financier (provisions.Provision).

The costing rule is ``provisions.costing`` (docs/reports.md), computed here in the
database with the same integer month units, so the report equals the sum of the household
pages to the cent:

* population: households in the period (``in_period``) with a start date on or before
  the last day (the end of the period, or today while it runs);
* before = the 12 months before entry (``costing.year_back(entry)`` up to the day before);
* during = from entry (or the start of the period) up to and including the closing date
  (or the last day);
* each household's cost per financier and window is rounded half up to the cent; every
  total is the sum of those rounded amounts;
* a financier's households are those with a cost of that financier before or during;
  before per household per year = before total ÷ those households; during per household
  per year = during total × 12 ÷ their household-months in the window.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

from django.db import connection

from maatpact.common import dates, versions
from maatpact.common.sql import ids_sql
from maatpact.provisions import costing
from maatpact.regions.models import Organisation
from maatpact.reports.context import ReportContext
from maatpact.reports.registry import (
    Chart,
    Figure,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    register_report_section,
)

from ..db import (
    add_days_sql,
    cents_sql,
    greatest_sql,
    int_div_sql,
    least_sql,
    month_position_sql,
    year_back_sql,
)
from .common import PERIOD_TEXT, in_period, label, value

UNITS = costing.UNITS_PER_MONTH


def last_day(ctx: ReportContext) -> date:
    """The last day costed: the end of the period, or today while the period runs."""
    return min(ctx.date_to, dates.today())


def _base_sql(scope: str) -> str:
    """One row per household of the cost population with its two windows (half-open)."""
    first = greatest_sql("h.started_on", "%(from)s")
    stop = add_days_sql(least_sql("COALESCE(h.closed_on, %(last)s)", "%(last)s"), 1)
    return f"""
SELECT h.id AS hid, h.started_on AS entry, {year_back_sql("h.started_on")} AS b0,
       {first} AS d0, {greatest_sql(first, stop)} AS d1
FROM households_household h
WHERE h.started_on IS NOT NULL AND h.started_on <= %(last)s AND h.id IN ({scope})
"""  # noqa: S608


def _units_sql(lo: str, hi: str) -> str:
    """Cent-units of provision ``p`` inside ``[lo, hi)`` (``lo``/``hi`` are columns)."""
    start = greatest_sql(lo, "p.starts_on")
    stop = least_sql(hi, f"COALESCE({add_days_sql('p.ends_on', 1)}, {hi})")
    cents = cents_sql("p.amount")
    return (
        "CASE WHEN p.cost_kind = 'eenmalig' THEN "
        f"CASE WHEN p.starts_on >= {lo} AND p.starts_on < {hi} THEN {cents} * {UNITS} ELSE 0 END "
        f"WHEN {stop} > {start} THEN {cents} * "
        f"({month_position_sql(stop)} - {month_position_sql(start)}) ELSE 0 END"
    )


def cost_sql(scope: str, organisation: bool) -> str:
    """Per financier: its households, Σ rounded before, Σ rounded during (cents), Σ
    household-months of those households in the window (month units)."""
    org_filter = " AND p.financier_id = %(org)s" if organisation else ""
    half = UNITS // 2
    months = f"{month_position_sql('b.d1')} - {month_position_sql('b.d0')}"
    return f"""
WITH b AS ({_base_sql(scope)}),
c AS (
    SELECT b.hid, p.financier_id AS fid,
           SUM({_units_sql("b.b0", "b.entry")}) AS before_u,
           SUM({_units_sql("b.d0", "b.d1")}) AS during_u
    FROM b JOIN provisions_provision p ON p.household_id = b.hid
    WHERE p.starts_on < b.d1 AND (p.ends_on IS NULL OR p.ends_on >= b.b0){org_filter}
    GROUP BY b.hid, p.financier_id
)
SELECT c.fid, COUNT(*),
       SUM({int_div_sql(f"c.before_u + {half}", str(UNITS))}),
       SUM({int_div_sql(f"c.during_u + {half}", str(UNITS))}),
       SUM({months})
FROM c JOIN b ON b.hid = c.hid
WHERE c.before_u + c.during_u > 0
GROUP BY c.fid
"""  # noqa: S608


def population_sql(scope: str) -> str:
    months = f"{month_position_sql('b.d1')} - {month_position_sql('b.d0')}"
    return f"""
WITH b AS ({_base_sql(scope)})
SELECT COUNT(*), SUM({months}) FROM b
"""  # noqa: S608


def _named(sql: str, scope_params: tuple, extra: dict) -> tuple[str, list]:
    """Turn the %(name)s placeholders plus the scope's positional %s into one param list."""
    params: list = []
    parts = re.split(r"(%\(\w+\)s|%s)", sql)
    scope_iter = iter(scope_params)
    out = []
    for part in parts:
        if part == "%s":
            params.append(next(scope_iter))
            out.append("%s")
        elif part.startswith("%(") and part.endswith(")s"):
            params.append(extra[part[2:-2]])
            out.append("%s")
        else:
            out.append(part)
    return "".join(out), params


def system_cost_rows(ctx: ReportContext) -> tuple[list[tuple], tuple[int, int]]:
    """Per financier: (id, households, before cents, during cents, household-month units),
    and (population, household-month units of the population); two queries."""
    scope, scope_params = ids_sql(in_period(ctx))
    extra = {"from": ctx.date_from, "last": last_day(ctx), "org": ctx.organisation_id}
    with connection.cursor() as cursor:
        sql, params = _named(cost_sql(scope, ctx.organisation_id is not None), scope_params, extra)
        cursor.execute(sql, params)
        rows = [
            (fid, int(n), int(before or 0), int(during or 0), int(months or 0))
            for fid, n, before, during, months in cursor.fetchall()
        ]
        sql, params = _named(population_sql(scope), scope_params, extra)
        cursor.execute(sql, params)
        population, months = cursor.fetchone()
    return rows, (int(population or 0), int(months or 0))


def figures_row(households: int, before_cents: int, during_cents: int, month_units: int):
    """The per-household figures of one row, from its rounded totals (see module doc)."""
    before = costing.euros(before_cents)
    during = costing.euros(during_cents)
    b = costing.to_euros(Fraction(before_cents * UNITS, households)) if households else None
    d = costing.per_year(during, month_units)
    # Household-years are not money: a plain number with two decimals, not "€".
    years = round(month_units / (UNITS * 12), 2)
    return before, during, b, d, (None if b is None or d is None else d - b), years


COLUMNS = [
    "Financier",
    "Huishoudens",
    "Huishoudjaren in periode",
    "Vóór (totaal)",
    "Tijdens (totaal in periode)",
    "Vóór per huishouden per jaar",
    "Tijdens per huishouden per jaar",
    "Verschil per huishouden per jaar",
]


def _row(name: str, households: int, figures) -> list:
    before, during, b, d, diff, years = figures
    return [
        label(name),
        value(households, households),
        value(years, households),
        value(before, households),
        value(during, households),
        value(b, households),
        value(d, households),
        value(diff, households),
    ]


def compute_system_cost(ctx: ReportContext) -> SectionResult:
    selector = "maatpact.reports.sections.provisions.system_cost_rows"
    rows, (population, population_months) = system_cost_rows(ctx)
    query = (
        f"{PERIOD_TEXT}, met een startdatum uiterlijk op de laatste dag (einddatum, of "
        "vandaag als die eerder is). Per huishouden en financier: vóór = de 12 maanden vóór "
        "de start; tijdens = vanaf de start (of begin periode) tot en met de afsluiting (of "
        "de laatste dag); maandbedragen naar rato van de dagen van elke kalendermaand, de "
        "laatste dag telt mee, eenmalige kosten op hun startdatum; per huishouden op de cent "
        "afgerond en opgeteld. Huishoudens van een financier = met kosten van die financier "
        "vóór of tijdens. Per huishouden per jaar: vóór ÷ die huishoudens; tijdens × 12 ÷ "
        "hun huishoudmaanden in de periode"
    )
    if ctx.organisation_id is not None:
        query += "; alleen voorzieningen die uw organisatie financiert"
    figure = Figure(
        "huishoudens",
        "Huishoudens met een startdatum (basis van de kosten)",
        population,
        population,
        Provenance(selector, query, population),
    )
    notes = [
        "Dit zijn de geregistreerde kosten van voorzieningen, geen besparingsschatting: "
        "zonder vergelijkingsgroep is een daling niet zonder meer aan het programma toe "
        "te schrijven.",
        "Elke financier deelt door zijn eigen huishoudens; de totaalregel deelt door alle "
        "huishoudens met een startdatum, dus de regels tellen per huishouden niet op tot "
        "het totaal (de bedragen in euro wel).",
    ]
    if not rows or population == 0:
        return SectionResult(
            figures=[figure],
            notes=["Geen huishoudens met een startdatum en kosten in deze periode.", *notes],
        )
    names = dict(Organisation.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "name"))
    table_rows = []
    total_before = total_during = 0
    for financier_id, households, before, during, months in sorted(
        rows, key=lambda r: (-r[2], names.get(r[0], ""))
    ):
        total_before += before
        total_during += during
        table_rows.append(
            _row(
                names.get(financier_id, "?"),
                households,
                figures_row(households, before, during, months),
            )
        )
    table_rows.append(
        _row(
            "Totaal",
            population,
            figures_row(population, total_before, total_during, population_months),
        )
    )
    return SectionResult(
        figures=[figure],
        tables=[
            Table(
                "per_financier",
                "Systeemkosten per financier, vóór en tijdens het programma",
                COLUMNS,
                table_rows,
                Provenance(selector, query, population),
                total_row=len(table_rows) - 1,
            )
        ],
        charts=[
            Chart(
                "per_financier",
                "Kosten per huishouden per jaar, vóór en tijdens, per financier",
                "per_financier",
                0,
                [5, 6],
                kind="barh",
                ylabel="euro per huishouden per jaar",
                alt="Staafdiagram met per financier de kosten per huishouden per jaar vóór en "
                "tijdens het programma; de bedragen staan in de tabel.",
            )
        ],
        notes=notes,
    )


register_report_section(
    ReportSection(
        "system_cost",
        80,
        "Systeemkosten vóór en tijdens, per financier",
        compute_system_cost,
        sources=(versions.PROVISIONS, versions.HOUSEHOLDS, versions.REGIONS),
        cache_key=last_day,  # the window ends today while the period runs
    )
)
