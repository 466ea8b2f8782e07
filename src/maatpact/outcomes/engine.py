"""The SIB payment engine: pure functions, plain dataclasses in, Decimal out.

How a statement is computed (the same order an accountant can follow by hand):

1. Every verified outcome and every attached household is an *item* dated on its
   verification date (outcomes) or entry date (attachment fees). An item belongs to the
   first open payment period that ends on or after that date. A *settled* (paid) period
   is taken as it was paid and never recomputed; an item it did not pay (deferred by the
   trigger, or recorded late) is paid in the first open period after it.
2. Each payer's value per item: the fixed price (of the rate card line for the
   household's attachment year if there is one, else the general line), or for
   counterfactual savings ``max(0, benchmark months - actual months) * monthly cost *
   share`` or, from dates, ``max(0, expected days - actual days) * daily cost * share``;
   an attachment fee times the share of the household's contract year.
3. Deadweight ("pay for p of every q"): per payer and outcome definition, in the order
   outcomes are paid, the running total G of their value is payable as ``floor(G*p/q)``
   to the cent; an outcome's payable amount is the increase of that figure and the rest
   is withheld. So exactly (q-p)/q of the value is withheld, whatever the count or mix.
   With ``deadweight_on_fees`` the attachment fees are one more such running total per
   payer (definition ``""``), so the rule applies to the whole payment.
4. Trigger: an outcome is paid only in a period where its cohort's rate (verified
   outcomes / attached households, at the period's end) beats the comparison rate by at
   least the threshold; until then it waits and is paid in the first period that does.
   With a follow-up period of m months a household counts (in the rate, and for
   payment) only once m months after its entry have passed by the period's end, so
   recently attached households do not dilute the rate; its outcomes wait until then.
   Per cohort (``trigger_per_cohort``) the rate is that of the outcome's own cohort; a
   final threshold (``final_trigger_percent``) pays, in the contract's last period,
   every outcome still waiting if the rate over all cohorts together reaches it.
5. Items are settled one by one in date order, each under what is left of the caps, in
   this order: per household, per contract, the investors' return cap; they scale the
   item's payable total down (payers by largest remainder, see ``split_cents``); then
   each payer's own cap. An item settled never changes when later ones arrive.
6. A period's total goes to the investors on the period's last day, pro rata to capital
   drawn by then, but never above an investor's own room under the return cap: the
   capital it drew minus what it received, both grown at the maximum rate to that day
   (so its whole dated cash-flow history, not one receipt, stays within the cap).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

import numpy as np

from maatpact.common.money import euro

from .rules import add_months

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_PER_YEAR = 365.25


def cents_down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def split_cents(amount: Decimal, weights: Mapping[int, Decimal | int]) -> dict[int, Decimal]:
    """``amount`` over the keys pro rata to ``weights``, exact to the cent.

    Largest remainder: everyone gets the exact share rounded down to the cent; the cents
    left go one each to the largest remainders, ties to the lower key. The shares add up
    to ``amount`` exactly. With all weights zero the keys share equally.
    """
    keys = sorted(weights)
    if not keys:
        return {}
    w = {k: Decimal(weights[k]) for k in keys}
    total = sum(w.values(), Decimal(0))
    if total <= 0:
        w, total = {k: Decimal(1) for k in keys}, Decimal(len(keys))
    exact = {k: amount * w[k] / total for k in keys}
    shares = {k: cents_down(exact[k]) for k in keys}
    left = int((amount - sum(shares.values(), ZERO)) / CENT)
    for k in sorted(keys, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[k] += CENT
    return shares


def split_capped(
    amount: Decimal, weights: Mapping[int, Decimal], caps: Mapping[int, Decimal | None]
) -> dict[int, Decimal]:
    """``amount`` pro rata to ``weights`` (``split_cents``), nobody above its cap: whoever
    would pass it gets its cap and the rest is shared again over the others."""
    shares: dict[int, Decimal] = {}
    open_keys = set(weights)
    left = amount
    while open_keys:
        trial = split_cents(left, {k: weights[k] for k in open_keys})
        over = {k for k in open_keys if caps.get(k) is not None and trial[k] > caps[k]}
        if not over:
            shares.update(trial)
            return shares
        for k in sorted(over):
            shares[k] = caps[k]
            left -= caps[k]
        open_keys -= over
    if left > 0:
        raise ValueError("bedrag groter dan de plafonds samen")
    return shares


def deadweight_kept_cents(gross_cents, paid: int, of: int):
    """Cents payable of a running value total under "pay for p of every q": floor(G*p/q).

    Integer arithmetic, so the same line serves one Decimal total (the engine) and arrays
    of totals (the projection).
    """
    return gross_cents * paid // of


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
    benchmark_days: int | None = None  # method "dagen"
    daily_cost: Decimal | None = None
    attachment_year: int | None = None  # only households attached in this contract year


@dataclass(frozen=True)
class Drawdown:
    investor_id: int
    on: date
    amount: Decimal


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
    drawdowns: tuple[Drawdown, ...] = ()
    deadweight_on_fees: bool = False
    follow_up_months: int = 0  # an outcome counts once the household's window has ended
    trigger_per_cohort: bool = False  # the threshold per cohort, not over all households
    final_trigger_percent: Decimal | None = None  # pooled test in the last period


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
    cohort_id: int | None = None


@dataclass(frozen=True)
class VerifiedOutcome:
    id: int
    household_id: int
    definition: str
    verified_on: date
    duration_months: Decimal | None = None  # for counterfactual savings
    duration_days: int | None = None  # for counterfactual savings from days
    attached_on: date | None = None  # the household's entry, for its attachment year
    cohort_id: int | None = None


@dataclass
class PaymentLine:
    period_id: int
    payer_id: int
    kind: str  # "instroom" or "resultaat"
    household_id: int
    definition: str
    outcome_id: int | None
    demand: Decimal  # value by the rate card
    paid: Decimal
    note: str = ""
    deadweight: Decimal = ZERO  # withheld of the demand for deadweight
    rule: str = ""  # the rate card rule that produced the demand, in words


@dataclass
class PeriodResult:
    period: Period
    lines: list[PaymentLine] = field(default_factory=list)
    deferred: int = 0  # outcomes waiting for the trigger at the period's end
    trigger: dict[str, bool] = field(default_factory=dict)
    receipts: dict[int, Decimal] = field(default_factory=dict)  # investor -> received
    deadweight_rule: tuple[int, int] = (1, 1)  # (paid, of) that applied
    deadweight_fees: bool = False  # the rule applied to attachment fees too
    waiting_follow_up: int = 0  # verified outcomes whose follow-up window has not ended

    @property
    def total(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def deadweight(self) -> int:
        """Outcomes of which part was withheld for deadweight."""
        return len({ln.outcome_id for ln in self.lines if ln.deadweight > 0})

    @property
    def deadweight_amount(self) -> Decimal:
        return sum((ln.deadweight for ln in self.lines), ZERO)

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

    def receipts(self, investor_id: int) -> list[tuple[date, Decimal]]:
        return [
            (p.period.ends_on, p.receipts[investor_id])
            for p in self.periods
            if investor_id in p.receipts
        ]


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


def attachment_demands(terms: ContractTerms, entered_on: date) -> dict[int, Decimal]:
    """What each payer owes for one household attached on ``entered_on``."""
    share = fee_share(terms, entered_on)
    return {
        p.payer_id: cents_down(p.attachment_fee * share / Decimal(100))
        for p in terms.payers
        if p.attachment_fee > 0
    }


def outcome_demand(line: RateLine, outcome: VerifiedOutcome) -> tuple[Decimal, str]:
    if line.method == "dagen":
        if outcome.duration_days is None or line.benchmark_days is None:
            return ZERO, "geen duur bekend"
        days = max(0, line.benchmark_days - outcome.duration_days)
        amount = cents_down(
            Decimal(days) * (line.daily_cost or ZERO) * line.savings_share_percent / Decimal(100)
        )
        return amount, f"{days} dagen vermeden"
    if line.method != "besparing":
        return line.price, ""
    if outcome.duration_months is None or line.benchmark_months is None:
        return ZERO, "geen duur bekend"
    saved = max(ZERO, line.benchmark_months - outcome.duration_months)
    amount = cents_down(
        saved * (line.monthly_cost or ZERO) * line.savings_share_percent / Decimal(100)
    )
    return amount, f"{saved} mnd vermeden"


def rule_text(line: RateLine) -> str:
    """The rate card rule in words, as a statement line names it."""
    if line.method == "dagen":
        text = (
            f"({line.benchmark_days} verwachte − werkelijke dagen) × {euro(line.daily_cost)}"
            f" per dag × {line.savings_share_percent} %"
        )
    elif line.method == "besparing":
        text = (
            f"({line.benchmark_months} verwachte − werkelijke mnd) × {euro(line.monthly_cost)}"
            f" per mnd × {line.savings_share_percent} %"
        )
    else:
        text = f"vaste prijs {euro(line.price)}"
    if line.attachment_year is not None:
        text += f", instroomjaar {line.attachment_year}"
    return text


def rate_lines_for(terms: ContractTerms, outcome: VerifiedOutcome) -> dict[int, RateLine]:
    """Per payer the rate card line for an outcome: the one for the household's
    attachment year if the payer has it, else the payer's general line."""
    year = (
        None if outcome.attached_on is None else contract_year(terms.starts_on, outcome.attached_on)
    )
    chosen: dict[int, RateLine] = {}
    for line in terms.lines:
        if line.definition != outcome.definition:
            continue
        if line.attachment_year is None:
            chosen.setdefault(line.payer_id, line)
        elif line.attachment_year == year:
            chosen[line.payer_id] = line
    return chosen


