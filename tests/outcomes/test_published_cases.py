"""Published payment-by-results cases as acceptance tests (issue 13), built through the
services on a frozen clock: the amounts are worked out by hand in the comments.

Amounts of the UK case are pounds; the system only sees numbers.
"""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN
from decimal import Decimal as D

import pytest
from django.utils import timezone

from maatpact.households.models import Household
from maatpact.outcomes import engine, selectors, services
from maatpact.outcomes.models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    Drawdown,
    EventType,
    FeeYearShare,
    Investment,
    OutcomeDefinition,
)
from maatpact.provisions import services as provisions
from maatpact.provisions.models import Law, Provision
from tests import clock, factories

from . import helpers


def at(day: date):
    """The clock frozen at 10:00 in Amsterdam on ``day``."""
    return clock.frozen(datetime.combine(day, time(10), tzinfo=clock.AMS))


def entered(household: Household, on: date) -> Household:
    Household.objects.filter(pk=household.pk).update(
        status="actief",
        registered_on=on - timedelta(days=30),
        selected_on=on - timedelta(days=10),
        started_on=on,
    )
    household.refresh_from_db()
    return household


def verify_all(regional, codes, households) -> int:
    waiting = AchievedOutcome.objects.filter(
        status="te_verifieren", definition__code__in=codes, household__in=households
    )
    for outcome in waiting:
        services.verify_outcome(regional, outcome)
    return len(waiting)


# --- UK Troubled Families, phase 1 (2012-2015), year 1 --------------------------------
#
# Maximum 4,000 per family. Attachment fee in year 1: 80 % of the maximum = 3,200.
# Results: 700 for crime / anti-social behaviour / education, 800 for continuous
# employment, 100 for progress to work. Cap per family: the maximum.
#
#   family  results                               by the rate card   paid (cap 4,000)
#   A       crime/ASB/education + progress        3,200+700+100      4,000
#   B       continuous employment                 3,200+800          4,000
#   C       continuous employment + progress      3,200+800+100      4,000 (100 cut)
#   D       none yet                              3,200              3,200
#   E       progress to work                      3,200+100          3,300
#   total                                                            18,500


def test_uk_troubled_families_phase_1(regional, coordinator):
    helpers.financien_domain()
    EventType.objects.create(code="werkprogramma", name="Start werkprogramma", adverse=False)
    rules = {
        "tf-criminaliteit-onderwijs": {"kind": "no_event", "event": "politiecontact", "months": 6},
        "tf-werk-doorlopend": {"kind": "event_occurs", "event": "werk"},
        "tf-voortgang-werk": {"kind": "event_occurs", "event": "werkprogramma"},
    }
    prices = {
        "tf-criminaliteit-onderwijs": D("700.00"),
        "tf-werk-doorlopend": D("800.00"),
        "tf-voortgang-werk": D("100.00"),
    }
    with at(date(2012, 4, 2)):
        for code, rule in rules.items():
            services.save_definition(regional, code=code, name=code, rule=rule)
        contract = Contract.objects.create(
            status=Contract.Status.GETEKEND,
            signed_at=timezone.now(),
            name="Troubled Families fase 1",
            starts_on=date(2012, 4, 1),
            ends_on=date(2015, 3, 31),
        )
        government = helpers.org("Department for Communities and Local Government", "overheid")
        payer = ContractPayer.objects.create(
            contract=contract, organisation=government, attachment_fee=D("4000.00")
        )
        FeeYearShare.objects.create(contract=contract, contract_year=1, share_percent=80)
        for code, price in prices.items():
            services.add_rate_line(
                regional,
                contract,
                definition=OutcomeDefinition.objects.get(code=code),
                payer=payer,
                price=price,
            )
        services.set_caps(
            regional,
            contract,
            cap_per_household=D("4000.00"),
            cap_total=None,
            max_return_rate=None,
            payer_caps={},
        )
        services.add_period(
            regional,
            contract,
            name="2012/13",
            starts_on=date(2012, 4, 1),
            ends_on=date(2013, 3, 31),
        )
        families = {
            name: entered(factories.household(coordinator), date(2012, 5, 1)) for name in "ABCDE"
        }
    events = {
        "B": ["politiecontact", "werk"],
        "C": ["politiecontact", "werk", "werkprogramma"],
        "D": ["politiecontact"],
        "E": ["politiecontact", "werkprogramma"],
        "A": ["werkprogramma"],
    }
    with at(date(2012, 12, 1)):
        for name, codes in events.items():
            for code in codes:
                services.record_event(
                    coordinator,
                    families[name],
                    event_type=EventType.objects.get(code=code),
                    occurred_on=date(2012, 7, 15),
                )
    with at(date(2013, 1, 15)):
        services.evaluate_outcomes()
        assert verify_all(regional, prices, families.values()) == 6
    with at(date(2013, 4, 2)):
        services.pay_period(regional, contract.periods.get())
        result = selectors.payment_result(contract)
        st = selectors.statement(regional, contract)
    paid = {name: result.household_total(h.pk) for name, h in families.items()}
    assert paid == {
        "A": D("4000.00"),
        "B": D("4000.00"),
        "C": D("4000.00"),
        "D": D("3200.00"),
        "E": D("3300.00"),
    }
    assert st.payer_rows[0]["total"] == D("18500.00")
    fees = st.payer_rows[0]["periods"][0]["lines"]["instroomvergoeding"]
    assert (fees["count"], fees["paid"]) == (5, D("16000.00"))  # 5 x 80 % x 4,000
    # C's last result in verification order (same day: by id) is cut by 100 to the cap
    cut = [ln for ln in result.periods[0].lines if ln.note == "plafond per huishouden"]
    assert [(ln.household_id, ln.demand - ln.paid) for ln in cut] == [
        (families["C"].pk, D("100.00"))
    ]


