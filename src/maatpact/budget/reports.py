"""The budget's contributions to the reporting layer: the ``budget`` report section and
the ``bestedingen`` export dataset (see ``reports.registry``).

Everything is summed in the database; a section runs the same five queries whatever the
number of spends. A grant counts on its day of approval, a reversal on the day it was
booked and an allocation (or a transfer) on the day it was booked in the ledger, so the
figures of a past period never change afterwards and the periods add up.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from maatpact.common import dates, versions
from maatpact.common.money import ZERO
from maatpact.reports.context import ReportContext
from maatpact.reports.registry import (
    Chart,
    ExportDataset,
    Figure,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    register_export_dataset,
    register_report_section,
)
from maatpact.reports.sections.common import label, value

from .models import LedgerEntry, Spend

MONEY = DecimalField(max_digits=14, decimal_places=2)
# Spends that were (at least partly) granted; a fully reversed one nets to zero.
GRANTED = [Spend.Status.GOEDGEKEURD, Spend.Status.BETAALD, Spend.Status.TERUGGEDRAAID]
SELECTOR = "maatpact.budget.reports.compute_budget"


Kind = LedgerEntry.Kind
# Ledger entries that change what a municipality was allocated, with their sign.
ALLOCATING = {Kind.TOEWIJZING: 1, Kind.OVERHEVELING_IN: 1, Kind.TOEWIJZING_TERUG: -1,
              Kind.OVERHEVELING_UIT: -1}  # fmt: skip
REVERSING = [Kind.TERUGBOEKING, Kind.TERUGBETALING]


def _sum(field: str = "amount", **filters) -> Coalesce:
    return Coalesce(Sum(field, filter=Q(**filters)), Value(ZERO), output_field=MONEY)


def allocated_by(ctx: ReportContext) -> dict[str, Decimal]:
    """Per municipality in scope: what it had been allocated at the end of the period."""
    signed = Case(
        *(When(kind=kind, then=F("amount") * sign) for kind, sign in ALLOCATING.items()),
        output_field=MONEY,
    )
    return dict(
        LedgerEntry.objects.filter(
            allocation__municipality__in=ctx.municipalities,
            kind__in=list(ALLOCATING),
            created_at__date__lte=ctx.date_to,
        )
        .order_by()
        .values("allocation__municipality__name")
        .annotate(total=Sum(signed))
        .values_list("allocation__municipality__name", "total")
    )


def reversals(ctx: ReportContext) -> list[dict]:
    """Reversals of granted spends in scope booked by the end of the period, per
    municipality and category: in the period and up to its end."""
    period = {"created_at__date__gte": ctx.date_from}
    return list(
        LedgerEntry.objects.filter(
            spend__in=granted_spends(ctx).order_by().values("pk"),
            kind__in=REVERSING,
            created_at__date__lte=ctx.date_to,
        )
        .order_by()
        .values("spend__allocation__municipality__name", "spend__category")
        .annotate(period=_sum(**period), to_date=_sum())
    )


def granted_spends(ctx: ReportContext):
    """Granted spends on households in scope, approved by the end of the period."""
    return Spend.objects.filter(
        household__in=ctx.households.order_by().values("pk"),
        status__in=GRANTED,
        decided_at__date__lte=ctx.date_to,
    )


def _pct(part: Decimal, whole: Decimal) -> float | None:
    return round(float(part / whole * 100), 1) if whole else None


def compute_budget(ctx: ReportContext) -> SectionResult:
    """Spent against allocation, per municipality and per category."""
    allocated = allocated_by(ctx)
    spends = granted_spends(ctx)
    in_period = {"decided_at__date__gte": ctx.date_from}
    per_mun = {
        r["allocation__municipality__name"]: r
        for r in spends.order_by()
        .values("allocation__municipality__name")
        .annotate(
            period=_sum(**in_period),
            to_date=_sum(),
            h_period=Count("household", distinct=True, filter=Q(**in_period)),
            h_to_date=Count("household", distinct=True),
        )
    }
    per_cat = {
        r["category"]: r
        for r in spends.filter(**in_period)
        .order_by()
        .values("category")
        .annotate(n=Count("pk"), total=_sum(), h=Count("household", distinct=True))
    }
    totals = spends.aggregate(
        period=_sum(**in_period),
        to_date=_sum(),
        h_period=Count("household", distinct=True, filter=Q(**in_period)),
        h_to_date=Count("household", distinct=True),
    )
    # Net of what was booked back by the end of the period, on the day it was booked.
    for r in reversals(ctx):
        mun = per_mun[r["spend__allocation__municipality__name"]]
        for row in (mun, totals):
            row["period"] -= r["period"]
            row["to_date"] -= r["to_date"]
        if r["period"]:  # booked back in the period: the category shows it
            empty = {"category": r["spend__category"], "n": 0, "total": ZERO, "h": 0}
            per_cat.setdefault(r["spend__category"], empty)["total"] -= r["period"]
    per_cat = list(per_cat.values())
    query = (
        "SUM(bedrag) van toegekende uitgaven (goedgekeurd, betaald of (deels) "
        "teruggeboekt) voor huishoudens in scope op hun datum van goedkeuring, min de "
        "terugboekingen op de datum waarop ze geboekt zijn; toegewezen = de toewijzingen "
        "en overhevelingen in het grootboek van de gemeenten in scope tot en met de einddatum"
    )
    rows = []
    all_allocated = sum(allocated.values(), ZERO)
    for name in sorted(set(allocated) | set(per_mun)):
        r = per_mun.get(name, {"period": ZERO, "to_date": ZERO, "h_period": 0, "h_to_date": 0})
        alloc = allocated.get(name) or ZERO
        rows.append(
            [
                label(name),
                value(alloc, None),
                value(r["period"], r["h_period"]),
                value(r["to_date"], r["h_to_date"]),
                value(_pct(r["to_date"], alloc), r["h_to_date"]),
                value(r["h_period"], r["h_period"]),
            ]
        )
    rows.append(
        [
            label("Totaal"),
            value(all_allocated, None),
            value(totals["period"], totals["h_period"]),
            value(totals["to_date"], totals["h_to_date"]),
            value(_pct(totals["to_date"], all_allocated), totals["h_to_date"]),
            value(totals["h_period"], totals["h_period"]),
        ]
    )
    labels = dict(Spend.Category.choices)
    cat_rows = [
        [label(labels.get(r["category"], r["category"])), value(r["n"], r["h"]),
         value(r["total"], r["h"]), value(r["h"], r["h"])]
        for r in sorted(per_cat, key=lambda r: -r["total"])
    ]  # fmt: skip
    h_period = totals["h_period"]
    return SectionResult(
        figures=[
            Figure(
                "besteed",
                "Besteed uit het regelvrije budget in deze periode (netto)",
                totals["period"],
                h_period,
                Provenance(SELECTOR, query, h_period),
            ),
            Figure(
                "aandeel",
                "Besteed tot en met de einddatum, als deel van de toewijzing",
                _pct(totals["to_date"], all_allocated),
                totals["h_to_date"],
                Provenance(SELECTOR, query, totals["h_to_date"]),
                unit="%",
            ),
        ],
        tables=[
            Table(
                "per_gemeente",
                "Regelvrij budget per gemeente: toegewezen en besteed",
                [
                    "Gemeente",
                    "Toegewezen",
                    "Besteed in periode",
                    "Besteed t/m einddatum",
                    "% van toewijzing",
                    "Huishoudens (periode)",
                ],
                rows,
                Provenance(SELECTOR, query + ", gegroepeerd naar gemeente", totals["h_to_date"]),
            ),
            Table(
                "per_soort",
                "Regelvrij budget besteed in de periode, naar soort uitgave",
                ["Soort", "Uitgaven", "Bedrag (netto)", "Huishoudens"],
                cat_rows,
                Provenance(SELECTOR, query + ", in de periode, gegroepeerd naar soort", h_period),
            ),
        ],
        charts=[
            Chart(
                "per_soort",
                "Besteed naar soort uitgave",
                "per_soort",
                0,
                [2],
                kind="barh",
                ylabel="euro",
                alt="Staafdiagram van het netto bestede bedrag per soort uitgave; "
                "de bedragen staan in de tabel.",
            )
        ]
        if cat_rows
        else [],
        notes=[
            "Netto = toegekend bedrag (op de dag van goedkeuring) min wat is teruggeboekt "
            "(op de dag van de terugboeking), dus een latere correctie verandert een "
            "afgesloten periode niet. Aanvragen die nog op "
            "goedkeuring wachten of zijn afgewezen tellen niet mee. Bedragen met minder dan "
            "5 huishoudens erachter zijn buiten het programmateam verborgen."
        ]
        + ([] if rows[:-1] or cat_rows else ["Er is nog geen regelvrij budget toegewezen."]),
    )


register_report_section(
    ReportSection(
        "budget",
        50,
        "Regelvrij budget: besteed tegen toewijzing",
        compute_budget,
        audiences=frozenset({"regio", "analist", "gemeente"}),
        # Spends and allocations (BUDGET), the households in scope, municipality names.
        sources=(versions.BUDGET, versions.HOUSEHOLDS, versions.REGIONS),
    )
)


# --- Export --------------------------------------------------------------------------


def spend_rows(ectx):
    """One row per spend; never the purpose, justification or rejection reason (free text)."""
    for row in (
        Spend.objects.filter(household__in=ectx.households.order_by().values("pk"))
        .order_by("requested_at", "pk")
        .values_list(
            "household_id",
            "allocation__municipality__cbs_code",
            "category",
            "status",
            "amount",
            "reversed_amount",
            "needs_approval",
            "law__code",
            "financier__name",
            "requested_at",
            "decided_at",
            "paid_at",
        )
        .iterator(chunk_size=5000)
    ):
        hid, cbs, category, status, amount, reversed_amount, needs, law, fin, req, dec, paid = row
        yield [
            ectx.pseudonym(hid),
            cbs,
            category,
            status,
            amount,
            reversed_amount,
            amount - reversed_amount,
            "ja" if needs else "nee",
            law,
            fin,
            dates.local_day(req),
            dates.local_day(dec) if dec else None,
            dates.local_day(paid) if paid else None,
        ]


register_export_dataset(
    ExportDataset(
        "bestedingen",
        40,
        "Regelvrij budget",
        [
            "pseudoniem",
            "gemeente_cbs",
            "soort",
            "status",
            "bedrag",
            "teruggeboekt",
            "netto",
            "teamleider_nodig",
            "wet",
            "financier",
            "aangevraagd_op",
            "beoordeeld_op",
            "betaald_op",
        ],
        spend_rows,
    )
)
