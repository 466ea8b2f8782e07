"""Query counts must not grow with the number of households (no N+1)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import login


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_worklist_query_count_constant(client, coordinator, team_lead):
    factories.household(coordinator)
    login(client, coordinator)
    few = _count(client, reverse("households:worklist"))
    for _ in range(6):
        factories.household(coordinator)
    many = _count(client, reverse("households:worklist"))
    assert many == few


def test_overview_query_count_constant(client, coordinator, team_lead):
    factories.household(coordinator)
    login(client, team_lead)
    few = _count(client, reverse("households:overview"))
    for _ in range(6):
        factories.household(coordinator)
    assert _count(client, reverse("households:overview")) == few


def test_household_page_query_count_constant(client, coordinator):
    small = factories.household(coordinator)
    from datetime import date

    from maatpact.households.services import MemberData

    big = factories.household(
        coordinator,
        members=[
            MemberData(f"Lid{i}", "Groot", date(1980 + i, 1, 1), "aanvrager" if i == 0 else "kind")
            for i in range(8)
        ],
    )
    login(client, coordinator)
    assert _count(client, reverse("households:detail", args=[small.number])) == _count(
        client, reverse("households:detail", args=[big.number])
    )


def _case_history(coordinator, other_coordinator, team_lead, household, n, *, escalate=True):
    """n of everything the household page lists: reflections, obstacles (every other one
    broken through, the others escalated to the region if ``escalate``), processing bases,
    hand-overs and due plan actions."""
    from maatpact.households import services as household_services
    from maatpact.learning import services as learning_services
    from maatpact.obstacles import services as obstacle_services
    from maatpact.plans import selectors as plan_selectors
    from maatpact.plans import services as plan_services
    from tests.obstacles.helpers import at, put_on_level, raise_obstacle

    plan = plan_selectors.plan_for(household)
    for i in range(n):
        learning_services.write_reflection(
            coordinator, household, what_happened=f"Gebeurd {i}", what_worked="Bellen"
        )
        obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
        if i % 2 and escalate:
            put_on_level(obstacle, "programmateam")
        elif not i % 2:
            obstacle_services.record_breakthrough(
                coordinator,
                obstacle,
                what="x",
                broken_by="y",
                on=date(2026, 11, 3),
                now=at(2026, 11, 4),
            )
        household_services.add_processing_basis(
            coordinator,
            household,
            partner=factories.organisation(f"Partner {i} (fictief)", "aanbieder"),
            kind="delen",
            purpose="Afstemmen",
            basis="toestemming",
            given_on=date(2026, 1, 1),
        )
        goal = plan_services.add_goal(
            coordinator, plan, domain_code="hh_financien", description="D"
        )
        plan_services.add_action(
            coordinator,
            plan,
            goal=goal if i % 2 else None,
            what=f"Actie {i}",
            who_kind="regisseur",
            due_on=date(2020, 1, 1),
        )
    for i in range(n):
        # Away and back: the coordination panel lists every assignment.
        household_services.hand_over(team_lead, household, other_coordinator, reason="Verlof")
        household_services.hand_over(team_lead, household, coordinator, reason="Terug")


@pytest.mark.parametrize(
    "who, escalate",
    [("coordinator", True), ("team_lead", True), ("regional", True), ("regional", False)],
)
def test_household_page_query_count_constant_with_case_history(
    client, coordinator, other_coordinator, team_lead, regional, who, escalate
):
    """Full view (coordinator, team lead; the regional team on an escalated case) and
    pseudonymised view (regional team otherwise): the same number of queries for a
    household with a little of everything and one with much more."""
    small = factories.household(coordinator)
    big = factories.household(coordinator)
    _case_history(coordinator, other_coordinator, team_lead, small, 2, escalate=escalate)
    _case_history(coordinator, other_coordinator, team_lead, big, 8, escalate=escalate)
    login(client, {"coordinator": coordinator, "team_lead": team_lead, "regional": regional}[who])
    few = _count(client, reverse("households:detail", args=[small.number]))
    many = _count(client, reverse("households:detail", args=[big.number]))
    assert many == few


def test_worklist_query_count_constant_with_due_actions(
    client, coordinator, other_coordinator, team_lead
):
    first = factories.household(coordinator)
    _case_history(coordinator, other_coordinator, team_lead, first, 1)
    login(client, coordinator)
    few = _count(client, reverse("households:worklist"))
    for _ in range(5):
        _case_history(
            coordinator, other_coordinator, team_lead, factories.household(coordinator), 2
        )
    many = _count(client, reverse("households:worklist"))
    assert many == few
