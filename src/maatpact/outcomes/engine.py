"""The SIB payment engine: pure functions, plain dataclasses in, Decimal out.

How a statement is computed (the same order an accountant can follow by hand):

1. Every verified outcome and every attached household is an *item* dated on its
   verification date (outcomes) or entry date (attachment fees). An item belongs to the
   first payment period that ends on or after that date, so an outcome verified late is
   paid in the period it was verified in and closed periods never change.
2. Deadweight: per outcome definition, in order of verification, the k-th outcome is paid
   when ``ceil(k*p/q) > ceil((k-1)*p/q)`` ("pay for p of every q": with 5 of 6, every
   sixth outcome is not paid).
3. Trigger: an outcome is paid only in a period where its cohort's rate (verified
   outcomes / attached households, at the period's end) beats the comparison rate by at
   least the threshold; until then it waits and is paid in the first period that does.
4. Each payer's demand per item: the fixed price, or for counterfactual savings
   ``max(0, benchmark months - actual months) * monthly cost * share``.
5. Items are settled one by one in date order, each under what is left of the caps:
   per household, per contract and the investor's return cap (capital drawn grown at the
   maximum rate up to the period's end) scale the item's total down (payers pro rata,
   cent remainders to the largest share); then each payer's own cap. An item settled
   never changes when later ones arrive, so payments never decrease.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

import numpy as np

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_PER_YEAR = 365.25


def cents_down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class PayerTerms:
    payer_id: int
    cap: Decimal | None = None
    attachment_fee: Decimal = ZERO


@dataclass(frozen=True)
class RateLine:
    definition: str
    payer_id: int
    price: Decimal = ZERO
    method: str = "vast"  # or "besparing"
    benchmark_months: Decimal | None = None
    monthly_cost: Decimal | None = None
    savings_share_percent: Decimal = Decimal(100)
    comparison_rate: Decimal | None = None


@dataclass(frozen=True)
class ContractTerms:
    starts_on: date
    payers: tuple[PayerTerms, ...]
    lines: tuple[RateLine, ...]
    cap_per_household: Decimal | None = None
    cap_total: Decimal | None = None
    max_return_rate: Decimal | None = None
    deadweight_paid: int = 1
    deadweight_of: int = 1
    trigger_percent: Decimal | None = None
    fee_shares: tuple[tuple[int, Decimal], ...] = ()  # (contract year, percent)
    drawdowns: tuple[tuple[date, Decimal], ...] = ()


@dataclass(frozen=True)
class Period:
    id: int
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Attachment:
    household_id: int
    on: date


@dataclass(frozen=True)
class VerifiedOutcome:
    id: int
    household_id: int
    definition: str
    verified_on: date
    duration_months: Decimal | None = None  # for counterfactual savings


@dataclass
class PaymentLine:
    period_id: int
    payer_id: int
    kind: str  # "instroom" or "resultaat"
    household_id: int
    definition: str
    outcome_id: int | None
    demand: Decimal
    paid: Decimal
    note: str = ""


@dataclass
class PeriodResult:
    period: Period
    lines: list[PaymentLine] = field(default_factory=list)
    deferred: int = 0  # outcomes waiting for the trigger at the period's end
    deadweight: int = 0
    trigger: dict[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    def payer_total(self, payer_id: int) -> Decimal:
        return sum((line.paid for line in self.lines if line.payer_id == payer_id), ZERO)


@dataclass
class PaymentResult:
    periods: list[PeriodResult]
    unassigned: int  # items dated after the last period

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.periods), ZERO)

    def payer_total(self, payer_id: int) -> Decimal:
        return sum((p.payer_total(payer_id) for p in self.periods), ZERO)

    def household_total(self, household_id: int) -> Decimal:
        return sum(
            (ln.paid for p in self.periods for ln in p.lines if ln.household_id == household_id),
            ZERO,
        )


def contract_year(starts_on: date, on: date) -> int:
    months = (on.year - starts_on.year) * 12 + on.month - starts_on.month
    if on.day < starts_on.day:
        months -= 1
    return max(0, months) // 12 + 1


def fee_share(terms: ContractTerms, on: date) -> Decimal:
    """The attachment fee share (%) for the contract year of ``on``; 100 if none is set."""
    if not terms.fee_shares:
        return Decimal(100)
    year = contract_year(terms.starts_on, on)
    applicable = [pct for y, pct in sorted(terms.fee_shares) if y <= year]
    return applicable[-1] if applicable else ZERO


def return_cap(terms: ContractTerms, on: date) -> Decimal | None:
    """Most the investors may have received by ``on``: capital drawn, grown at the cap."""
    if terms.max_return_rate is None:
        return None
    rate = float(terms.max_return_rate)
    total = ZERO
    for drawn_on, amount in terms.drawdowns:
        if drawn_on <= on:
            years = (on - drawn_on).days / DAYS_PER_YEAR
            total += cents_down(amount * Decimal(repr((1 + rate) ** years)))
    return total


def deadweight_skips(outcomes: Sequence[VerifiedOutcome], paid: int, of: int) -> set[int]:
    """Ids of outcomes not paid: per definition in verification order, p of every q paid."""
    skipped: set[int] = set()
    if paid >= of:
        return skipped
    counts: dict[str, int] = defaultdict(int)
    for o in sorted(outcomes, key=lambda o: (o.verified_on, o.id)):
        counts[o.definition] += 1
        k = counts[o.definition]
        # ceil(k*p/q) grows by one for p of every q outcomes: the q-th, 2q-th... is skipped.
        if -(-k * paid // of) == -(-(k - 1) * paid // of):
            skipped.add(o.id)
    return skipped


def outcome_demand(line: RateLine, outcome: VerifiedOutcome) -> tuple[Decimal, str]:
    if line.method != "besparing":
        return line.price, ""
    if outcome.duration_months is None or line.benchmark_months is None:
        return ZERO, "geen duur bekend"
    saved = max(ZERO, line.benchmark_months - outcome.duration_months)
    amount = cents_down(
        saved * (line.monthly_cost or ZERO) * line.savings_share_percent / Decimal(100)
    )
    return amount, f"{saved} mnd vermeden"


def _split(amount: Decimal, demands: dict[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` over payers pro rata to their demands; exact to the cent."""
    total = sum(demands.values(), ZERO)
    if total <= 0 or amount >= total:
        return dict(demands)
    shares = {p: cents_down(d * amount / total) for p, d in demands.items()}
    left = int((amount - sum(shares.values(), ZERO)) / CENT)
    for p in sorted(demands, key=lambda p: (-demands[p], p))[:left]:
        shares[p] += CENT
    return shares