# --- A Dutch counterfactual-savings contract ------------------------------------------
#
# The municipality pays half the benefit (bijstand) cost avoided by a qualifying exit:
# the benefit ended and did not resume within 6 months. Benchmark: 36 months on benefit,
# 1,250.00 a month. Actual months = days on benefit (first and last day included) /
# 30.4375, to two decimals. All eight benefits started on 1 February 2022:
#
#   exit  last day     days   months  avoided  paid: avoided x 1,250 x 50 %, cents down
#   1     31-03-2023    424   13.93   22.07    13,793.75   verified 15-11-2023 (2023 H2)
#   2     30-04-2023    454   14.92   21.08    13,175.00   verified 15-11-2023 (2023 H2)
#   3     30-09-2023    607   19.94   16.06    10,037.50   verified 15-04-2024 (2024 H1)
#   4     31-12-2023    699   22.97   13.03     8,143.75   verified 15-07-2024 (2024 H2)
#   5     31-01-2024    730   23.98   12.02     7,512.50   verified 15-08-2024 (2024 H2)
#   6     30-06-2024    881   28.94    7.06     4,412.50   verified 15-01-2025 (2025 H1)
#   7     31-12-2024   1065   34.99    1.01       631.25   verified 15-07-2025 (2025 H2)
#   8     30-06-2025   1246   40.94    0            0.00   verified 15-01-2026 (2026 H1)
#
# The investor draws 20,000 (2 Jan 2023), 15,000 (1 Jul 2023) and 10,000 (2 Jan 2024);
# its return is capped at 10 % a year on that whole dated history.

EXITS = [
    (date(2023, 3, 31), D("13793.75"), date(2023, 11, 15)),
    (date(2023, 4, 30), D("13175.00"), date(2023, 11, 15)),
    (date(2023, 9, 30), D("10037.50"), date(2024, 4, 15)),
    (date(2023, 12, 31), D("8143.75"), date(2024, 7, 15)),
    (date(2024, 1, 31), D("7512.50"), date(2024, 8, 15)),
    (date(2024, 6, 30), D("4412.50"), date(2025, 1, 15)),
    (date(2024, 12, 31), D("631.25"), date(2025, 7, 15)),
    (date(2025, 6, 30), D("0.00"), date(2026, 1, 15)),
]
DRAWDOWNS = [
    (date(2023, 1, 2), D("20000.00")),
    (date(2023, 7, 1), D("15000.00")),
    (date(2024, 1, 2), D("10000.00")),
]


def _reference_receipts(demand_by_period_end: dict[date, D]) -> dict[date, D]:
    """Plain Python: each period pays its demand up to the investor's balance at 10 %/yr
    (drawdowns minus receipts, each grown from its own date), rounded down to the cent."""
    receipts: list[tuple[date, D]] = []
    for end, demand in sorted(demand_by_period_end.items()):
        balance = sum(float(a) * 1.1 ** ((end - d).days / 365.25) for d, a in DRAWDOWNS if d <= end)
        balance -= sum(float(r) * 1.1 ** ((end - t).days / 365.25) for t, r in receipts)
        room = D(repr(max(balance, 0.0))).quantize(D("0.01"), rounding=ROUND_DOWN)
        receipts.append((end, min(demand, room)))
    return dict(receipts)


