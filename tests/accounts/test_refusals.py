"""Issue 14: one refusal type. Outside the user's scope: 404; a forbidden action on an
object the user can see: 403 - on pages and in the API alike, whichever app owns it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.obstacles.helpers import put_on_level, raise_obstacle


@pytest.fixture
def escalated(household, coordinator):
    obstacle = raise_obstacle(coordinator, household)
    put_on_level(obstacle, "programmateam")
    return obstacle


def _status(client, user, method: str, url: str, data=None) -> int:
    login(client, user)
    if method == "get":
        return client.get(url).status_code
    return client.post(url, data or {}, content_type="application/json").status_code


def test_regional_team_reads_an_escalated_case_but_may_not_write_it(
    client, household, regional, escalated
):
    number = household.number
    # Visible in full: reading works, writing case content is refused with 403.
    assert _status(client, regional, "get", reverse("plans:detail", args=[number])) == 200
    assert _status(client, regional, "get", reverse("plans:edit", args=[number])) == 403
    assert _status(client, regional, "get", reverse("provisions:new", args=[number])) == 403
    assert (
        _status(
            client,
            regional,
            "post",
            f"/api/v1/households/{number}/status/",
            {"status": "afgesloten", "reason": "x"},
        )
        == 403
    )


def test_outside_the_scope_it_is_404_for_the_same_routes(client, goirle_household, regional):
    number = goirle_household.number  # visible to the region, pseudonymised: not escalated
    assert _status(client, regional, "get", reverse("plans:detail", args=[number])) == 404
    assert _status(client, regional, "get", reverse("plans:edit", args=[number])) == 404
    assert (
        _status(
            client,
            regional,
            "post",
            f"/api/v1/households/{number}/status/",
            {"status": "afgesloten", "reason": "x"},
        )
        == 404
    )


def test_pseudonymised_obstacle_is_visible_so_its_breakthrough_is_403(
    client, household, coordinator, regional, other_coordinator
):
    obstacle = raise_obstacle(coordinator, household)
    body = {"what": "x", "broken_by": "y", "on": "2026-11-05"}
    url = f"/api/v1/obstacles/{obstacle.pk}/breakthrough/"
    assert _status(client, regional, "post", url, body) == 403
    assert _status(client, other_coordinator, "post", url, body) == 404
    page = reverse("obstacles:breakthrough", args=[obstacle.pk])
    assert _status(client, regional, "get", page) == 403
    assert _status(client, other_coordinator, "get", page) == 404


def test_team_lead_of_another_municipality_gets_404_the_coordinator_403(
    client, household, coordinator, goirle_team_lead
):
    url = reverse("households:handover", args=[household.number])
    assert _status(client, goirle_team_lead, "get", url) == 404
    assert _status(client, coordinator, "get", url) == 403


def test_api_403_carries_the_dutch_reason(client, household, regional, escalated):
    login(client, regional)
    response = client.post(
        f"/api/v1/households/{household.number}/status/",
        {"status": "afgesloten", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "status" in response.json()["detail"]
