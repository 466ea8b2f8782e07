"""What the programme app adds to the interim report: screening and selection in the period.

The savings comparison group (screened but not admitted) rests on these counts, so a
council can see how many households were screened, met the criteria or were selected
with an override, selected, and admitted (started) — per municipality.
"""

from __future__ import annotations

from django.db.models import Count, Q

from maatpact.common import versions
from maatpact.reports.context import ReportContext
from maatpact.reports.registry import (
    Figure,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    register_report_section,
)
from maatpact.reports.sections.common import count, label

from .models import Screening

COLUMNS = ["Gescreend", "Voldoet", "Afwijking", "Geselecteerd", "Toegelaten"]


def compute_selection(ctx: ReportContext) -> SectionResult:
    """Households in scope, counted once per column:

    * gescreend: with a screening dated in the period;
    * voldoet / afwijking: whose latest screening in the period met the criteria / was
      an override by a team lead;
    * geselecteerd: selected (selected_on) in the period; toegelaten: started in it.
    """
    selector = "maatpact.programme.reports.compute_selection"
    screenings = Screening.objects.filter(
        household__in=ctx.households,
        screened_on__gte=ctx.date_from,
        screened_on__lte=ctx.date_to,
    )
    latest: dict[int, tuple[str, int]] = {}
    for household_id, municipality_id, result in screenings.order_by(
        "screened_on", "created_at", "pk"
    ).values_list("household_id", "household__municipality_id", "result"):
        latest[household_id] = (result, municipality_id)
    steps = {
        row["municipality_id"]: row
        for row in ctx.households.order_by()
        .values("municipality_id")
        .annotate(
            selected=Count(
                "pk", filter=Q(selected_on__gte=ctx.date_from, selected_on__lte=ctx.date_to)
            ),
            admitted=Count(
                "pk", filter=Q(started_on__gte=ctx.date_from, started_on__lte=ctx.date_to)
            ),
        )
    }
    names = dict(ctx.municipalities.values_list("pk", "name"))
    per: dict[int, list[int]] = {}
    for result, municipality_id in latest.values():
        row = per.setdefault(municipality_id, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += result == Screening.Result.VOLDOET
        row[2] += result == Screening.Result.AFWIJKING
    for municipality_id, row in steps.items():
        if row["selected"] or row["admitted"] or municipality_id in per:
            cells = per.setdefault(municipality_id, [0, 0, 0, 0, 0])
            cells[3], cells[4] = row["selected"], row["admitted"]
    ordered = sorted(per.items(), key=lambda item: names.get(item[0], ""))
    totals = [sum(cells[i] for _, cells in ordered) for i in range(5)]
    rows = [[label(names.get(m, "?")), *map(count, cells)] for m, cells in ordered]
    rows.append([label("Totaal"), *map(count, totals)])
    query = (
        "per huishouden in scope: de laatste screening (programme.Screening) met datum in de "
        "periode, en selected_on / started_on in de periode (households.Household)"
    )
    return SectionResult(
        figures=[
            Figure(key, text, totals[i], totals[i], Provenance(selector, query, totals[i]))
            for i, (key, text) in enumerate(
                [
                    ("gescreend", "Huishoudens gescreend"),
                    ("voldoet", "Voldeden aan de selectiecriteria"),
                    ("afwijking", "Geselecteerd met afwijking (teamleider)"),
                    ("geselecteerd", "Geselecteerd in de periode"),
                    ("toegelaten", "Toegelaten (gestart) in de periode"),
                ]
            )
        ],
        tables=[
            Table(
                "per_gemeente",
                "Screening en selectie per gemeente",
                ["", *COLUMNS],
                rows,
                Provenance(selector, query, totals[0]),
                total_row=len(rows) - 1,
            )
        ],
        notes=[
            "Een huishouden telt één keer per kolom; bij meer screeningen in de periode telt "
            "de laatste. De criteria staan per fase op de programmapagina."
        ],
    )


register_report_section(
    ReportSection(
        "selection",
        15,
        "Screening en selectie",
        compute_selection,
        intro="Hoeveel huishoudens werden gescreend, voldeden aan de criteria, en werden "
        "geselecteerd en toegelaten.",
        sources=(versions.HOUSEHOLDS, versions.REGIONS),
    )
)
