"""Provision pages and API: bad input writes nothing, permissions from the outside."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from maatpact.households.models import Household
from maatpact.provisions import services
from maatpact.provisions.models import Law, Provision
from tests import factories
from tests.conftest import login


@pytest.fixture
def zvk(db):
    return factories.organisation("Zorgverzekeraar Test (fictief)", "zorgverzekeraar")


def _post(client, household, **overrides):
    data = {
        "description": "Ambulante begeleiding",
        "law": Law.objects.get(code="wmo").pk,
        "financier": factories.organisation("Gemeente Tilburg", "gemeente").pk,
        "provider": "",
        "starts_on": "2025-01-01",
        "ends_on": "",
        "cost_kind": "maandelijks",
        "amount": "1250,50",
    }
    data.update(overrides)
    return client.post(reverse("provisions:new", args=[household.number]), data)


def test_coordinator_adds_provision_and_sees_cost_on_household_page(client, household, coordinator):
    login(client, coordinator)
    response = _post(client, household)
    assert response.status_code == 302
    provision = Provision.objects.get()
    assert provision.amount == Decimal("1250.50") and provision.created_by == coordinator
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    # the household page opens with the organisations overview
    assert html.index("Organisaties rond dit huishouden") < html.index("Gezinsleden")
    assert "Gemeente Tilburg" in html and "Ambulante begeleiding" in html
    page = client.get(reverse("provisions:register", args=[household.number]))
    assert page.status_code == 200 and "Tijdlijn" in page.content.decode()
    png = client.get(reverse("provisions:timeline", args=[household.number]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": "2024-12-31"}, "De einddatum ligt vóór de startdatum."),
        ({"amount": "-5"}, "Een bedrag kan niet negatief zijn."),
        ({"amount": "veel"}, "Vul een bedrag in euro in"),
        ({"amount": "12,345"}, "Vul een bedrag in euro in"),
    ],
)
def test_bad_input_shows_dutch_message_and_writes_nothing(
    client, household, coordinator, overrides, message
):
    login(client, coordinator)
    response = _post(client, household, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Provision.objects.exists()


def test_end_and_edit_provision(client, household, coordinator, zvk):
    provision = services.add_provision(
        coordinator,
        household,
        law=Law.objects.get(code="zvw"),
        financier=zvk,
        description="Huisartsenzorg",
        starts_on=date(2025, 1, 1),
        amount="80.00",
    )
    login(client, coordinator)
    url = reverse("provisions:end", args=[household.number, provision.pk])
    bad = client.post(url, {"ends_on": "2024-06-01"})
    assert "vóór de startdatum" in bad.content.decode()
    provision.refresh_from_db()
    assert provision.ends_on is None
    assert client.post(url, {"ends_on": "2025-06-30"}).status_code == 302
    provision.refresh_from_db()
    assert provision.ends_on == date(2025, 6, 30)


def test_service_refuses_float_and_outsider(household, other_coordinator, coordinator, zvk):
    from django.core.exceptions import ValidationError

    fields = dict(
        law=Law.objects.get(code="zvw"),
        financier=zvk,
        description="x",
        starts_on=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.add_provision(coordinator, household, amount=12.5, **fields)
    with pytest.raises(ValidationError):
        services.add_provision(other_coordinator, household, amount="1.00", **fields)
    assert not Provision.objects.exists()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(household, financier, **overrides):
    body = {
        "household": household.number,
        "law": "wmo",
        "financier": financier.pk,
        "description": "Begeleiding",
        "starts_on": "2025-01-01",
        "cost_kind": "maandelijks",
        "amount": "100.00",
    }
    body.update(overrides)
    return body


def test_api_create_list_and_cost(household, coordinator, zvk):
    response = api(coordinator).post("/api/v1/provisions/", _body(household, zvk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "100.00"
    listing = api(coordinator).get(f"/api/v1/provisions/?household={household.number}").json()
    assert listing["count"] == 1
    Household.objects.filter(pk=household.pk).update(registered_on=date(2025, 1, 1))
    api(coordinator).patch(
        f"/api/v1/provisions/{response.json()['id']}/", {"starts_on": "2024-01-01"}, format="json"
    )
    url = f"/api/v1/system-cost/{household.number}/?on=2025-03-31"
    cost = api(coordinator).get(url).json()
    # entry 1 Jan 2025: 12 full months before; Jan-Mar (3 months) during; 300 * 12 / 3
    assert cost["by_financier"] == [
        {"financier": zvk.pk, "before": "1200.00", "during": "300.00", "during_per_year": "1200.00"}
    ]
    bad = api(coordinator).get(f"/api/v1/system-cost/{household.number}/?on=gisteren")
    assert bad.status_code == 400 and "on" in bad.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2024-01-01"}, "ends_on"),
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"law": "onbekend"}, "law"),
    ],
)
def test_api_bad_input_is_400_with_field_errors(household, coordinator, zvk, overrides, field):
    response = api(coordinator).post(
        "/api/v1/provisions/", _body(household, zvk, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Provision.objects.exists()


def test_api_outsiders(
    household, coordinator, other_coordinator, goirle_team_lead, analyst, regional, zvk
):
    api(coordinator).post("/api/v1/provisions/", _body(household, zvk), format="json")
    pk = Provision.objects.get().pk
    for user in (other_coordinator, goirle_team_lead, analyst, regional):
        assert api(user).get(f"/api/v1/provisions/{pk}/").status_code == 404
        assert api(user).get("/api/v1/provisions/").json()["count"] == 0
        assert api(user).get(f"/api/v1/system-cost/{household.number}/").status_code in (404,)
    response = api(other_coordinator).post(
        "/api/v1/provisions/", _body(household, zvk), format="json"
    )
    assert response.status_code == 400 and "household" in response.json()
    assert Provision.objects.count() == 1
