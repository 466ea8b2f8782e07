"""Reflections (only the author edits), sessions, lessons by theme, the change log."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maatpact.learning import selectors, services
from maatpact.learning.models import ApproachChange, Lesson, Reflection, Theme
from tests.conftest import login


@pytest.fixture
def reflection(coordinator, household):
    return services.write_reflection(
        coordinator,
        household,
        what_happened="Eerste gesprek over schulden",
        what_worked="Samen de post openen werkte",
        next_time="Eerder de corporatie bellen",
    )


def test_author_edits_own_reflection(client, coordinator, reflection):
    login(client, coordinator)
    url = reverse("learning:reflection_edit", args=[reflection.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"what_happened": "Bijgewerkt", "what_worked": "Nog steeds", "next_time": ""}
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.what_happened == "Bijgewerkt"


@pytest.mark.parametrize(
    ("role_fixture", "refusal"),
    # 404 for whoever cannot read it; 403 for the team lead, who reads but may not edit.
    [("other_coordinator", 404), ("team_lead", 403), ("regional", 404)],
)
def test_someone_else_cannot_edit_and_nothing_is_written(
    client, reflection, role_fixture, refusal, request
):
    user = request.getfixturevalue(role_fixture)
    login(client, user)
    url = reverse("learning:reflection_edit", args=[reflection.pk])
    assert client.get(url).status_code == refusal
    payload = {"what_happened": "Overschreven", "what_worked": "x"}
    assert client.post(url, payload).status_code == refusal
    response = client.patch(
        f"/api/v1/reflections/{reflection.pk}/", payload, content_type="application/json"
    )
    assert response.status_code == refusal
    with pytest.raises(PermissionDenied):
        services.edit_reflection(user, reflection, what_happened="Overschreven", what_worked="x")
    reflection.refresh_from_db()
    assert reflection.what_happened == "Eerste gesprek over schulden"


def test_team_lead_reads_but_other_coordinator_does_not(
    client, reflection, household, team_lead, other_coordinator
):
    assert selectors.household_reflections(team_lead, household) == [reflection]
    assert selectors.household_reflections(other_coordinator, household) == []
    login(client, team_lead)
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Samen de post openen werkte" in html and "Mijn reflectie wijzigen" not in html


def test_only_the_coordinator_of_the_household_writes(client, household, other_coordinator):
    with pytest.raises(ValidationError):
        services.write_reflection(other_coordinator, household, what_happened="x", what_worked="y")
    login(client, other_coordinator)
    response = client.post(
        "/api/v1/reflections/",
        {"household": household.number, "what_happened": "x", "what_worked": "y"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_empty_reflection_is_refused(client, coordinator, household):
    login(client, coordinator)
    response = client.post(
        "/api/v1/reflections/",
        {"household": household.number, "what_happened": " ", "what_worked": "y"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Reflection.objects.exists()


def test_session_lessons_search_and_change_log(client, regional, coordinator, household):
    session = services.record_session(
        regional,
        held_on=date(2026, 11, 12),
        title="Casusreflectie november",
        participants=[coordinator, regional],
        households=[household],
        notes="Twee casussen besproken",
    )
    regie, schulden = Theme.objects.get(code="regie"), Theme.objects.get(code="schulden")
    lesson = services.add_lesson(
        regional,
        title="Bel de corporatie in de eerste week",
        body="Huurachterstand loopt anders op tot ontruiming",
        themes=[schulden],
        session=session,
    )
    services.add_lesson(regional, title="Eén plan", body="Eén regisseur per gezin", themes=[regie])
    assert list(selectors.search_lessons("corporatie")) == [lesson]
    assert list(selectors.search_lessons("", "schulden")) == [lesson]
    assert list(selectors.search_lessons("ontruiming", "regie")) == []
    with pytest.raises(ValidationError):
        services.add_lesson(regional, title="Zonder thema", body="x", themes=[])
    with pytest.raises(ValidationError):
        services.log_change(
            regional, changed_on=date(2026, 11, 20), title="x", description="y", lessons=[]
        )
    change = services.log_change(
        regional,
        changed_on=date(2026, 11, 20),
        title="Corporatie standaard aan tafel",
        description="Vanaf nu in de eerste week",
        lessons=[lesson],
    )
    assert list(change.lessons.all()) == [lesson]
    assert Lesson.objects.count() == 2 and ApproachChange.objects.count() == 1

    # The coordinator took part: sees the session, searches lessons, reads the log.
    login(client, coordinator)
    assert client.get(reverse("learning:session", args=[session.pk])).status_code == 200
    html = client.get(reverse("learning:lessons") + "?q=corporatie").content.decode()
    assert "Bel de corporatie" in html and "Eén plan" not in html
    assert "Corporatie standaard" in client.get(reverse("learning:changes")).content.decode()
    assert client.get(reverse("learning:session_new")).status_code == 404
    api = client.get("/api/v1/lessons/?theme=schulden").json()
    assert [r["title"] for r in api["results"]] == [lesson.title]


def test_session_through_the_page(client, team_lead, coordinator, household):
    login(client, team_lead)
    response = client.post(
        reverse("learning:session_new"),
        {
            "held_on": "2026-11-12",
            "title": "Teamreflectie",
            "participants": [coordinator.pk, team_lead.pk],
            "households": f"{household.number}, MP-9999",
        },
    )
    assert response.status_code == 200 and "MP-9999" in response.content.decode()
    response = client.post(
        reverse("learning:session_new"),
        {
            "held_on": "2026-11-12",
            "title": "Teamreflectie",
            "participants": [coordinator.pk, team_lead.pk],
            "households": household.number,
        },
    )
    assert response.status_code == 302


def test_analyst_reads_lessons_but_no_reflections(client, analyst, reflection):
    login(client, analyst)
    assert client.get(reverse("learning:lessons")).status_code == 200
    assert client.get("/api/v1/reflections/").json()["count"] == 0
