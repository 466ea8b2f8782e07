"""Issue 14, defect 5: household numbers reach only those who may see the household.

A reflection session and a structural proposal bring cases of several municipalities
together. A coordinator or team lead of Tilburg sees the Tilburg number it may open and
only a count for the rest; the council document never names a household at all (counts
and anonymous case descriptions instead).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maatpact.learning import services as learning_services
from maatpact.obstacles import services as obstacle_services
from tests.conftest import login
from tests.obstacles.helpers import raise_obstacle


@pytest.fixture
def session(regional, coordinator, goirle_coordinator, household, goirle_household):
    return learning_services.record_session(
        regional,
        held_on=date(2026, 11, 20),
        title="Intervisie november",
        participants=[coordinator, goirle_coordinator],
        households=[household, goirle_household],
    )


@pytest.fixture
def proposal(regional, coordinator, goirle_coordinator, household, goirle_household):
    own = raise_obstacle(coordinator, household)
    other = raise_obstacle(goirle_coordinator, goirle_household)
    return obstacle_services.create_proposal(
        regional,
        title="Kostendelersnorm",
        kind="beleid",
        proposal="Pas de norm aan.",
        rationale="Twee casussen.",
        obstacle_ids=[own.pk, other.pk],
    )


def _get(client, user, url):
    login(client, user)
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_session_shows_a_coordinator_only_its_own_numbers(
    client, session, coordinator, household, goirle_household
):
    for url in (
        reverse("learning:session", args=[session.pk]),
        f"/api/v1/reflection-sessions/{session.pk}/",
        "/api/v1/reflection-sessions/",
    ):
        status, body = _get(client, coordinator, url)
        assert status == 200, url
        assert household.number in body and goirle_household.number not in body, url
    data = client.get(f"/api/v1/reflection-sessions/{session.pk}/").json()
    assert data["households"] == [household.number] and data["other_households"] == 1


def test_session_still_shows_the_regional_team_every_number(
    client, session, regional, household, goirle_household
):
    status, body = _get(client, regional, reverse("learning:session", args=[session.pk]))
    assert household.number in body and goirle_household.number in body


def test_proposal_page_shows_a_team_lead_only_its_own_numbers(
    client, proposal, team_lead, household, goirle_household
):
    for url in (reverse("obstacles:proposal", args=[proposal.pk]), "/api/v1/proposals/"):
        status, body = _get(client, team_lead, url)
        assert status == 200, url
        assert goirle_household.number not in body, url
    status, body = _get(client, team_lead, reverse("obstacles:proposal", args=[proposal.pk]))
    assert household.number in body


def test_council_document_names_no_household(
    client, proposal, team_lead, regional, household, goirle_household
):
    for user in (team_lead, regional):
        login(client, user)
        response = client.get(reverse("obstacles:proposal_pdf", args=[proposal.pk]))
        assert response.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert household.number not in text and goirle_household.number not in text
        words = " ".join(text.split())  # the PDF wraps table cells
        assert "Casus 1" in words and "Casus 2" in words
