"""Issue 13, defects 2-4 of the payment engine, each against a hand-worked answer."""

from datetime import date, timedelta
from decimal import Decimal as D

from maatpact.outcomes import engine
from maatpact.outcomes.engine import ContractTerms, PayerTerms, Period, RateLine, VerifiedOutcome

A, B, C = 1, 2, 3


def half_years(first: int, count: int) -> list[Period]:
    out = []
    for i in range(count):
        year, half = first + i // 2, i % 2
        start = date(year, 1 + 6 * half, 1)
        end = date(year, 6, 30) if half == 0 else date(year, 12, 31)
        out.append(Period(i + 1, f"{year} H{half + 1}", start, end))
    return out


# --- Defect 4: every split adds up to its whole ------------------------------------


def test_payers_split_a_capped_item_by_largest_remainder():
    # 100.00 left under the contract cap, demands 1 : 1 : 1 -> 33.34, 33.33, 33.33.
    t = ContractTerms(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A), PayerTerms(B), PayerTerms(C)),
        lines=tuple(RateLine("x", p, D("500.00")) for p in (A, B, C)),
        cap_total=D("100.00"),
    )
    result = engine.compute_payments(
        t, half_years(2025, 1), [], [VerifiedOutcome(1, 1, "x", date(2025, 2, 1))]
    )
    paid = {ln.payer_id: ln.paid for ln in result.periods[0].lines}
    assert paid == {A: D("33.34"), B: D("33.33"), C: D("33.33")}


def test_largest_remainder_gives_the_cent_to_the_largest_fraction_not_the_largest_share():
    # 1.00 over weights 49.4 : 25.7 : 24.9 -> exact 0.494, 0.257, 0.249: floors 0.49,
    # 0.25, 0.24 (0.98); the 2 cents go to the largest fractions (.9 and .7), not to A.
    shares = engine.split_cents(D("1.00"), {A: D("49.4"), B: D("25.7"), C: D("24.9")})
    assert shares == {A: D("0.49"), B: D("0.26"), C: D("0.25")}
    # 0.05 over 1 : 1 : 1: remainders equal, the lower key first.
    assert engine.split_cents(D("0.05"), {C: 1, A: 1, B: 1}) == {
        A: D("0.02"),
        B: D("0.02"),
        C: D("0.01"),
    }


def test_three_equal_investors_receive_exactly_what_payers_paid(db, regional, household):
    from maatpact.outcomes import selectors
    from maatpact.outcomes.models import Drawdown, Investment

    from . import helpers

    helpers.start(household, days_ago=400)
    c = helpers.contract(payer_orgs=[helpers.org("Gemeente Test", "gemeente")], price=D("1000.00"))
    for name in ("Fonds A", "Fonds B", "Fonds C"):
        inv = Investment.objects.create(
            contract=c, investor=helpers.org(f"{name} (fictief)", "investeerder"), committed=D(9000)
        )
        Drawdown.objects.create(investment=inv, drawn_on=c.starts_on, amount=D("3000.00"))
    helpers.verified(household, regional)
    st = selectors.statement(regional, c)
    paid = sum(row["total"] for row in st.payer_rows)
    received = sum(row["received"] for row in st.investor_rows)
    assert paid == D("1000.00")
    assert received == paid  # 333.34 + 333.33 + 333.33, not 3 x 333.33
    assert sorted(row["received"] for row in st.investor_rows) == [
        D("333.33"),
        D("333.33"),
        D("333.34"),
    ]


# --- Defect 2: the return cap holds on the whole dated cash-flow history ------------


def test_return_cap_holds_over_six_periods_with_one_investor():
    # 10,000 drawn on 1 Jan 2025, cap 10 %/yr, an outcome worth 4,000 every half year.
    periods = half_years(2025, 6)
    t = ContractTerms(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A),),
        lines=(RateLine("x", A, D("4000.00")),),
        max_return_rate=D("0.10"),
        drawdowns=(engine.Drawdown(9, date(2025, 1, 1), D("10000.00")),),
    )
    outcomes = [
        VerifiedOutcome(i, i, "x", p.starts_on + timedelta(days=10))
        for i, p in enumerate(periods, 1)
    ]
    result = engine.compute_payments(t, periods, [], outcomes)
    flows = engine.investor_cash_flows(
        [(date(2025, 1, 1), D("10000.00"))], [(p.period.ends_on, p.total) for p in result.periods]
    )
    assert engine.xnpv(0.10, flows) <= 0.01  # worth no more than 10 %/yr, within a cent
    assert engine.irr(flows) <= 0.10 + 1e-9
    # and the cap binds, not more: the investor's balance at 10 % is used up to the cent
    assert engine.xnpv(0.10, flows) >= -0.01 * len(flows)


# --- Defect 3: deadweight withholds exactly the stated fraction of value ------------


