"""Issue 13, defect 6: the projection prices a household the way the engine does."""

from decimal import Decimal as D

from maatpact.outcomes import projection, selectors
from maatpact.outcomes.models import ContractPayer, FeeYearShare, RateCardLine

from . import helpers


def _fee_contract(regional, household):
    # The contract started 800 days ago: today is contract year 3, where the attachment
    # fee share is 0 %; the household entered 790 days ago, in year 1 (100 %).
    helpers.start(household, days_ago=790)
    c = helpers.contract(payer_orgs=[helpers.org("Gemeente Test", "gemeente")])
    ContractPayer.objects.filter(contract=c).update(attachment_fee=D("1000.00"))
    RateCardLine.objects.filter(contract=c).delete()  # attachment fees only
    for year, pct in ((1, 100), (2, 50), (3, 0)):
        FeeYearShare.objects.create(contract=c, contract_year=year, share_percent=pct)
    return c


def test_projection_prices_attachment_fees_at_each_households_own_year(regional, household):
    c = _fee_contract(regional, household)
    paid = selectors.statement(regional, c).payer_rows[0]["total"]
    assert paid == D("1000.00")  # the engine: year-1 share for a year-1 entry
    result = projection.project(selectors.projection_input(c), runs=500, seed=1)
    # No outcome is on the rate card: the whole projection is the fee the engine paid.
    assert result.payments.p10 == result.payments.p50 == result.payments.p90 == 1000.0


def test_projection_pays_what_the_engine_pays_for_the_same_outcomes(
    regional, household, goirle_household
):
    # A deterministic case: the counts are those verified; the projection's payment
    # function on them equals the engine's statement (rate card, deadweight, fees, caps).
    helpers.start(household, days_ago=400)
    helpers.start(goirle_household, days_ago=400)
    c = helpers.contract(
        payer_orgs=[
            helpers.org("Gemeente Test", "gemeente"),
            helpers.org("Zorg Test", "zorgverzekeraar"),
        ],
        price=D("1000.00"),
        deadweight_paid=5,
        deadweight_of=6,
        cap_total=D("1800.00"),
    )
    ContractPayer.objects.filter(contract=c).update(attachment_fee=D("100.00"))
    helpers.verified(household, regional)
    helpers.verified(goirle_household, regional)
    st = selectors.statement(regional, c)
    engine_total = sum(row["total"] for row in st.payer_rows)
    # by hand: fees 2 x 2 x 100 = 400; outcomes per payer floor(2,000 x 5/6) = 1,666.66,
    # twice = 3,333.32; together 3,733.32, capped at the contract's 1,800.00
    assert engine_total == D("1800.00")
    data = selectors.projection_input(c)
    counts = {o.code: o.achieved for o in data.outcomes}
    assert float(engine_total) == projection.payments_for_counts(data, counts)
    c.cap_total = None
    c.save()
    data = selectors.projection_input(c)
    assert projection.payments_for_counts(data, counts) == 3733.32