def outcome_demands(
    terms: ContractTerms, outcome: VerifiedOutcome
) -> dict[int, tuple[Decimal, str]]:
    """What each payer's rate card asks for one verified outcome (before deadweight)."""
    return {
        payer: outcome_demand(line, outcome)
        for payer, line in rate_lines_for(terms, outcome).items()
    }


def _growth(rate: float, days: int) -> Decimal:
    return Decimal(repr((1 + rate) ** (days / DAYS_PER_YEAR)))


def return_room(
    terms: ContractTerms, on: date, received: Mapping[int, Sequence[tuple[date, Decimal]]]
) -> dict[int, Decimal] | None:
    """Per investor, the most it may still receive on ``on`` under the return cap.

    Its capital drawn by then minus what it received, each grown at the maximum annual
    rate from its own date to ``on`` (a balance at the capped rate), rounded down to the
    cent and never below zero. None without a return cap.
    """
    if terms.max_return_rate is None:
        return None
    rate = float(terms.max_return_rate)
    balance: dict[int, Decimal] = defaultdict(Decimal)
    for d in terms.drawdowns:
        balance[d.investor_id] += Decimal(0)
        if d.on <= on:
            balance[d.investor_id] += d.amount * _growth(rate, (on - d.on).days)
    for investor, flows in received.items():
        for paid_on, amount in flows:
            balance[investor] -= amount * _growth(rate, (on - paid_on).days)
    return {i: max(ZERO, cents_down(b)) for i, b in balance.items()}


