"""The obstacles app's report sections: ``escalations`` (the ladder and time to
breakthrough) and ``proposals`` (structural proposals with their evidence).

Counts are grouped in the database; percentiles are read by offset from the sorted
series in the database (``reports.sections.households._percentile``), so each section
runs a constant number of queries.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from maatpact.common import dates, versions
from maatpact.reports.context import ReportContext
from maatpact.reports.db import DaysBetween
from maatpact.reports.registry import (
    Chart,
    Figure,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    register_report_section,
)
from maatpact.reports.sections.common import label, value
from maatpact.reports.sections.households import _percentile

from .models import Breakthrough, EscalationLevel, EscalationStep, Obstacle, StructuralProposal

AUDIENCES = frozenset({"regio", "analist", "gemeente"})


def _obstacles(ctx: ReportContext):
    return Obstacle.objects.filter(municipality__in=ctx.municipalities)


def deadline_judged_on(ctx: ReportContext) -> date:
    """The day "past deadline" is judged on: the end date, or today while the period runs."""
    return min(ctx.date_to, dates.today())


def compute_escalations(ctx: ReportContext) -> SectionResult:
    """Per ladder level: reached in the period, open now, past the deadline; and the
    days from report to breakthrough for breakthroughs in the period."""
    selector = "maatpact.obstacles.reports.compute_escalations"
    judged_on = deadline_judged_on(ctx)
    levels = list(EscalationLevel.objects.order_by("order").values_list("pk", "name"))
    reached = {
        r["level_id"]: r
        for r in EscalationStep.objects.filter(
            obstacle__in=_obstacles(ctx),
            at__date__gte=ctx.date_from,
            at__date__lte=ctx.date_to,
        )
        .order_by()
        .values("level_id")
        .annotate(n=Count("obstacle", distinct=True), h=Count("obstacle__household", distinct=True))
    }
    open_q = Q(breakthrough__isnull=True, raised_at__date__lte=ctx.date_to)
    current = {
        r["current_level_id"]: r
        for r in _obstacles(ctx)
        .filter(open_q)
        .order_by()
        .values("current_level_id")
        .annotate(
            n=Count("pk"),
            h=Count("household", distinct=True),
            late=Count("pk", filter=Q(deadline__lt=judged_on)),
            h_late=Count("household", distinct=True, filter=Q(deadline__lt=judged_on)),
        )
    }
    empty = {"n": 0, "h": 0, "late": 0, "h_late": 0}
    rows = []
    for pk, name in levels:
        r, c = reached.get(pk, empty), current.get(pk, empty)
        rows.append(
            [
                label(name),
                value(r["n"], r["h"]),
                value(c["n"], c["h"]),
                value(c["late"], c["h_late"]),
                value(c["h"], c["h"]),
            ]
        )
    done = Breakthrough.objects.filter(
        obstacle__in=_obstacles(ctx), on__gte=ctx.date_from, on__lte=ctx.date_to
    ).annotate(days=DaysBetween("on", TruncDate("obstacle__raised_at", tzinfo=dates.LOCAL_TZ)))
    n = done.count()
    h = done.aggregate(h=Count("obstacle__household", distinct=True))["h"]
    ordered = done.order_by("days").values_list("days", flat=True)
    query = (
        "doorbraak.datum − datum van melding in dagen, voor doorbraken in de periode van "
        "knelpunten in de gemeenten in scope; percentielen met lineaire interpolatie, per "
        "positie gelezen uit de gesorteerde reeks in de database"
    )
    figures = []
    for key, text, p in (
        ("mediaan", "Mediaan dagen tot doorbraak", 0.5),
        ("p25", "25e percentiel (dagen)", 0.25),
        ("p75", "75e percentiel (dagen)", 0.75),
    ):
        v = _percentile(ordered, n, p)
        figures.append(
            Figure(
                key,
                text,
                None if v is None else round(float(v), 1),
                h,
                Provenance(selector, query, h),
                unit="dagen",
            )
        )
    figures.append(
        Figure("doorbraken", "Doorbraken in deze periode", n, h, Provenance(selector, query, h))
    )
    total_h = sum(c["h"] for c in current.values())
    table_query = (
        "per trede: COUNT(DISTINCT knelpunt) met een escalatiestap naar die trede in de "
        "periode; open knelpunten (geen doorbraak, gemeld uiterlijk op de einddatum) op die "
        "trede; daarvan met een termijn vóór "
        f"{judged_on:%d-%m-%Y} (einddatum, of vandaag als die later is)"
    )
    notes = [
        "‘Open nu’ en ‘over de termijn’ gaan over de huidige trede van knelpunten zonder "
        "doorbraak; de landelijke trede heeft geen termijn."
    ]
    if n == 0:
        notes.append("In deze periode is nog geen doorbraak vastgelegd.")
    return SectionResult(
        figures=figures,
        tables=[
            Table(
                "per_trede",
                "Escalaties per trede van de ladder",
                ["Trede", "Bereikt in periode", "Open nu", "Over de termijn", "Huishoudens (open)"],
                rows,
                Provenance(selector, table_query, total_h),
            )
        ],
        charts=[
            Chart(
                "per_trede",
                "Knelpunten die een trede bereikten in de periode",
                "per_trede",
                0,
                [1],
                kind="barh",
                ylabel="knelpunten",
                alt="Staafdiagram van het aantal knelpunten per trede van de escalatieladder; "
                "de cijfers staan in de tabel.",
            )
        ],
        notes=notes,
    )


def _proposals(ctx: ReportContext):
    """Regional proposals and those of the municipalities in scope."""
    return StructuralProposal.objects.filter(
        Q(municipality__isnull=True) | Q(municipality__in=ctx.municipalities),
        created_at__date__lte=ctx.date_to,
    )


def compute_proposals(ctx: ReportContext) -> SectionResult:
    selector = "maatpact.obstacles.reports.compute_proposals"
    proposals = list(
        _proposals(ctx)
        .order_by("-created_at", "pk")
        .annotate(
            n_obstacles=Count("obstacles", distinct=True),
            n_households=Count("obstacles__household", distinct=True),
        )
        .values("title", "kind", "status", "n_obstacles", "n_households", "created_at")
    )
    statuses = dict(StructuralProposal.Status.choices)
    kinds = dict(StructuralProposal.Kind.choices)
    per_status: dict[str, int] = {}
    for p in proposals:
        per_status[p["status"]] = per_status.get(p["status"], 0) + 1
    query = (
        "structurele voorstellen (regionaal of van de gemeenten in scope) aangemaakt "
        "uiterlijk op de einddatum, met COUNT(DISTINCT knelpunt) en COUNT(DISTINCT "
        "huishouden) van de gebundelde knelpunten als onderbouwing"
    )
    status_rows = [
        [label(text), value(per_status.get(code, 0), None)] for code, text in statuses.items()
    ]
    rows = [
        [
            label(p["title"]),
            label(kinds.get(p["kind"], p["kind"])),
            label(statuses.get(p["status"], p["status"])),
            label(
                "ja" if ctx.date_from <= dates.local_day(p["created_at"]) <= ctx.date_to else "nee"
            ),
            value(p["n_obstacles"], p["n_households"]),
            value(p["n_households"], p["n_households"]),
        ]
        for p in proposals
    ]
    notes = [
        "Een voorstel rust op de knelpunten die erin zijn gebundeld; het aantal "
        "huishoudens is de onderbouwing. Buiten het programmateam is een aantal dat op "
        "minder dan 5 huishoudens rust verborgen."
    ]
    if not proposals:
        notes.append("Er zijn nog geen structurele voorstellen.")
    return SectionResult(
        figures=[
            Figure(
                "voorstellen",
                "Structurele voorstellen",
                len(proposals),
                None,  # a count of proposals, not of households
                Provenance(selector, query, None),
            ),
            Figure(
                "aangenomen",
                "Aangenomen voorstellen",
                per_status.get(StructuralProposal.Status.AANGENOMEN, 0),
                None,
                Provenance(selector, query, None),
            ),
        ],
        tables=[
            Table(
                "per_status",
                "Structurele voorstellen naar status",
                ["Status", "Voorstellen"],
                status_rows,
                Provenance(selector, query + ", gegroepeerd naar status", None),
            ),
            Table(
                "voorstellen",
                "Structurele voorstellen met hun onderbouwing",
                ["Voorstel", "Soort", "Status", "Nieuw in periode", "Knelpunten", "Huishoudens"],
                rows,
                Provenance(selector, query, None),
            ),
        ],
        notes=notes,
    )


register_report_section(
    ReportSection(
        "escalations",
        65,
        "Escalaties en tijd tot doorbraak",
        compute_escalations,
        audiences=AUDIENCES,
        # Obstacles, steps, breakthroughs, the ladder; municipalities in scope (REGIONS).
        sources=(versions.OBSTACLES, versions.REGIONS),
        cache_key=deadline_judged_on,  # "over de termijn" moves with the date while the period runs
    )
)
register_report_section(
    ReportSection(
        "proposals",
        70,
        "Structurele voorstellen en hun status",
        compute_proposals,
        audiences=AUDIENCES,
        sources=(versions.OBSTACLES, versions.REGIONS),
    )
)
