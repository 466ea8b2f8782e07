"""The learning app's report section ``lessons``: lessons per theme, reflection
sessions, reflections and changes to the approach in the period.

Lessons, sessions and changes are regional (they name no household); reflections and
households discussed are counted for the households in scope. Five grouped queries.
"""

from __future__ import annotations

from django.db.models import Count, Q

from maatpact.common import versions
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
from maatpact.reports.sections.common import label, value

from .models import ApproachChange, Reflection, ReflectionSession, Theme


def compute_lessons(ctx: ReportContext) -> SectionResult:
    selector = "maatpact.learning.reports.compute_lessons"
    period = {"lessons__created_at__date__gte": ctx.date_from}
    period["lessons__created_at__date__lte"] = ctx.date_to
    themes = list(
        Theme.objects.order_by("name")
        .annotate(
            n=Count("lessons", distinct=True, filter=Q(**period)),
            total=Count(
                "lessons", distinct=True, filter=Q(lessons__created_at__date__lte=ctx.date_to)
            ),
        )
        .values_list("name", "n", "total")
    )
    scope = ctx.households.order_by().values("pk")
    sessions = ReflectionSession.objects.filter(
        held_on__gte=ctx.date_from, held_on__lte=ctx.date_to
    ).aggregate(
        n=Count("pk", distinct=True),
        h=Count("households", distinct=True, filter=Q(households__in=scope)),
    )
    reflections = Reflection.objects.filter(
        household__in=scope,
        written_at__date__gte=ctx.date_from,
        written_at__date__lte=ctx.date_to,
    ).aggregate(n=Count("pk"), h=Count("household", distinct=True))
    changes = list(
        ApproachChange.objects.filter(changed_on__gte=ctx.date_from, changed_on__lte=ctx.date_to)
        .order_by("changed_on", "pk")
        .annotate(n_lessons=Count("lessons", distinct=True))
        .values_list("changed_on", "title", "n_lessons")
    )
    query = (
        "lessen (learning.Lesson) per thema vastgelegd in de periode en tot en met de "
        "einddatum; een les met meer thema's telt bij elk thema"
    )
    lessons_in_period = sum(n for _, n, _ in themes)
    notes = [
        "Lessen, reflectiebijeenkomsten en wijzigingen in de aanpak gelden voor de hele "
        "regio; reflecties en besproken huishoudens tellen alleen voor huishoudens in scope."
    ]
    if not lessons_in_period and not sessions["n"] and not changes:
        notes.append("In deze periode zijn geen lessen, bijeenkomsten of wijzigingen vastgelegd.")
    return SectionResult(
        figures=[
            Figure(
                "bijeenkomsten",
                "Reflectiebijeenkomsten in deze periode",
                sessions["n"],
                None,
                Provenance(selector, "COUNT(*) van bijeenkomsten gehouden in de periode", None),
            ),
            Figure(
                "besproken",
                "Huishoudens besproken in een bijeenkomst",
                sessions["h"],
                sessions["h"],
                Provenance(
                    selector,
                    "COUNT(DISTINCT huishouden in scope) besproken in bijeenkomsten in de periode",
                    sessions["h"],
                ),
            ),
            Figure(
                "reflecties",
                "Reflecties van regisseurs",
                reflections["n"],
                reflections["h"],
                Provenance(
                    selector,
                    "COUNT(*) van reflecties geschreven in de periode over huishoudens in scope",
                    reflections["h"],
                ),
            ),
            Figure(
                "wijzigingen",
                "Wijzigingen in de aanpak",
                len(changes),
                None,
                Provenance(selector, "COUNT(*) van wijzigingen ingegaan in de periode", None),
            ),
        ],
        tables=[
            Table(
                "per_thema",
                "Geleerde lessen per thema",
                ["Thema", "Lessen in periode", "Lessen t/m einddatum"],
                [[label(name), value(n, None), value(total, None)] for name, n, total in themes],
                Provenance(selector, query, None),
            ),
            Table(
                "wijzigingen",
                "Wijzigingen in de aanpak in deze periode",
                ["Wijziging", "Ingegaan op", "Onderbouwd met lessen"],
                [
                    [label(title), value(on.strftime("%d-%m-%Y"), None), value(n, None)]
                    for on, title, n in changes
                ],
                Provenance(
                    selector,
                    "wijzigingen in de aanpak ingegaan in de periode, met COUNT(lessen)",
                    None,
                ),
            ),
        ],
        charts=[
            Chart(
                "per_thema",
                "Lessen per thema in de periode",
                "per_thema",
                0,
                [1],
                kind="barh",
                ylabel="lessen",
                alt="Staafdiagram van het aantal lessen per thema; de cijfers staan in de tabel.",
            )
        ]
        if lessons_in_period
        else [],
        notes=notes,
    )


register_report_section(
    ReportSection(
        "lessons",
        100,
        "Geleerde lessen en aanpassingen van de aanpak",
        compute_lessons,
        audiences=frozenset({"regio", "analist", "gemeente"}),
        # Lessons, themes, sessions, reflections, changes; reflections and sessions are
        # counted for the households in scope.
        sources=(versions.LEARNING, versions.HOUSEHOLDS),
    )
)
