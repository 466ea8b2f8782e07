"""The outcomes app's contributions to the reporting layer: the ``savings`` and ``sib``
report sections, the ``uitkomsten`` export dataset and the financier's dashboard tiles.

The savings section reuses ``selectors.savings_report`` (both estimates, with the rule-free
budget as a financier once the budget app registers its spends) and states method and
caveats in its notes. The SIB section counts achieved and verified outcomes in the
database and takes payments per payer from the payment engine through
``selectors.statement``, which already limits a financier to its own organisation.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse

from maatpact.accounts import policies
from maatpact.accounts.models import Role
from maatpact.common import dates, versions
from maatpact.common.money import ZERO, round_money
from maatpact.reports.context import ReportContext
from maatpact.reports.registry import (
    Chart,
    DashboardTile,
    ExportDataset,
    Figure,
    Provenance,
    ReportSection,
    SectionResult,
    Table,
    Tile,
    register_dashboard_tile,
    register_export_dataset,
    register_report_section,
)
from maatpact.reports.sections.common import label, value
from maatpact.reports.selectors import scope_key
from maatpact.reports.suppression import protect_value

from . import selectors
from .models import AchievedOutcome, OutcomeDefinition, RateCardLine

Status = AchievedOutcome.Status


def _money(x: float | None) -> Decimal | None:
    return None if x is None else round_money(Decimal(repr(x)))


# --- Savings ---------------------------------------------------------------------------


def compute_savings(ctx: ReportContext) -> SectionResult:
    """Both savings estimates for the region, as of the end of the period."""
    selector = "maatpact.outcomes.selectors.savings_report"
    as_of = min(ctx.date_to, dates.today())
    report = selectors.savings_report(as_of=as_of)
    n_t, n_c = report.participants, report.comparison
    rate = f"{report.rate * 100:.2f}".replace(".", ",")
    query_a = (
        "programma-boekhouding: per deelnemer en financier de maandkosten van de "
        "voorzieningen die liepen bij de start, doorgetrokken over de tijd in het programma "
        "(doormodderen), tegen de werkelijke kosten van voorzieningen en regelvrije "
        f"uitgaven in die tijd; contante waarde bij de start ({rate} % per jaar), "
        f"stand per {as_of:%d-%m-%Y}"
    )
    query_b = (
        "vergelijkingsgroep: kosten 12 maanden vóór en 12 maanden na de referentiedatum, "
        "deelnemers tegen aangemelde maar niet toegelaten huishoudens die een vol jaar "
        "gevolgd zijn; verschil-in-verschillen van de gemiddelde veranderingen per "
        "huishouden, 95 %-bootstrap-interval (1.000 trekkingen, seed 2019)"
    )
    accounting_rows = [
        [
            label(r.name),
            value(_money(r.muddling_on), n_t),
            value(_money(r.actual), n_t),
            value(_money(r.saved), n_t),
        ]
        for r in report.accounting
    ]
    if report.accounting:
        accounting_rows.append(
            [
                label("Totaal"),
                value(_money(sum(r.muddling_on for r in report.accounting)), n_t),
                value(_money(sum(r.actual for r in report.accounting)), n_t),
                value(_money(sum(r.saved for r in report.accounting)), n_t),
            ]
        )
    did_total = report.did_total
    n_did = did_total.n_treated + did_total.n_comparison

    def verdict(d) -> str:
        if d.effect is None:
            return "geen schatting"
        return {True: "bespaart", False: "geeft meer uit"}.get(d.saves, "geen duidelijk verschil")

    did_rows = [
        [
            label(r.name),
            value(_money(r.did.effect), n_did),
            value(_money(r.did.ci_low), n_did),
            value(_money(r.did.ci_high), n_did),
            label(verdict(r.did)),
        ]
        for r in report.did_rows
        if r.did is not None
    ]
    did_rows.append(
        [
            label("Totaal"),
            value(_money(did_total.effect), n_did),
            value(_money(did_total.ci_low), n_did),
            value(_money(did_total.ci_high), n_did),
            label(verdict(did_total)),
        ]
    )
    notes = [
        "Methode A (programma-boekhouding) is per regel na te rekenen, maar neemt aan dat "
        "er zonder het programma niets zou zijn veranderd; zij overschat de besparing als "
        "problemen ook vanzelf afnemen.",
        "Methode B (vergelijkingsgroep) haalt trends weg die beide groepen delen, maar niet "
        "verschillen in waarom huishoudens niet werden toegelaten (selectie). Matchen op "
        "gemeente, ZRM-profiel en kosten bij de start is nog niet gedaan. Negatief = lagere "
        "kosten dan zonder programma.",
        "Eenmalige kosten tellen op hun startdatum. Regelvrije uitgaven staan als financier "
        "‘Vrij besteedbaar budget’. De schatting geldt voor de hele regio, ook als een "
        "gemeente is gekozen.",
    ]
    if report.reason:
        notes.insert(0, report.reason)
    if did_total.reason:
        notes.insert(0, f"Geen schatting met de vergelijkingsgroep: {did_total.reason}")
    return SectionResult(
        figures=[
            Figure(
                "deelnemers",
                "Deelnemende huishoudens (basis methode A)",
                n_t,
                n_t,
                Provenance(selector, query_a, n_t),
            ),
            Figure(
                "per_huishouden",
                "Besparing per deelnemer volgens methode A",
                _money(report.accounting_per_household),
                n_t,
                Provenance(selector, query_a, n_t),
            ),
            Figure(
                "verschil",
                "Verschil in kosten per huishouden per jaar volgens methode B",
                _money(did_total.effect),
                n_did,
                Provenance(selector, query_b, n_did),
            ),
            Figure(
                "vergelijking",
                "Huishoudens in de vergelijkingsgroep",
                n_c,
                n_c,
                Provenance(selector, query_b, n_c),
            ),
        ],
        tables=[
            Table(
                "boekhouding",
                "Methode A: doormodderen tegen werkelijke kosten, per financier",
                ["Financier", "Doormodderen", "Werkelijk", "Besparing"],
                accounting_rows,
                Provenance(selector, query_a, n_t),
            ),
            Table(
                "vergelijking",
                "Methode B: verschil-in-verschillen per financier (euro per huishouden per jaar)",
                ["Financier", "Verschil", "95 %-interval laag", "95 %-interval hoog", "Oordeel"],
                did_rows,
                Provenance(selector, query_b, n_did),
            ),
        ],
        charts=[
            Chart(
                "boekhouding",
                "Besparing volgens methode A, per financier",
                "boekhouding",
                0,
                [3],
                kind="barh",
                ylabel="euro (contante waarde)",
                alt="Staafdiagram van de besparing per financier volgens de "
                "programma-boekhouding; de bedragen staan in de tabel.",
            )
        ]
        if report.accounting
        else [],
        notes=notes,
    )


register_report_section(
    ReportSection(
        "savings",
        90,
        "Besparingsschatting: methode en kanttekeningen",
        compute_savings,
        audiences=frozenset({"regio", "analist", "financier"}),
        intro="Twee schattingen naast elkaar; geen van beide is een bewezen besparing.",
    )
)


# --- SIB -----------------------------------------------------------------------------


def _financier_definitions(organisation_id: int):
    """Outcome definitions on a rate card of a contract the organisation pays or invests in."""
    return RateCardLine.objects.filter(
        Q(payer__organisation_id=organisation_id)
        | Q(contract__investments__investor_id=organisation_id)
    ).values("definition_id")


def _outcomes_in_period(ctx: ReportContext, definition_ids: list[int] | None):
    qs = AchievedOutcome.objects.filter(
        household__in=ctx.households.order_by().values("pk"),
        achieved_on__gte=ctx.date_from,
        achieved_on__lte=ctx.date_to,
    )
    if definition_ids is not None:
        qs = qs.filter(definition__in=definition_ids)
    return qs


def outcome_counts(ctx: ReportContext, definition_ids: list[int] | None) -> tuple[dict, dict]:
    """Achieved and verified outcomes in the period: per definition, and in total.

    The costly part of the section (two aggregates over every outcome in scope), and the
    same for every reader of one scope: cached per scope, period and definitions until
    the outcomes or households change. The rest of the section (definition names, the
    payments from ``selectors.statement``, which depend on the reader) is read per request.
    """
    verified = Q(status=Status.GEVERIFIEERD)
    counts = {
        "n": Count("pk"),
        "h": Count("household", distinct=True),
        "v": Count("pk", filter=verified),
        "hv": Count("household", distinct=True, filter=verified),
    }

    def compute() -> tuple[dict, dict]:
        outcomes = _outcomes_in_period(ctx, definition_ids)
        per_def = {
            r["definition_id"]: r
            for r in outcomes.order_by().values("definition_id").annotate(**counts)
        }
        return per_def, outcomes.aggregate(**counts)

    return versions.cached_figure(
        "sib_outcome_counts",
        (scope_key(ctx), definition_ids),
        (versions.OUTCOMES, versions.HOUSEHOLDS),
        compute,
    )


def compute_sib(ctx: ReportContext) -> SectionResult:
    selector = "maatpact.outcomes.reports.compute_sib"
    definitions = OutcomeDefinition.objects.order_by("name")
    definition_ids = None
    if ctx.organisation_id is not None:
        # Read now, not cached: the rate cards are edited on the SIB pages.
        definition_ids = sorted(
            set(_financier_definitions(ctx.organisation_id).values_list("definition_id", flat=True))
        )
        definitions = definitions.filter(pk__in=definition_ids)
    per_def, total = outcome_counts(ctx, definition_ids)
    empty = {"n": 0, "h": 0, "v": 0, "hv": 0}
    outcome_rows = []
    for pk, name in definitions.values_list("pk", "name"):
        r = per_def.get(pk, empty)
        outcome_rows.append([label(name), value(r["n"], r["h"]), value(r["v"], r["hv"])])
    outcome_query = (
        "COUNT(*) van bereikte resultaten met ‘bereikt op’ in de periode bij huishoudens in "
        "scope, en daarvan geverifieerd, per resultaatdefinitie"
        + (
            "; alleen resultaten op de tarievenkaart van uw organisatie"
            if ctx.organisation_id is not None
            else ""
        )
    )

    # Payments: per visible contract, from the engine; a financier sees only its own part.
    payment_rows = []
    paid_total = ZERO
    contracts = policies.visible_contracts(ctx.user) if ctx.user is not None else []
    for contract in contracts:
        st = selectors.statement(ctx.user, contract)
        for payer in st.terms.payers:
            if payer.payer_id not in st.visible:
                continue
            parts = [
                ps.payers[payer.payer_id]
                for ps in st.periods
                if ps.period.starts_on <= ctx.date_to
                and ps.period.ends_on >= ctx.date_from
                and payer.payer_id in ps.payers
            ]
            households = len(frozenset().union(*(part.households for part in parts)))
            outcomes = sum(part.paid_outcomes for part in parts)
            paid = sum((part.paid for part in parts), ZERO)
            paid_total += paid
            payment_rows.append(
                [
                    label(f"{st.organisations[payer.payer_id].name} ({contract.name})"),
                    value(outcomes, households),
                    value(sum((part.demand for part in parts), ZERO), households),
                    value(paid, households),
                    value(households, households),
                ]
            )
    payment_query = (
        "betalingen van de betaalmachine (outcomes.engine) in betaalperioden die de periode "
        "overlappen, per betaler; resultaten op hun verificatiedatum, na deadweight, "
        "drempel en plafonds"
    )
    notes = [
        "Alleen geverifieerde resultaten worden betaald, in de betaalperiode van hun "
        "verificatie. Betalingen omvatten ook instroomvergoedingen per gekoppeld huishouden."
    ]
    if ctx.organisation_id is not None:
        notes.append("U ziet alleen de resultaten en betalingen van uw eigen organisatie.")
    if not payment_rows:
        notes.append("Voor u zijn er geen SIB-betalingen in deze periode om te tonen.")
    if not total["n"]:
        notes.append("In deze periode zijn nog geen resultaten bereikt.")
    return SectionResult(
        figures=[
            Figure(
                "bereikt",
                "Resultaten bereikt in deze periode",
                total["n"],
                total["h"],
                Provenance(selector, outcome_query, total["h"]),
            ),
            Figure(
                "geverifieerd",
                "Waarvan geverifieerd",
                total["v"],
                total["hv"],
                Provenance(selector, outcome_query, total["hv"]),
            ),
        ],
        tables=[
            Table(
                "resultaten",
                "SIB-resultaten bereikt en geverifieerd",
                ["Resultaat", "Bereikt", "Geverifieerd"],
                outcome_rows,
                Provenance(selector, outcome_query, total["h"]),
            ),
            Table(
                "betalingen",
                "SIB-betalingen per betaler",
                ["Betaler (contract)", "Betaalde resultaten", "Gevraagd", "Betaald", "Huishoudens"],
                payment_rows,
                Provenance(selector, payment_query, None),
            ),
        ],
        charts=[
            Chart(
                "resultaten",
                "Bereikte en geverifieerde resultaten",
                "resultaten",
                0,
                [1, 2],
                kind="barh",
                ylabel="resultaten",
                alt="Staafdiagram van het aantal bereikte en geverifieerde resultaten per "
                "resultaat; de cijfers staan in de tabel.",
            )
        ]
        if outcome_rows
        else [],
        notes=notes,
    )


register_report_section(
    ReportSection(
        "sib",
        95,
        "Social Impact Bond: resultaten en betalingen",
        compute_sib,
        audiences=frozenset({"regio", "analist", "financier"}),
    )
)


# --- Export ------------------------------------------------------------------------------


def outcome_rows(ectx):
    """One row per achieved outcome: definition, dates, kind of evidence (the rule kind)."""
    kinds = {
        pk: (code, (rule or {}).get("kind", ""))
        for pk, code, rule in OutcomeDefinition.objects.values_list("pk", "code", "rule")
    }
    for hid, def_id, on, status, verified_at in (
        AchievedOutcome.objects.filter(household__in=ectx.households.order_by().values("pk"))
        .order_by("achieved_on", "pk")
        .values_list("household_id", "definition_id", "achieved_on", "status", "verified_at")
        .iterator(chunk_size=5000)
    ):
        code, kind = kinds.get(def_id, ("", ""))
        yield [
            ectx.pseudonym(hid),
            code,
            on,
            kind,
            status,
            dates.local_day(verified_at) if verified_at else None,
        ]


register_export_dataset(
    ExportDataset(
        "uitkomsten",
        60,
        "Resultaten (SIB)",
        ["pseudoniem", "resultaat", "bereikt_op", "soort_onderbouwing", "status", "beoordeeld_op"],
        outcome_rows,
    )
)


# --- Financier dashboard -------------------------------------------------------------------


def financier_outcomes(dctx) -> Tile | None:
    """Outcomes on the organisation's rate cards, among the households of its region."""
    org = dctx.user.organisation_id
    if not org:
        return None
    qs = AchievedOutcome.objects.filter(
        household__in=policies.report_households(dctx.user).order_by().values("pk"),
        definition__in=_financier_definitions(org),
    )
    figures = qs.aggregate(
        n=Count("pk"),
        h=Count("household", distinct=True),
        v=Count("pk", filter=Q(status=Status.GEVERIFIEERD)),
        hv=Count("household", distinct=True, filter=Q(status=Status.GEVERIFIEERD)),
    )
    return Tile(
        "Resultaten voor uw organisatie",
        protect_value(figures["n"], figures["h"], exact=False)[0],
        caption="bereikte resultaten die u (mede) betaalt",
        rows=[("Geverifieerd", protect_value(figures["v"], figures["hv"], exact=False)[0])],
        url=reverse("reports:interim"),
        link_label="Naar uw deel van de rapportage",
    )


def financier_statements(dctx) -> Tile | None:
    """The organisation's own SIB statements: what it paid or received so far."""
    contracts = list(policies.visible_contracts(dctx.user))
    rows = []
    for contract in contracts:
        st = selectors.statement(dctx.user, contract)
        for payer in st.payer_rows:
            rows.append((f"{contract.name}: betaald", payer["total"]))
        for inv in st.investor_rows:
            rows.append((f"{contract.name}: ontvangen", inv["received"]))
    from maatpact.common.money import euro

    return Tile(
        "Uw SIB-afrekeningen",
        len(contracts),
        caption="contracten waarin u betaalt of investeert",
        rows=[(name, euro(amount)) for name, amount in rows],
        url=reverse("outcomes:contracts"),
        link_label="Naar de afrekeningen",
    )


register_dashboard_tile(
    DashboardTile("financier_outcomes", 20, frozenset({Role.FINANCIER}), financier_outcomes)
)
register_dashboard_tile(
    DashboardTile("financier_statements", 30, frozenset({Role.FINANCIER}), financier_statements)
)
