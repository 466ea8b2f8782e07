"""Budget -> outcomes: granted spends, net of reversals, enter the savings estimate as the
financier "Vrij besteedbaar budget"."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from maatpact.budget import services
from maatpact.budget.models import Spend
from maatpact.budget.selectors import spends_for_savings
from maatpact.common import dates
from maatpact.households.models import Household
from maatpact.outcomes import savings
from maatpact.outcomes.selectors import savings_report
from tests.budget.helpers import fund_for, goal_for, request


def make_spends(household, coordinator, team_lead):
    fund_for("Tilburg", "10000.00")
    started = dates.days_ago(200)
    Household.objects.filter(pk=household.pk).update(
        status="actief", registered_on=started - timedelta(days=30), started_on=started
    )
    goal = goal_for(household)
    made = {}
    for name, amount in (("kept", "300.00"), ("partly", "200.00"), ("gone", "150.00")):
        made[name], _ = services.request_spend(coordinator, household, request(goal, amount))
    made["waiting"], _ = services.request_spend(coordinator, household, request(goal, "3000.00"))
    made["rejected"], _ = services.request_spend(coordinator, household, request(goal, "2600.00"))
    services.reject_spend(team_lead, made["rejected"], "Past niet bij het doel")
    services.mark_paid(team_lead, made["kept"])
    services.reverse_spend(team_lead, made["partly"], "50.00", "Deels terug")
    services.reverse_spend(team_lead, made["gone"], "150.00", "Helemaal terug")
    # Approved 100 local days after the start (the estimate counts spends before today),
    # at the clock time of now: late in the evening when the test runs then.
    decided = dates.local_moment(dates.days_ago(100), timezone.localtime(timezone.now()).time())
    Spend.objects.exclude(decided_at=None).update(decided_at=decided)
    return made


@pytest.fixture
def spends(household, coordinator, team_lead):
    return make_spends(household, coordinator, team_lead)


def test_source_is_registered_by_the_budget_app():
    assert spends_for_savings in savings.spend_sources()


def test_granted_spends_net_of_reversals(spends, household):
    rows = sorted(spends_for_savings([household.pk]), key=lambda r: r[2])
    on = dates.days_ago(100)
    assert rows == [(household.pk, on, Decimal("150.00")), (household.pk, on, Decimal("300.00"))]
    assert all(isinstance(r[1], date) for r in rows)
    # Other households' spends are left out; no ids, no rows.
    assert spends_for_savings([household.pk + 999]) == []
    assert spends_for_savings([]) == []
    assert Spend.objects.filter(status="aangevraagd").count() == 1


def test_spends_appear_as_financier_in_the_savings_estimate(spends, household):
    _assert_discounted_over_100_days()


def test_the_savings_estimate_counts_local_days_at_every_hour(
    boundary, household, coordinator, team_lead
):
    """At 23:30 in winter the spend of 100 days ago was made on a summer day; around
    midnight the UTC day is yesterday; on the change days an hour is missing or doubled."""
    make_spends(household, coordinator, team_lead)
    assert {r[1] for r in spends_for_savings([household.pk])} == {
        boundary.day - timedelta(days=100)
    }
    _assert_discounted_over_100_days()


def _assert_discounted_over_100_days():
    report = savings_report()
    row = next(r for r in report.accounting if r.name == savings.SPEND_FINANCIER)
    # Spent in the programme 100 days after the start, discounted to the start.
    t = 100 / 365.25
    expected = 450.0 * (1 + report.rate) ** (-t)
    assert row.actual == pytest.approx(expected, rel=1e-6)
    assert row.muddling_on == 0.0
    assert row.saved == pytest.approx(-expected, rel=1e-6)
