"""The fund and its sources: contributions, four eyes, top-up, reconcile (issue 18.2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from maatpact.accounts.models import Role
from maatpact.budget import services, sources
from maatpact.budget.models import Allocation, Fund, FundContribution
from maatpact.budget.reconcile import reconcile
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Region
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return factories.user(Role.PROGRAMMATEAM, None), factories.user(Role.PROGRAMMATEAM, None)


def _c(name: str, law: str, amount: str, line: str = "") -> sources.ContributionData:
    return sources.ContributionData(
        municipality=Municipality.objects.get(name=name),
        source=Law.objects.get(code=law),
        amount=amount,
        budget_line=line,
    )


def _nine(amount: str = "1000000.00") -> list[sources.ContributionData]:
    return [_c(m.name, "wmo", amount) for m in Municipality.objects.order_by("cbs_code")]


def _active_fund(team, contributions=None, *, name="Fonds"):
    first, second = team
    fund = sources.propose_fund(
        first, region=Region.objects.first(), name=name, contributions=contributions or _nine()
    )
    return sources.confirm_fund(second, fund)


def test_fund_is_the_sum_of_its_contributions(team):
    first, _ = team
    fund = sources.propose_fund(
        first,
        region=Region.objects.first(),
        name="Doorbraakfonds 2027",
        amount="1250000,00",
        contributions=[
            _c("Tilburg", "wmo", "500000.00"),
            _c("Tilburg", "jeugdwet", "250000"),
            _c("Dongen", "participatiewet", "500000,00"),
        ],
    )
    assert fund.amount == Decimal("1250000.00") and fund.status == "concept"
    assert fund.proposed_by == first
    assert sorted(str(c.amount) for c in fund.contributions.all()) == [
        "250000.00",
        "500000.00",
        "500000.00",
    ]


def test_contributions_that_do_not_add_up_store_nothing(team):
    first, _ = team
    with pytest.raises(ValidationError) as exc:
        sources.propose_fund(
            first,
            region=Region.objects.first(),
            name="Fonds",
            amount="1000000.00",
            contributions=[_c("Tilburg", "wmo", "999999.99")],
        )
    assert "tellen op tot € 999.999,99" in exc.value.message_dict["amount"][0]
    assert not Fund.objects.exists() and not FundContribution.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "12,345", "abc"])
def test_bad_contribution_amounts_are_named(team, amount):
    with pytest.raises(ValidationError) as exc:
        sources.propose_fund(
            team[0],
            region=Region.objects.first(),
            name="Fonds",
            contributions=[_c("Goirle", "wmo", "100.00"), _c("Tilburg", "wmo", amount)],
        )
    assert "Bijdrage 2 (Tilburg)" in exc.value.message_dict["contributions"][0]
    assert not Fund.objects.exists()


def test_four_eyes_and_no_allocation_before_confirmation(team, team_lead):
    first, second = team
    fund = sources.propose_fund(
        first, region=Region.objects.first(), name="Fonds", contributions=_nine()
    )
    with pytest.raises(ValidationError) as exc:
        services.apply_allocation(first, fund, "gelijk")
    assert "tweede persoon" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        sources.confirm_fund(first, fund)
    assert "een ander lid" in str(exc.value)
    with pytest.raises(PermissionDenied):
        sources.confirm_fund(team_lead, fund)
    sources.confirm_fund(second, fund)
    fund.refresh_from_db()
    assert (fund.status, fund.confirmed_by) == ("actief", second)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(confirmed_by=first)


def test_top_up_grows_the_allocations_to_the_cent(team):
    """Known answer: 9,000,000.00 split equally, then 900.01 more from two municipalities:
    each gets 1,000,100.00 and the one cent left goes to the lowest CBS code (Dongen)."""
    fund = _active_fund(team)
    services.apply_allocation(team[0], fund, "gelijk")
    sources.top_up(
        team[0], fund, [_c("Tilburg", "participatiewet", "800.01"), _c("Goirle", "wmo", "100")]
    )
    fund.refresh_from_db()
    assert fund.amount == Decimal("9000900.01")
    rows = {
        a.municipality.name: a.allocated for a in Allocation.objects.select_related("municipality")
    }
    assert rows["Dongen"] == Decimal("1000100.01")
    assert all(v == Decimal("1000100.00") for k, v in rows.items() if k != "Dongen")
    assert sum(rows.values()) == fund.amount
    assert reconcile().ok


def test_top_up_of_a_hand_allocated_fund_goes_to_the_contributor(team):
    fund = _active_fund(team)
    manual = {m.pk: Decimal("1000000.00") for m in Municipality.objects.all()}
    services.apply_allocation(team[0], fund, "handmatig", manual)
    sources.top_up(team[0], fund, [_c("Waalwijk", "jeugdwet", "12.34")])
    rows = {
        a.municipality.name: a.allocated for a in Allocation.objects.select_related("municipality")
    }
    assert rows["Waalwijk"] == Decimal("1000012.34") and rows["Tilburg"] == Decimal("1000000.00")
    assert reconcile().ok


def test_reconcile_detects_a_fund_that_does_not_match_its_sources(team):
    fund = _active_fund(team)
    Fund.objects.filter(pk=fund.pk).update(amount=Decimal("9000000.01"))
    result = reconcile()
    assert not result.ok and any("som bijdragen" in p for p in result.problems)


def test_a_contribution_is_never_edited(team):
    fund = _active_fund(team)
    contribution = fund.contributions.first()
    contribution.amount = Decimal("1.00")
    with pytest.raises(TypeError):
        contribution.save()


@pytest.mark.postgres
def test_postgres_refuses_an_edited_contribution(team):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    fund = _active_fund(team)
    with pytest.raises(Exception) as exc, transaction.atomic():
        FundContribution.objects.filter(fund=fund).update(amount=Decimal("1.00"))
    assert "never edited" in str(exc.value)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(st.integers(1, 50_000_000), min_size=1, max_size=9),
    formula=st.sampled_from(["gelijk", "inwoners"]),
    top_ups=st.lists(st.lists(st.integers(1, 10_000_000), min_size=1, max_size=3), max_size=3),
)
def test_fund_equals_contributions_equals_allocations(team, first, formula, top_ups):
    """Whatever the contributions and top-ups (in cents): fund = sum of contributions =
    sum of allocations, exactly, and reconcile agrees."""
    sid = transaction.savepoint()
    try:
        names = list(Municipality.objects.order_by("cbs_code").values_list("name", flat=True))
        cents = lambda n: f"{n // 100}.{n % 100:02d}"  # noqa: E731
        fund = _active_fund(
            team, [_c(names[i % 9], "wmo", cents(n)) for i, n in enumerate(first)], name="P"
        )
        services.apply_allocation(team[0], fund, formula)
        expected = sum(first)
        for batch in top_ups:
            sources.top_up(team[0], fund, [_c(names[-1], "jeugdwet", cents(n)) for n in batch])
            expected += sum(batch)
        fund.refresh_from_db()
        contributed = sum(c.amount for c in fund.contributions.all())
        allocated = sum(a.allocated for a in fund.allocations.all())
        assert fund.amount == contributed == allocated == Decimal(expected) / 100
        assert reconcile().ok
    finally:
        transaction.savepoint_rollback(sid)


def test_pages_propose_confirm_top_up(client, team, team_lead):
    first, second = team
    login(client, first)
    assert client.get("/budget/fonds/nieuw/").status_code == 200
    tilburg = Municipality.objects.get(name="Tilburg")
    wmo = Law.objects.get(code="wmo")
    data = {
        "region": Region.objects.first().pk,
        "name": "Fonds via de pagina",
        "amount": "1000,00",
        "bijdrage-TOTAL_FORMS": "12",
        "bijdrage-INITIAL_FORMS": "0",
        "bijdrage-0-municipality": tilburg.pk,
        "bijdrage-0-source": wmo.pk,
        "bijdrage-0-budget_line": "Wmo-begeleiding",
        "bijdrage-0-amount": "999,00",
    }
    response = client.post("/budget/fonds/nieuw/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "tellen op tot" in body
    assert "Wmo-begeleiding" in body and 'value="999,00"' in body  # typed rows stay
    assert not Fund.objects.exists()
    response = client.post("/budget/fonds/nieuw/", {**data, "bijdrage-0-amount": "1000"})
    assert response.status_code == 302
    fund = Fund.objects.get()
    client.post(f"/budget/fonds/{fund.pk}/bevestigen/")
    assert Fund.objects.get().status == "concept"  # own proposal: refused
    login(client, second)
    client.post(f"/budget/fonds/{fund.pk}/bevestigen/")
    assert Fund.objects.get().status == "actief"
    page = client.get("/budget/fonds/").content.decode()
    assert "Fonds via de pagina" in page and "Per bronbudget" in page
    login(client, team_lead)
    assert client.get("/budget/fonds/nieuw/").status_code == 404
    assert client.post(f"/budget/fonds/{fund.pk}/aanvullen/").status_code == 404


def test_api_propose_confirm_top_up(team, team_lead):
    first, second = team
    api = APIClient()
    api.force_authenticate(first)
    body = {
        "region": Region.objects.first().code,
        "name": "API-fonds",
        "amount": "300.00",
        "contributions": [
            {"municipality": "GM0855", "source": "wmo", "amount": "200.00"},
            {"municipality": "GM0766", "source": "jeugdwet", "amount": "100.00"},
        ],
    }
    bad = api.post("/api/v1/budget/funds/", {**body, "amount": "300.01"}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    created = api.post("/api/v1/budget/funds/", body, format="json")
    assert created.status_code == 201, created.json()
    fund_id = created.json()["id"]
    assert api.post(f"/api/v1/budget/funds/{fund_id}/confirm/").status_code == 400
    other = APIClient()
    other.force_authenticate(second)
    assert other.post(f"/api/v1/budget/funds/{fund_id}/confirm/").json()["status"] == "actief"
    topped = other.post(
        f"/api/v1/budget/funds/{fund_id}/top-up/",
        {"contributions": [{"municipality": "GM0855", "source": "wmo", "amount": "0.01"}]},
        format="json",
    )
    assert topped.status_code == 200 and topped.json()["amount"] == "300.01"
    lead = APIClient()
    lead.force_authenticate(team_lead)
    assert lead.post("/api/v1/budget/funds/", body, format="json").status_code == 403
