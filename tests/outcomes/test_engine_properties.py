"""Properties of the payment engine (Hypothesis): caps hold, payments never decrease
when a further outcome is verified, and the payers' shares add up to the total."""

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from maatpact.outcomes import engine
from maatpact.outcomes.engine import Attachment, ContractTerms, PayerTerms, Period, RateLine

START = date(2025, 1, 1)
PERIODS = [
    Period(
        i + 1, f"P{i + 1}", START + timedelta(days=182 * i), START + timedelta(days=182 * i + 181)
    )
    for i in range(4)
]
money = st.integers(min_value=0, max_value=500_000).map(lambda c: D(c) / 100)
maybe_cap = st.none() | st.integers(min_value=0, max_value=3_000_000).map(lambda c: D(c) / 100)


@st.composite
def scenarios(draw):
    n_payers = draw(st.integers(1, 3))
    payers = tuple(
        PayerTerms(p, cap=draw(maybe_cap), attachment_fee=draw(st.sampled_from([D(0), D(250)])))
        for p in range(1, n_payers + 1)
    )
    lines = tuple(
        RateLine(
            d,
            p.payer_id,
            draw(money),
            comparison_rate=draw(st.none() | st.sampled_from([D("0"), D("0.3"), D("0.6")])),
        )
        for d in ("a", "b")
        for p in payers
        if draw(st.booleans())
    )
    paid = draw(st.integers(1, 6))
    terms = ContractTerms(
        starts_on=START,
        payers=payers,
        lines=lines,
        cap_per_household=draw(maybe_cap),
        cap_total=draw(maybe_cap),
        max_return_rate=draw(st.none() | st.sampled_from([D("0.10"), D("0.12")])),
        deadweight_paid=paid,
        deadweight_of=draw(st.integers(paid, 6)),
        trigger_percent=draw(st.none() | st.sampled_from([D(0), D(10), D(50)])),
        fee_shares=((1, D(100)), (2, D(40))),
        drawdowns=(engine.Drawdown(9, START, D(draw(st.integers(1000, 50_000)))),),
    )
    households = draw(st.integers(1, 8))
    attachments = [
        Attachment(h, START + timedelta(days=draw(st.integers(0, 400))))
        for h in range(1, households + 1)
    ]
    outcomes = [
        engine.VerifiedOutcome(
            i,
            draw(st.integers(1, households)),
            draw(st.sampled_from(["a", "b"])),
            START + timedelta(days=draw(st.integers(0, 700))),
        )
        for i in range(1, draw(st.integers(0, 25)) + 1)
    ]
    return terms, attachments, outcomes


def check_caps(terms: ContractTerms, result: engine.PaymentResult, households) -> None:
    if terms.cap_total is not None:
        assert result.total <= terms.cap_total
    for p in terms.payers:
        if p.cap is not None:
            assert result.payer_total(p.payer_id) <= p.cap
    if terms.cap_per_household is not None:
        for h in households:
            assert result.household_total(h) <= terms.cap_per_household
    if terms.max_return_rate is not None:
        flows = engine.investor_cash_flows(
            [(d.on, d.amount) for d in terms.drawdowns], result.receipts(9)
        )
        assert engine.xnpv(float(terms.max_return_rate), flows) <= 0.01
    for pr in result.periods:
        for ln in pr.lines:
            assert engine.ZERO <= ln.paid <= ln.demand - ln.deadweight


@settings(max_examples=50, deadline=None)
@given(scenarios())
def test_payments_never_exceed_caps_and_payers_add_up(scenario):
    terms, attachments, outcomes = scenario
    result = engine.compute_payments(terms, PERIODS, attachments, outcomes)
    check_caps(terms, result, {a.household_id for a in attachments})
    for pr in result.periods:
        assert sum(pr.payer_total(p.payer_id) for p in terms.payers) == pr.total
    assert sum(result.payer_total(p.payer_id) for p in terms.payers) == result.total


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.data())
def test_a_further_verified_outcome_never_decreases_payments(scenario, data):
    terms, attachments, outcomes = scenario
    before = engine.compute_payments(terms, PERIODS, attachments, outcomes)
    # "Further": verified after everything already known (outcomes and entries).
    last = max([o.verified_on for o in outcomes] + [a.on for a in attachments])
    extra = engine.VerifiedOutcome(
        10_000,
        data.draw(st.integers(1, len(attachments))),
        data.draw(st.sampled_from(["a", "b"])),
        last + timedelta(days=data.draw(st.integers(0, 60))),
    )
    after = engine.compute_payments(terms, PERIODS, attachments, [*outcomes, extra])
    assert after.total >= before.total
    for p in terms.payers:
        assert after.payer_total(p.payer_id) >= before.payer_total(p.payer_id)
    for pb, pa in zip(before.periods, after.periods, strict=True):
        if pb.period.ends_on < extra.verified_on:
            assert pa.total == pb.total  # closed periods do not change
    check_caps(terms, after, {a.household_id for a in attachments})
