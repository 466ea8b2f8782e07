"""Published contract forms (issue 16, section 2), each built through /api/v1/ as a
worked example whose amounts are computed by hand in the test (not by the engine).

Dates are relative to today: the contract starts 800 days ago and runs three years;
households enter 10, 400 and 770 days after its start, so in contract years 1, 2 and 3.
Period 1 runs from the start to yesterday, period 2 from today to the end.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from maatpact.accounts.models import Role
from maatpact.common.versions import OUTCOMES, data_changed
from maatpact.households.models import Cohort, Household
from maatpact.outcomes.models import AchievedOutcome, OutcomeDefinition, PaymentPeriod
from tests import factories
from tests.conftest import login

from . import helpers

URL = "/api/v1/sib-contracts/"


@pytest.fixture
def people(db, regional):
    return {"author": regional, "signer": factories.user(Role.PROGRAMMATEAM, None)}


@pytest.fixture
def payer(db):
    return helpers.org("Rijk Test (fictief)", "overheid")


def households(coordinator, days_ago: list[int]):
    return [helpers.start(factories.household(coordinator), days_ago=d) for d in days_ago]


def outcome(household, code: str, verifier, *, days_ago: int = 0, **evidence):
    """A verified outcome, verified ``days_ago`` days ago at 09:00 local time."""
    day = timezone.localdate() - timedelta(days=days_ago)
    data_changed(OUTCOMES)  # as services.verify_outcome does: cached statements are stale
    return AchievedOutcome.objects.create(
        household=household,
        definition=OutcomeDefinition.objects.get(code=code),
        achieved_on=day - timedelta(days=1),
        evidence={"soort": "test", **evidence},
        evaluated_at=timezone.now(),
        status="geverifieerd",
        verified_by=verifier,
        verified_at=datetime.combine(day, time(9), tzinfo=helpers.TZ),
    )


def author(client, people, payer, name: str, **body) -> int:
    """Create the contract through the API as one person, sign it as another."""
    start = timezone.localdate() - timedelta(days=800)
    end = start + timedelta(days=1095)
    data = {
        "name": name,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "payers": [{"organisation": payer.pk}],
        "periods": [
            {
                "name": "P1",
                "starts_on": start.isoformat(),
                "ends_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            },
            {
                "name": "P2",
                "starts_on": timezone.localdate().isoformat(),
                "ends_on": end.isoformat(),
            },
        ],
        **body,
    }
    login(client, people["author"])
    response = client.post(URL, data, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    login(client, people["signer"])
    assert client.post(f"{URL}{pk}/sign/").status_code == 200
    return pk


def first_period(pk: int) -> PaymentPeriod:
    return PaymentPeriod.objects.filter(contract_id=pk).order_by("starts_on").first()


def periods(client, pk: int) -> dict[str, dict]:
    """The (single) payer's statement periods by name, lines by outcome."""
    data = client.get(f"{URL}{pk}/statement/").json()
    (row,) = data["payers"]
    return {
        p["period"]: {**p, "lines": {ln["outcome"]: ln for ln in p["lines"]}}
        for p in row["periods"]
    }


def test_form_1_results_payments_depend_on_the_attachment_year(client, people, payer, coordinator):
    """Troubled Families: £ 4,000 per family, the attachment share falling 80/60/40 %
    over the years of attachment while the results payment rises 800/1,600/2,400."""
    pk = author(
        client,
        people,
        payer,
        "Vorm 1",
        payers=[{"organisation": payer.pk, "attachment_fee": "4000.00"}],
        fee_shares=[
            {"contract_year": 1, "share_percent": "80.00"},
            {"contract_year": 2, "share_percent": "60.00"},
            {"contract_year": 3, "share_percent": "40.00"},
        ],
        rate_card=[
            {"definition": "huisuitzetting-voorkomen", "price": "800.00", "attachment_year": 1},
            {"definition": "huisuitzetting-voorkomen", "price": "1600.00", "attachment_year": 2},
            {"definition": "huisuitzetting-voorkomen", "price": "2400.00", "attachment_year": 3},
        ],
        cap_per_household="4000.00",
    )
    for hh in households(coordinator, [790, 400, 30]):
        outcome(hh, "huisuitzetting-voorkomen", people["author"])
    p = periods(client, pk)
    fees = p["P1"]["lines"]["instroomvergoeding"]
    assert (fees["count"], fees["paid"]) == (3, "7200.00")  # 3,200 + 2,400 + 1,600
    results = p["P2"]["lines"]["huisuitzetting-voorkomen"]
    assert (results["count"], results["paid"]) == (3, "4800.00")  # 800 + 1,600 + 2,400
    for year, price in ((1, "800,00"), (2, "1.600,00"), (3, "2.400,00")):
        assert f"vaste prijs € {price}, instroomjaar {year}" in results["rule"]
    # every family at the £ 4,000 maximum, none above: 3 x 4,000
    assert Decimal(p["P1"]["paid"]) + Decimal(p["P2"]["paid"]) == Decimal("12000.00")


