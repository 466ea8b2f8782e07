"""Issue 20 item 3: every read of a household leaves a record, refused looks included.

The expected records are derived from the fixture by hand (which households each page
shows), never from the selectors the pages themselves use.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from maatpact.accounts.models import Role
from maatpact.audit.models import AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.audit.services import user_chain_key
from tests import factories
from tests.conftest import login


def _views(detail: str) -> dict[int, int]:
    """household id -> number of view records with this detail."""
    counts: dict[int, int] = {}
    for event in AuditEvent.objects.filter(action="view", detail=detail):
        counts[event.household_id] = counts.get(event.household_id, 0) + 1
    return counts


def _no_personal_values(households) -> None:
    """No member name, street, postcode or BSN in any record."""
    values = set()
    for household in households:
        values |= {household.street, household.postcode}
        for member in household.members.all():
            values |= {member.first_name, member.last_name}
            if member.bsn:
                values.add(member.bsn)
    for event in AuditEvent.objects.all():
        blob = " ".join(str(v) for v in event.__dict__.values())
        leaked = [v for v in values if v and v in blob]
        assert not leaked, (event.action, event.detail, leaked)


@pytest.fixture
def tilburg(coordinator, other_coordinator):
    """Three Tilburg households (two coordinators) and one in Goirle, by hand."""
    return [
        factories.household(coordinator, street="Eikstraat"),
        factories.household(coordinator, street="Beukstraat"),
        factories.household(other_coordinator, street="Lindelaan"),
    ]


def test_municipality_overview_logs_each_household_it_lists(
    client, team_lead, tilburg, goirle_household
):
    login(client, team_lead)
    assert client.get(reverse("households:overview")).status_code == 200
    assert _views("gemeente-overzicht") == {h.pk: 1 for h in tilburg}
    event = AuditEvent.objects.filter(detail="gemeente-overzicht").first()
    assert event.actor_id == team_lead.pk and event.actor_role == Role.TEAMLEIDER
    assert event.request_id
    _no_personal_values([*tilburg, goirle_household])


def test_municipality_overview_logs_only_the_page_shown(client, team_lead, tilburg, settings):
    login(client, team_lead)
    client.get(reverse("households:overview"), {"status": "afgesloten"})
    assert _views("gemeente-overzicht") == {}  # nothing listed, nothing logged


def test_municipality_overview_logs_the_households_its_worklist_items_name(
    client, coordinator, team_lead, household
):
    """A spend above the threshold waits for the team lead: the item names the household
    although the filtered list (closed households) shows none."""
    from maatpact.budget import services as budget_services
    from tests.budget.helpers import fund_for, goal_for
    from tests.budget.helpers import request as spend_request

    fund_for("Tilburg", "10000.00")
    budget_services.request_spend(
        coordinator, household, spend_request(goal_for(household), "3000.00")
    )
    login(client, team_lead)
    response = client.get(reverse("households:overview"), {"status": "afgesloten"})
    assert household.number in response.content.decode()  # named by the approval item
    assert _views("gemeente-overzicht") == {household.pk: 1}


def test_regional_list_logs_each_household_it_lists(client, regional, tilburg, goirle_household):
    login(client, regional)
    assert client.get(reverse("households:region")).status_code == 200
    expected = {h.pk: 1 for h in [*tilburg, goirle_household]}
    assert _views("regiolijst gepseudonimiseerd") == expected
    assert verify_chains().ok
    _no_personal_values([*tilburg, goirle_household])


def test_regional_list_filtered_by_municipality_logs_that_municipality_only(
    client, regional, tilburg, goirle_household
):
    login(client, regional)
    client.get(reverse("households:region"), {"gemeente": goirle_household.municipality_id})
    assert _views("regiolijst gepseudonimiseerd") == {goirle_household.pk: 1}


def _attempts():
    return list(AuditEvent.objects.filter(action="refuse").order_by("pk"))


def test_probe_of_a_household_outside_scope_is_an_audited_attempt(
    client, goirle_coordinator, household
):
    login(client, goirle_coordinator)
    response = client.get(reverse("households:detail", args=[household.number]))
    assert response.status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk
    assert attempt.chain == f"hh:{household.pk}"
    assert attempt.actor_id == goirle_coordinator.pk
    assert attempt.detail.startswith("poging")
    assert "households:detail" in attempt.detail
    assert verify_chains().ok
    _no_personal_values([household])


def test_probe_answer_is_the_same_as_for_an_unknown_number(client, goirle_coordinator, household):
    login(client, goirle_coordinator)
    hidden = client.get(reverse("households:detail", args=[household.number]))
    unknown = client.get(reverse("households:detail", args=["MP-9999"]))
    assert hidden.status_code == unknown.status_code == 404

    # Apart from its own path (language switch) and the masked CSRF token, identical.
    def page(response, number):
        text = response.content.decode().replace(number, "X")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert page(hidden, household.number) == page(unknown, "MP-9999")


def test_probe_of_an_unknown_number_is_logged_without_the_typed_value(client, goirle_coordinator):
    login(client, goirle_coordinator)
    typed = factories.VALID_BSN_2  # someone types a BSN into the address bar
    assert client.get(reverse("households:detail", args=[typed])).status_code == 404
    (attempt,) = _attempts()
    assert attempt.chain == user_chain_key(goirle_coordinator.pk)
    assert attempt.household_id is None
    blob = " ".join(str(v) for v in attempt.__dict__.values())
    assert typed not in blob


def test_full_data_pages_of_a_pseudonymised_household_log_the_attempt(client, regional, household):
    """The regional team sees the household pseudonymised; its plan page is refused."""
    login(client, regional)
    assert client.get(reverse("plans:detail", args=[household.number])).status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk and attempt.actor_id == regional.pk
    assert "volledig" in attempt.detail


def test_a_visible_household_leaves_no_attempt(client, coordinator, household):
    login(client, coordinator)
    assert client.get(reverse("households:detail", args=[household.number])).status_code == 200
    assert _attempts() == []


@pytest.fixture
def api(goirle_coordinator):
    client = APIClient()
    client.force_authenticate(goirle_coordinator)
    return client


def test_api_probe_of_a_household_outside_scope_is_an_audited_attempt(
    api, goirle_coordinator, household
):
    assert api.get(f"/api/v1/households/{household.number}/").status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk and attempt.actor_id == goirle_coordinator.pk
    assert attempt.detail.startswith("poging")


def test_api_probe_through_an_action_is_an_audited_attempt(api, household):
    response = api.post(
        f"/api/v1/households/{household.number}/status/", {"status": "actief"}, format="json"
    )
    assert response.status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk


def test_api_probe_of_a_plan_outside_scope_is_an_audited_attempt(api, household):
    assert api.get(f"/api/v1/plans/{household.number}/").status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk


def test_api_probe_of_an_unknown_number_keeps_the_value_out(api, goirle_coordinator):
    assert api.get(f"/api/v1/households/{factories.VALID_BSN_2}/").status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id is None
    assert factories.VALID_BSN_2 not in " ".join(str(v) for v in attempt.__dict__.values())


def test_api_probe_of_another_households_record_id_is_traced_to_that_household(
    api, goirle_coordinator, coordinator, household
):
    """A goal id of a Tilburg household, asked by a Goirle coordinator: the 404 is an
    attempt on that household (the goal reaches it through its plan)."""
    from maatpact.plans import services as plan_services

    goal = plan_services.add_goal(
        coordinator, household.plan, domain_code="hh_financien", description="Schulden"
    )
    assert api.get(f"/api/v1/goals/{goal.pk}/").status_code == 404
    (attempt,) = _attempts()
    assert attempt.household_id == household.pk and attempt.actor_id == goirle_coordinator.pk
    assert "goal-detail" in attempt.detail
    _no_personal_values([household])
    assert "Schulden" not in " ".join(str(v) for v in attempt.__dict__.values())


def test_api_probe_of_an_id_that_names_nothing_is_logged_on_the_callers_chain(
    api, goirle_coordinator
):
    assert api.get("/api/v1/goals/999999/").status_code == 404
    assert api.get("/api/v1/goals/not-an-id/").status_code == 404
    attempts = _attempts()
    assert len(attempts) == 2
    assert {a.chain for a in attempts} == {user_chain_key(goirle_coordinator.pk)}
    assert all("999999" not in a.detail and "not-an-id" not in a.detail for a in attempts)


def test_a_404_outside_household_data_is_no_attempt(api):
    assert api.get("/api/v1/municipalities/GM0000/").status_code == 404
    assert _attempts() == []
