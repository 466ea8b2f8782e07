"""A structural proposal across the region: adoption tracked per municipality."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from maatpact.common import dates
from maatpact.obstacles import export, services
from maatpact.obstacles.models import ProposalAdoption, StructuralProposal
from maatpact.obstacles.selectors import evidence_by_municipality
from maatpact.regions.models import Municipality
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import raise_obstacle

pytestmark = pytest.mark.django_db


def _today() -> str:
    return dates.today().isoformat()


@pytest.fixture
def proposal(regional, coordinator, household, goirle_coordinator, goirle_household):
    """Known answers: Tilburg 2 households / 3 obstacles / 45 days / EUR 150.50;
    Goirle 1 household / 1 obstacle / 7 days / EUR 20.00."""
    second = factories.household(coordinator)
    ids = [
        raise_obstacle(coordinator, household, delay_days=12, harm_euros=Decimal("100.00")).pk,
        raise_obstacle(coordinator, household, delay_days=3, harm_euros=Decimal("50.50")).pk,
        raise_obstacle(coordinator, second, delay_days=30, harm_euros=Decimal("0.00")).pk,
        raise_obstacle(
            goirle_coordinator, goirle_household, delay_days=7, harm_euros=Decimal("20.00")
        ).pk,
    ]
    return services.create_proposal(
        regional,
        title="Maatwerkartikel schuldhulp",
        kind="maatwerkartikel",
        proposal="Artikel 12a: het college kan afwijken.",
        rationale="Vier casussen in twee gemeenten.",
        obstacle_ids=ids,
    )


def _mun(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


def test_evidence_per_municipality_with_known_answers(proposal):
    rows = {r.municipality: r for r in evidence_by_municipality(proposal)}
    assert set(rows) == {"Tilburg", "Goirle"}
    t, g = rows["Tilburg"], rows["Goirle"]
    assert (t.households, t.obstacles, t.delay_days, t.harm) == (2, 3, 45, Decimal("150.50"))
    assert (g.households, g.obstacles, g.delay_days, g.harm) == (1, 1, 7, Decimal("20.00"))
    assert t.adoption is None


def test_adopted_in_tilburg_rejected_in_dongen(proposal, regional):
    tilburg = services.submit_to_municipality(
        regional,
        proposal,
        _mun("Tilburg"),
        ordinance="Verordening Wgs Tilburg",
        on=date(2026, 11, 10),
    )
    dongen = services.submit_to_municipality(
        regional,
        proposal,
        _mun("Dongen"),
        ordinance="Verordening Wgs Dongen",
        on=date(2026, 11, 10),
    )
    proposal.refresh_from_db()
    assert proposal.status == "ingediend" and proposal.submitted_on == date(2026, 11, 10)
    services.decide_adoption(
        regional, tilburg, "aangenomen", on=date(2026, 11, 30), article="artikel 12a"
    )
    services.decide_adoption(
        regional, dongen, "afgewezen", on=date(2026, 12, 1), reason="Eerst evaluatie afwachten"
    )
    rows = {r.municipality: r for r in evidence_by_municipality(proposal)}
    assert rows["Tilburg"].adoption.status == "aangenomen"
    assert rows["Tilburg"].adoption.article == "artikel 12a"
    assert rows["Dongen"].adoption.reason == "Eerst evaluatie afwachten"
    assert rows["Dongen"].obstacles == 0  # listed for its decision, without cases of its own


def test_decision_needs_article_or_reason_and_a_sane_date(proposal, regional):
    adoption = services.submit_to_municipality(
        regional, proposal, _mun("Tilburg"), ordinance="Verordening", on=date(2026, 11, 10)
    )
    cases = [
        ("aangenomen", {"on": date(2026, 11, 30)}, "article"),
        ("afgewezen", {"on": date(2026, 11, 30)}, "reason"),
        ("aangenomen", {"on": date(2026, 11, 9), "article": "art. 1"}, "decided_on"),
        ("vergeten", {"on": date(2026, 11, 30)}, "status"),
    ]
    for outcome, kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.decide_adoption(regional, adoption, outcome, **kwargs)
        assert field in exc.value.message_dict
    assert ProposalAdoption.objects.get(pk=adoption.pk).status == "ingediend"


def test_a_decision_is_never_changed(proposal, regional):
    adoption = services.submit_to_municipality(
        regional, proposal, _mun("Tilburg"), ordinance="Verordening", on=date(2026, 11, 10)
    )
    services.decide_adoption(regional, adoption, "afgewezen", on=date(2026, 11, 20), reason="Nee")
    with pytest.raises(ValidationError) as exc:
        services.decide_adoption(
            regional, adoption, "aangenomen", on=date(2026, 11, 21), article="art. 2"
        )
    assert "wordt niet gewijzigd" in str(exc.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalAdoption.objects.filter(pk=adoption.pk).update(reason="")


def test_submit_once_per_municipality_with_its_ordinance(proposal, regional):
    services.submit_to_municipality(regional, proposal, _mun("Tilburg"), ordinance="V")
    with pytest.raises(ValidationError) as exc:
        services.submit_to_municipality(regional, proposal, _mun("Tilburg"), ordinance="V")
    assert "al bij Tilburg ingediend" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.submit_to_municipality(regional, proposal, _mun("Goirle"), ordinance="  ")
    assert "ordinance" in exc.value.message_dict
    assert ProposalAdoption.objects.count() == 1


def test_only_the_programme_team_tracks_adoption(proposal, team_lead, coordinator):
    for user in (team_lead, coordinator):
        with pytest.raises(ValidationError):
            services.submit_to_municipality(user, proposal, _mun("Tilburg"), ordinance="V")
    assert not ProposalAdoption.objects.exists()


def test_pages_submit_and_decide_keep_typed_input(client, proposal, regional, team_lead):
    login(client, regional)
    url = f"/voorstellen/{proposal.pk}/"
    response = client.post(f"{url}indienen/", {"municipality": _mun("Tilburg").pk, "ordinance": ""})
    assert response.status_code == 400 and "Dit veld is vereist" in response.content.decode()
    response = client.post(
        f"{url}indienen/", {"municipality": _mun("Tilburg").pk, "ordinance": "Verordening Wgs"}
    )
    assert response.status_code == 302
    adoption = ProposalAdoption.objects.get()
    prefix = f"besluit-{adoption.pk}"
    response = client.post(
        f"{url}gemeente/{adoption.pk}/besluit/",
        {
            f"{prefix}-status": "afgewezen",
            f"{prefix}-decided_on": _today(),
            f"{prefix}-reason": "",
            f"{prefix}-article": "Mijn getypte tekst",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Geef de reden van de afwijzing" in body
    assert "Mijn getypte tekst" in body
    response = client.post(
        f"{url}gemeente/{adoption.pk}/besluit/",
        {
            f"{prefix}-status": "aangenomen",
            f"{prefix}-decided_on": _today(),
            f"{prefix}-article": "artikel 12a",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Aangenomen" in page and "artikel 12a" in page
    # A team lead reads it, but cannot submit or decide.
    login(client, team_lead)
    assert "artikel 12a" in client.get(url).content.decode()
    assert (
        client.post(
            f"{url}indienen/", {"municipality": _mun("Goirle").pk, "ordinance": "V"}
        ).status_code
        == 404
    )


def test_api_submit_and_decide(proposal, regional, team_lead):
    api = APIClient()
    api.force_authenticate(regional)
    base = f"/api/v1/proposals/{proposal.pk}"
    ok = api.post(
        f"{base}/submit/", {"municipality": "GM0855", "ordinance": "Verordening Wgs"}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    bad = api.post(
        f"{base}/decide/",
        {
            "municipality": "GM0785",
            "status": "afgewezen",
            "decided_on": _today(),
            "reason": "x",
        },
        format="json",
    )
    assert bad.status_code == 400 and "niet bij deze gemeente ingediend" in str(bad.json())
    done = api.post(
        f"{base}/decide/",
        {
            "municipality": "GM0855",
            "status": "aangenomen",
            "decided_on": _today(),
            "article": "artikel 12a",
        },
        format="json",
    )
    assert done.status_code == 200
    rows = {r["municipality"]: r for r in done.json()["by_municipality"]}
    assert rows["Tilburg"]["adoption"]["status"] == "aangenomen"
    assert rows["Tilburg"]["harm"] == "150.50"
    lead = APIClient()
    lead.force_authenticate(team_lead)
    refused = lead.post(
        f"{base}/submit/", {"municipality": "GM0785", "ordinance": "V"}, format="json"
    )
    assert refused.status_code == 403
    assert ProposalAdoption.objects.count() == 1


def test_council_document_lists_each_municipality(client, proposal, regional):
    adoption = services.submit_to_municipality(
        regional, proposal, _mun("Tilburg"), ordinance="Verordening Wgs Tilburg"
    )
    services.decide_adoption(
        regional, adoption, "aangenomen", on=adoption.submitted_on, article="artikel 12a"
    )
    login(client, regional)
    pdf = client.get(f"/voorstellen/{proposal.pk}/raadsdocument.pdf").content
    assert pdf.startswith(b"%PDF")
    # The PDF is rendered from this HTML (WeasyPrint embeds glyphs, not searchable text).
    text = export.proposal_html(StructuralProposal.objects.get(pk=proposal.pk))
    assert "Per gemeente: het bewijs en het besluit" in text
    assert "Goirle" in text and "artikel 12a" in text and "Verordening Wgs Tilburg" in text
