"""Who sees which obstacle, tested from the outside: escalated and not escalated."""

from datetime import date

import pytest
from django.urls import reverse

from maatpact.households import services as household_services
from maatpact.obstacles import services
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import at, put_on_level, raise_obstacle

SECRET = "Geheime omschrijving"


@pytest.fixture
def obstacle(household, coordinator):
    return raise_obstacle(coordinator, household, now=at(2026, 11, 2))


def _detail(client, user, obstacle):
    login(client, user)
    return client.get(reverse("obstacles:detail", args=[obstacle.pk]))


def test_coordinator_sees_own_obstacle_in_full(client, coordinator, obstacle):
    response = _detail(client, coordinator, obstacle)
    assert response.status_code == 200 and SECRET in response.content.decode()


@pytest.mark.parametrize(
    "role_fixture", ["other_coordinator", "goirle_team_lead", "analyst", "admin_user", "financier"]
)
def test_outsiders_get_404(client, obstacle, role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    assert _detail(client, user, obstacle).status_code == 404
    login(client, user)
    assert client.get(reverse("obstacles:breakthrough", args=[obstacle.pk])).status_code == 404
    response = client.get("/api/v1/obstacles/")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert client.get(f"/api/v1/obstacles/{obstacle.pk}/").status_code == 404


def test_team_lead_of_municipality_sees_full(client, team_lead, obstacle):
    response = _detail(client, team_lead, obstacle)
    assert response.status_code == 200 and SECRET in response.content.decode()


def test_financier_sees_obstacle_only_with_consent(client, coordinator, household, financier):
    obstacle = raise_obstacle(coordinator, household)
    assert _detail(client, financier, obstacle).status_code == 404
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
    assert _detail(client, financier, obstacle).status_code == 200


def test_regional_team_pseudonymised_until_escalated_to_it(
    client, coordinator, household, regional, obstacle
):
    member = household.members.first()
    hh_url = reverse("households:detail", args=[household.number])

    # Not escalated: the obstacle and the household are pseudonymised.
    response = _detail(client, regional, obstacle)
    html = response.content.decode()
    assert response.status_code == 200 and SECRET not in html and household.number in html
    html = client.get(hh_url).content.decode()
    assert member.last_name not in html and household.street not in html
    api = client.get(f"/api/v1/obstacles/{obstacle.pk}/").json()
    assert api["full_access"] is False and "description" not in api
    # Visible (pseudonymised) but not workable: a forbidden action, 403 (issue 14).
    assert client.get(reverse("obstacles:breakthrough", args=[obstacle.pk])).status_code == 403

    # On the team lead's level: still pseudonymised.
    put_on_level(obstacle, "teamleider")
    assert member.last_name not in client.get(hh_url).content.decode()

    # Escalated to the regional team: the full case.
    put_on_level(obstacle, "programmateam")
    html = client.get(hh_url).content.decode()
    assert member.last_name in html and household.street in html
    assert SECRET in _detail(client, regional, obstacle).content.decode()
    assert client.get(f"/api/v1/obstacles/{obstacle.pk}/").json()["full_access"] is True
    assert client.get(reverse("obstacles:breakthrough", args=[obstacle.pk])).status_code == 200

    # After the breakthrough the need to know ends: pseudonymised again.
    services.record_breakthrough(
        regional,
        obstacle,
        what="Opgelost",
        broken_by="Wethouder",
        on=date(2026, 11, 20),
        now=at(2026, 11, 21),
    )
    assert member.last_name not in client.get(hh_url).content.decode()


def test_regional_list_hides_description_but_counts(client, coordinator, household, regional):
    raise_obstacle(coordinator, household)
    login(client, regional)
    response = client.get(reverse("obstacles:list"))
    html = response.content.decode()
    assert response.status_code == 200 and household.number in html and SECRET not in html
    data = client.get("/api/v1/obstacles/").json()
    assert data["count"] == 1 and "description" not in data["results"][0]


def test_analyst_gets_aggregates_only(client, coordinator, household, analyst):
    raise_obstacle(coordinator, household)
    login(client, analyst)
    assert client.get(reverse("obstacles:list")).status_code == 404
    response = client.get(reverse("obstacles:analysis"))
    html = response.content.decode()
    assert response.status_code == 200 and household.number not in html and SECRET not in html
    assert client.get("/api/v1/obstacle-analysis/").json()["total"] == 1


def test_coordinator_cannot_raise_for_someone_elses_household(client, other_coordinator, household):
    login(client, other_coordinator)
    url = reverse("obstacles:raise") + f"?huishouden={household.number}"
    assert client.get(url).status_code == 404
    response = client.post(
        "/api/v1/obstacles/",
        {"household": household.number, "type": "wet", "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_escalations_worklist_shows_age_on_the_right_list(
    client, coordinator, team_lead, goirle_team_lead, household, regional
):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    login(client, coordinator)
    html = client.get(reverse("households:worklist")).content.decode()
    assert f"Knelpunt {obstacle.pk} op niveau Regisseur" in html and "dagen oud" in html
    put_on_level(obstacle, "teamleider")
    login(client, team_lead)
    assert f">{obstacle.pk}<" in client.get(reverse("obstacles:escalations")).content.decode()
    assert f"Knelpunt {obstacle.pk} op niveau Teamleider" in (
        client.get(reverse("households:overview")).content.decode()
    )
    login(client, goirle_team_lead)
    assert f">{obstacle.pk}<" not in client.get(reverse("obstacles:escalations")).content.decode()
    login(client, coordinator)
    assert (
        f"Knelpunt {obstacle.pk}" not in client.get(reverse("households:worklist")).content.decode()
    )
    put_on_level(obstacle, "programmateam")
    login(client, regional)
    assert f">{obstacle.pk}<" in client.get(reverse("obstacles:escalations")).content.decode()


def test_raise_through_the_page(client, coordinator, household):
    login(client, coordinator)
    response = client.post(
        reverse("obstacles:raise"),
        {
            "huishouden": household.number,
            "type": "financier",
            "description": "Zorgverzekeraar weigert vergoeding",
            "rule_text": "Polisvoorwaarden art. 12",
            "delay_days": "30",
            "harm_euros": "450,00",
        },
    )
    assert response.status_code == 302
    obstacle = household.obstacles.get()
    assert obstacle.current_level.code == "regisseur" and obstacle.raised_by == coordinator
    assert obstacle.deadline is not None


def test_raise_with_bad_input_writes_nothing(client, coordinator, household):
    login(client, coordinator)
    response = client.post(
        "/api/v1/obstacles/",
        {"household": household.number, "type": "onbekend", "description": ""},
        content_type="application/json",
    )
    assert response.status_code == 400 and "type" in response.json()
    assert not household.obstacles.exists()


def test_general_obstacle_visible_to_municipality_team_lead(client, coordinator, team_lead):
    obstacle = raise_obstacle(coordinator, None)
    assert obstacle.household is None and obstacle.municipality == coordinator.municipality
    assert _detail(client, team_lead, obstacle).status_code == 200
    other = factories.user("regisseur", "Tilburg")
    assert _detail(client, other, obstacle).status_code == 404
