"""System cost before and during the programme, per financier (provisions.Provision).

Before = the 365 days before the household became active; during = from the start (or
the beginning of the period, whichever is later) to closure (or the end of the period).
A monthly provision counts pro rata by day (amount × 12 / 365 per day of overlap); a
one-off cost counts in the window where it starts. Everything is summed in the database.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from maatpact.common import versions
from maatpact.common.money import round_money
from maatpact.common.sql import ids_sql
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

from ..db import add_days_sql, days_sql, greatest_sql, least_sql
from .common import PERIOD_TEXT, in_period, label, value


def _window_cost(start: str, end: str) -> str:
    """SQL: cost of provision ``p`` inside the window [start, end] (inclusive)."""
    overlap = days_sql(
        least_sql("COALESCE(p.ends_on, " + end + ")", end), greatest_sql("p.starts_on", start)
    )
    return (
        "CASE WHEN p.cost_kind = 'eenmalig' THEN "
        f"CASE WHEN p.starts_on >= {start} AND p.starts_on <= {end} THEN p.amount ELSE 0 END "
        f"ELSE p.amount * 12.0 / 365.0 * {greatest_sql('0', overlap + ' + 1')} END"
    )


def _windows() -> tuple[str, str, str, str]:
    before_start = add_days_sql("h.started_on", -365)
    before_end = add_days_sql("h.started_on", -1)
    during_start = greatest_sql("h.started_on", "%(from)s")
    during_end = least_sql("COALESCE(h.closed_on, %(to)s)", "%(to)s")
    return before_start, before_end, during_start, during_end


def cost_sql(scope: str, per_financier: bool, organisation: bool) -> str:
    bs, be, ds, de = _windows()
    group = "p.financier_id" if per_financier else "0"
    org_filter = " AND p.financier_id = %(org)s" if organisation else ""
    # Only fixed SQL fragments and Django's own compiled scope query are interpolated;
    # every value travels as a parameter.
    return f"""
SELECT {group}, COUNT(DISTINCT p.household_id),
       SUM({_window_cost(bs, be)}), SUM({_window_cost(ds, de)})
FROM provisions_provision p
JOIN households_household h ON h.id = p.household_id
WHERE h.started_on IS NOT NULL AND h.started_on <= %(to)s AND h.id IN ({scope}){org_filter}
GROUP BY {group}
"""  # noqa: S608


def population_sql(scope: str) -> str:
    _, _, ds, de = _windows()
    during_days = greatest_sql("0", days_sql(de, ds) + " + 1")
    return f"""
SELECT COUNT(*), SUM({during_days})
FROM households_household h
WHERE h.started_on IS NOT NULL AND h.started_on <= %(to)s AND h.id IN ({scope})
"""  # noqa: S608


def _named(sql: str, scope_params: tuple, extra: dict) -> tuple[str, list]:
    """Turn the %(name)s placeholders plus the scope's positional %s into one param list."""
    import re

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
    """(per financier: id, households, before €, during €), (population, during days)."""
    scope, scope_params = ids_sql(in_period(ctx))
    extra = {"from": ctx.date_from, "to": ctx.date_to, "org": ctx.organisation_id}
    with connection.cursor() as cursor:
        sql, params = _named(
            cost_sql(scope, True, ctx.organisation_id is not None), scope_params, extra
        )
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        sql, params = _named(population_sql(scope), scope_params, extra)
        cursor.execute(sql, params)
        population, days = cursor.fetchone()
    return rows, (int(population or 0), int(days or 0))


def _money(x) -> Decimal:
    return round_money(Decimal(str(x or 0)))


def compute_system_cost(ctx: ReportContext) -> SectionResult | None:
    selector = "maatpact.reports.sections.provisions.system_cost_rows"
    rows, (population, days) = system_cost_rows(ctx)
    if not rows or population == 0:
        return None
    names = dict(Organisation.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "name"))
    years = Decimal(days) / Decimal(365) if days else None

    def per_year(before, during):
        b = _money(Decimal(str(before or 0)) / population)
        d = _money(Decimal(str(during or 0)) / years) / population if years else None
        d = _money(d) if d is not None else None
        return b, d, (d - b if d is not None else None)

    table_rows = []
    total_before = total_during = Decimal(0)
    for financier_id, households, before, during in sorted(rows, key=lambda r: -float(r[2] or 0)):
        households = int(households)
        total_before += _money(before)
        total_during += _money(during)
        b, d, diff = per_year(before, during)
        table_rows.append(
            [
                label(names.get(financier_id, "?")),
                value(households, households),
                value(_money(before), households),
                value(_money(during), households),
                value(b, households),
                value(d, households),
                value(diff, households),
            ]
        )
    b, d, diff = per_year(total_before, total_during)
    table_rows.append(
        [
            label("Totaal"),
            value(population, population),
            value(total_before, population),
            value(total_during, population),
            value(b, population),
            value(d, population),
            value(diff, population),
        ]
    )
    query = (
        "SUM over voorzieningen van huishoudens die actief werden vóór de einddatum "
        f"({PERIOD_TEXT}): maandbedragen × 12/365 per dag overlap met het venster, eenmalige "
        "kosten in het venster waarin ze starten. Voor = 365 dagen vóór de startdatum; "
        "tijdens = vanaf start (of begin periode) tot afsluiting (of einde periode). Per "
        "huishouden per jaar: voor ÷ aantal huishoudens; tijdens ÷ (som huishouddagen/365)"
    )
    if ctx.organisation_id is not None:
        query += "; alleen voorzieningen die uw organisatie financiert"
    return SectionResult(
        figures=[
            Figure(
                "huishoudens",
                "Huishoudens met een startdatum (basis van de kosten)",
                population,
                population,
                Provenance(selector, query, population),
            )
        ],
        tables=[
            Table(
                "per_financier",
                "Systeemkosten per financier, vóór en tijdens het programma",
                [
                    "Financier",
                    "Huishoudens",
                    "Vóór (totaal)",
                    "Tijdens (totaal in periode)",
                    "Vóór per huishouden per jaar",
                    "Tijdens per huishouden per jaar",
                    "Verschil per huishouden per jaar",
                ],
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
                [4, 5],
                kind="barh",
                ylabel="euro per huishouden per jaar",
                alt="Staafdiagram met per financier de kosten per huishouden per jaar vóór en "
                "tijdens het programma; de bedragen staan in de tabel.",
            )
        ],
        notes=[
            "Dit zijn de geregistreerde kosten van voorzieningen, geen besparingsschatting: "
            "zonder vergelijkingsgroep is een daling niet zonder meer aan het programma toe "
            "te schrijven."
        ],
    )


register_report_section(
    ReportSection(
        "system_cost",
        80,
        "Systeemkosten vóór en tijdens, per financier",
        compute_system_cost,
        sources=(versions.PROVISIONS, versions.HOUSEHOLDS, versions.REGIONS),
    )
)
