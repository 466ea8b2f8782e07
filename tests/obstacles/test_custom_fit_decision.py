"""The reversed test (omgekeerde toets): four steps, in order, once per obstacle."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from maatpact.audit.models import AuditEvent
from maatpact.obstacles import services
from maatpact.obstacles.models import CustomFitDecision
from maatpact.obstacles.services import DECISION_FIELDS
from tests.conftest import login
from tests.obstacles.helpers import at, raise_obstacle

pytestmark = pytest.mark.django_db

ANSWERS = {
    "desired_effect": "De huur wordt weer betaald; het gezin blijft in de woning.",
    "law_purpose": "Past bij de bedoeling van de Participatiewet: bestaanszekerheid.",
    "effect_person_short": "Rust, minder stress.",
    "effect_person_long": "Kans op werk blijft.",
    "effect_family_short": "Kinderen blijven op school.",
    "effect_family_long": "Geen uithuisplaatsing.",
    "effect_money_short": "EUR 1.200 eenmalig.",
    "effect_money_long": "Bespaart een ontruiming en opvang.",
    "legal_test": "Art. 18 lid 1: afstemming in dit geval; hardheidsclausule toegepast.",
    "decision": "Maatregel wordt niet opgelegd.",
}


@pytest.fixture
def obstacle(household, coordinator):
    return raise_obstacle(coordinator, household, now=at(2026, 11, 2))


def test_all_four_steps_are_stored_in_order(coordinator, obstacle):
    decision = services.record_decision(
        coordinator, obstacle, decided_on=date(2026, 11, 5), **ANSWERS
    )
    stored = CustomFitDecision.objects.get(pk=decision.pk)
    for name, text in ANSWERS.items():
        assert getattr(stored, name) == text
    assert stored.decided_by == coordinator and stored.decided_on == date(2026, 11, 5)
    # The model keeps the order of the test: effect, purpose, consequences, then legal.
    names = [f.name for f in CustomFitDecision._meta.fields if f.name in ANSWERS]
    assert names == list(DECISION_FIELDS)
    assert names.index("legal_test") > names.index("effect_money_long")
    assert AuditEvent.objects.filter(
        household_id=obstacle.household_id, object_type="obstacles.customfitdecision"
    ).exists()


@pytest.mark.parametrize("missing", list(DECISION_FIELDS))
def test_every_step_is_required(coordinator, obstacle, missing):
    answers = {**ANSWERS, missing: "   "}
    with pytest.raises(ValidationError) as exc:
        services.record_decision(coordinator, obstacle, decided_on=date(2026, 11, 5), **answers)
    assert exc.value.message_dict[missing] == ["Vul deze stap van de omgekeerde toets in."]
    assert not CustomFitDecision.objects.exists()


def test_decision_not_before_the_obstacle(coordinator, obstacle):
    with pytest.raises(ValidationError) as exc:
        services.record_decision(coordinator, obstacle, decided_on=date(2026, 11, 1), **ANSWERS)
    assert "niet vóór de melding" in str(exc.value)
    services.record_decision(coordinator, obstacle, decided_on=date(2026, 11, 2), **ANSWERS)


def test_one_decision_per_obstacle(coordinator, obstacle):
    services.record_decision(coordinator, obstacle, decided_on=date(2026, 11, 5), **ANSWERS)
    with pytest.raises(ValidationError) as exc:
        services.record_decision(coordinator, obstacle, decided_on=date(2026, 11, 6), **ANSWERS)
    assert "al een maatwerkbesluit" in str(exc.value)
    assert CustomFitDecision.objects.count() == 1


def test_unknown_fields_are_refused(coordinator, obstacle):
    with pytest.raises(ValidationError):
        services.record_decision(
            coordinator, obstacle, decided_on=date(2026, 11, 5), **ANSWERS, extra="x"
        )


def test_outsiders_cannot_decide(other_coordinator, goirle_team_lead, analyst, obstacle):
    for user in (other_coordinator, goirle_team_lead, analyst):
        with pytest.raises(ValidationError):
            services.record_decision(user, obstacle, decided_on=date(2026, 11, 5), **ANSWERS)
    assert not CustomFitDecision.objects.exists()


def test_page_keeps_typed_steps_on_error(client, coordinator, obstacle):
    login(client, coordinator)
    url = f"/knelpunten/{obstacle.pk}/maatwerkbesluit/"
    response = client.post(url, {**ANSWERS, "legal_test": "", "decided_on": "2026-11-05"})
    assert response.status_code == 200
    body = response.content.decode()
    assert ANSWERS["desired_effect"] in body  # steps 1-3 typed are still there
    assert 'id="id_legal_test_error">Dit veld is vereist.' in body
    assert not CustomFitDecision.objects.exists()
    response = client.post(url, {**ANSWERS, "decided_on": "2026-11-05"})
    assert response.status_code == 302 and CustomFitDecision.objects.count() == 1


def test_page_for_outsider_is_404(client, other_coordinator, obstacle):
    login(client, other_coordinator)
    assert client.get(f"/knelpunten/{obstacle.pk}/maatwerkbesluit/").status_code == 404


def test_api_decision(coordinator, other_coordinator, obstacle):
    body = {**ANSWERS, "decided_on": "2026-11-05"}
    outsider = APIClient()
    outsider.force_authenticate(other_coordinator)
    assert (
        outsider.post(f"/api/v1/obstacles/{obstacle.pk}/decision/", body, format="json").status_code
        == 404
    )
    client = APIClient()
    client.force_authenticate(coordinator)
    bad = client.post(
        f"/api/v1/obstacles/{obstacle.pk}/decision/", {**body, "law_purpose": " "}, format="json"
    )
    assert bad.status_code == 400 and not CustomFitDecision.objects.exists()
    ok = client.post(f"/api/v1/obstacles/{obstacle.pk}/decision/", body, format="json")
    assert ok.status_code == 201
    assert CustomFitDecision.objects.get().legal_test == ANSWERS["legal_test"]
