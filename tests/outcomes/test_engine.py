"""The payment engine against hand-worked examples (no database needed)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from maatpact.outcomes import engine
from maatpact.outcomes.engine import (
    Attachment,
    ContractTerms,
    PayerTerms,
    Period,
    RateLine,
    VerifiedOutcome,
)

A, B = 1, 2
P1 = Period(1, "2025 H1", date(2025, 1, 1), date(2025, 6, 30))
P2 = Period(2, "2025 H2", date(2025, 7, 1), date(2025, 12, 31))


def terms(**kw) -> ContractTerms:
    base = dict(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A), PayerTerms(B)),
        lines=(RateLine("x", A, D("1000.00")), RateLine("x", B, D("500.00"))),
    )
    base.update(kw)
    return ContractTerms(**base)


def out(i, hh, on, definition="x", duration=None):
    return VerifiedOutcome(i, hh, definition, on, duration)


def test_contract_cap_reached_mid_period_and_outcome_verified_late():
    # o1, o2 in H1 (3000); o3 achieved in H1 but verified in August: paid in H2, and
    # only the 500 left under the contract cap of 3500, split 2:1 over the payers: exact
    # 333.333.. and 166.666..; the cent left goes to the larger remainder (B).
    result = engine.compute_payments(
        terms(cap_total=D("3500.00")),
        [P1, P2],
        [],
        [
            out(1, 1, date(2025, 3, 1)),
            out(2, 2, date(2025, 5, 1)),
            out(3, 3, date(2025, 8, 1)),
        ],
    )
    h1, h2 = result.periods
    assert h1.total == D("3000.00")
    assert h1.payer_total(A) == D("2000.00") and h1.payer_total(B) == D("1000.00")
    assert h2.total == D("500.00")
    assert h2.payer_total(A) == D("333.33") and h2.payer_total(B) == D("166.67")
    assert [ln.note for ln in h2.lines] == ["contractplafond", "contractplafond"]
    assert result.total == D("3500.00")


def test_cap_reached_mid_period_later_items_get_nothing():
    result = engine.compute_payments(
        terms(cap_total=D("2000.00")),
        [P1],
        [],
        [out(1, 1, date(2025, 2, 1)), out(2, 2, date(2025, 3, 1)), out(3, 3, date(2025, 4, 1))],
    )
    paid = [sum(ln.paid for ln in result.periods[0].lines if ln.outcome_id == i) for i in (1, 2, 3)]
    assert paid == [D("1500.00"), D("500.00"), D("0.00")]


def test_household_cap_and_payer_cap():
    t = terms(
        cap_per_household=D("2000.00"),
        payers=(PayerTerms(A), PayerTerms(B, cap=D("600.00"))),
        lines=(
            RateLine("x", A, D("1000.00")),
            RateLine("x", B, D("500.00")),
            RateLine("y", A, D("1000.00")),
        ),
    )
    result = engine.compute_payments(
        t,
        [P1],
        [],
        [
            out(1, 1, date(2025, 2, 1)),
            out(2, 1, date(2025, 3, 1), "y"),
            out(3, 2, date(2025, 4, 1)),
        ],
    )
    assert result.household_total(1) == D("2000.00")  # 1500 + 500 of the 1000 for y
    assert result.payer_total(B) == D("600.00")  # 500 + 100 of the next 500
    assert result.household_total(2) == D("1100.00")


def test_deadweight_pays_five_sixths_of_the_value():
    # 7 outcomes: A 7 x 1,000 -> floor(7,000 x 5/6) = 5,833.33; B 7 x 500 -> 2,916.66.
    outcomes = [out(i, i, date(2025, 1, 1) + timedelta(days=i)) for i in range(1, 8)]
    result = engine.compute_payments(terms(deadweight_paid=5, deadweight_of=6), [P1], [], outcomes)
    h1 = result.periods[0]
    assert h1.payer_total(A) == D("5833.33") and h1.payer_total(B) == D("2916.66")
    assert h1.deadweight == 7 and h1.deadweight_amount == D("1750.01")
    assert result.total + h1.deadweight_amount == D("10500.00")


def test_attachment_fee_share_changes_by_contract_year():
    t = terms(
        payers=(PayerTerms(A, attachment_fee=D("1000.00")), PayerTerms(B)),
        fee_shares=((1, D(100)), (2, D(50)), (3, D(0))),
    )
    p3 = Period(3, "2026", date(2026, 1, 1), date(2027, 12, 31))
    result = engine.compute_payments(
        t,
        [P1, P2, p3],
        [
            Attachment(1, date(2025, 2, 1)),
            Attachment(2, date(2026, 2, 1)),
            Attachment(3, date(2027, 2, 1)),
        ],
        [],
    )
    assert result.periods[0].total == D("1000.00")
    assert result.periods[2].total == D("500.00")  # year 2: 50 %, year 3: 0 %


def test_investor_return_cap():
    t = terms(
        max_return_rate=D("0.10"), drawdowns=(engine.Drawdown(9, date(2025, 1, 1), D("10000.00")),)
    )
    outcomes = [out(i, i, date(2025, 7, 1) + timedelta(days=i)) for i in range(1, 11)]
    result = engine.compute_payments(t, [P1, P2], [], outcomes)
    # 10,000 grown at 10 % a year for 364 days: 10,996.41
    assert result.total == D("10996.41")


def test_trigger_threshold_defers_until_cohort_beats_comparison():
    t = terms(
        trigger_percent=D("20"),
        lines=(RateLine("x", A, D("100.00"), comparison_rate=D("0.5")),),
        payers=(PayerTerms(A),),
    )
    attachments = [Attachment(i, date(2025, 1, 2)) for i in range(1, 11)]
    h1 = [out(i, i, date(2025, 3, 1)) for i in range(1, 6)]  # 5/10 = 0.5 < 0.6
    result = engine.compute_payments(t, [P1, P2], attachments, [*h1, out(6, 6, date(2025, 8, 1))])
    assert result.periods[0].total == D("0.00") and result.periods[0].deferred == 5
    assert result.periods[1].total == D("600.00")  # 6/10 = 0.6: all six paid


def test_counterfactual_savings_payment():
    t = terms(
        payers=(PayerTerms(A),),
        lines=(
            RateLine(
                "bijstand",
                A,
                method="besparing",
                benchmark_months=D(36),
                monthly_cost=D("1000.00"),
                savings_share_percent=D(50),
            ),
        ),
    )
    result = engine.compute_payments(
        t,
        [P1],
        [],
        [
            out(1, 1, date(2025, 2, 1), "bijstand", D(12)),
            out(2, 2, date(2025, 3, 1), "bijstand", D(40)),  # longer than benchmark: 0
        ],
    )
    assert result.total == D("12000.00")


def test_items_after_the_last_period_wait():
    result = engine.compute_payments(terms(), [P1], [], [out(1, 1, date(2025, 9, 1))])
    assert result.total == D("0.00") and result.unassigned == 1


def test_irr_of_simple_and_degenerate_flows():
    flows = engine.investor_cash_flows(
        [(date(2024, 1, 1), D("1000.00"))], [(date(2025, 1, 1), D("1100.00"))]
    )
    expected = 1.1 ** (365.25 / 366) - 1
    assert engine.irr(flows) == pytest.approx(expected, abs=1e-7)
    assert engine.irr(engine.investor_cash_flows([(date(2024, 1, 1), D("1000"))], [])) is None
    loss = engine.investor_cash_flows(
        [(date(2024, 1, 1), D("1000.00"))], [(date(2026, 1, 1), D("250.00"))]
    )
    assert engine.irr(loss) == pytest.approx(0.25 ** (365.25 / 731) - 1, abs=1e-7)