def compute_payments(
    terms: ContractTerms,
    periods: Iterable[Period],
    attachments: Iterable[Attachment],
    outcomes: Iterable[VerifiedOutcome],
) -> PaymentResult:
    periods = sorted(periods, key=lambda p: p.starts_on)
    attachments = sorted(attachments, key=lambda a: (a.on, a.household_id))
    outcomes = sorted(outcomes, key=lambda o: (o.verified_on, o.id))
    payers = {p.payer_id: p for p in terms.payers}
    lines_by_def: dict[str, list[RateLine]] = defaultdict(list)
    for line in terms.lines:
        lines_by_def[line.definition].append(line)
    comparison = {
        d: next((ln.comparison_rate for ln in ls if ln.comparison_rate is not None), None)
        for d, ls in lines_by_def.items()
    }
    skipped = deadweight_skips(outcomes, terms.deadweight_paid, terms.deadweight_of)

    fee_by_year: dict[int, Decimal] = {}

    def fee_pct(on: date) -> Decimal:
        year = contract_year(terms.starts_on, on)
        if year not in fee_by_year:
            fee_by_year[year] = fee_share(terms, on)
        return fee_by_year[year]

    paid_household: dict[int, Decimal] = defaultdict(lambda: ZERO)
    paid_payer: dict[int, Decimal] = defaultdict(lambda: ZERO)
    paid_total = ZERO
    waiting: list[VerifiedOutcome] = []
    results: list[PeriodResult] = []
    a_i = o_i = 0
    for period in periods:
        result = PeriodResult(period)
        new_attachments = []
        while a_i < len(attachments) and attachments[a_i].on <= period.ends_on:
            new_attachments.append(attachments[a_i])
            a_i += 1
        new_outcomes = []
        while o_i < len(outcomes) and outcomes[o_i].verified_on <= period.ends_on:
            new_outcomes.append(outcomes[o_i])
            o_i += 1
        # Trigger status at the period's end, over everything verified so far.
        attached = a_i
        verified_by_def: dict[str, int] = defaultdict(int)
        for o in outcomes[:o_i]:
            verified_by_def[o.definition] += 1
        for definition in lines_by_def:
            result.trigger[definition] = _trigger_met(
                terms.trigger_percent,
                comparison.get(definition),
                verified_by_def[definition],
                attached,
            )
        candidates = waiting + [o for o in new_outcomes if o.id not in skipped]
        result.deadweight = sum(1 for o in new_outcomes if o.id in skipped)
        waiting = [o for o in candidates if not result.trigger.get(o.definition, True)]
        result.deferred = len(waiting)
        payable = [o for o in candidates if result.trigger.get(o.definition, True)]

        items: list[tuple[date, int, int, object]] = [
            (a.on, 0, a.household_id, a) for a in new_attachments
        ] + [(o.verified_on, 1, o.id, o) for o in payable]
        items.sort(key=lambda t: t[:3])
        cap_return = return_cap(terms, period.ends_on)
        for _, kind, _, item in items:
            demands: dict[int, Decimal] = {}
            notes: dict[int, str] = {}
            if kind == 0:
                share = fee_pct(item.on)
                for p in terms.payers:
                    if p.attachment_fee > 0:
                        demands[p.payer_id] = cents_down(p.attachment_fee * share / Decimal(100))
                household_id, definition, outcome_id = item.household_id, "", None
            else:
                for line in lines_by_def.get(item.definition, []):
                    amount, note = outcome_demand(line, item)
                    demands[line.payer_id] = demands.get(line.payer_id, ZERO) + amount
                    notes[line.payer_id] = note
                household_id, definition, outcome_id = item.household_id, item.definition, item.id
            if not demands:
                continue
            wanted = sum(demands.values(), ZERO)
            allowed, reason = wanted, ""
            for cap, label in (
                (
                    None
                    if terms.cap_per_household is None
                    else terms.cap_per_household - paid_household[household_id],
                    "plafond per huishouden",
                ),
                (
                    None if terms.cap_total is None else terms.cap_total - paid_total,
                    "contractplafond",
                ),
                (
                    None if cap_return is None else cap_return - paid_total,
                    "rendementsplafond investeerder",
                ),
            ):
                if cap is not None and cap < allowed:
                    allowed, reason = max(ZERO, cents_down(cap)), label
            granted = _split(allowed, demands)
            for payer_id, demand in demands.items():
                amount = granted[payer_id]
                note = reason if amount < demand else notes.get(payer_id, "")
                payer = payers.get(payer_id)
                if payer is not None and payer.cap is not None:
                    room = max(ZERO, payer.cap - paid_payer[payer_id])
                    if room < amount:
                        amount, note = room, "plafond betaler"
                paid_payer[payer_id] += amount
                paid_household[household_id] += amount
                paid_total += amount
                result.lines.append(
                    PaymentLine(
                        period.id,
                        payer_id,
                        "instroom" if kind == 0 else "resultaat",
                        household_id,
                        definition,
                        outcome_id,
                        demand,
                        amount,
                        note,
                    )
                )
        results.append(result)
    unassigned = len(attachments) - a_i + len(outcomes) - o_i
    return PaymentResult(results, unassigned)


