"""Obstacles by type, law and organisation (basic fields of obstacles.Obstacle)."""

from __future__ import annotations

from django.db.models import Avg, Count, Sum

from maatpact.common import versions
from maatpact.obstacles.models import Obstacle
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

from .common import label, value


def obstacles_in_period(ctx: ReportContext):
    return Obstacle.objects.filter(
        municipality__in=ctx.municipalities,
        raised_at__date__gte=ctx.date_from,
        raised_at__date__lte=ctx.date_to,
    )


def _grouped(ctx: ReportContext, field: str) -> list[dict]:
    return list(
        obstacles_in_period(ctx)
        .order_by()
        .values(field)
        .annotate(
            n=Count("pk"),
            h=Count("household", distinct=True),
            delay=Avg("delay_days"),
            harm=Sum("harm_euros"),
        )
    )


def compute_obstacles(ctx: ReportContext) -> SectionResult | None:
    selector = "maatpact.reports.sections.obstacles.compute_obstacles"
    by_type = _grouped(ctx, "type")
    if not by_type:
        return None
    by_law = _grouped(ctx, "law__name")
    by_org = _grouped(ctx, "organisation__name")
    total = obstacles_in_period(ctx).aggregate(n=Count("pk"), h=Count("household", distinct=True))
    type_labels = dict(Obstacle.Type.choices)
    columns = ["Knelpunten", "Huishoudens", "Vertraging (gem. dagen)", "Schade (totaal)"]
    query = (
        "COUNT(*), COUNT(DISTINCT household), AVG(delay_days) en SUM(harm_euros) van de "
        "knelpunten gemeld in de periode in de gemeenten in scope, gegroepeerd naar {}"
    )

    def table(key, caption, head, rows, field, labels=None, empty=""):
        rows = sorted(rows, key=lambda r: -r["n"])
        return Table(
            key,
            caption,
            [head, *columns],
            [
                [
                    label((labels or {}).get(r[field], r[field]) or empty),
                    value(r["n"], r["h"]),
                    value(r["h"], r["h"]),
                    value(round(float(r["delay"] or 0), 1), r["h"]),
                    value(r["harm"], r["h"]),
                ]
                for r in rows
            ],
            Provenance(selector, query.format(key), total["h"]),
        )

    return SectionResult(
        figures=[
            Figure(
                "totaal",
                "Knelpunten gemeld in deze periode",
                total["n"],
                total["h"],
                Provenance(selector, query.split(", gegroepeerd")[0], total["h"]),
            )
        ],
        tables=[
            table("soort", "Knelpunten naar soort", "Soort", by_type, "type", type_labels),
            table("wet", "Knelpunten naar wet", "Wet", by_law, "law__name", empty="Geen wet"),
            table(
                "organisatie",
                "Knelpunten naar organisatie of financier",
                "Organisatie",
                by_org,
                "organisation__name",
                empty="Geen organisatie",
            ),
        ],
        charts=[
            Chart(
                "soort",
                "Knelpunten naar soort",
                "soort",
                0,
                [1],
                kind="barh",
                ylabel="knelpunten",
                alt="Staafdiagram van het aantal knelpunten per soort; "
                "de cijfers staan in de tabel.",
            )
        ],
        notes=[
            "Een knelpunt zonder huishouden (op gemeenteniveau gemeld) telt mee bij de "
            "knelpunten, niet bij de huishoudens; buiten het programmateam vallen rijen met "
            "minder dan 5 huishoudens weg."
        ],
    )


register_report_section(
    ReportSection(
        "obstacles",
        60,
        "Knelpunten naar soort, wet en organisatie",
        compute_obstacles,
        audiences=frozenset({"regio", "analist", "gemeente"}),
        # Obstacles and law names (OBSTACLES); organisation names and the municipalities
        # in scope (REGIONS).
        sources=(versions.OBSTACLES, versions.REGIONS),
    )
)
