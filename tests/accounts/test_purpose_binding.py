"""Issue 14, defect 2: a partner sees what the purpose of its sharing record allows.

A health insurer with consent for outcome measurement of the Social Impact Bond (not
cross-domain) sees the household pseudonymised: its number and status, never names,
BSN, provisions (Jeugdwet, Participatiewet), the plan or the case's free text. Personal
data needs a purpose that grants it; special-category data (which law pays for which
help) also needs a cross-domain record, which consent can never be. Withdrawal ends
access at the next request.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from maatpact.households import services as household_services
from maatpact.households.models import ProcessingBasis
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import raise_obstacle

Purpose = ProcessingBasis.Purpose
PROVISION = "JEUGDWETMARKER-ambulante-jeugdhulp"


@pytest.fixture
def case(household, coordinator):
    provision_services.add_provision(
        coordinator,
        household,
        law=Law.objects.get(code="jeugdwet"),
        financier=factories.organisation("Gemeente Tilburg", "gemeente"),
        description=PROVISION,
        starts_on=date(2025, 1, 1),
        cost_kind="maandelijks",
        amount=Decimal("800.00"),
    )
    obstacle = raise_obstacle(coordinator, household)
    return household, obstacle


def _share(coordinator, household, partner, purpose, **fields):
    data = dict(
        partner=partner,
        kind="delen",
        data_purpose=purpose,
        purpose="vastgelegd in de test",
        basis="toestemming",
        given_on=date(2020, 1, 1),
    )
    data.update(fields)
    return household_services.add_processing_basis(coordinator, household, **data)


def _get(client, user, url):
    login(client, user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def _urls(household, obstacle):
    number = household.number
    return {
        "page": reverse("households:detail", args=[number]),
        "api": f"/api/v1/households/{number}/",
        "provisions": reverse("provisions:register", args=[number]),
        "provisions_api": "/api/v1/provisions/",
        "system_cost_api": f"/api/v1/system-cost/{number}/",
        "plan": reverse("plans:detail", args=[number]),
        "obstacle": reverse("obstacles:detail", args=[obstacle.pk]),
    }


def _member(household):
    return household.members.order_by("pk").first()


def test_outcome_measurement_consent_shows_the_household_pseudonymised_only(
    client, case, coordinator, financier
):
    household, obstacle = case
    _share(coordinator, household, financier.organisation, Purpose.RESULTAATMETING)
    urls = _urls(household, obstacle)
    member = _member(household)

    status, body = _get(client, financier, urls["page"])
    assert status == 200 and household.number in body
    for secret in (member.last_name, factories.VALID_BSN, PROVISION, "Jeugdwet"):
        assert secret not in body, secret
    data = client.get(urls["api"]).json()
    assert data["full_access"] is False and "members" not in data
    assert client.get(urls["provisions_api"]).json()["count"] == 0
    for key in ("provisions", "system_cost_api", "plan", "obstacle"):
        assert client.get(urls[key]).status_code == 404, key


def test_eviction_prevention_gives_the_case_but_no_special_category_data(
    client, case, coordinator, financier
):
    household, obstacle = case
    _share(coordinator, household, financier.organisation, Purpose.HUISUITZETTING)
    urls = _urls(household, obstacle)

    status, body = _get(client, financier, urls["page"])
    assert status == 200 and _member(household).last_name in body
    assert PROVISION not in body and "Jeugdwet" not in body
    assert client.get(urls["api"]).json()["full_access"] is True
    assert client.get(urls["obstacle"]).status_code == 200
    assert client.get(urls["provisions"]).status_code == 404
    assert client.get(urls["system_cost_api"]).status_code == 404
    assert client.get(urls["provisions_api"]).json()["count"] == 0


def test_support_consent_is_never_cross_domain_so_never_special_data(
    client, case, coordinator, financier
):
    household, obstacle = case
    _share(coordinator, household, financier.organisation, Purpose.ONDERSTEUNING)
    status, body = _get(client, financier, _urls(household, obstacle)["provisions"])
    assert status == 404


def test_cross_domain_legal_task_for_support_shows_the_provisions(
    client, case, coordinator, financier
):
    household, obstacle = case
    _share(
        coordinator,
        household,
        financier.organisation,
        Purpose.ONDERSTEUNING,
        basis="wettelijke_taak",
        law="Jeugdwet, art. 7.4.4",
        cross_domain=True,
    )
    urls = _urls(household, obstacle)
    status, body = _get(client, financier, urls["page"])
    assert status == 200 and PROVISION in body
    assert client.get(urls["provisions"]).status_code == 200
    assert client.get(urls["provisions_api"]).json()["count"] == 1


def test_withdrawal_ends_personal_data_at_once(client, case, coordinator, financier):
    household, obstacle = case
    basis = _share(coordinator, household, financier.organisation, Purpose.HUISUITZETTING)
    urls = _urls(household, obstacle)
    status, body = _get(client, financier, urls["page"])
    assert status == 200 and _member(household).last_name in body
    household_services.withdraw_basis(coordinator, basis)
    assert client.get(urls["page"]).status_code == 404
    assert client.get(urls["api"]).status_code == 404
    assert client.get(urls["obstacle"]).status_code == 404


def test_a_record_for_another_partner_gives_nothing(client, case, coordinator, financier):
    household, obstacle = case
    other = factories.organisation("Woningcorporatie Test (fictief)", "woningcorporatie")
    _share(coordinator, household, other, Purpose.ONDERSTEUNING)
    assert _get(client, financier, _urls(household, obstacle)["page"])[0] == 404


def test_the_purpose_is_chosen_on_the_form_and_shown(client, household, coordinator, financier):
    login(client, coordinator)
    response = client.post(
        reverse("households:add_basis", args=[household.number]),
        {
            "partner": financier.organisation.pk,
            "kind": "delen",
            "data_purpose": Purpose.HUISUITZETTING,
            "purpose": "Betalingsregeling huur",
            "basis": "toestemming",
            "law": "",
            "given_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    basis = ProcessingBasis.objects.get(household=household, partner=financier.organisation)
    assert basis.data_purpose == Purpose.HUISUITZETTING
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Voorkomen huisuitzetting" in html