def test_a_general_line_applies_to_years_without_their_own(client, people, payer, coordinator):
    pk = author(
        client,
        people,
        payer,
        "Vorm 1b",
        rate_card=[
            {"definition": "huisuitzetting-voorkomen", "price": "100.00"},
            {"definition": "huisuitzetting-voorkomen", "price": "300.00", "attachment_year": 3},
        ],
    )
    for hh in households(coordinator, [790, 400, 30]):
        outcome(hh, "huisuitzetting-voorkomen", people["author"])
    assert periods(client, pk)["P2"]["lines"]["huisuitzetting-voorkomen"]["paid"] == "500.00"


def test_form_2_deadweight_on_the_whole_payment(client, people, payer, coordinator):
    """ "Pay for 5 of every 6 families" on attachment fees too: 3 fees of € 1,000 and 3
    outcomes of € 500. Fees: running totals 1,000 / 2,000 / 3,000 give ⌊G·5/6⌋ =
    833.33 / 1,666.66 / 2,500.00, so 833.33 + 833.33 + 833.34 paid and 500.00 withheld;
    outcomes: 416.66 / 833.33 / 1,250.00, so 1,250.00 paid and 250.00 withheld."""
    common = {
        "payers": [{"organisation": payer.pk, "attachment_fee": "1000.00"}],
        "rate_card": [{"definition": "huisuitzetting-voorkomen", "price": "500.00"}],
        "deadweight_paid": 5,
        "deadweight_of": 6,
    }
    whole = author(client, people, payer, "Vorm 2", deadweight_on_fees=True, **common)
    outcomes_only = author(client, people, payer, "Vorm 2 zonder", **common)
    for hh in households(coordinator, [790, 400, 30]):
        outcome(hh, "huisuitzetting-voorkomen", people["author"])
    p = periods(client, whole)
    fees = p["P1"]["lines"]["instroomvergoeding"]
    assert (fees["demand"], fees["deadweight"], fees["paid"]) == ("3000.00", "500.00", "2500.00")
    assert fees["deadweight_rule"] == "5 van elke 6"
    results = p["P2"]["lines"]["huisuitzetting-voorkomen"]
    assert (results["deadweight"], results["paid"]) == ("250.00", "1250.00")
    q = periods(client, outcomes_only)
    assert q["P1"]["lines"]["instroomvergoeding"]["paid"] == "3000.00"
    assert q["P1"]["lines"]["instroomvergoeding"]["deadweight_rule"] == "geen"
    assert q["P2"]["lines"]["huisuitzetting-voorkomen"]["paid"] == "1250.00"


def test_form_2_fee_deadweight_carries_over_a_paid_period(client, people, payer, coordinator):
    """Paid in P1: 833.33 + 833.33 for two fees; the third fee (P2) brings the running
    total to 3,000 -> 2,500.00, so it pays 833.34: exactly 500.00 withheld overall."""
    pk = author(
        client,
        people,
        payer,
        "Vorm 2 betaald",
        payers=[{"organisation": payer.pk, "attachment_fee": "1000.00"}],
        rate_card=[{"definition": "huisuitzetting-voorkomen", "price": "500.00"}],
        deadweight_paid=5,
        deadweight_of=6,
        deadweight_on_fees=True,
    )
    households(coordinator, [790, 400])
    login(client, people["author"])
    first = first_period(pk)
    assert client.post(f"{URL}{pk}/periods/{first.pk}/pay/").status_code == 200
    households(coordinator, [0])  # enters today: period 2
    p = periods(client, pk)
    assert p["P1"]["lines"]["instroomvergoeding"]["paid"] == "1666.66"
    assert p["P2"]["lines"]["instroomvergoeding"]["paid"] == "833.34"


