"""Obstacles <-> budget: the breakthrough shows the rule-free spends linked to the
obstacle and their net total, to whoever may see those spends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maatpact.budget import services as budget_services
from maatpact.households import services as household_services
from maatpact.obstacles import selectors, services
from tests.budget.helpers import fund_for, goal_for, request
from tests.conftest import login
from tests.obstacles.helpers import raise_obstacle


@pytest.fixture
def linked(household, coordinator, team_lead):
    """An obstacle with three linked spends: granted, partly reversed, rejected."""
    fund_for("Tilburg", "10000.00")
    obstacle = raise_obstacle(coordinator, household, now=timezone.now())
    goal = goal_for(household)
    first, _ = budget_services.request_spend(
        coordinator, household, request(goal, "400.00", obstacle_id=obstacle.pk)
    )
    second, _ = budget_services.request_spend(
        coordinator, household, request(goal, "250.00", obstacle_id=obstacle.pk)
    )
    budget_services.reverse_spend(team_lead, second, "50.00", "Deels terug")
    rejected, _ = budget_services.request_spend(
        coordinator, household, request(goal, "2600.00", obstacle_id=obstacle.pk)
    )
    budget_services.reject_spend(team_lead, rejected, "Te duur")
    # A spend on the same household that is not linked to the obstacle.
    budget_services.request_spend(coordinator, household, request(goal, "75.00"))
    return obstacle, [first, second, rejected]


def test_linked_spends_and_net_total(linked, coordinator):
    obstacle, spends = linked
    result = selectors.linked_spends(obstacle, coordinator)
    assert [s.pk for s in result.spends] == [s.pk for s in spends]
    assert result.total == Decimal("600.00")  # 400 + (250 - 50); the rejection counts 0


def test_detail_lists_spends_and_breakthrough_cost_is_their_total(client, linked, coordinator):
    obstacle, spends = linked
    services.record_breakthrough(
        coordinator, obstacle, what="Huur betaald", broken_by="Regisseur", on=date.today()
    )
    login(client, coordinator)
    html = client.get(reverse("obstacles:detail", args=[obstacle.pk])).content.decode()
    assert "Gekoppelde uitgaven uit het regelvrije budget" in html
    for s in spends:
        assert reverse("budget:spend", args=[s.pk]) in html
    assert "€ 600,00 (gekoppelde uitgaven uit het regelvrije budget)" in html
    assert "vastgelegd bij de doorbraak: € 0,00" in html
    assert "<script" not in html


def test_open_obstacle_lists_spends_and_form_prefills_cost(client, linked, coordinator):
    obstacle, spends = linked
    login(client, coordinator)
    html = client.get(reverse("obstacles:detail", args=[obstacle.pk])).content.decode()
    assert reverse("budget:spend", args=[spends[0].pk]) in html
    response = client.get(reverse("obstacles:breakthrough", args=[obstacle.pk]))
    assert response.context["form"].initial["cost"] == Decimal("600.00")
    assert reverse("budget:spend", args=[spends[1].pk]) in response.content.decode()


def test_without_spends_the_recorded_cost_stays(client, household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=timezone.now())
    services.record_breakthrough(
        coordinator,
        obstacle,
        what="Opgelost",
        broken_by="Regisseur",
        on=date.today(),
        cost=Decimal("125.00"),
    )
    login(client, coordinator)
    html = client.get(reverse("obstacles:detail", args=[obstacle.pk])).content.decode()
    assert "<dd>€ 125,00</dd>" in html
    assert "Geen uitgave aan dit knelpunt gekoppeld." in html
    response = client.get(reverse("obstacles:breakthrough", args=[obstacle.pk]))
    assert response.status_code == 302  # already broken through


def test_financier_with_consent_sees_obstacle_but_no_spends(
    client, linked, coordinator, household, financier
):
    obstacle, spends = linked
    household_services.add_processing_basis(
        coordinator,
        household,
        partner=financier.organisation,
        kind="delen",
        # Case content needs a purpose that grants it (outcome measurement does not).
        data_purpose="huisuitzetting_voorkomen",
        purpose="Voorkomen huisuitzetting",
        basis="toestemming",
        given_on=date(2020, 1, 1),
    )
    login(client, financier)
    response = client.get(reverse("obstacles:detail", args=[obstacle.pk]))
    assert response.status_code == 200
    assert reverse("budget:spend", args=[spends[0].pk]) not in response.content.decode()
    assert not selectors.linked_spends(obstacle, financier)


def test_household_panel_shows_linked_total(client, linked, coordinator, household):
    obstacle, _ = linked
    login(client, coordinator)
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Regelvrij budget" in html and "€ 600,00" in html


def test_panel_totals_take_one_query(linked, coordinator, household):
    obstacle, _ = linked
    other = raise_obstacle(coordinator, household, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        totals = selectors.linked_spend_totals([obstacle.pk, other.pk], coordinator)
    assert len(queries.captured_queries) == 1
    assert totals == {obstacle.pk: Decimal("600.00")}