def capital_drawn(terms: ContractTerms, on: date) -> dict[int, Decimal]:
    drawn: dict[int, Decimal] = {d.investor_id: ZERO for d in terms.drawdowns}
    for d in terms.drawdowns:
        if d.on <= on:
            drawn[d.investor_id] += d.amount
    return drawn


@dataclass
class _Ledger:
    """What has been paid so far, by every measure a cap or a rule looks at."""

    household: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    payer: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    total: Decimal = ZERO
    received: dict[int, list[tuple[date, Decimal]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # (payer, definition, p, q) -> running value and running withheld, for deadweight
    value: dict[tuple, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    withheld: dict[tuple, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    attached: set[int] = field(default_factory=set)
    outcomes: set[int] = field(default_factory=set)

    def book(self, line: PaymentLine, rule: tuple[int, int], fees: bool = False) -> None:
        """``fees``: the deadweight rule applied to attachment fees in this period."""
        self.household[line.household_id] += line.paid
        self.payer[line.payer_id] += line.paid
        self.total += line.paid
        if line.kind == "instroom":
            self.attached.add(line.household_id)
        else:
            self.outcomes.add(line.outcome_id)
        if line.kind != "instroom" or fees:
            key = (line.payer_id, line.definition, *rule)
            self.value[key] += line.demand
            self.withheld[key] += line.deadweight

    def book_receipts(self, on: date, receipts: Mapping[int, Decimal]) -> None:
        for investor, amount in receipts.items():
            if amount:
                self.received[investor].append((on, amount))

    def deadweight(self, payer_id: int, definition: str, value: Decimal, rule) -> Decimal:
        """Withheld of ``value``: the increase of G - floor(G*p/q) over the running total."""
        paid, of = rule
        if paid >= of:
            return ZERO
        key = (payer_id, definition, paid, of)
        gross = self.value[key] + value
        kept = Decimal(deadweight_kept_cents(int(gross / CENT), paid, of)) * CENT
        return gross - kept - self.withheld[key]


def compute_payments(
    terms: ContractTerms,
    periods: Iterable[Period],
    attachments: Iterable[Attachment],
    outcomes: Iterable[VerifiedOutcome],
    settled: Mapping[int, PeriodResult] | None = None,
) -> PaymentResult:
    """Payments per period; ``settled`` holds the paid periods' results (by period id),
    which are taken as they are and only carried forward."""
    settled = settled or {}
    periods = sorted(periods, key=lambda p: p.starts_on)
    attachments = sorted(attachments, key=lambda a: (a.on, a.household_id))
    outcomes = sorted(outcomes, key=lambda o: (o.verified_on, o.id))
    payers = {p.payer_id: p for p in terms.payers}
    defined = {ln.definition for ln in terms.lines}
    comparison = {
        d: next(
            (
                ln.comparison_rate
                for ln in terms.lines
                if ln.definition == d and ln.comparison_rate is not None
            ),
            None,
        )
        for d in defined
    }
    rule = (terms.deadweight_paid, terms.deadweight_of)
    fees_too = terms.deadweight_on_fees and rule[0] < rule[1]
    ledger = _Ledger()
    fees: dict[int, dict[int, Decimal]] = {}  # contract year -> demands per payer

    def fee_demands(on: date) -> dict[int, Decimal]:
        year = contract_year(terms.starts_on, on)
        if year not in fees:
            fees[year] = attachment_demands(terms, on)
        return fees[year]

    results: list[PeriodResult] = []
    a_i = o_i = 0
    for period in periods:
        while a_i < len(attachments) and attachments[a_i].on <= period.ends_on:
            a_i += 1
        while o_i < len(outcomes) and outcomes[o_i].verified_on <= period.ends_on:
            o_i += 1
        if period.id in settled:
            result = settled[period.id]
            for line in result.lines:
                ledger.book(line, result.deadweight_rule, result.deadweight_fees)
            ledger.book_receipts(period.ends_on, result.receipts)
            results.append(result)
            continue
        result = PeriodResult(period, deadweight_rule=rule, deadweight_fees=fees_too)
        if terms.follow_up_months:
            matured = [
                o for o in outcomes[:o_i] if followed_up(terms, o.attached_on, period.ends_on)
            ]
            counted = [a for a in attachments[:a_i] if followed_up(terms, a.on, period.ends_on)]
        else:
            matured, counted = outcomes[:o_i], attachments[:a_i]
        pending = [o for o in matured if o.id not in ledger.outcomes]
        payable, result.trigger, trigger_notes = _trigger_state(
            terms, comparison, matured, counted, pending, last=period is periods[-1]
        )
        result.deferred = len(pending) - len(payable)
        result.waiting_follow_up = sum(
            1 for o in outcomes[:o_i] if o.id not in ledger.outcomes
        ) - len(pending)
        items: list[tuple[date, int, int, Attachment | VerifiedOutcome]] = [
            (a.on, 0, a.household_id, a)
            for a in attachments[:a_i]
            if a.household_id not in ledger.attached
        ] + [(o.verified_on, 1, o.id, o) for o in payable]
        items.sort(key=lambda t: t[:3])
        room = return_room(terms, period.ends_on, ledger.received)
        return_left = None if room is None else sum(room.values(), ZERO)
        paid_here = ZERO
        for _, kind, _, item in items:
            if kind == 0:
                demands = {p: (d, "") for p, d in fee_demands(item.on).items()}
                household_id, definition, outcome_id = item.household_id, "", None
                share = fee_share(terms, item.on)
                rules = dict.fromkeys(demands, f"instroomvergoeding × {share} % (contractjaar)")
                ledger.attached.add(household_id)
            else:
                lines_for = rate_lines_for(terms, item)
                demands = {p: outcome_demand(ln, item) for p, ln in lines_for.items()}
                rules = {p: rule_text(ln) for p, ln in lines_for.items()}
                if trigger_notes.get(item.id):
                    rules = {p: f"{r}; {trigger_notes[item.id]}" for p, r in rules.items()}
                household_id, definition, outcome_id = item.household_id, item.definition, item.id
                ledger.outcomes.add(outcome_id)
            if not demands:
                continue
            withheld = {
                p: (ledger.deadweight(p, definition, d, rule) if kind == 1 or fees_too else ZERO)
                for p, (d, _) in demands.items()
            }
            owed = {p: d - withheld[p] for p, (d, _) in demands.items()}
            wanted = sum(owed.values(), ZERO)
            allowed, reason = wanted, ""
            for cap, label in (
                (
                    None
                    if terms.cap_per_household is None
                    else terms.cap_per_household - ledger.household[household_id],
                    "plafond per huishouden",
                ),
                (
                    None if terms.cap_total is None else terms.cap_total - ledger.total,
                    "contractplafond",
                ),
                (
                    None if return_left is None else return_left - paid_here,
                    "rendementsplafond investeerder",
                ),
            ):
                if cap is not None and cap < allowed:
                    allowed, reason = max(ZERO, cents_down(cap)), label
            granted = owed if allowed >= wanted else split_cents(allowed, owed)
            for payer_id, (demand, value_note) in sorted(demands.items()):
                amount = granted[payer_id]
                note = reason if amount < owed[payer_id] else value_note
                if withheld[payer_id] and not note:
                    note = "deadweight"
                payer = payers.get(payer_id)
                if payer is not None and payer.cap is not None:
                    room_payer = max(ZERO, payer.cap - ledger.payer[payer_id])
                    if room_payer < amount:
                        amount, note = room_payer, "plafond betaler"
                line = PaymentLine(
                    period.id,
                    payer_id,
                    "instroom" if kind == 0 else "resultaat",
                    household_id,
                    definition,
                    outcome_id,
                    demand,
                    amount,
                    note,
                    withheld[payer_id],
                    rules[payer_id],
                )
                ledger.book(line, rule, fees_too)
                paid_here += amount
                result.lines.append(line)
        result.receipts = _investor_receipts(terms, period.ends_on, result.total, room)
        ledger.book_receipts(period.ends_on, result.receipts)
        results.append(result)
    unassigned = len(attachments) - a_i + len(outcomes) - o_i
    return PaymentResult(results, unassigned)


def followed_up(terms: ContractTerms, attached_on: date | None, on: date) -> bool:
    """Whether a household's follow-up window (from its entry) has ended by ``on``."""
    if not terms.follow_up_months or attached_on is None:
        return True
    return add_months(attached_on, terms.follow_up_months) <= on


def _investor_receipts(
    terms: ContractTerms, on: date, total: Decimal, room: dict[int, Decimal] | None
) -> dict[int, Decimal]:
    """A period's total over the investors: pro rata to capital drawn by ``on``, each at
    most its room under the return cap (the items were capped at the rooms' sum)."""
    drawn = capital_drawn(terms, on)
    if not drawn:
        return {}
    return split_capped(total, drawn, room or {})


def _trigger_state(
    terms: ContractTerms,
    comparison: Mapping[str, Decimal | None],
    matured: Sequence[VerifiedOutcome],
    counted: Sequence[Attachment],
    pending: Sequence[VerifiedOutcome],
    *,
    last: bool,
) -> tuple[list[VerifiedOutcome], dict[str, bool], dict[int, str]]:
    """Which waiting outcomes the thresholds let through at a period's end, the pooled
    state per outcome, and per paid outcome the threshold that let it through."""
    per_cohort = terms.trigger_per_cohort

    def group(item) -> int | None:
        return item.cohort_id if per_cohort else None

    outcomes_in = Counter((o.definition, group(o)) for o in matured)
    attached_in = Counter(group(a) for a in counted)
    pooled = Counter(o.definition for o in matured)
    state = {
        d: _trigger_met(terms.trigger_percent, comparison.get(d), pooled[d], len(counted))
        for d in sorted(comparison)
    }
    where = " in het cohort" if per_cohort else ""
    payable: list[VerifiedOutcome] = []
    notes: dict[int, str] = {}
    for o in pending:
        rate = comparison.get(o.definition)
        if rate is None or (terms.trigger_percent is None and terms.final_trigger_percent is None):
            payable.append(o)
        elif terms.trigger_percent is not None and _trigger_met(
            terms.trigger_percent,
            rate,
            outcomes_in[(o.definition, group(o))],
            attached_in[group(o)],
        ):
            payable.append(o)
            notes[o.id] = f"drempel +{terms.trigger_percent} % t.o.v. vergelijking{where} gehaald"
        elif (
            last
            and terms.final_trigger_percent is not None
            and _trigger_met(terms.final_trigger_percent, rate, pooled[o.definition], len(counted))
        ):
            payable.append(o)
            notes[o.id] = (
                f"eindtoets +{terms.final_trigger_percent} % over alle cohorten samen gehaald"
            )
    return payable, state, notes


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