@pytest.mark.django_db
def test_dutch_counterfactual_savings_with_a_capped_return(regional, coordinator):
    with at(date(2023, 1, 2)):
        contract = Contract.objects.create(
            status=Contract.Status.GETEKEND,
            signed_at=timezone.now(),
            name="SIB uitstroom bijstand (fictief)",
            starts_on=date(2023, 1, 1),
            ends_on=date(2026, 12, 31),
        )
        municipality = helpers.org("Gemeente Voorbeeldstad (fictief)", "gemeente")
        payer = ContractPayer.objects.create(contract=contract, organisation=municipality)
        services.add_rate_line(
            regional,
            contract,
            definition=OutcomeDefinition.objects.get(code="uitstroom-bijstand"),
            payer=payer,
            method="besparing",
            benchmark_months=D(36),
            monthly_cost=D("1250.00"),
            savings_share_percent=D(50),
        )
        services.set_caps(
            regional,
            contract,
            cap_per_household=None,
            cap_total=None,
            max_return_rate=D("0.10"),
            payer_caps={},
        )
        for year in (2023, 2024, 2025, 2026):
            for half, (start, end) in enumerate(
                ((date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31)))
            ):
                services.add_period(
                    regional, contract, name=f"{year} H{half + 1}", starts_on=start, ends_on=end
                )
        fund = helpers.org("Impactfonds Voorbeeld (fictief)", "investeerder")
        investment = Investment.objects.create(
            contract=contract, investor=fund, committed=D("50000.00")
        )
        for on, amount in DRAWDOWNS:
            Drawdown.objects.create(investment=investment, drawn_on=on, amount=amount)
        law = Law.objects.get(code="participatiewet")
        households = []
        for _ in EXITS:
            h = entered(factories.household(coordinator), date(2023, 2, 1))
            households.append(h)
            provisions.add_provision(
                coordinator,
                h,
                law=law,
                financier=municipality,
                description="bijstandsuitkering",
                starts_on=date(2022, 2, 1),
                amount="1250.00",
            )
    timeline = []
    for h, (last_day, _, verified_on) in zip(households, EXITS, strict=True):
        timeline.append((last_day + timedelta(days=1), "end", h, last_day))
        timeline.append((verified_on, "verify", h, None))
    for period in contract.periods.all():
        timeline.append((period.ends_on + timedelta(days=2), "pay", period, None))
    for day, action, subject, last_day in sorted(timeline, key=lambda t: (t[0], t[1])):
        with at(day):
            if action == "end":
                provisions.end_provision(
                    coordinator, Provision.objects.get(household=subject), ends_on=last_day
                )
            elif action == "verify":
                services.evaluate_outcomes(household_ids=[subject.pk])
                assert verify_all(regional, ["uitstroom-bijstand"], [subject]) == 1
            elif day <= date(2026, 2, 1):
                services.pay_period(regional, subject)

    with at(date(2026, 2, 1)):
        result = selectors.payment_result(contract)
        st = selectors.statement(regional, contract)
    demands = {ln.household_id: ln.demand for pr in result.periods for ln in pr.lines}
    assert [demands[h.pk] for h in households] == [amount for _, amount, _ in EXITS]
    by_end = {pr.period.ends_on: pr.total for pr in result.periods}
    wanted: dict[date, D] = {}
    for pr in result.periods:
        wanted[pr.period.ends_on] = sum(
            (amount for _, amount, v in EXITS if pr.period.starts_on <= v <= pr.period.ends_on),
            D(0),
        )
    reference = _reference_receipts({e: d for e, d in wanted.items() if e < date(2026, 1, 1)})
    for end, amount in reference.items():
        assert abs(by_end[end] - amount) <= D("0.01"), end
    # by hand: 2023 H2 and 2024 H1 are paid in full; in 2024 H2 the cap binds
    assert by_end[date(2023, 12, 31)] == D("26968.75")
    assert by_end[date(2024, 6, 30)] == D("10037.50")
    assert D("12000") < by_end[date(2024, 12, 31)] < D("15656.25")
    assert by_end[date(2025, 6, 30)] == by_end[date(2025, 12, 31)] == D("0.00")
    # the investor receives what the municipality paid; its IRR is the cap, not more
    inv = st.investor_rows[0]
    assert inv["received"] == st.payer_rows[0]["total"]
    assert engine.xnpv(0.10, inv["flows"]) <= 0.01
    assert abs(engine.xnpv(0.10, inv["flows"])) < 0.05  # the cap binds
    assert engine.irr(inv["flows"]) == pytest.approx(0.10, abs=1e-6)
    assert inv["irr"] == D("10.0")
    paid = [p for p in st.payer_rows[0]["periods"] if p["paid_at"] is not None]
    assert len(paid) == 6  # 2023 H1 up to 2025 H2
