"""Households per municipality, phase (cohort) and status; time to first help."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, IntegerField, Value, When

from maatpact.common import versions
from maatpact.households.models import Cohort, Household
from maatpact.regions.models import Municipality
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

from ..db import DaysBetween
from .common import PERIOD_TEXT, count, in_period, label

STATUSES = list(Household.Status)


def _status_table(key, caption, groups, counts, selector, query) -> Table:
    """Rows per group, a column per status, totals in the last row and column."""
    rows = []
    totals = dict.fromkeys(STATUSES, 0)
    for group_id, group_label in groups:
        per_status = [counts.get((group_id, s.value), 0) for s in STATUSES]
        for s, n in zip(STATUSES, per_status, strict=True):
            totals[s] += n
        rows.append([label(group_label), *map(count, per_status), count(sum(per_status))])
    grand = sum(totals.values())
    rows.append([label("Totaal"), *(count(totals[s]) for s in STATUSES), count(grand)])
    return Table(
        key=key,
        caption=caption,
        columns=["", *(s.label for s in STATUSES), "Totaal"],
        rows=rows,
        provenance=Provenance(selector, query, grand),
        total_row=len(rows) - 1,
        total_col=len(STATUSES) + 1,
    )


def status_on(day) -> Case:
    """The status a household had at the end of ``day``, from the dates its status steps
    set (aangemeld → geselecteerd → actief → afgesloten, only forward): a past period's
    table does not change as households move on."""
    Status = Household.Status
    return Case(
        When(closed_on__lte=day, then=Value(Status.AFGESLOTEN.value)),
        When(started_on__lte=day, then=Value(Status.ACTIEF.value)),
        When(selected_on__lte=day, then=Value(Status.GESELECTEERD.value)),
        default=Value(Status.AANGEMELD.value),
        output_field=CharField(),
    )


def compute_households(ctx: ReportContext) -> SectionResult:
    selector = "maatpact.reports.sections.households.compute_households"
    population = in_period(ctx).annotate(status_then=status_on(ctx.date_to))
    by_mun = {
        (r["municipality_id"], r["status_then"]): r["n"]
        for r in population.order_by()
        .values("municipality_id", "status_then")
        .annotate(n=Count("pk"))
    }
    by_phase = {
        (r["cohort__phase"], r["status_then"]): r["n"]
        for r in population.order_by()
        .values("cohort__phase", "status_then")
        .annotate(n=Count("pk"))
    }
    mun_ids = {m for m, _ in by_mun}
    if ctx.municipality is not None:
        mun_ids.add(ctx.municipality.pk)
    municipalities = list(
        Municipality.objects.filter(pk__in=mun_ids).order_by("name").values_list("pk", "name")
    )
    phases = [(p.value, p.label) for p in Cohort.Phase]
    if any(p is None for p, _ in by_phase):
        phases.append((None, "Nog geen cohort"))
    query = (
        f"COUNT(*) van {PERIOD_TEXT}, gegroepeerd naar {{}} en de status op de einddatum "
        "(uit de data van selectie, start en afsluiting; households.Household)"
    )
    mun_table = _status_table(
        "per_gemeente",
        "Huishoudens per gemeente en status op de einddatum",
        municipalities,
        by_mun,
        selector,
        query.format("gemeente"),
    )
    phase_table = _status_table(
        "per_fase",
        "Huishoudens per fase (cohort) en status op de einddatum",
        phases,
        by_phase,
        selector,
        query.format("fase van het cohort"),
    )
    total = sum(by_mun.values())
    return SectionResult(
        figures=[
            Figure(
                "totaal",
                "Huishoudens in het programma in deze periode",
                total,
                total,
                Provenance(selector, f"COUNT(*) van {PERIOD_TEXT}", total),
            )
        ],
        tables=[mun_table, phase_table],
        charts=[
            Chart(
                "per_gemeente",
                "Huishoudens per gemeente",
                "per_gemeente",
                0,
                [len(STATUSES) + 1],
                kind="barh",
                ylabel="huishoudens",
                alt="Staafdiagram van het aantal huishoudens per gemeente; "
                "de cijfers staan in de tabel hierboven.",
            )
        ],
    )


BUCKETS = [(0, 30), (31, 60), (61, 90), (91, 180), (181, None)]


def _percentile(values_qs, n: int, p: float) -> float | None:
    """Linear-interpolated percentile (numpy's default) read from the database by offset."""
    if n == 0:
        return None
    position = (n - 1) * p
    lo = int(position)
    hi = min(lo + 1, n - 1)
    pair = list(values_qs[lo : hi + 1])
    low = pair[0]
    high = pair[-1] if hi > lo else low
    return low + (high - low) * (position - lo)


def compute_first_help(ctx: ReportContext) -> SectionResult | None:
    """started_on - registered_on for households that started in the period."""
    selector = "maatpact.reports.sections.households.compute_first_help"
    started = ctx.households.filter(
        started_on__isnull=False, started_on__gte=ctx.date_from, started_on__lte=ctx.date_to
    ).annotate(days=DaysBetween("started_on", "registered_on"))
    bucket = Case(
        *(
            # The first class also takes a start recorded before the registration.
            When(
                **({"days__gte": lo} if i else {}),
                **({"days__lte": hi} if hi is not None else {}),
                then=Value(i),
            )
            for i, (lo, hi) in enumerate(BUCKETS)
        ),
        output_field=IntegerField(),
    )
    per_bucket = dict(
        started.annotate(bucket=bucket)
        .order_by()
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    n = sum(per_bucket.values())
    ordered = started.order_by("days").values_list("days", flat=True)
    query = (
        "started_on − registered_on in dagen, voor huishoudens in scope met started_on in de "
        "periode; percentielen met lineaire interpolatie, gelezen per positie uit de "
        "gesorteerde reeks in de database"
    )
    figures = []
    for key, text, p in (
        ("mediaan", "Mediaan dagen tot eerste hulp", 0.5),
        ("p25", "25e percentiel (dagen)", 0.25),
        ("p75", "75e percentiel (dagen)", 0.75),
    ):
        v = _percentile(ordered, n, p)
        figures.append(
            Figure(
                key,
                text,
                None if v is None else round(v, 1),
                n,
                Provenance(selector, query, n),
                unit="dagen",
            )
        )
    rows = []
    for i, (lo, hi) in enumerate(BUCKETS):
        text = f"{lo}–{hi} dagen" if hi is not None else f"meer dan {lo - 1} dagen"
        rows.append([label(text), count(per_bucket.get(i, 0))])
    rows.append([label("Totaal"), count(n)])
    table = Table(
        "verdeling",
        "Huishoudens naar dagen van aanmelding tot eerste hulp",
        ["Dagen", "Huishoudens"],
        rows,
        Provenance(selector, "COUNT(*) per klasse van " + query.split(";")[0], n),
        total_row=len(rows) - 1,
    )
    return SectionResult(
        figures=figures,
        tables=[table],
        charts=[
            Chart(
                "verdeling",
                "Dagen tot eerste hulp",
                "verdeling",
                0,
                [1],
                ylabel="huishoudens",
                alt="Staafdiagram van het aantal huishoudens per klasse van wachttijd tot de "
                "eerste hulp; de cijfers staan in de tabel.",
            )
        ],
        notes=[
            "Eerste hulp = de datum waarop het huishouden actief werd in het programma "
            "(status ‘actief’)."
        ],
    )


register_report_section(
    ReportSection(
        "households",
        10,
        "Huishoudens per gemeente, fase en status",
        compute_households,
        intro="Hoeveel huishoudens in deze periode in het programma zaten, en waar.",
        # Status, cohort (phase), municipality and dates of households; municipality names.
        sources=(versions.HOUSEHOLDS, versions.REGIONS),
    )
)
register_report_section(
    ReportSection(
        "first_help",
        20,
        "Tijd van aanmelding tot eerste hulp",
        compute_first_help,
        audiences=frozenset({"regio", "analist", "gemeente"}),
        sources=(versions.HOUSEHOLDS,),  # registration and start dates
    )
)