def _trigger_met(
    threshold: Decimal | None, comparison: Decimal | None, verified: int, attached: int
) -> bool:
    if threshold is None or comparison is None:
        return True
    if attached == 0:
        return False
    rate = Decimal(verified) / Decimal(attached)
    if comparison == 0:
        return rate > 0
    return (rate - comparison) / comparison * 100 >= threshold


# --- Investor cash flows --------------------------------------------------------


@dataclass(frozen=True)
class CashFlow:
    on: date
    amount: Decimal  # negative: paid in by the investor; positive: received
    label: str


def investor_cash_flows(
    drawdowns: Sequence[tuple[date, Decimal]], receipts: Sequence[tuple[date, Decimal]]
) -> list[CashFlow]:
    flows = [CashFlow(d, -a, "storting") for d, a in drawdowns]
    flows += [CashFlow(d, a, "uitbetaling") for d, a in receipts if a != 0]
    return sorted(flows, key=lambda f: (f.on, f.amount))


def xnpv(rate: float, flows: Sequence[CashFlow]) -> float:
    if not flows:
        return 0.0
    t0 = flows[0].on
    years = np.array([(f.on - t0).days / DAYS_PER_YEAR for f in flows])
    amounts = np.array([float(f.amount) for f in flows])
    return float(np.sum(amounts / np.power(1.0 + rate, years)))


def irr(flows: Sequence[CashFlow], tol: float = 1e-10) -> float | None:
    """Annual internal rate of return of dated flows, or None when it does not exist.

    Brackets a sign change of the NPV on a grid from -99 % to +1000 %, then bisects;
    bisection always converges where Newton's method can run off.
    """
    amounts = [f.amount for f in flows]
    if not any(a > 0 for a in amounts) or not any(a < 0 for a in amounts):
        return None
    grid = np.concatenate([np.linspace(-0.99, 1.0, 400), np.linspace(1.0, 10.0, 200)[1:]])
    values = np.array([xnpv(r, flows) for r in grid])
    signs = np.sign(values)
    change = np.nonzero(signs[:-1] * signs[1:] <= 0)[0]
    if change.size == 0:
        return None
    low, high = float(grid[change[0]]), float(grid[change[0] + 1])
    f_low = xnpv(low, flows)
    for _ in range(200):
        mid = (low + high) / 2
        f_mid = xnpv(mid, flows)
        if abs(f_mid) < tol or high - low < tol:
            return mid
        if (f_low < 0) == (f_mid < 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return (low + high) / 2
