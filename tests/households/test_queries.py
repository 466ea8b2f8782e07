"""Query counts must not grow with the number of households (no N+1)."""

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
