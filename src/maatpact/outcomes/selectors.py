"""Reads for outcomes, statements, projections and savings; scoped via policies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common import dates, versions
from maatpact.households.models import Household
from maatpact.regions.models import Organisation

from . import contract_versions, engine, projection, rules, savings
from .models import (
    AchievedOutcome,
    Contract,
    HouseholdEvent,
    OutcomeDefinition,
    PaidLine,
    PaidReceipt,
)

# --- Events and outcomes ------------------------------------------------------------


def household_events(household: Household) -> list[HouseholdEvent]:
    return list(
        HouseholdEvent.objects.filter(household=household)
        .select_related("event_type")
        .order_by("-occurred_on", "-pk")[:50]
    )


def household_outcomes(household: Household) -> list[AchievedOutcome]:
    return list(
        AchievedOutcome.objects.filter(household=household)
        .select_related("definition")
        .order_by("-achieved_on")
    )


def outcome_list(user: User, status: str = "") -> QuerySet[AchievedOutcome]:
    if not policies.can_view_outcome_list(user):
        return AchievedOutcome.objects.none()
    qs = AchievedOutcome.objects.filter(
        household__in=policies.outcome_households(user)
    ).select_related("definition", "household__municipality", "verified_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-achieved_on", "pk")


def get_outcome(user: User, pk: int) -> AchievedOutcome:
    outcome = outcome_list(user).filter(pk=pk).first()
    if outcome is None:
        raise Http404("Resultaat niet gevonden.")
    return outcome


# --- Contract and statements ---------------------------------------------------------


def get_contract(user: User, pk: int) -> Contract:
    contract = policies.visible_contracts(user).filter(pk=pk).first()
    if contract is None:
        raise Http404("Contract niet gevonden.")
    return contract


def contract_households(contract: Contract) -> QuerySet[Household]:
    qs = Household.objects.filter(
        started_on__isnull=False,
        started_on__gte=contract.starts_on,
        started_on__lte=contract.ends_on,
    )
    cohort_ids = list(contract.cohorts.values_list("pk", flat=True))
    if cohort_ids:
        qs = qs.filter(cohort_id__in=cohort_ids)
    return qs


def contract_terms(contract: Contract) -> engine.ContractTerms:
    payers = list(contract.payers.all())
    lines = list(contract.rate_card.select_related("definition"))
    drawdowns = [
        engine.Drawdown(inv.investor_id, d.drawn_on, d.amount)
        for inv in contract.investments.prefetch_related("drawdowns")
        for d in inv.drawdowns.all()
    ]
    return engine.ContractTerms(
        starts_on=contract.starts_on,
        payers=tuple(engine.PayerTerms(p.organisation_id, p.cap, p.attachment_fee) for p in payers),
        lines=tuple(
            engine.RateLine(
                definition=ln.definition.code,
                payer_id=next(p.organisation_id for p in payers if p.pk == ln.payer_id),
                price=ln.price,
                method=ln.method,
                benchmark_months=ln.benchmark_months,
                monthly_cost=ln.monthly_cost,
                savings_share_percent=ln.savings_share_percent,
                comparison_rate=ln.comparison_rate,
                benchmark_days=ln.benchmark_days,
                daily_cost=ln.daily_cost,
                attachment_year=ln.attachment_year,
            )
            for ln in lines
        ),
        deadweight_on_fees=contract.deadweight_on_fees,
        follow_up_months=contract.follow_up_months,
        trigger_per_cohort=contract.trigger_per_cohort,
        final_trigger_percent=contract.final_trigger_percent,
        cap_per_household=contract.cap_per_household,
        cap_total=contract.cap_total,
        max_return_rate=contract.max_return_rate,
        deadweight_paid=contract.deadweight_paid,
        deadweight_of=contract.deadweight_of,
        trigger_percent=contract.trigger_percent,
        fee_shares=tuple(
            contract.fee_shares.values_list("contract_year", "share_percent").order_by(
                "contract_year"
            )
        ),
        drawdowns=tuple(sorted(drawdowns, key=lambda d: (d.on, d.investor_id, d.amount))),
    )


@dataclass(frozen=True)
class PayerPeriod:
    """One payer's part of one payment period, summed from the engine's payment lines."""

    by_definition: dict[str, dict]  # definition (or "instroomvergoeding") -> count, demand, paid
    demand: Decimal
    paid: Decimal
    paid_outcomes: int  # outcome lines with a payment (not attachment fees)
    households: frozenset[int]
    deadweight_outcomes: int = 0  # outcomes of which part was withheld for deadweight
    deadweight: Decimal = Decimal("0.00")  # withheld for deadweight


@dataclass(frozen=True)
class PeriodSummary:
    period: engine.Period
    total: Decimal
    payers: dict[int, PayerPeriod]
    receipts: dict[int, Decimal] = field(default_factory=dict)  # investor -> received
    deadweight_outcomes: int = 0
    deadweight_amount: Decimal = Decimal("0.00")
    deadweight_rule: tuple[int, int] = (1, 1)
    deferred: int = 0  # verified outcomes waiting for the trigger
    deadweight_fees: bool = False
    waiting_follow_up: int = 0  # verified outcomes waiting for the follow-up window


def summarise_payments(result: engine.PaymentResult) -> list[PeriodSummary]:
    """What statements and reports show of a payment result, without its lines.

    At 100,000 households a result holds hundreds of thousands of lines; every reader
    needs only these sums, so they are what is cached (unpickling the lines took a second).
    """
    summaries = []
    for pr in result.periods:
        per_payer: dict[int, list[engine.PaymentLine]] = defaultdict(list)
        for ln in pr.lines:
            per_payer[ln.payer_id].append(ln)
        payers = {}
        for payer_id, lines in per_payer.items():
            by_def: dict[str, dict] = defaultdict(
                lambda: {"count": 0, "demand": Decimal(0), "paid": Decimal(0), "rules": set()}
            )
            for ln in lines:
                row = by_def[ln.definition or "instroomvergoeding"]
                row["count"] += 1
                if ln.rule:
                    row["rules"].add(ln.rule)
                row["demand"] += ln.demand
                row["deadweight"] = row.get("deadweight", Decimal(0)) + ln.deadweight
                row["paid"] += ln.paid
            for row in by_def.values():
                row["rule"] = " | ".join(sorted(row.pop("rules")))
            payers[payer_id] = PayerPeriod(
                by_definition=dict(sorted(by_def.items())),
                demand=sum((ln.demand for ln in lines), Decimal(0)),
                paid=sum((ln.paid for ln in lines), Decimal(0)),
                paid_outcomes=sum(1 for ln in lines if ln.kind != "instroom" and ln.paid > 0),
                households=frozenset(ln.household_id for ln in lines),
                deadweight_outcomes=sum(1 for ln in lines if ln.deadweight > 0),
                deadweight=sum((ln.deadweight for ln in lines), Decimal(0)),
            )
        summaries.append(
            PeriodSummary(
                pr.period,
                pr.total,
                payers,
                receipts=dict(pr.receipts),
                deadweight_outcomes=pr.deadweight,
                deadweight_amount=pr.deadweight_amount,
                deadweight_rule=pr.deadweight_rule,
                deferred=pr.deferred,
                deadweight_fees=pr.deadweight_fees,
                waiting_follow_up=pr.waiting_follow_up,
            )
        )
    return summaries


@dataclass
class Statement:
    contract: Contract
    terms: engine.ContractTerms
    periods: list[PeriodSummary]
    organisations: dict[int, Organisation]
    visible: set[int]
    payer_rows: list[dict] = field(default_factory=list)
    investor_rows: list[dict] = field(default_factory=list)
    households: int = 0
    period_versions: dict[int, dict] = field(default_factory=dict)  # paid_at, version


def statement(user: User, contract: Contract) -> Statement:
    """Payments per period per payer and the investors' cash flows, for the organisations
    the user may see (a financier: only its own)."""
    terms = contract_terms(contract)
    households = contract_households(contract)
    period_rows = list(contract.periods.select_related("version"))
    periods = [engine.Period(p.pk, p.name, p.starts_on, p.ends_on) for p in period_rows]
    paid = tuple((p.pk, p.paid_at) for p in period_rows if p.paid_at is not None)
    # The engine's result is the costly part and the same for every reader: cached per
    # contract terms, periods and their payment (part of the key, so any change to them
    # is a new key) and per version of the households and verified outcomes it rests on.
    summary, attached = versions.cached_figure(
        "sib_payments",
        (
            contract.pk,
            contract.starts_on,
            contract.ends_on,
            terms,
            periods,
            paid,
            str(households.query),
        ),
        (versions.HOUSEHOLDS, versions.OUTCOMES),
        lambda: _payments(terms, periods, households, settled_results(contract)),
    )
    investments = list(contract.investments.prefetch_related("drawdowns"))
    org_ids = {p.payer_id for p in terms.payers} | {i.investor_id for i in investments}
    organisations = Organisation.objects.in_bulk(org_ids)
    visible = policies.statement_organisations(user, org_ids)
    st = Statement(contract, terms, summary, organisations, visible, households=attached)
    st.period_versions = _period_versions(contract, period_rows)
    return _fill_statement(st, investments)


def _period_versions(contract: Contract, period_rows: list) -> dict[int, dict]:
    """Per period: paid or open, and the contract version that applied (open periods:
    the current terms, which a new version will record when they are paid)."""
    latest = contract.versions.order_by("-number").first()
    current = (
        str(latest)
        if latest is not None and _version_is_current(contract, latest)
        else "huidige voorwaarden"
    )
    return {
        p.pk: {
            "paid_at": p.paid_at,
            "version": str(p.version) if p.version is not None else current,
        }
        for p in period_rows
    }


def _version_is_current(contract: Contract, version) -> bool:
    return contract_versions.same_terms(version, contract_versions.terms_snapshot(contract))


def settled_results(contract: Contract) -> dict[int, engine.PeriodResult]:
    """The paid periods as they were paid: stored lines and receipts, never recomputed."""
    results = {
        p.pk: engine.PeriodResult(
            engine.Period(p.pk, p.name, p.starts_on, p.ends_on),
            deferred=p.deferred,
            deadweight_rule=(p.deadweight_paid, p.deadweight_of),
            deadweight_fees=p.deadweight_fees,
            waiting_follow_up=p.waiting_follow_up,
        )
        for p in contract.periods.filter(paid_at__isnull=False)
    }
    if not results:
        return results
    for row in (
        PaidLine.objects.filter(period_id__in=results)
        .order_by("pk")
        .values_list(
            "period_id",
            "payer_id",
            "kind",
            "household_id",
            "definition",
            "outcome_id",
            "demand",
            "paid",
            "note",
            "deadweight",
            "rule",
        )
        .iterator(chunk_size=5000)
    ):
        results[row[0]].lines.append(engine.PaymentLine(row[0], *row[1:]))
    for period_id, investor_id, amount in PaidReceipt.objects.filter(
        period_id__in=results
    ).values_list("period_id", "investor_id", "amount"):
        results[period_id].receipts[investor_id] = amount
    return results


def payment_result(contract: Contract) -> engine.PaymentResult:
    """The engine's full result (with lines) for the contract as it stands; paid periods
    as they were paid. For paying a period; readers use the cached ``statement``."""
    terms = contract_terms(contract)
    periods = [engine.Period(p.pk, p.name, p.starts_on, p.ends_on) for p in contract.periods.all()]
    attachments, outcomes = _items(terms, contract_households(contract))
    return engine.compute_payments(terms, periods, attachments, outcomes, settled_results(contract))


def _items(
    terms: engine.ContractTerms, households: QuerySet[Household]
) -> tuple[list[engine.Attachment], list[engine.VerifiedOutcome]]:
    attachments = [
        engine.Attachment(pk, started, cohort)
        for pk, started, cohort in households.values_list("pk", "started_on", "cohort_id").iterator(
            chunk_size=5000
        )
    ]
    codes = {ln.definition for ln in terms.lines}
    entered = {a.household_id: a for a in attachments}
    outcomes = []
    for pk, hid, code, at, duration, days in (
        AchievedOutcome.objects.filter(
            status=AchievedOutcome.Status.GEVERIFIEERD,
            household__in=households,
            definition__code__in=codes,
        )
        .values_list(
            "pk",
            "household_id",
            "definition__code",
            "verified_at",
            "evidence__duur_maanden",
            "evidence__duur_dagen",
        )
        .iterator(chunk_size=5000)
    ):
        outcomes.append(
            engine.VerifiedOutcome(
                pk,
                hid,
                code,
                dates.local_day(at),
                Decimal(str(duration)) if duration not in (None, "") else None,
                int(days) if days not in (None, "") else None,
                entered[hid].on if hid in entered else None,
                entered[hid].cohort_id if hid in entered else None,
            )
        )
    return attachments, outcomes


def _payments(
    terms: engine.ContractTerms,
    periods: list[engine.Period],
    households: QuerySet[Household],
    settled: dict[int, engine.PeriodResult],
) -> tuple[list[PeriodSummary], int]:
    attachments, outcomes = _items(terms, households)
    result = engine.compute_payments(terms, periods, attachments, outcomes, settled)
    return summarise_payments(result), len(attachments)


def deadweight_reason(paid: int, of: int) -> str:
    """Why part of the value is withheld, in words a financier can check by hand."""
    if paid >= of:
        return ""
    return (
        f"{of - paid} van elke {of} resultaten zou ook zonder het programma zijn bereikt: "
        f"betaald wordt de lopende waarde per betaler en resultaat × {paid}/{of}, "
        "naar beneden afgerond op centen."
    )


def _explained(by_definition: dict, ps: PeriodSummary, state: dict) -> dict:
    """Each statement line with what produced it: rule, version, trigger, deadweight."""
    paid, of = ps.deadweight_rule
    applies = f"{paid} van elke {of}" if paid < of else "geen"
    return {
        code: {
            **row,
            "version": state.get("version", ""),
            "trigger": "drempel gehaald" if "drempel" in row.get("rule", "") else "geen drempel",
            "deadweight_rule": applies
            if code != "instroomvergoeding" or ps.deadweight_fees
            else "geen",
        }
        for code, row in by_definition.items()
    }


def _fill_statement(st: Statement, investments: list) -> Statement:
    """The per-payer and per-investor rows of a statement, for its visible organisations."""
    terms, organisations, visible = st.terms, st.organisations, st.visible
    today = dates.today()
    for payer in terms.payers:
        if payer.payer_id not in visible:
            continue
        rows = []
        for ps in st.periods:
            part = ps.payers.get(payer.payer_id)
            state = st.period_versions.get(ps.period.id, {})
            rows.append(
                {
                    "period": ps.period,
                    "running": ps.period.ends_on >= today,
                    "paid_at": state.get("paid_at"),
                    "version": state.get("version", ""),
                    "lines": _explained(part.by_definition, ps, state) if part else {},
                    "waiting_trigger": ps.deferred,
                    "waiting_follow_up": ps.waiting_follow_up,
                    "demand": part.demand if part else Decimal(0),
                    "paid": part.paid if part else Decimal(0),
                    "deadweight": {
                        "outcomes": part.deadweight_outcomes if part else 0,
                        "withheld": part.deadweight if part else Decimal(0),
                        "paid_of": ps.deadweight_rule,
                        "reason": deadweight_reason(*ps.deadweight_rule),
                    },
                }
            )
        st.payer_rows.append(
            {
                "organisation": organisations[payer.payer_id],
                "periods": rows,
                "total": sum((row["paid"] for row in rows), Decimal(0)),
                "cap": payer.cap,
            }
        )
    for inv in investments:
        if inv.investor_id not in visible:
            continue
        drawn = [(d.drawn_on, d.amount) for d in inv.drawdowns.all()]
        mine = sum((a for _, a in drawn), Decimal(0))
        # What the engine paid this investor (pro rata, within its own return cap).
        receipts = [
            (ps.period.ends_on, ps.receipts[inv.investor_id])
            for ps in st.periods
            if inv.investor_id in ps.receipts
        ]
        flows = engine.investor_cash_flows(drawn, receipts)
        received = sum((a for _, a in receipts), Decimal(0))
        rate = engine.irr(flows)
        st.investor_rows.append(
            {
                "organisation": organisations[inv.investor_id],
                "committed": inv.committed,
                "drawn": mine,
                "received": received,
                "net": received - mine,
                "flows": flows,
                "irr": None if rate is None else Decimal(repr(rate * 100)).quantize(Decimal("0.1")),
            }
        )
    return st


# --- Projection -------------------------------------------------------------------


def projection_input(
    contract: Contract, households: int | None = None
) -> projection.ProjectionInput:
    """Outcome probabilities from the data so far (verified achievements among the
    contract's households whose holding window has passed), priced by the engine's own
    functions: each payer's rate line, each household's attachment fee at its own
    contract year, the return cap from the actual drawdowns."""
    terms = contract_terms(contract)
    today = dates.today()
    hh = contract_households(contract)
    starts = list(hh.values_list("started_on", flat=True))
    payer_cents: dict[str, list[int]] = defaultdict(list)
    comparison: dict[str, float | None] = {}
    for code in sorted({ln.definition for ln in terms.lines}):
        # Each payer's line for a household attached today (its attachment year).
        probe = engine.VerifiedOutcome(0, 0, code, today, attached_on=today)
        for _, ln in sorted(engine.rate_lines_for(terms, probe).items()):
            # Counterfactual savings: half the benchmark duration assumed avoided.
            assumed = engine.VerifiedOutcome(
                0,
                0,
                code,
                today,
                (ln.benchmark_months or Decimal(0)) / 2,
                (ln.benchmark_days or 0) // 2,
                today,
            )
            amount, _ = engine.outcome_demand(ln, assumed)
            payer_cents[code].append(int(amount / engine.CENT))
            if ln.comparison_rate is not None:
                comparison[code] = float(ln.comparison_rate)
    fee_by_year: dict[int, int] = {}

    def fee_cents(on: date) -> int:
        year = engine.contract_year(terms.starts_on, on)
        if year not in fee_by_year:
            demands = engine.attachment_demands(terms, on)
            fee_by_year[year] = int(sum(demands.values(), Decimal(0)) / engine.CENT)
        return fee_by_year[year]

    definitions = OutcomeDefinition.objects.filter(code__in=payer_cents).order_by("code")
    achieved = _count_verified(hh, definitions)
    outcomes = []
    for d in definitions:
        window = max(d.holding_months, 1)
        eligible = sum(1 for s in starts if rules.add_months(s, window) <= today)
        outcomes.append(
            projection.OutcomeInput(
                d.code,
                min(achieved.get(d.code, 0), eligible),
                eligible,
                sum(payer_cents[d.code]) / 100,
                comparison.get(d.code),
                payer_cents=tuple(payer_cents[d.code]),
            )
        )
    capital = sum((d.amount for d in terms.drawdowns), Decimal(0))
    committed = sum((i.committed for i in contract.investments.all()), Decimal(0))
    years = max((contract.ends_on - contract.starts_on).days / 365.25, 0.5)
    room = engine.return_room(terms, contract.ends_on, {})
    return projection.ProjectionInput(
        households=households if households is not None else len(starts),
        outcomes=tuple(outcomes),
        attachment_fee=fee_cents(today) / 100,
        deadweight_paid=contract.deadweight_paid,
        deadweight_of=contract.deadweight_of,
        trigger_percent=None
        if contract.trigger_percent is None
        else float(contract.trigger_percent),
        cap_total=None if contract.cap_total is None else float(contract.cap_total),
        capital=float(max(capital, committed)),
        max_return_rate=None
        if contract.max_return_rate is None
        else float(contract.max_return_rate),
        horizon_years=years,
        known_households=len(starts),
        known_fee_cents=sum(fee_cents(s) for s in starts),
        return_cap=None if room is None or not room else float(sum(room.values())),
    )


def _count_verified(hh: QuerySet, definitions: QuerySet) -> dict[str, int]:
    from django.db.models import Count

    return dict(
        AchievedOutcome.objects.filter(
            household__in=hh,
            definition__in=definitions,
            status=AchievedOutcome.Status.GEVERIFIEERD,
        )
        .values("definition__code")
        .annotate(n=Count("pk"))
        .values_list("definition__code", "n")
    )


# --- System cost and savings ----------------------------------------------------------


@dataclass
class FinancierRow:
    name: str
    muddling_on: float
    actual: float
    saved: float
    did: savings.DidResult | None = None


@dataclass
class SavingsReport:
    rate: float
    participants: int
    comparison: int
    accounting: list[FinancierRow]
    accounting_per_household: float | None
    did_total: savings.DidResult
    did_rows: list[FinancierRow]
    reason: str = ""


def _provision_frame(household_ids: list[int]) -> dict[str, np.ndarray]:
    from maatpact.provisions.models import Provision

    # Selected by a join, not a list of ids (100,000 ids make a slow IN clause).
    rows = (
        list(
            Provision.objects.filter(
                Q(household__started_on__isnull=False)
                | Q(household__status__in=[Household.Status.AANGEMELD, Household.Status.AFGESLOTEN])
            )
            .values_list(
                "household_id", "financier__name", "starts_on", "ends_on", "cost_kind", "amount"
            )
            .iterator(chunk_size=5000)
        )
        if household_ids
        else []
    )
    return {"rows": rows}


# What the savings estimate rests on: household dates and status, provisions with their
# financiers' names, and rule-free spends. The services writing them call
# ``versions.data_changed`` with these sources.
SAVINGS_SOURCES = (
    versions.HOUSEHOLDS,
    versions.PROVISIONS,
    versions.BUDGET,
    versions.REGIONS,
)


def savings_report(as_of: date | None = None) -> SavingsReport:
    """Both estimates for the whole region, in euros (present values at entry).

    Costly (every provision of every participant and a 1,000-draw bootstrap) and the same
    for every reader, so cached per date and data version: recomputed on the first request
    after one of ``SAVINGS_SOURCES`` changed, never served stale.
    """
    today = as_of or dates.today()
    rate = float(settings.MAATPACT.get("DISCOUNT_RATE", 0.0225))
    min_group = int(settings.MAATPACT.get("SAVINGS_MIN_GROUP", 20))
    sources = tuple(f"{s.__module__}.{s.__qualname__}" for s in savings.spend_sources())
    return versions.cached_figure(
        "savings_report",
        (today, rate, min_group, sources),
        SAVINGS_SOURCES,
        lambda: _savings_report(today, rate, min_group),
    )


def _savings_report(today: date, rate: float, min_group: int) -> SavingsReport:
    treated = dict(
        Household.objects.filter(started_on__isnull=False, started_on__lte=today).values_list(
            "pk", "started_on"
        )
    )
    ends = (
        dict(Household.objects.filter(pk__in=list(treated)).values_list("pk", "closed_on"))
        if treated
        else {}
    )
    # Screened but not admitted, and registered by the day of the estimate (a household
    # registered later cannot be in the comparison group of an earlier report).
    comparison = dict(
        Household.objects.filter(started_on__isnull=True, registered_on__lte=today)
        .filter(Q(status=Household.Status.AANGEMELD) | Q(status=Household.Status.AFGESLOTEN))
        .values_list("pk", "registered_on")
    )
    ref = {**comparison, **treated}
    ids = list(ref)
    index_ids = set(ids)
    rows = [r for r in _provision_frame(ids)["rows"] if r[0] in index_ids]
    spends: list[tuple[int, date, Decimal]] = []
    for source in savings.spend_sources():
        spends.extend(source(ids))

    financiers = sorted({r[1] for r in rows} | ({savings.SPEND_FINANCIER} if spends else set()))
    col = {name: j for j, name in enumerate(financiers)}
    index = {hid: i for i, hid in enumerate(ids)}
    n, m = len(ids), max(len(financiers), 1)
    pre = np.zeros((n, m))
    post = np.zeros((n, m))
    muddling = np.zeros((n, m))
    actual = np.zeros((n, m))
    # Time in years of 12 calendar months (the costing rule, ``savings.years_between``);
    # every span ends after its last day: the provision's end date, the household's
    # closing day, and the day of the estimate (nothing after it counts).
    day = timedelta(days=1)
    after_today = today + day
    # duration in the programme (years) per treated household, up to the day of the estimate
    treated_ids = list(treated)
    duration = dict(
        zip(
            treated_ids,
            np.maximum(
                savings.years_between(
                    [treated[hid] for hid in treated_ids],
                    [min((ends.get(hid) or today) + day, after_today) for hid in treated_ids],
                ),
                0.0,
            ).tolist(),
            strict=True,
        )
    )
    if rows:
        h = np.array([index[r[0]] for r in rows])
        j = np.array([col[r[1]] for r in rows])
        refs = [ref[r[0]] for r in rows]
        s = savings.years_between(refs, [r[2] for r in rows])
        e = savings.years_between(refs, [(r[3] + day) if r[3] else after_today for r in rows])
        today_rel = savings.years_between(refs, [after_today] * len(rows))
        # One-off amounts are discounted over the days from the reference date.
        s_days = np.array([(r[2] - ref[r[0]]).days for r in rows]) / savings.DAYS_PER_YEAR
        e = np.minimum(e, today_rel)
        monthly = np.array([float(r[5]) if r[4] == "maandelijks" else 0.0 for r in rows])
        once = np.array([float(r[5]) if r[4] == "eenmalig" else 0.0 for r in rows])
        # 12 months before the reference date, and the 12 months after it
        pre_v = savings.pv_of_stream(monthly, np.maximum(s, -1.0), np.minimum(e, 0.0), rate)
        pre_v += np.where((s >= -1.0) & (s < 0), savings.pv_of_amount(once, s_days, rate), 0.0)
        post_v = savings.pv_of_stream(monthly, np.maximum(s, 0.0), np.minimum(e, 1.0), rate)
        post_v += np.where((s >= 0) & (s < 1.0), savings.pv_of_amount(once, s_days, rate), 0.0)
        np.add.at(pre, (h, j), pre_v)
        np.add.at(post, (h, j), post_v)
        # programme accounting: whole stay in the programme
        dur = np.array([duration.get(r[0], 0.0) for r in rows])
        in_prog = np.array([r[0] in treated for r in rows])
        act_v = savings.pv_of_stream(monthly, np.maximum(s, 0.0), np.minimum(e, dur), rate)
        act_v += np.where((s >= 0) & (s < dur), savings.pv_of_amount(once, s_days, rate), 0.0)
        running = (s <= 0) & (e > 0)
        mud_v = np.where(running, savings.pv_of_stream(monthly, np.zeros_like(s), dur, rate), 0.0)
        np.add.at(actual, (h, j), np.where(in_prog, act_v, 0.0))
        np.add.at(muddling, (h, j), np.where(in_prog, mud_v, 0.0))
    if spends:
        js = col[savings.SPEND_FINANCIER]
        spends = [(hid, on, amount) for hid, on, amount in spends if hid in index]
        times = savings.years_between(
            [ref[hid] for hid, _, _ in spends], [on for _, on, _ in spends]
        )
        for (hid, on, amount), t in zip(spends, times.tolist(), strict=True):
            # The window by calendar months, the discount by days (as one-off provisions).
            v = float(amount) * (1 + rate) ** (-(on - ref[hid]).days / savings.DAYS_PER_YEAR)
            if -1.0 <= t < 0:
                pre[index[hid], js] += v
            elif 0 <= t < 1.0:
                post[index[hid], js] += v
            if hid in treated and 0 <= t < duration[hid]:
                actual[index[hid], js] += v

    t_idx = np.array([index[h] for h in treated], dtype=int)
    # Only households observed a full year after their reference date enter the DiD.
    full_year = today - timedelta(days=365)
    t_did = np.array([index[h] for h, d in treated.items() if d <= full_year], dtype=int)
    c_did = np.array([index[h] for h, d in comparison.items() if d <= full_year], dtype=int)

    # One bootstrap for every financier and the total (last column) together.
    def with_total(x: np.ndarray) -> np.ndarray:
        return np.column_stack([x, x.sum(axis=1)])

    results = savings.did_columns(
        with_total(pre[t_did]),
        with_total(post[t_did]),
        with_total(pre[c_did]),
        with_total(post[c_did]),
        min_group=min_group,
        seed=2019,
    )
    did_total, per_fin = results[-1], results[:-1]
    accounting = [
        FinancierRow(
            name,
            float(muddling[t_idx, col[name]].sum()),
            float(actual[t_idx, col[name]].sum()),
            float(muddling[t_idx, col[name]].sum() - actual[t_idx, col[name]].sum()),
        )
        for name in financiers
    ]
    did_rows = [
        FinancierRow(name, 0.0, 0.0, 0.0, per_fin[col[name]]) for name in financiers if per_fin
    ]
    total_saved = sum(r.saved for r in accounting)
    return SavingsReport(
        rate=rate,
        participants=len(treated),
        comparison=len(comparison),
        accounting=accounting,
        accounting_per_household=(total_saved / len(treated)) if treated else None,
        did_total=did_total,
        did_rows=did_rows,
        reason="" if treated else "Er zijn nog geen deelnemende huishoudens.",
    )