def test_form_6_counterfactual_savings_from_days(client, people, payer, coordinator):
    """Half the avoided cost of € 42.37 a day against an expected 1,096 days:
    200 days on benefit -> 896 × 42.37 × 50 % = 18,981.76;
    365 days -> 731 × 42.37 × 50 % = 15,486.235 -> 15,486.23 (down to the cent);
    1,200 days -> longer than expected, 0.00. Total 34,467.99."""
    pk = author(
        client,
        people,
        payer,
        "Vorm 6",
        rate_card=[
            {
                "definition": "uitstroom-bijstand",
                "method": "dagen",
                "benchmark_days": 1096,
                "daily_cost": "42.37",
                "savings_share_percent": "50.00",
            }
        ],
    )
    for hh, days in zip(households(coordinator, [790, 400, 30]), (200, 365, 1200), strict=True):
        outcome(hh, "uitstroom-bijstand", people["author"], duur_dagen=days)
    line = periods(client, pk)["P2"]["lines"]["uitstroom-bijstand"]
    assert (line["count"], line["paid"]) == (3, "34467.99")
    assert line["rule"] == "(1096 verwachte − werkelijke dagen) × € 42,37 per dag × 50.00 %"


def test_form_7_a_paid_line_says_what_produced_it(client, people, payer, coordinator):
    """A trigger on eviction (comparison 50 %, +10 %: at least 55 % needed) and none on
    debt arrangements; 3 households, 1 eviction outcome (33 %: waits) and 1 debt outcome
    (paid € 250 under version 1, no deadweight)."""
    pk = author(
        client,
        people,
        payer,
        "Vorm 7",
        rate_card=[
            {"definition": "huisuitzetting-voorkomen", "price": "1000.00"},
            {"definition": "schuldregeling-gestart", "price": "250.00"},
        ],
        trigger_percent="10.00",
        triggers=[{"definition": "huisuitzetting-voorkomen", "comparison_rate": "0.5000"}],
    )
    a, b, _ = households(coordinator, [790, 400, 30])
    outcome(a, "huisuitzetting-voorkomen", people["author"], days_ago=2)
    outcome(b, "schuldregeling-gestart", people["author"], days_ago=2)
    login(client, people["author"])
    first = first_period(pk)
    assert client.post(f"{URL}{pk}/periods/{first.pk}/pay/").status_code == 200
    p1 = periods(client, pk)["P1"]
    debt = p1["lines"]["schuldregeling-gestart"]
    assert debt["paid"] == "250.00" and debt["rule"] == "vaste prijs € 250,00"
    assert debt["trigger"] == "geen drempel" and debt["deadweight_rule"] == "geen"
    assert debt["version"].startswith("versie 1 (vanaf")
    assert p1["paid_at"] is not None
    assert p1["waiting_trigger"] == 1 and "huisuitzetting-voorkomen" not in p1["lines"]
    # a second eviction outcome: 2 of 3 = 67 % >= 55 %, both paid in P2, line says so
    outcome(b, "huisuitzetting-voorkomen", people["author"])
    p2 = periods(client, pk)["P2"]
    eviction = p2["lines"]["huisuitzetting-voorkomen"]
    assert (eviction["count"], eviction["paid"]) == (2, "2000.00")
    assert eviction["trigger"] == "drempel gehaald"
    assert "drempel +10.00 % t.o.v. vergelijking gehaald" in eviction["rule"]
    assert p2["waiting_trigger"] == 0


