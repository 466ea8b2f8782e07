"""Programme pages and API from the outside, as each role."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from maatpact.audit.models import AuditEvent
from maatpact.households.models import Cohort
from maatpact.programme import services
from maatpact.programme.models import Phase, Screening
from maatpact.regions.models import Region
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% synthetisch besluit\n"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def programme(regional):
    return services.create_programme(
        regional,
        region=Region.objects.first(),
        name="Maatpact",
        starts_on=date(2019, 1, 1),
        planned_households=2600,
    )


@pytest.fixture
def phase(programme, regional):
    return services.save_phase(
        regional,
        programme,
        number=1,
        name="Leren",
        goal="De eerste 50 huishoudens",
        starts_on=date(2019, 4, 1),
        ends_on=date(2020, 12, 31),
        planned_households=50,
    )


PHASE_BODY = {
    "number": 2,
    "name": "Groei",
    "goal": "Opschalen naar 2.600",
    "starts_on": "2021-01-01",
    "planned_households": 500,
    "min_domains": 3,
    "min_laws": 2,
}


def test_api_programme_team_creates_phase_and_cohort(programme, regional):
    response = api(regional).post(
        "/api/v1/phases/", {**PHASE_BODY, "programme": programme.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Phase.objects.get(number=2).planned_households == 500
    response = api(regional).post(
        "/api/v1/cohorts/",
        {
            "name": "Fase 2 cohort 1",
            "region": programme.region.code,
            "phase": 2,
            "capacity": 40,
            "starts_on": "2021-02-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    cohort = Cohort.objects.get(name="Fase 2 cohort 1")
    response = api(regional).patch(f"/api/v1/cohorts/{cohort.pk}/", {"capacity": 45}, format="json")
    assert response.status_code == 200 and response.json()["capacity"] == 45


def test_api_bad_input_is_400_in_dutch_and_writes_nothing(programme, regional):
    response = api(regional).post(
        "/api/v1/phases/",
        {**PHASE_BODY, "programme": programme.pk, "starts_on": "2018-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "niet voor de start" in response.json()["starts_on"][0]
    assert not Phase.objects.exists()


@pytest.mark.parametrize("role", ["teamleider", "analist", "beheerder"])
def test_api_readers_may_read_but_not_write(programme, phase, role):
    user = factories.user(role, "Tilburg")
    client = api(user)
    assert client.get("/api/v1/phases/").json()["count"] == 1
    assert client.get(f"/api/v1/phases/{phase.pk}/").status_code == 200
    body = {**PHASE_BODY, "programme": programme.pk}
    assert client.post("/api/v1/phases/", body, format="json").status_code == 403
    assert (
        client.patch(f"/api/v1/phases/{phase.pk}/", {"name": "X"}, format="json").status_code == 403
    )
    assert Phase.objects.get(pk=phase.pk).name == "Leren"


@pytest.mark.parametrize("role", ["regisseur", "financier"])
def test_api_other_roles_do_not_see_the_programme(phase, role):
    client = api(factories.user(role, "Tilburg"))
    assert client.get("/api/v1/phases/").json()["count"] == 0
    assert client.get(f"/api/v1/phases/{phase.pk}/").status_code == 404
    assert client.get(f"/api/v1/phases/{phase.pk + 999}/").status_code == 404
    assert client.post(f"/api/v1/phases/{phase.pk}/close/", {}, format="json").status_code == 404


def test_api_close_phase_with_document(phase, regional):
    body = {
        "closed_on": "2021-01-15",
        "decided_by": "Stuurgroep",
        "decision": "Door naar fase 2",
        "decision_basis": "Tussentijdse rapportage 2020",
        "document_name": "besluit.pdf",
        "document_type": "application/pdf",
        "document_base64": base64.b64encode(PDF).decode(),
    }
    response = api(regional).post(f"/api/v1/phases/{phase.pk}/close/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["has_document"] is True
    again = api(regional).post(f"/api/v1/phases/{phase.pk}/close/", body, format="json")
    assert again.status_code == 400 and "al afgesloten" in str(again.json())
    bad = api(regional).post(
        f"/api/v1/phases/{phase.pk}/close/", {**body, "document_base64": "!!"}, format="json"
    )
    assert bad.status_code == 400


def test_api_screenings_follow_the_household(coordinator, other_coordinator, household):
    factories.make_selectable(coordinator, household)
    response = api(coordinator).post(
        "/api/v1/screenings/", {"household": household.number}, format="json"
    )
    assert response.status_code == 201 and response.json()["result"] == "voldoet"
    screening = Screening.objects.get()
    assert api(coordinator).get("/api/v1/screenings/").json()["count"] == 1
    other = api(other_coordinator)
    assert other.get("/api/v1/screenings/").json()["count"] == 0
    assert other.get(f"/api/v1/screenings/{screening.pk}/").status_code == 404
    refused = other.post("/api/v1/screenings/", {"household": household.number}, format="json")
    unknown = other.post("/api/v1/screenings/", {"household": "HH-NOPE"}, format="json")
    assert refused.status_code == unknown.status_code == 400
    assert refused.json() == unknown.json()  # no existence oracle
    assert Screening.objects.count() == 1


def test_api_selection_override_through_the_status_endpoint(team_lead, coordinator, household):
    cohort = Cohort.objects.create(
        name="c", region=Region.objects.first(), phase=1, capacity=5, starts_on=date(2019, 1, 1)
    )
    url = f"/api/v1/households/{household.number}/status/"
    body = {"status": "geselecteerd", "cohort": cohort.pk}
    refused = api(coordinator).post(url, body, format="json")
    assert refused.status_code == 400 and "selectiecriteria" in str(refused.json())
    ok = api(team_lead).post(url, {**body, "override_reason": "Urgent"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "geselecteerd"
    assert Screening.objects.get().result == "afwijking"


def test_overview_page_per_role(client, phase, coordinator, team_lead, regional):
    assert login(client, coordinator).get("/programma/").status_code == 404
    page = login(client, team_lead).get("/programma/")
    assert page.status_code == 200
    assert (
        "Bereik per fase" in page.content.decode() and "Fase toevoegen" not in page.content.decode()
    )
    page = login(client, regional).get("/programma/")
    assert "Fase toevoegen" in page.content.decode()


def test_phase_edit_page_round_trips(client, phase, regional):
    """Open the edit form, submit it unchanged: nothing changes, no audit change."""
    login(client, regional)
    page = client.get(f"/programma/fase/{phase.pk}/wijzigen/")
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    assert 'value="2019-04-01"' in page.content.decode()  # the date input shows the date
    before = AuditEvent.objects.filter(action="update").count()
    response = client.post(f"/programma/fase/{phase.pk}/wijzigen/", data)
    assert response.status_code == 302
    after = Phase.objects.get(pk=phase.pk)
    for field in ("starts_on", "ends_on", "planned_households", "min_domains", "min_laws", "goal"):
        assert getattr(after, field) == getattr(phase, field)
    assert AuditEvent.objects.filter(action="update").count() == before


def test_phase_edit_by_team_lead_is_404(client, phase, team_lead):
    assert login(client, team_lead).get(f"/programma/fase/{phase.pk}/wijzigen/").status_code == 404


def test_close_phase_page_with_upload_and_download(client, phase, regional, team_lead, coordinator):
    login(client, regional)
    response = client.post(
        f"/programma/fase/{phase.pk}/afsluiten/",
        {
            "closed_on": "2021-01-15",
            "decided_by": "Stuurgroep",
            "decision": "Door naar fase 2",
            "decision_basis": "Tussentijdse rapportage 2020",
            "document": SimpleUploadedFile("besluit.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.is_closed and phase.document_name == "besluit.pdf"
    download = login(client, team_lead).get(f"/programma/fase/{phase.pk}/besluit/")
    assert download.status_code == 200 and download.content == PDF
    assert login(client, coordinator).get(f"/programma/fase/{phase.pk}/besluit/").status_code == 404
    # The closed phase can no longer be edited.
    login(client, regional)
    assert client.get(f"/programma/fase/{phase.pk}/wijzigen/").status_code == 302


def test_close_phase_page_keeps_typed_input_on_error(client, phase, regional):
    login(client, regional)
    response = client.post(
        f"/programma/fase/{phase.pk}/afsluiten/",
        {
            "closed_on": "2019-01-01",
            "decided_by": "Stuurgroep",
            "decision": "Mijn lange tekst",
            "decision_basis": "Rapportage",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mijn lange tekst" in body and "voor haar start" in body
    assert not Phase.objects.get(pk=phase.pk).is_closed


def test_screening_panel_and_button(client, coordinator, household, other_coordinator):
    login(client, coordinator)
    page = client.get(f"/huishoudens/{household.number}/").content.decode()
    assert "Screening voor selectie" in page and "Nu screenen" in page
    assert client.post(f"/huishoudens/{household.number}/screening/").status_code == 302
    assert Screening.objects.get().result == "voldoet_niet"
    login(client, other_coordinator)
    assert client.post(f"/huishoudens/{household.number}/screening/").status_code == 404
    assert Screening.objects.count() == 1


def test_override_field_only_for_team_leads(client, coordinator, team_lead, household):
    page = login(client, coordinator).get(f"/huishoudens/{household.number}/").content.decode()
    assert "override_reason" not in page
    page = login(client, team_lead).get(f"/huishoudens/{household.number}/").content.decode()
    assert "override_reason" in page


def test_api_cohort_with_municipalities(regional):
    body = {
        "name": "Tilburg en Goirle",
        "region": Region.objects.first().code,
        "phase": 2,
        "capacity": 10,
        "starts_on": "2021-02-01",
        "municipalities": ["GM0855", "GM0785"],
    }
    response = api(regional).post("/api/v1/cohorts/", body, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["municipalities"]) == ["GM0785", "GM0855"]
    cohort = Cohort.objects.get(name="Tilburg en Goirle")
    response = api(regional).patch(
        f"/api/v1/cohorts/{cohort.pk}/", {"municipalities": []}, format="json"
    )
    assert response.status_code == 200 and response.json()["municipalities"] == []