def test_deadweight_withholds_one_sixth_of_five_outcomes():
    # 5 of 6: of 5 x 1,000.00 the payer pays floor(5,000 x 5/6) = 4,166.66; 833.34 withheld.
    t = ContractTerms(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A),),
        lines=(RateLine("x", A, D("1000.00")),),
        deadweight_paid=5,
        deadweight_of=6,
    )
    outcomes = [VerifiedOutcome(i, i, "x", date(2025, 2, i)) for i in range(1, 6)]
    result = engine.compute_payments(t, half_years(2025, 1), [], outcomes)
    assert result.total == D("4166.66")


def test_deadweight_on_mixed_values_withholds_the_fraction_of_their_sum():
    # Counterfactual savings: 12, 5 and 30 months avoided x 1,000 x 50 % = 6,000 + 2,500 +
    # 15,000 = 23,500; 1 of 4 would have happened anyway -> pay floor(23,500 x 3/4) = 17,625.
    t = ContractTerms(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A),),
        lines=(
            RateLine(
                "b",
                A,
                method="besparing",
                benchmark_months=D(36),
                monthly_cost=D("1000.00"),
                savings_share_percent=D(50),
            ),
        ),
        deadweight_paid=3,
        deadweight_of=4,
    )
    outcomes = [
        VerifiedOutcome(1, 1, "b", date(2025, 2, 1), D(24)),
        VerifiedOutcome(2, 2, "b", date(2025, 2, 2), D(31)),
        VerifiedOutcome(3, 3, "b", date(2025, 2, 3), D(6)),
    ]
    result = engine.compute_payments(t, half_years(2025, 1), [], outcomes)
    assert result.total == D("17625.00")


def test_return_cap_holds_for_each_of_two_investors_with_their_own_dates():
    # Fund 8 draws 6,000 at the start; fund 9 draws 4,000 a year later and 2,000 after
    # two years. Outcomes worth 5,000 every half year for four years.
    periods = half_years(2025, 8)
    draws = (
        engine.Drawdown(8, date(2025, 1, 1), D("6000.00")),
        engine.Drawdown(9, date(2026, 1, 1), D("4000.00")),
        engine.Drawdown(9, date(2027, 1, 1), D("2000.00")),
    )
    t = ContractTerms(
        starts_on=date(2025, 1, 1),
        payers=(PayerTerms(A), PayerTerms(B)),
        lines=(RateLine("x", A, D("3000.00")), RateLine("x", B, D("2000.00"))),
        max_return_rate=D("0.10"),
        drawdowns=draws,
    )
    outcomes = [
        VerifiedOutcome(i, i, "x", p.starts_on + timedelta(days=3))
        for i, p in enumerate(periods, 1)
    ]
    result = engine.compute_payments(t, periods, [], outcomes)
    for pr in result.periods:
        assert sum(pr.receipts.values()) == pr.total  # investors get what payers paid
    for investor in (8, 9):
        flows = engine.investor_cash_flows(
            [(d.on, d.amount) for d in draws if d.investor_id == investor],
            result.receipts(investor),
        )
        assert engine.xnpv(0.10, flows) <= 0.01
        assert engine.irr(flows) <= 0.10 + 1e-9
    # Plain-Python reference: in 2025 only fund 8 has capital. H1 pays 5,000 in full; on
    # 31 Dec 2025 its room is 6,000 grown 364 days minus 5,000 grown 184 days at 10 %.
    assert result.periods[0].receipts == {8: D("5000.00"), 9: D("0.00")}
    room = 6000 * 1.1 ** (364 / 365.25) - 5000 * 1.1 ** (184 / 365.25)
    assert abs(result.periods[1].receipts[8] - D(repr(room))) < D("0.01")
    assert result.periods[1].receipts[9] == D("0.00")


def test_statement_shows_how_many_outcomes_how_much_was_withheld_and_why(
    client, regional, household
):
    from django.urls import reverse

    from tests.conftest import login

    from . import helpers

    helpers.start(household, days_ago=400)
    c = helpers.contract(
        payer_orgs=[helpers.org("Gemeente Test", "gemeente")],
        deadweight_paid=5,
        deadweight_of=6,
    )
    helpers.verified(household, regional)
    login(client, regional)
    data = client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").json()
    period = data["payers"][0]["periods"][0]
    # 1,000.00 x 5/6 = 833.33 (rounded down); 166.67 withheld
    assert period["paid"] == "833.33"
    assert period["deadweight"]["outcomes"] == 1
    assert period["deadweight"]["withheld"] == "166.67"
    assert (period["deadweight"]["paid"], period["deadweight"]["of"]) == (5, 6)
    assert "1 van elke 6 resultaten zou ook zonder het programma" in period["deadweight"]["reason"]
    assert period["lines"][0]["deadweight"] == "166.67"
    html = client.get(reverse("outcomes:contract", args=[c.pk])).content.decode()
    assert "bij 1 resultaat samen" in html and "1 van elke 6 resultaten" in html