def test_form_5_measurement_after_a_follow_up_period(client, people, payer, coordinator):
    """Debt arrangement at € 300, comparison 70 %, +10 % (77 % needed). Households A, B
    (entered 790 and 400 days ago) and C (30 days ago) have the outcome, D (20 days ago)
    not. Without follow-up 3 of 4 = 75 %: all three wait. With 12 months' follow-up
    only A and B count: 2 of 2 = 100 %, A and B paid (600.00), C waits for follow-up."""
    common = {
        "rate_card": [{"definition": "schuldregeling-gestart", "price": "300.00"}],
        "trigger_percent": "10.00",
        "triggers": [{"definition": "schuldregeling-gestart", "comparison_rate": "0.7000"}],
    }
    followed = author(client, people, payer, "Vorm 5", follow_up_months=12, **common)
    diluted = author(client, people, payer, "Vorm 5 zonder", **common)
    a, b, c, _ = households(coordinator, [790, 400, 30, 20])
    for hh in (a, b, c):
        outcome(hh, "schuldregeling-gestart", people["author"])
    p2 = periods(client, followed)["P2"]
    assert p2["lines"]["schuldregeling-gestart"]["paid"] == "600.00"
    assert (p2["waiting_follow_up"], p2["waiting_trigger"]) == (1, 0)
    q2 = periods(client, diluted)["P2"]
    assert "schuldregeling-gestart" not in q2["lines"]
    assert (q2["waiting_follow_up"], q2["waiting_trigger"]) == (0, 3)


def _cohorts(coordinator):
    made = []
    for name, days in (("Cohort A (test)", [790, 780, 770, 760]), ("Cohort B (test)", [400] * 4)):
        cohort = Cohort.objects.create(
            name=name,
            region=coordinator.municipality.region,
            phase=2,
            capacity=10,
            starts_on=timezone.localdate() - timedelta(days=max(days)),
        )
        members = households(coordinator, days)
        Household.objects.filter(pk__in=[h.pk for h in members]).update(cohort=cohort)
        made.append((cohort, members))
    return made


def test_form_3_per_cohort_triggers_and_a_final_pooled_trigger(client, people, payer, coordinator):
    """Peterborough: a cohort pays only if its own rate beats the comparison (50 %) by
    10 % (55 % needed); at the end the cohorts together pay if they beat it by 7.5 %
    (53.75 %). Cohort A 3 of 4 = 75 %: paid in P1 (3 × € 100). Cohort B 2 of 4 = 50 %:
    waits in P1; in the last period the pooled 5 of 8 = 62.5 % passes the final test and
    B's two outcomes are paid (€ 200). Without the final test they keep waiting."""
    (a, a_members), (b, b_members) = _cohorts(coordinator)
    common = {
        "cohorts": [a.pk, b.pk],
        "rate_card": [{"definition": "schuldregeling-gestart", "price": "100.00"}],
        "trigger_percent": "10.00",
        "trigger_per_cohort": True,
        "triggers": [{"definition": "schuldregeling-gestart", "comparison_rate": "0.5000"}],
    }
    pooled = author(client, people, payer, "Vorm 3", final_trigger_percent="7.50", **common)
    per_cohort_only = author(client, people, payer, "Vorm 3 zonder eindtoets", **common)
    for hh in a_members[:3] + b_members[:2]:
        outcome(hh, "schuldregeling-gestart", people["author"], days_ago=2)
    p = periods(client, pooled)
    first = p["P1"]["lines"]["schuldregeling-gestart"]
    assert (first["count"], first["paid"]) == (3, "300.00")
    assert "drempel +10.00 % t.o.v. vergelijking in het cohort gehaald" in first["rule"]
    assert p["P1"]["waiting_trigger"] == 2
    final = p["P2"]["lines"]["schuldregeling-gestart"]
    assert (final["count"], final["paid"]) == (2, "200.00")
    assert "eindtoets +7.50 % over alle cohorten samen gehaald" in final["rule"]
    assert p["P2"]["waiting_trigger"] == 0
    q = periods(client, per_cohort_only)
    assert q["P1"]["lines"]["schuldregeling-gestart"]["paid"] == "300.00"
    assert "schuldregeling-gestart" not in q["P2"]["lines"]
    assert q["P2"]["waiting_trigger"] == 2
