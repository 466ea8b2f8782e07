"""Query counts of obstacle pages must not grow with the register (no N+1)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maatpact.obstacles import services
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import at, put_on_level, raise_obstacle


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _escalated(coordinator, household):
    return put_on_level(
        raise_obstacle(coordinator, household, now=at(2026, 11, 2)), "programmateam"
    )


def _grow(coordinator, household, n):
    """More obstacles, on more households, on several levels, some broken through."""
    for _ in range(n):
        _escalated(coordinator, household)
        _escalated(coordinator, factories.household(coordinator))
        o = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
        services.record_breakthrough(
            coordinator, o, what="x", broken_by="y", on=date(2026, 11, 3), now=at(2026, 11, 4)
        )


@pytest.mark.parametrize(
    "user_fixture,url_name",
    [
        ("coordinator", "obstacles:list"),
        ("team_lead", "obstacles:list"),
        ("regional", "obstacles:list"),
        ("regional", "obstacles:escalations"),
        ("coordinator", "households:worklist"),
        ("team_lead", "households:overview"),
        ("analyst", "obstacles:analysis"),
    ],
)
def test_lists_constant(client, coordinator, household, request, user_fixture, url_name):
    user = request.getfixturevalue(user_fixture)
    _escalated(coordinator, household)
    raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    login(client, user)
    few = _count(client, reverse(url_name))
    _grow(coordinator, household, 5)
    assert _count(client, reverse(url_name)) == few


def test_household_page_constant(client, coordinator, household):
    raise_obstacle(coordinator, household)
    login(client, coordinator)
    url = reverse("households:detail", args=[household.number])
    few = _count(client, url)
    _grow(coordinator, household, 5)
    assert _count(client, url) == few


def test_api_list_constant(client, coordinator, household, regional):
    _escalated(coordinator, household)
    raise_obstacle(coordinator, household)
    login(client, regional)
    few = _count(client, "/api/v1/obstacles/")
    _grow(coordinator, household, 5)
    assert _count(client, "/api/v1/obstacles/") == few
