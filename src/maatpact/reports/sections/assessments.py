"""ZRM change per life domain with 95 % confidence intervals; the household's own rating."""

from __future__ import annotations

import math

from django.db import connection
from django.db.models import Avg, Count
from django.db.models.functions import TruncQuarter

from maatpact.assessments.models import Assessment, Domain
from maatpact.common import versions
from maatpact.common.sql import ids_sql
from maatpact.reports.context import ReportContext
from maatpact.reports.registry import (
    Chart,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    register_report_section,
)

from .common import PERIOD_TEXT, in_period, label, value

# Two-sided 95 % critical values of Student's t for 1..30 degrees of freedom.
_T975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip


def t975(df: int) -> float:
    if df < 1:
        raise ValueError("df >= 1")
    if df <= 30:
        return _T975[df - 1]
    # Cornish-Fisher expansion around the normal quantile; exact to 3 decimals above 30.
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_ci(n: int, total: float, total_sq: float) -> tuple[float, float | None, float | None]:
    """Mean and 95 % t-interval from n, Σx and Σx² (paired differences)."""
    mean = total / n
    if n < 2:
        return mean, None, None
    variance = max(0.0, (total_sq - total * total / n) / (n - 1))
    half = t975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


# First and latest assessment per subject (a household for the household ZRM, an adult
# member for the individual ZRM) and instrument come from the maintained summary
# (``assessments.SubjectProgress`` with its per-domain ``ProgressScore`` pairs): no window
# over the assessments and no score rows. Only for subjects whose latest assessment lies
# after the end of the period, the latest one on or before it is looked up (index on
# household and date) and the scores of those two assessments are joined.
ZRM_SQL = """
SELECT x.domain_id, COUNT(*), COUNT(DISTINCT x.household_id),
       SUM(x.first_score), SUM(x.last_score), SUM(x.last_score - x.first_score),
       SUM((x.last_score - x.first_score) * (x.last_score - x.first_score))
FROM (
    SELECT ps.household_id, ps.domain_id, ps.first_score, ps.latest_score AS last_score
    FROM assessments_progressscore ps
    JOIN assessments_subjectprogress p ON p.id = ps.progress_id
    WHERE p.latest_on <= %s AND ps.household_id IN ({scope})
    UNION ALL
    SELECT e.household_id, s2.domain_id, s1.score, s2.score
    FROM (
        SELECT p.household_id, p.first_assessment_id AS first_id, (
                   SELECT a.id FROM assessments_assessment a
                   WHERE a.household_id = p.household_id
                     AND a.instrument_id = p.instrument_id
                     AND (a.member_id = p.member_id
                          OR (a.member_id IS NULL AND p.member_id IS NULL))
                     AND a.assessed_on <= %s
                   ORDER BY a.assessed_on DESC, a.id DESC
                   LIMIT 1) AS last_id
        FROM assessments_subjectprogress p
        WHERE p.latest_on > %s AND p.first_on <= %s AND p.assessments > 1
          AND p.household_id IN ({scope})
    ) e
    JOIN assessments_score s1 ON s1.assessment_id = e.first_id
    JOIN assessments_score s2 ON s2.assessment_id = e.last_id AND s2.domain_id = s1.domain_id
    WHERE e.last_id <> e.first_id
) x
GROUP BY x.domain_id
"""

# The same figures straight from the assessments (window functions): the reference the
# summary is tested against, and what the report computed before the summary existed.
ZRM_REFERENCE_SQL = """
SELECT s2.domain_id, COUNT(*), COUNT(DISTINCT e.household_id),
       SUM(s1.score), SUM(s2.score), SUM(s2.score - s1.score),
       SUM((s2.score - s1.score) * (s2.score - s1.score))
FROM (
    SELECT x.household_id, x.first_id, x.last_id FROM (
        SELECT a.household_id,
               FIRST_VALUE(a.id) OVER w AS first_id,
               LAST_VALUE(a.id) OVER (
                   w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_id,
               ROW_NUMBER() OVER w AS rn
        FROM assessments_assessment a
        WHERE a.assessed_on <= %s AND a.household_id IN ({scope})
        WINDOW w AS (PARTITION BY a.household_id, a.member_id, a.instrument_id
                     ORDER BY a.assessed_on, a.id)
    ) x
    WHERE x.rn = 1 AND x.first_id <> x.last_id
) e
JOIN assessments_score s1 ON s1.assessment_id = e.first_id
JOIN assessments_score s2 ON s2.assessment_id = e.last_id AND s2.domain_id = s1.domain_id
GROUP BY s2.domain_id
"""


def zrm_change_rows(ctx: ReportContext, *, reference: bool = False) -> list[tuple]:
    """Per domain: units, households, Σfirst, Σlatest, Σdiff, Σdiff² (one query).

    ``reference=True`` computes them from the assessments themselves, without the summary.
    """
    scope_sql, params = ids_sql(in_period(ctx))
    with connection.cursor() as cursor:
        if reference:
            cursor.execute(ZRM_REFERENCE_SQL.format(scope=scope_sql), [ctx.date_to, *params])
        else:
            end = ctx.date_to
            cursor.execute(ZRM_SQL.format(scope=scope_sql), [end, *params, end, end, end, *params])
        return sorted(cursor.fetchall())


