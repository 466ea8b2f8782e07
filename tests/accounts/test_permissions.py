"""The permission matrix, tested from the outside through the pages."""

from datetime import date

import pytest
from django.urls import reverse

from maatpact.households import services
from tests import factories
from tests.conftest import login

PAGES = ["households:detail", "households:handover", "households:add_basis"]


def _get(client, user, name, household):
    login(client, user)
    return client.get(reverse(name, args=[household.number]))


@pytest.mark.parametrize("page", PAGES)
def test_other_coordinator_gets_404(client, household, other_coordinator, page):
    assert _get(client, other_coordinator, page, household).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_team_lead_of_other_municipality_gets_404(client, household, goirle_team_lead, page):
    assert _get(client, goirle_team_lead, page, household).status_code == 404


def test_own_coordinator_sees_full_data(client, household, coordinator):
    response = _get(client, coordinator, "households:detail", household)
    assert response.status_code == 200
    member = household.members.first()
    assert member.last_name in response.content.decode()
    assert household.street in response.content.decode()


def test_team_lead_sees_municipality_household_and_can_hand_over(client, household, team_lead):
    assert _get(client, team_lead, "households:detail", household).status_code == 200
    assert _get(client, team_lead, "households:handover", household).status_code == 200


def test_coordinator_cannot_hand_over(client, household, coordinator):
    # The coordinator sees the household: the forbidden action is 403 (issue 14).
    assert _get(client, coordinator, "households:handover", household).status_code == 403


def test_regional_team_sees_pseudonymised_only(client, household, regional):
    response = _get(client, regional, "households:detail", household)
    assert response.status_code == 200
    html = response.content.decode()
    member = household.members.first()
    for secret in (member.last_name, member.first_name, household.street, factories.VALID_BSN):
        assert secret not in html
    assert household.number in html


@pytest.mark.parametrize("role_fixture", ["analyst", "admin_user"])
def test_analyst_and_administrator_see_no_case(client, household, role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    response = _get(client, user, "households:detail", household)
    assert response.status_code == 404


def test_analyst_never_sees_names_anywhere(client, household, analyst):
    login(client, analyst)
    member = household.members.first()
    for url in [
        reverse("home"),
        reverse("households:region"),
        reverse("households:worklist"),
        reverse("households:overview"),
    ]:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert member.last_name not in html and factories.VALID_BSN not in html


def test_financier_sees_case_only_with_active_consent(client, household, coordinator, financier):
    assert _get(client, financier, "households:detail", household).status_code == 404
    basis = services.add_processing_basis(
        coordinator,
        household,
        partner=financier.organisation,
        kind="delen",
        purpose="Resultaatmeting",
        basis="toestemming",
        given_on=date(2020, 1, 1),
    )
    assert _get(client, financier, "households:detail", household).status_code == 200
    services.withdraw_basis(coordinator, basis)
    assert _get(client, financier, "households:detail", household).status_code == 404


def test_anonymous_is_sent_to_login(client, household):
    response = client.get(reverse("households:detail", args=[household.number]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_worklist_shows_only_own_households(client, coordinator, other_coordinator):
    mine = factories.household(coordinator)
    theirs = factories.household(other_coordinator)
    login(client, coordinator)
    html = client.get(reverse("households:worklist")).content.decode()
    assert mine.number in html and theirs.number not in html


def test_overview_only_for_team_lead_and_only_own_municipality(
    client, team_lead, coordinator, household, goirle_household
):
    login(client, coordinator)
    assert client.get(reverse("households:overview")).status_code == 404
    login(client, team_lead)
    html = client.get(reverse("households:overview")).content.decode()
    assert household.number in html and goirle_household.number not in html


def test_region_list_only_for_regional_team(client, coordinator, regional, household):
    login(client, coordinator)
    assert client.get(reverse("households:region")).status_code == 404
    login(client, regional)
    assert household.number in client.get(reverse("households:region")).content.decode()


def test_forged_status_post_for_other_household_is_404(client, household, other_coordinator):
    login(client, other_coordinator)
    response = client.post(
        reverse("households:status", args=[household.number]),
        {"status": "afgesloten", "reason": "x"},
    )
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.status == "aangemeld"
