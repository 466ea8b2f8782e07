"""The budget API: same rules as the pages, 4xx on bad input, ledger unchanged."""

import pytest
from rest_framework.test import APIClient

from maatpact.budget.models import LedgerEntry, Spend
from maatpact.budget.reconcile import reconcile
from tests.budget.helpers import fund_for, goal_for


@pytest.fixture
def funded(db):
    return fund_for("Tilburg", "10000.00")


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(household, goal, **overrides):
    body = {
        "household": household.number,
        "idempotency_key": "api-key-1",
        "amount": "3000.00",
        "category": "schulden",
        "purpose": "Schuld bij energieleverancier",
        "goal": goal.pk,
        "justification": "Voorkomt afsluiting",
        "value_legitimate": True,
        "value_involved": True,
        "value_return": True,
        "lines": [
            {
                "kind": "dreigend",
                "description": "Afsluiting energie",
                "annual_cost": "2400.00",
                "avoided": True,
            },
        ],
    }
    body.update(overrides)
    return body


def test_spend_approve_flow_via_api(funded, coordinator, team_lead, household):
    goal = goal_for(household)
    response = _api(coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal), format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "aangevraagd" and response.data["amount"] == "3000.00"
    replay = _api(coordinator).post("/api/v1/budget/spends/", _body(household, goal), format="json")
    assert replay.status_code == 200 and replay.data["id"] == response.data["id"]
    spend_id = response.data["id"]
    own = _api(coordinator).post(f"/api/v1/budget/spends/{spend_id}/approve/")
    assert own.status_code in (403, 404)
    ok = _api(team_lead).post(f"/api/v1/budget/spends/{spend_id}/approve/")
    assert ok.status_code == 200 and ok.data["status"] == "goedgekeurd"
    twice = _api(team_lead).post(f"/api/v1/budget/spends/{spend_id}/approve/")
    assert twice.status_code == 400
    assert Spend.objects.count() == 1 and reconcile().ok


def test_team_lead_approving_own_request_is_403(funded, coordinator, team_lead, household):
    goal = goal_for(household)
    response = _api(coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal), format="json"
    )
    Spend.objects.filter(pk=response.data["id"]).update(requested_by=team_lead)
    before = LedgerEntry.objects.count()
    refused = _api(team_lead).post(f"/api/v1/budget/spends/{response.data['id']}/approve/")
    assert refused.status_code == 403
    assert Spend.objects.get().status == "aangevraagd" and LedgerEntry.objects.count() == before


@pytest.mark.parametrize(
    "amount", ["0", "-1.00", "1.005", "twee", "10000.01", "1e3", "1E+3", "NaN", "Infinity", "1_000"]
)
def test_bad_amount_is_400_with_field_error(funded, coordinator, household, amount):
    goal = goal_for(household)
    before = LedgerEntry.objects.count()
    response = _api(coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal, amount=amount), format="json"
    )
    assert response.status_code == 400 and "amount" in response.data
    assert LedgerEntry.objects.count() == before and Spend.objects.count() == 0


def test_missing_values_is_400(funded, coordinator, household):
    goal = goal_for(household)
    response = _api(coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal, value_involved=False), format="json"
    )
    assert response.status_code == 400 and "value_involved" in response.data


def test_household_out_of_scope_is_404(funded, other_coordinator, household):
    goal = goal_for(household)
    response = _api(other_coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal), format="json"
    )
    assert response.status_code == 404 and Spend.objects.count() == 0


def test_reversal_of_more_than_spent_is_400(funded, coordinator, team_lead, household):
    goal = goal_for(household)
    created = _api(coordinator).post(
        "/api/v1/budget/spends/", _body(household, goal, amount="500.00"), format="json"
    )
    before = LedgerEntry.objects.count()
    response = _api(team_lead).post(
        f"/api/v1/budget/spends/{created.data['id']}/reverse/",
        {"amount": "500.01", "reason": "correctie"},
        format="json",
    )
    assert response.status_code == 400 and "amount" in response.data
    assert LedgerEntry.objects.count() == before