def compute_zrm(ctx: ReportContext) -> SectionResult | None:
    selector = "maatpact.reports.sections.assessments.zrm_change_rows"
    rows = zrm_change_rows(ctx)
    if not rows:
        return None
    domains = {
        d.pk: d
        for d in Domain.objects.filter(pk__in=[r[0] for r in rows]).select_related("instrument")
    }
    rows.sort(key=lambda r: (domains[r[0]].instrument.code, domains[r[0]].order))
    query = (
        "per leefgebied: per huishouden (en per volwassene bij de individuele ZRM) de score "
        "in de eerste meting met het instrument tegen die in de laatste meting op of vóór de "
        "einddatum (leefgebieden die in beide metingen gescoord zijn); "
        f"{PERIOD_TEXT}. Betrouwbaarheidsinterval: gemiddelde "
        "verandering ± t(0,975; n−1) · s/√n (gepaarde verschillen)"
    )
    table_rows = []
    households_total = 0
    for domain_id, units, households, s_first, s_last, s_diff, s_sq in rows:
        units, households = int(units), int(households)
        households_total = max(households_total, households)
        mean, low, high = mean_ci(units, float(s_diff), float(s_sq))
        d = domains[domain_id]
        table_rows.append(
            [
                label(d.name),
                label(d.instrument.name),
                value(households, households),
                value(units, households),
                value(round(float(s_first) / units, 2), households),
                value(round(float(s_last) / units, 2), households),
                value(round(mean, 2), households),
                value(None if low is None else round(low, 2), households),
                value(None if high is None else round(high, 2), households),
            ]
        )
    table = Table(
        "zrm",
        "Verandering in ZRM-score per leefgebied (eerste tegen laatste meting)",
        [
            "Leefgebied",
            "Instrument",
            "Huishoudens",
            "Metingparen",
            "Eerste (gem.)",
            "Laatste (gem.)",
            "Verandering",
            "95%-BI laag",
            "95%-BI hoog",
        ],
        table_rows,
        Provenance(selector, query, households_total),
    )
    return SectionResult(
        tables=[table],
        charts=[
            Chart(
                "zrm",
                "Gemiddelde verandering per leefgebied met 95%-betrouwbaarheidsinterval",
                "zrm",
                0,
                [6],
                kind="errorbar",
                ci_cols=(7, 8),
                ylabel="verandering in ZRM-score",
                alt="Puntdiagram van de gemiddelde verandering in ZRM-score per leefgebied met "
                "foutmarges; de cijfers staan in de tabel.",
            )
        ],
        notes=[
            "Scores lopen van 1 (acute problematiek) tot 5 (volledig zelfredzaam); een "
            "positieve verandering is vooruitgang. Zonder vergelijkingsgroep zegt dit niets "
            "over oorzaak en gevolg."
        ],
    )


def compute_own_rating(ctx: ReportContext) -> SectionResult | None:
    selector = "maatpact.reports.sections.assessments.compute_own_rating"
    rows = list(
        Assessment.objects.filter(
            household__in=in_period(ctx).order_by().values("pk"),
            own_rating__isnull=False,
            assessed_on__gte=ctx.date_from,
            assessed_on__lte=ctx.date_to,
        )
        .annotate(quarter=TruncQuarter("assessed_on"))
        .order_by("quarter")
        .values("quarter")
        .annotate(mean=Avg("own_rating"), n=Count("pk"), h=Count("household", distinct=True))
    )
    if not rows:
        return None
    table_rows = [
        [
            label(f"{r['quarter'].year}-K{(r['quarter'].month + 2) // 3}"),
            value(r["h"], r["h"]),
            value(r["n"], r["h"]),
            value(round(float(r["mean"]), 2), r["h"]),
        ]
        for r in rows
    ]
    query = (
        "AVG(own_rating) en COUNT per kwartaal van de meetdatum, metingen in de periode met "
        f"een eigen cijfer, van {PERIOD_TEXT}"
    )
    return SectionResult(
        tables=[
            Table(
                "eigen_cijfer",
                "Eigen cijfer (1–10) per kwartaal",
                ["Kwartaal", "Huishoudens", "Metingen", "Gemiddeld cijfer"],
                table_rows,
                Provenance(selector, query, max(r["h"] for r in rows)),
            )
        ],
        charts=[
            Chart(
                "eigen_cijfer",
                "Gemiddeld eigen cijfer per kwartaal",
                "eigen_cijfer",
                0,
                [3],
                kind="line",
                ylabel="cijfer (1–10)",
                alt="Lijndiagram van het gemiddelde eigen cijfer per kwartaal; "
                "de cijfers staan in de tabel.",
            )
        ],
    )


register_report_section(
    ReportSection(
        "zrm",
        30,
        "Verandering in zelfredzaamheid (ZRM)",
        compute_zrm,
        intro="De uitkomstmaat van het programma: verschuift de zelfredzaamheid per leefgebied?",
        sources=(versions.ASSESSMENTS, versions.HOUSEHOLDS),
    )
)
register_report_section(
    ReportSection(
        "own_rating",
        40,
        "Het eigen cijfer van het huishouden",
        compute_own_rating,
        sources=(versions.ASSESSMENTS, versions.HOUSEHOLDS),
    )
)
