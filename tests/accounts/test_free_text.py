"""Issue 14, defect 1: free text never reaches a pseudonymised view.

Marker values are planted in the free-text fields of a household, its achieved outcome
and its breakthrough; each is then read from the outside (pages and API) as every role
that sees the household pseudonymised, and as a role with full access (the control:
without it a test that never renders the field would pass for the wrong reason).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from maatpact.households import services as household_services
from maatpact.obstacles import services as obstacle_services
from maatpact.outcomes.models import AchievedOutcome, OutcomeDefinition
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import at, put_on_level, raise_obstacle

CLOSURE = "SLUITMARKER-echtscheiding-en-verhuizing"
NOTE = "NOTITIEMARKER-moeder-vertelde-over-schulden"
WHAT = "DOORBRAAKMARKER-wethouder-belde-de-verhuurder"
BY = "DOORMARKER-Jan-de-Wethouder"


@pytest.fixture
def closed_household(household, team_lead):
    household_services.change_status(team_lead, household, "afgesloten", reason=CLOSURE)
    household.refresh_from_db()
    return household


@pytest.fixture
def outcome(household, regional):
    verifier = factories.user("programmateam", None)
    return AchievedOutcome.objects.create(
        household=household,
        definition=OutcomeDefinition.objects.order_by("pk").first(),
        achieved_on=date(2026, 10, 1),
        evidence={"feit": "geen huisuitzetting"},
        evaluated_at=timezone.now(),
        status=AchievedOutcome.Status.GEVERIFIEERD,
        verified_by=verifier,
        verified_at=timezone.now(),
        verification_note=NOTE,
    )


@pytest.fixture
def broken_obstacle(household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    obstacle_services.record_breakthrough(
        coordinator, obstacle, what=WHAT, broken_by=BY, on=date(2026, 11, 20), now=at(2026, 11, 20)
    )
    return obstacle


def _body(client, user, url: str) -> tuple[int, str]:
    login(client, user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _escalate_to_region(household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 3))
    put_on_level(obstacle, "programmateam")


# --- closure reason ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda h: reverse("households:detail", args=[h.number]),
        lambda h: f"/api/v1/households/{h.number}/",
        lambda h: "/api/v1/households/",
    ],
    ids=["page", "api-detail", "api-list"],
)
def test_closure_reason_not_shown_to_the_regional_team_without_escalation(
    client, closed_household, regional, team_lead, coordinator, url
):
    status, body = _body(client, regional, url(closed_household))
    assert status == 200 and closed_household.number in body
    assert CLOSURE not in body
    # Control: the team lead of the municipality has full access and reads it.
    status, body = _body(client, team_lead, url(closed_household))
    assert status == 200 and CLOSURE in body
    # Escalated to the region: the regional team now has the full case.
    _escalate_to_region(closed_household, coordinator)
    status, body = _body(client, regional, url(closed_household))
    assert status == 200 and CLOSURE in body


def test_closure_reason_left_out_of_the_pseudonymised_api(client, closed_household, regional):
    login(client, regional)
    data = client.get(f"/api/v1/households/{closed_household.number}/").json()
    assert data["full_access"] is False
    assert "closure_reason" not in data
    assert data["status"] == "afgesloten" and data["closed_on"]


# --- verification note -----------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["analyst", "regional"])
@pytest.mark.parametrize(
    "url",
    [
        lambda o: reverse("outcomes:detail", args=[o.pk]),
        lambda o: reverse("outcomes:list") + "?status=",
        lambda o: f"/api/v1/achieved-outcomes/{o.pk}/",
        lambda o: "/api/v1/achieved-outcomes/",
    ],
    ids=["page", "list-page", "api-detail", "api-list"],
)
def test_verification_note_not_shown_pseudonymised(client, outcome, role_fixture, url, request):
    user = request.getfixturevalue(role_fixture)
    status, body = _body(client, user, url(outcome))
    assert status == 200 and outcome.household.number in body
    assert NOTE not in body


def test_verification_note_shown_to_the_regional_team_once_escalated(
    client, outcome, regional, analyst, coordinator
):
    _escalate_to_region(outcome.household, coordinator)
    for url in (reverse("outcomes:detail", args=[outcome.pk]), "/api/v1/achieved-outcomes/"):
        status, body = _body(client, regional, url)
        assert status == 200 and NOTE in body
        # The analyst never has full access, escalated or not.
        status, body = _body(client, analyst, url)
        assert status == 200 and NOTE not in body


# --- breakthrough --------------------------------------------------------------------


def test_breakthrough_text_not_shown_to_the_regional_team_without_escalation(
    client, broken_obstacle, regional, coordinator
):
    for url in (
        reverse("obstacles:detail", args=[broken_obstacle.pk]),
        f"/api/v1/obstacles/{broken_obstacle.pk}/",
        "/api/v1/obstacles/",
    ):
        status, body = _body(client, regional, url)
        assert status == 200
        assert WHAT not in body and BY not in body, url
        status, body = _body(client, coordinator, url)
        assert status == 200 and WHAT in body and BY in body, url
    # The facts of the breakthrough (date, days) stay visible pseudonymised.
    status, body = _body(client, regional, reverse("obstacles:detail", args=[broken_obstacle.pk]))
    assert "Dagen tot doorbraak" in body


# --- spend rejection reason --------------------------------------------------------

REJECTION = "AFWIJSMARKER-vader-heeft-al-hulp-van-de-kerk"


def test_spend_rejection_reason_only_with_full_access(
    client, household, coordinator, team_lead, regional
):
    from maatpact.budget import services as budget_services
    from tests.budget import helpers as budget_helpers

    budget_helpers.fund_for("Tilburg", "10000.00")
    goal = budget_helpers.goal_for(household)
    spend, _ = budget_services.request_spend(
        coordinator, household, budget_helpers.request(goal, amount="3000.00")
    )
    budget_services.reject_spend(team_lead, spend, REJECTION)
    for url in (reverse("budget:spend", args=[spend.pk]), f"/api/v1/budget/spends/{spend.pk}/"):
        status, body = _body(client, regional, url)
        assert status == 200 and REJECTION not in body, url
        status, body = _body(client, team_lead, url)
        assert status == 200 and REJECTION in body, url
