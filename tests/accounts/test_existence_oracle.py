"""Issue 14, defect 4: a household number in any input answers the same whether the
household does not exist or exists outside the caller's scope."""

from __future__ import annotations

import pytest

from tests.conftest import login

PAYLOADS = {
    "/api/v1/obstacles/": lambda number: {
        "household": number,
        "type": "wet",
        "description": "Omschrijving",
    },
    "/api/v1/reflections/": lambda number: {
        "household": number,
        "what_happened": "Iets",
        "what_worked": "Iets anders",
    },
    "/api/v1/household-events/": lambda number: {
        "household": number,
        "event_type": "huisuitzetting",
        "occurred_on": "2026-01-01",
    },
}


@pytest.mark.parametrize("url", PAYLOADS)
def test_unknown_and_hidden_household_answer_alike(client, coordinator, goirle_household, url):
    login(client, coordinator)
    hidden = client.post(url, PAYLOADS[url](goirle_household.number), "application/json")
    unknown = client.post(url, PAYLOADS[url]("MP-9999"), "application/json")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()


@pytest.mark.parametrize("url", ["/api/v1/obstacles/", "/api/v1/reflections/"])
def test_own_household_still_works(client, coordinator, household, url):
    login(client, coordinator)
    response = client.post(url, PAYLOADS[url](household.number), "application/json")
    assert response.status_code == 201, response.content
