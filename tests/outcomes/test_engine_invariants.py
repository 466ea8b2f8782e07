"""Issue 13 invariants of the payment engine, as Hypothesis properties (pure: no DB).

Each is checked against plain Python over the result, not by calling the engine again:
caps never exceeded over paid periods and a change of terms; payers = investors =
lines to the cent; every investor's IRR within the return cap on its whole dated cash
flow; deadweight withholds exactly G - floor(G*p/q); paid periods never change.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from maatpact.outcomes import engine
from maatpact.outcomes.engine import (
    Attachment,
    ContractTerms,
    Drawdown,
    PayerTerms,
    Period,
    RateLine,
    VerifiedOutcome,
)

START = date(2025, 1, 1)
PERIODS = [
    Period(
        i + 1, f"P{i + 1}", START + timedelta(days=182 * i), START + timedelta(days=182 * i + 181)
    )
    for i in range(6)
]
END = PERIODS[-1].ends_on
cents = st.integers(min_value=0, max_value=400_000).map(lambda c: D(c) / 100)
maybe_cap = st.none() | st.integers(min_value=0, max_value=4_000_000).map(lambda c: D(c) / 100)
day = st.integers(0, (END - START).days).map(lambda d: START + timedelta(days=d))
PROPERTY = settings(max_examples=50, deadline=None)


@st.composite
def rate_line(draw, definition, payer_id):
    if draw(st.booleans()):
        return RateLine(definition, payer_id, draw(cents))
    return RateLine(
        definition,
        payer_id,
        method="besparing",
        benchmark_months=D(draw(st.integers(0, 48))),
        monthly_cost=draw(cents),
        savings_share_percent=D(draw(st.sampled_from([25, 50, 100]))),
    )


@st.composite
def caps_and_rules(draw, payer_ids):
    paid = draw(st.integers(1, 7))
    return dict(
        cap_per_household=draw(maybe_cap),
        cap_total=draw(maybe_cap),
        deadweight_paid=paid,
        deadweight_of=draw(st.integers(paid, 7)),
        payers=tuple(
            PayerTerms(p, cap=draw(maybe_cap), attachment_fee=draw(st.sampled_from([D(0), D(250)])))
            for p in payer_ids
        ),
    )


@st.composite
def scenarios(draw):
    payer_ids = list(range(1, draw(st.integers(1, 3)) + 1))
    lines = tuple(
        draw(rate_line(d, p)) for d in ("a", "b") for p in payer_ids if draw(st.booleans())
    )
    investors = list(range(11, 11 + draw(st.integers(1, 3))))
    drawdowns = tuple(
        Drawdown(i, draw(day), D(draw(st.integers(500, 30_000))))
        for i in investors
        for _ in range(draw(st.integers(1, 3)))
    )
    terms = ContractTerms(
        starts_on=START,
        lines=lines,
        max_return_rate=draw(st.none() | st.sampled_from([D("0.05"), D("0.10"), D("0.12")])),
        trigger_percent=draw(st.none() | st.sampled_from([D(0), D(25)])),
        fee_shares=((1, D(100)), (2, D(50)), (3, D(0))),
        drawdowns=drawdowns,
        **draw(caps_and_rules(payer_ids)),
    )
    households = draw(st.integers(1, 8))
    attachments = [Attachment(h, draw(day)) for h in range(1, households + 1)]
    outcomes = [
        VerifiedOutcome(
            i,
            draw(st.integers(1, households)),
            draw(st.sampled_from(["a", "b"])),
            draw(day),
            D(draw(st.integers(0, 60))),
        )
        for i in range(1, draw(st.integers(0, 30)) + 1)
    ]
    paid_periods = draw(st.integers(0, len(PERIODS)))
    changed = replace(terms, **draw(caps_and_rules(payer_ids)))
    return terms, attachments, outcomes, paid_periods, changed


def _run(scenario):
    """Pay the first k periods under the first terms, then change the terms and let
    later outcomes arrive: the result over the whole history."""
    terms, attachments, outcomes, k, changed = scenario
    first = engine.compute_payments(terms, PERIODS, attachments, outcomes)
    settled = {pr.period.id: pr for pr in first.periods[:k]}
    last_paid = PERIODS[k - 1].ends_on if k else START - timedelta(days=1)
    late = [
        VerifiedOutcome(1000 + o.id, o.household_id, o.definition, last_paid + timedelta(days=1))
        for o in outcomes[:3]
    ]
    second = engine.compute_payments(changed, PERIODS, attachments, outcomes + late, settled)
    return first, second, settled


def _settled_total(settled, key) -> D:
    return sum((ln.paid for pr in settled.values() for ln in pr.lines if key(ln)), D(0))


@PROPERTY
@given(scenarios())
def test_no_cap_is_exceeded_over_paid_periods_and_a_change_of_terms(scenario):
    terms, attachments, _, _, changed = scenario
    first, second, settled = _run(scenario)
    for t, result, before in ((terms, first, {}), (changed, second, settled)):
        lines = [ln for pr in result.periods for ln in pr.lines]
        # A cap lowered after payment cannot undo what was paid; beyond that it holds.
        if t.cap_total is not None:
            paid = sum((ln.paid for ln in lines), D(0))
            assert paid <= max(t.cap_total, _settled_total(before, lambda ln: True))
        for p in t.payers:
            if p.cap is not None:
                paid = sum((ln.paid for ln in lines if ln.payer_id == p.payer_id), D(0))
                already = _settled_total(before, lambda ln, p=p: ln.payer_id == p.payer_id)
                assert paid <= max(p.cap, already)
        if t.cap_per_household is not None:
            for a in attachments:
                h = a.household_id
                paid = sum((ln.paid for ln in lines if ln.household_id == h), D(0))
                already = _settled_total(before, lambda ln, h=h: ln.household_id == h)
                assert paid <= max(t.cap_per_household, already)
        for ln in lines:
            assert D(0) <= ln.paid <= ln.demand - ln.deadweight


@PROPERTY
@given(scenarios())
def test_payers_investors_and_lines_add_up_to_the_cent(scenario):
    for result in _run(scenario)[:2]:
        for pr in result.periods:
            by_payer = defaultdict(D)
            for ln in pr.lines:
                by_payer[ln.payer_id] += ln.paid
            lines_total = sum((ln.paid for ln in pr.lines), D(0))
            assert sum(by_payer.values(), D(0)) == lines_total
            assert sum(pr.receipts.values(), D(0)) == lines_total
            assert all(v >= 0 and v == v.quantize(D("0.01")) for v in pr.receipts.values())


@PROPERTY
@given(scenarios())
def test_every_investor_stays_within_the_return_cap_on_its_whole_history(scenario):
    terms = scenario[0]
    first, second, _ = _run(scenario)
    if terms.max_return_rate is None:
        return
    rate = float(terms.max_return_rate)
    for result in (first, second):  # the return cap is not among the changed terms
        for investor in {d.investor_id for d in terms.drawdowns}:
            flows = engine.investor_cash_flows(
                [(d.on, d.amount) for d in terms.drawdowns if d.investor_id == investor],
                result.receipts(investor),
            )
            assert engine.xnpv(rate, flows) <= 0.01
            found = engine.irr(flows)
            assert found is None or found <= rate + 1e-6


@PROPERTY
@given(scenarios())
def test_deadweight_withholds_exactly_the_fraction_of_value(scenario):
    for result in _run(scenario)[:2]:
        value, withheld = defaultdict(int), defaultdict(int)
        for pr in result.periods:
            for ln in pr.lines:
                if ln.kind == "resultaat":
                    key = (ln.payer_id, ln.definition, pr.deadweight_rule)
                    value[key] += int(ln.demand * 100)
                    withheld[key] += int(ln.deadweight * 100)
                else:
                    assert ln.deadweight == 0
        for key, gross in value.items():
            paid, of = key[2]
            # plain integer arithmetic: G - floor(G * p / q) cents
            assert withheld[key] == gross - (gross * paid) // of


@PROPERTY
@given(scenarios())
def test_paid_periods_never_change(scenario):
    first, second, settled = _run(scenario)
    for pr in second.periods:
        if pr.period.id in settled:
            before = next(p for p in first.periods if p.period.id == pr.period.id)
            assert [vars(ln) for ln in pr.lines] == [vars(ln) for ln in before.lines]
            assert pr.receipts == before.receipts
    # and every item is paid at most once over the whole history
    outcome_lines = [
        (ln.outcome_id, ln.payer_id)
        for pr in second.periods
        for ln in pr.lines
        if ln.kind == "resultaat"
    ]
    assert len(outcome_lines) == len(set(outcome_lines))
    fee_lines = [
        (ln.household_id, ln.payer_id)
        for pr in second.periods
        for ln in pr.lines
        if ln.kind == "instroom"
    ]
    assert len(fee_lines) == len(set(fee_lines))
