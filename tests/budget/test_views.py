"""The pages: spend form pre-filled, approval inbox, overview adds up, exports."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from maatpact.budget import services
from maatpact.budget.models import Spend
from maatpact.provisions.models import Law, Provision
from tests import factories
from tests.budget.helpers import fund_for, goal_for, request
from tests.budget.helpers import request as request_for_goal
from tests.conftest import login


@pytest.fixture
def funded(db):
    return fund_for("Tilburg", "10000.00")


def _form_data(goal, key="form-key-1", amount="3000,00", **extra):
    data = {
        "idempotency_key": key,
        "amount": amount,
        "category": "wonen",
        "purpose": "Borg voor een nieuwe woning",
        "goal": str(goal.pk),
        "obstacle": "",
        "law": "",
        "financier": "",
        "justification": "Zonder borg geen woning",
        "value_legitimate": "on",
        "value_involved": "on",
        "value_return": "on",
        "regel-TOTAL_FORMS": "1",
        "regel-INITIAL_FORMS": "0",
        "regel-MIN_NUM_FORMS": "0",
        "regel-MAX_NUM_FORMS": "60",
        "regel-0-kind": "dreigend",
        "regel-0-description": "Tijdelijke opvang",
        "regel-0-annual_cost": "18.000,00",
        "regel-0-avoided": "on",
    }
    data.update(extra)
    return data


def test_spend_form_is_prefilled_from_provisions(client, funded, coordinator, household):
    goal_for(household)
    insurer = factories.organisation()
    Provision.objects.create(
        household=household,
        law=Law.objects.get(code="zvw"),
        financier=insurer,
        description="Ambulante ggz",
        starts_on=date(2024, 1, 1),
        amount=Decimal("350.00"),
    )
    login(client, coordinator)
    html = client.get(reverse("budget:new_spend", args=[household.number])).content.decode()
    assert "Ambulante ggz" in html and 'value="4.200,00"' in html


def test_coordinator_spends_team_lead_approves_overview_adds_up(
    client, funded, coordinator, team_lead, household
):
    goal = goal_for(household)
    login(client, coordinator)
    response = client.post(reverse("budget:new_spend", args=[household.number]), _form_data(goal))
    spend = Spend.objects.get()
    assert response.status_code == 302 and spend.status == "aangevraagd"
    # double submit of the same form: nothing more
    client.post(reverse("budget:new_spend", args=[household.number]), _form_data(goal))
    assert Spend.objects.count() == 1
    # the saving per financier is shown beside the two scenarios
    detail = client.get(reverse("budget:spend", args=[spend.pk])).content.decode()
    assert "Doormodderen" in detail and "15.000,00" in detail
    login(client, team_lead)
    inbox = client.get(reverse("budget:inbox")).content.decode()
    assert f"Uitgave {spend.pk}" in inbox
    worklist = client.get(reverse("households:overview")).content.decode()
    assert "goedkeuren" in worklist
    client.post(reverse("budget:approve", args=[spend.pk]))
    spend.refresh_from_db()
    assert spend.status == "goedgekeurd" and spend.decided_by == team_lead
    overview = client.get(reverse("budget:overview")).content.decode()
    assert "10.000,00" in overview and "7.000,00" in overview and "3.000,00" in overview


def test_form_shows_dutch_errors_and_writes_nothing(client, funded, coordinator, household):
    goal = goal_for(household)
    login(client, coordinator)
    data = _form_data(goal, amount="12,345")
    del data["value_return"]
    html = client.post(reverse("budget:new_spend", args=[household.number]), data).content.decode()
    assert "alle drie de waarden" in html
    html = client.post(
        reverse("budget:new_spend", args=[household.number]), _form_data(goal, amount="12,345")
    ).content.decode()
    assert "twee decimalen" in html and Spend.objects.count() == 0


def test_form_for_household_of_another_coordinator_is_404(
    client, funded, other_coordinator, household
):
    login(client, other_coordinator)
    assert client.get(reverse("budget:new_spend", args=[household.number])).status_code == 404


def test_spend_page_hidden_from_other_municipality(
    client, funded, coordinator, household, goirle_team_lead, financier
):
    spend, _ = services.request_spend(coordinator, household, request(goal_for(household)))
    for user in (goirle_team_lead, financier):
        login(client, user)
        assert client.get(reverse("budget:spend", args=[spend.pk])).status_code == 404


def test_own_request_cannot_be_approved_via_page(client, funded, coordinator, household):
    spend, _ = services.request_spend(
        coordinator, household, request(goal_for(household), "3000.00")
    )
    login(client, coordinator)
    client.post(reverse("budget:approve", args=[spend.pk]))
    spend.refresh_from_db()
    assert spend.status == "aangevraagd"


def test_exports_contain_numbers_not_names(
    client, funded, coordinator, team_lead, analyst, household
):
    services.request_spend(coordinator, household, request(goal_for(household), "200.00"))
    last_name = household.members.first().last_name
    login(client, team_lead)
    text = client.get(reverse("budget:export", args=["csv"])).content.decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][1] == "huishoudnummer" and rows[1][1] == household.number
    assert last_name not in text and household.street not in text
    xlsx = client.get(reverse("budget:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][1] == household.number
    login(client, analyst)
    text = client.get(reverse("budget:export", args=["csv"])).content.decode()
    assert household.number not in text and "Tilburg" in text


def test_chart_is_png(client, funded, team_lead):
    login(client, team_lead)
    response = client.get(reverse("budget:chart"))
    assert response["Content-Type"] == "image/png" and response.content[:4] == b"\x89PNG"


def test_allocation_page_preview_and_apply(client, funded, regional):
    login(client, regional)
    html = client.post(reverse("budget:allocate"), {"formula": "inwoners", "voorvertoning": "1"})
    assert "Voorvertoning" in html.content.decode()
    response = client.post(reverse("budget:allocate"), {"formula": "inwoners", "toepassen": "1"})
    assert response.status_code == 302
    from maatpact.budget.models import Allocation

    total = sum(a.allocated for a in Allocation.objects.filter(fund=funded.fund))
    assert total == funded.fund.amount


def test_transfer_page_refuses_overdraft(client, funded, regional):
    from maatpact.budget.models import Allocation

    login(client, regional)
    other = Allocation.objects.filter(fund=funded.fund).exclude(pk=funded.pk).first()
    html = client.post(
        reverse("budget:transfer"),
        {"source": other.pk, "target": funded.pk, "amount": "5,00", "reason": "Test"},
    ).content.decode()
    assert "beschikbaar" in html


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_panel_and_worklist_query_counts_constant(
    client, funded, coordinator, team_lead, household
):
    goal = goal_for(household)
    services.request_spend(coordinator, household, request(goal, "3000.00"))
    login(client, team_lead)
    few_worklist = _count(client, reverse("households:overview"))
    login(client, coordinator)
    few_page = _count(client, reverse("households:detail", args=[household.number]))
    for _ in range(2):
        services.request_spend(coordinator, household, request(goal, "2600.00"))
    assert _count(client, reverse("households:detail", args=[household.number])) == few_page
    login(client, team_lead)
    assert _count(client, reverse("households:overview")) == few_worklist


@pytest.mark.parametrize("user_fixture", ["regional", "team_lead", "coordinator"])
def test_overview_query_count_constant(client, request, user_fixture, coordinator):
    """The budget overview (the page in bench/pages.py) at two data sizes."""
    spend = request_for_goal
    funded = fund_for("Tilburg", "100000.00")
    first = factories.household(coordinator)
    services.request_spend(coordinator, first, spend(goal_for(first), "300.00"))
    login(client, request.getfixturevalue(user_fixture))
    few = _count(client, reverse("budget:overview"))
    for _ in range(3):  # more households, spends and a second fund
        h = factories.household(coordinator)
        services.request_spend(coordinator, h, spend(goal_for(h), "200.00"))
    fund_for("Tilburg", "2000.00")
    assert Spend.objects.filter(allocation=funded).count() == 4
    assert _count(client, reverse("budget:overview")) == few


@pytest.mark.parametrize("typed", ["1e3", "NaN", "Infinity", "3,200.00", "3.20"])
def test_spend_form_refuses_odd_amounts_in_dutch(client, funded, coordinator, household, typed):
    """Issue 19: "1e3" was accepted as EUR 1,000; issue 15: ambiguous amounts are refused."""
    goal = goal_for(household)
    login(client, coordinator)
    response = client.post(
        reverse("budget:new_spend", args=[household.number]), _form_data(goal, amount=typed)
    )
    assert response.status_code == 200
    assert "Vul een bedrag in euro in" in response.content.decode()
    assert Spend.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "euros"), [("3.200,00", "3200.00"), ("€ 1.250", "1250.00"), ("450,5", "450.50")]
)
def test_spend_form_reads_dutch_amounts(client, funded, coordinator, household, typed, euros):
    goal = goal_for(household)
    login(client, coordinator)
    response = client.post(
        reverse("budget:new_spend", args=[household.number]), _form_data(goal, amount=typed)
    )
    assert response.status_code == 302
    assert Spend.objects.get().amount == Decimal(euros)
