"""Partners managed by the programme team, with their contact person and purposes; a
sharing record for another purpose is refused (issue 18 item 7)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from maatpact.audit.models import AuditEvent
from maatpact.households import services as household_services
from maatpact.households.models import ProcessingBasis
from maatpact.programme import partners
from maatpact.regions.models import Organisation
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _insurer(regional, purposes=("resultaatmeting",)):
    return partners.save_partner(
        regional,
        name="Zorgverzekeraar Fictief",
        kind="zorgverzekeraar",
        purposes=list(purposes),
        contact_name="C. Contact (fictief)",
        contact_email="contact@zorgverzekeraar.example",
    )


def test_programme_team_manages_partners(regional, team_lead):
    partner = _insurer(regional)
    assert partner.purposes == ["resultaatmeting"] and partner.contact_name
    with pytest.raises(PermissionDenied):
        partners.save_partner(team_lead, name="X", kind="overig", purposes=[])
    with pytest.raises(ValidationError) as exc:
        partners.save_partner(
            regional, name="Y", kind="overig", purposes=["alles"], contact_email="geen-adres"
        )
    assert set(exc.value.message_dict) == {"purposes", "contact_email"}
    assert not Organisation.objects.filter(name__in=["X", "Y"]).exists()


def test_saving_unchanged_writes_nothing(regional):
    partner = _insurer(regional)
    before = AuditEvent.objects.filter(action="update").count()
    _again = partners.save_partner(
        regional,
        partner=partner,
        name=partner.name,
        kind=partner.kind,
        purposes=["resultaatmeting"],
        contact_name=partner.contact_name,
        contact_email=partner.contact_email,
    )
    assert AuditEvent.objects.filter(action="update").count() == before
    assert _again.pk == partner.pk


def test_sharing_for_a_purpose_the_partner_does_not_have_is_refused(
    regional, coordinator, household
):
    partner = _insurer(regional)
    fields = dict(
        partner=partner,
        kind="delen",
        purpose="Regie",
        basis="wettelijke_taak",
        law="Wmo 2015",
        cross_domain=True,
        given_on=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        household_services.add_processing_basis(
            coordinator, household, data_purpose="regie_ondersteuning", **fields
        )
    assert "ontvangt geen gegevens voor dit doel" in str(exc.value)
    assert not ProcessingBasis.objects.filter(partner=partner).exists()
    household_services.add_processing_basis(
        coordinator,
        household,
        **{**fields, "cross_domain": False, "basis": "toestemming", "law": ""},
        data_purpose="resultaatmeting",
    )
    assert ProcessingBasis.objects.filter(partner=partner).count() == 1


def test_pages_and_api(client, regional, team_lead, coordinator):
    login(client, regional)
    response = client.post(
        "/programma/partners/nieuw/",
        {
            "name": "Woningcorporatie Fictief",
            "kind": "woningcorporatie",
            "contact_name": "W. Wonen",
            "purposes": ["huisuitzetting_voorkomen"],
        },
    )
    assert response.status_code == 302
    partner = Organisation.objects.get(name="Woningcorporatie Fictief")
    assert partner.purposes == ["huisuitzetting_voorkomen"]
    page = client.get("/programma/partners/").content.decode()
    assert "Voorkomen huisuitzetting" in page and "W. Wonen" in page
    assert login(client, team_lead).get("/programma/partners/").status_code == 200
    assert client.get(f"/programma/partners/{partner.pk}/wijzigen/").status_code == 404
    assert login(client, coordinator).get("/programma/partners/").status_code == 404
    api = APIClient()
    api.force_authenticate(regional)
    response = api.patch(
        f"/api/v1/partners/{partner.pk}/",
        {"purposes": ["huisuitzetting_voorkomen", "resultaatmeting"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["purposes"] == ["resultaatmeting", "huisuitzetting_voorkomen"]
    assert response.json()["contact_name"] == "W. Wonen"  # a partial change keeps the rest
    lead = APIClient()
    lead.force_authenticate(team_lead)
    assert (
        lead.patch(f"/api/v1/partners/{partner.pk}/", {"name": "X"}, format="json").status_code
        == 403
    )
    other = APIClient()
    other.force_authenticate(coordinator)
    assert other.get(f"/api/v1/partners/{partner.pk}/").status_code == 404