def test_visibility_of_spends(
    funded, coordinator, team_lead, goirle_team_lead, regional, analyst, financier, household
):
    goal = goal_for(household)
    _api(coordinator).post("/api/v1/budget/spends/", _body(household, goal), format="json")
    assert _api(team_lead).get("/api/v1/budget/spends/").data["count"] == 1
    assert _api(goirle_team_lead).get("/api/v1/budget/spends/").data["count"] == 0
    regional_view = _api(regional).get("/api/v1/budget/spends/").data
    assert regional_view["count"] == 1 and "purpose" not in regional_view["results"][0]
    assert _api(analyst).get("/api/v1/budget/spends/").data["count"] == 0
    assert _api(financier).get("/api/v1/budget/spends/").data["count"] == 0
    assert _api(financier).get("/api/v1/budget/allocations/").data["count"] == 0
    assert _api(analyst).get("/api/v1/budget/allocations/").data["count"] >= 1


def test_allocation_preview_and_transfer_by_regional(funded, regional, coordinator):
    fund_id = funded.fund_id
    preview = _api(regional).post(
        f"/api/v1/budget/funds/{fund_id}/allocate/",
        {"formula": "inwoners", "preview": True},
        format="json",
    )
    assert preview.status_code == 200
    assert (
        sum(__import__("decimal").Decimal(r["amount"]) for r in preview.data) == funded.fund.amount
    )
    assert (
        _api(coordinator)
        .post(f"/api/v1/budget/funds/{fund_id}/allocate/", {"formula": "gelijk"}, format="json")
        .status_code
        == 404
    )
    applied = _api(regional).post(
        f"/api/v1/budget/funds/{fund_id}/allocate/", {"formula": "gelijk"}, format="json"
    )
    assert applied.status_code == 200
    from maatpact.budget.models import Allocation

    allocations = list(Allocation.objects.filter(fund_id=fund_id).order_by("pk"))
    too_much = _api(regional).post(
        "/api/v1/budget/transfers/",
        {
            "source": allocations[0].pk,
            "target": allocations[1].pk,
            "amount": "99999.00",
            "reason": "test",
        },
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.data
    moved = _api(regional).post(
        "/api/v1/budget/transfers/",
        {
            "source": allocations[0].pk,
            "target": allocations[1].pk,
            "amount": "10.00",
            "reason": "Meer huishoudens in fase 2",
        },
        format="json",
    )
    assert moved.status_code == 201 and reconcile().ok


def test_unknown_law_financier_or_foreign_provision_is_400(funded, coordinator, household):
    goal = goal_for(household)
    client = _api(coordinator)
    for extra, field in (
        ({"law": 999999}, "law"),
        ({"financier": 999999}, "financier"),
        (
            {
                "lines": [
                    {
                        "kind": "huidig",
                        "description": "x",
                        "annual_cost": "1.00",
                        "provision": 999999,
                    }
                ]
            },
            "lines",
        ),
    ):
        response = client.post(
            "/api/v1/budget/spends/", _body(household, goal, **extra), format="json"
        )
        assert response.status_code == 400 and field in response.data
    assert Spend.objects.count() == 0 and LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("annual_cost", ["1e3", "NaN", "Infinity", "2_400"])
def test_scenario_cost_in_scientific_notation_is_400(funded, coordinator, household, annual_cost):
    """Issue 19: "1e3" is not a thousand euros, also not in a scenario line."""
    goal = goal_for(household)
    body = _body(household, goal)
    body["lines"][0]["annual_cost"] = annual_cost
    response = _api(coordinator).post("/api/v1/budget/spends/", body, format="json")
    assert response.status_code == 400 and "lines" in response.data
    assert Spend.objects.count() == 0
