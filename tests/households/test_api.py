from django.urls import reverse
from rest_framework.test import APIClient

from maatpact.households.models import Household
from tests import factories


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_only_own_households(coordinator, other_coordinator):
    mine = factories.household(coordinator)
    factories.household(other_coordinator)
    data = api(coordinator).get("/api/v1/households/").json()
    assert [h["number"] for h in data["results"]] == [mine.number]
    assert data["results"][0]["members"]


def test_other_coordinator_gets_404(household, other_coordinator, goirle_team_lead):
    for user in (other_coordinator, goirle_team_lead):
        assert api(user).get(f"/api/v1/households/{household.number}/").status_code == 404


def test_regional_team_gets_pseudonymised(household, regional):
    data = api(regional).get(f"/api/v1/households/{household.number}/").json()
    assert data["full_access"] is False
    assert "members" not in data and "street" not in data


def test_analyst_sees_nothing(household, analyst):
    assert api(analyst).get("/api/v1/households/").json()["count"] == 0
    assert api(analyst).get(f"/api/v1/households/{household.number}/").status_code == 404


def test_intake_bad_bsn_is_400_and_writes_nothing(coordinator):
    body = {
        "municipality": "GM0855",
        "street": "A",
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "Tilburg",
        "members": [
            {
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1980-01-01",
                "role": "aanvrager",
                "bsn": "123456789",
            }
        ],
    }
    response = api(coordinator).post("/api/v1/households/", body, format="json")
    assert response.status_code == 400
    assert "elfproef" in str(response.json())
    assert Household.objects.count() == 0


def test_intake_unknown_municipality_is_400(coordinator):
    body = {
        "municipality": "GM9999",
        "street": "A",
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "X",
        "members": [
            {
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1980-01-01",
                "role": "aanvrager",
            }
        ],
    }
    response = api(coordinator).post("/api/v1/households/", body, format="json")
    assert response.status_code == 400 and "municipality" in response.json()


def test_intake_ok(coordinator):
    body = {
        "municipality": "GM0855",
        "street": "A",
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "Tilburg",
        "members": [
            {
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": "1980-01-01",
                "role": "aanvrager",
            }
        ],
    }
    response = api(coordinator).post("/api/v1/households/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"].startswith("MP-")


def test_disallowed_transition_is_400(coordinator, household):
    response = api(coordinator).post(
        f"/api/v1/households/{household.number}/status/", {"status": "actief"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_handover_by_coordinator_is_403_and_by_team_lead_ok(
    coordinator, team_lead, household, other_coordinator
):
    url = f"/api/v1/households/{household.number}/handover/"
    body = {"coordinator": other_coordinator.pk, "reason": "Verlof"}
    # The coordinator sees the household: a forbidden action on it is 403 (issue 14).
    assert api(coordinator).post(url, body, format="json").status_code == 403
    assert api(team_lead).post(url, body, format="json").status_code == 200


def test_schema_is_served(coordinator):
    response = api(coordinator).get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/households/" in response.content


def test_anonymous_api_is_refused(client, household):
    assert client.get("/api/v1/households/").status_code in (401, 403)
