"""Recording assessments: validation, the form page, the panel and chart, the worklist."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from maatpact.assessments import services
from maatpact.assessments.models import Assessment, Instrument, Score
from maatpact.households.models import Household, Member
from tests import factories
from tests.conftest import login


def adult(household):
    return household.members.get(role="aanvrager")


def child(household):
    return household.members.get(role="kind")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scores": {"hh_financien": 6}}, "score_hh_financien"),
        ({"scores": {"hh_financien": 0}}, "score_hh_financien"),
        ({"scores": {"hh_financien": "3.5"}}, "score_hh_financien"),
        ({"scores": {"financien": 3}}, "scores"),  # individual domain on household instrument
        ({"scores": {"bestaat_niet": 3}}, "scores"),
        ({"scores": {}}, "scores"),
        ({"scores": {"hh_financien": 3}, "own_rating": 11}, "own_rating"),
        (
            {"scores": {"hh_financien": 3}, "assessed_on": date.today() + timedelta(days=2)},
            "assessed_on",
        ),
    ],
)
def test_bad_household_assessment_writes_nothing(household, coordinator, kwargs, field):
    kwargs.setdefault("assessed_on", date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.record_assessment(coordinator, household, **kwargs)
    assert field in exc.value.message_dict
    assert not Assessment.objects.exists() and not Score.objects.exists()


def test_member_must_be_adult_and_of_the_household(household, coordinator, goirle_household):
    for member in (child(household), adult(goirle_household)):
        with pytest.raises(ValidationError) as exc:
            services.record_assessment(
                coordinator,
                household,
                member=member,
                assessed_on=date(2025, 1, 1),
                scores={"financien": 2},
            )
        assert "member" in exc.value.message_dict
    assert not Assessment.objects.exists()


def test_other_coordinator_cannot_record(household, other_coordinator):
    with pytest.raises(ValidationError):
        services.record_assessment(
            other_coordinator, household, assessed_on=date(2025, 1, 1), scores={"hh_financien": 2}
        )
    assert not Assessment.objects.exists()


def test_member_assessment_uses_individual_instrument(household, coordinator):
    a = services.record_assessment(
        coordinator,
        household,
        member=adult(household),
        assessed_on=date(2025, 1, 1),
        scores={"financien": (2, "achterstand"), "justitie": "5", "werk_opleiding": ""},
        own_rating=6,
        own_words="Het gaat iets beter.",
    )
    assert a.instrument.kind == Instrument.Kind.INDIVIDUEEL and a.assessed_by == coordinator
    assert dict(a.scores.values_list("domain__code", "score")) == {"financien": 2, "justitie": 5}


def test_form_prefills_previous_scores_and_records(client, household, coordinator):
    services.record_assessment(
        coordinator, household, assessed_on=date(2025, 1, 1), scores={"hh_financien": (2, "oud")}
    )
    login(client, coordinator)
    url = reverse("assessments:new", args=[household.number])
    html = client.get(url).content.decode()
    assert '<option value="2" selected>2 niet zelfredzaam</option>' in html
    assert "kind_school" in html  # the household has a child: supplement shown
    response = client.post(
        url,
        {
            "assessed_on": "2025-04-01",
            "score_hh_financien": "3",
            "note_hh_financien": "regeling loopt",
            "score_hh_huisvesting": "4",
            "own_rating": "7",
            "own_words": "Rustiger thuis.",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.count() == 2
    bad = client.post(url, {"assessed_on": "2025-05-01", "score_hh_financien": "9"})
    assert bad.status_code == 200
    assert "Een score is een heel getal van 1 tot en met 5." in bad.content.decode()
    bad = client.post(url, {"assessed_on": "2025-05-01", "own_rating": "12"})
    assert "1 tot en met 10" in bad.content.decode()
    assert Assessment.objects.count() == 2


def test_form_for_member_and_unknown_member(client, household, coordinator):
    login(client, coordinator)
    url = reverse("assessments:new", args=[household.number])
    assert "Werk en opleiding" in client.get(f"{url}?voor={adult(household).pk}").content.decode()
    assert client.get(f"{url}?voor={child(household).pk}").status_code == 404
    assert client.get(f"{url}?voor=999999").status_code == 404


def test_panel_chart_and_pseudonymised_view(client, household, coordinator, regional):
    for day, score in ((date(2025, 1, 1), 2), (date(2025, 4, 1), 3)):
        services.record_assessment(
            coordinator,
            household,
            assessed_on=day,
            scores={"hh_financien": (score, "geheime toelichting")},
            own_words="eigen woorden geheim",
        )
    services.record_assessment(
        coordinator,
        household,
        member=adult(household),
        assessed_on=date(2025, 4, 1),
        scores={"financien": 3},
    )
    login(client, coordinator)
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Financiën van het huishouden: van 2 naar 3" in html  # alt text
    assert "geheime toelichting" in html and adult(household).full_name in html
    png = client.get(reverse("assessments:chart", args=[household.number, "huishouden"]))
    assert png.status_code == 200 and png.content[:4] == b"\x89PNG"

    login(client, regional)
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "van 2 naar 3" in html
    for secret in ("geheime toelichting", "eigen woorden geheim", adult(household).last_name):
        assert secret not in html
    assert "Volwassene 1" in html
    overview = client.get(reverse("assessments:overview", args=[household.number])).content.decode()
    assert "geheime toelichting" not in overview and adult(household).last_name not in overview
    member_key = str(adult(household).pk)
    assert (
        client.get(reverse("assessments:chart", args=[household.number, member_key])).status_code
        == 200
    )
    assert client.get(reverse("assessments:new", args=[household.number])).status_code == 404


def _worklist(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("households:worklist"))
    return response.content.decode(), len(ctx.captured_queries)


@override_settings(MAATPACT={"REASSESSMENT_INTERVAL_DAYS": 91, "WORKLIST_LOOKAHEAD_DAYS": 14})
def test_reassessment_due_on_worklist_with_constant_queries(client, coordinator, other_coordinator):
    today = timezone.localdate()
    due = factories.household(coordinator)
    fresh = factories.household(coordinator)
    Household.objects.filter(pk__in=[due.pk, fresh.pk]).update(status="actief")
    services.record_assessment(
        coordinator, due, assessed_on=today - timedelta(days=120), scores={"hh_financien": 2}
    )
    services.record_assessment(
        coordinator, fresh, assessed_on=today - timedelta(days=10), scores={"hh_financien": 2}
    )
    foreign = factories.household(other_coordinator)
    Household.objects.filter(pk=foreign.pk).update(status="actief")
    login(client, coordinator)
    html, few = _worklist(client)
    assert "Nieuwe meting zelfredzaamheid" in html and "(te laat)" in html
    assert reverse("assessments:new", args=[due.number]) in html
    assert reverse("assessments:new", args=[fresh.number]) not in html
    assert foreign.number not in html
    for _ in range(4):
        h = factories.household(coordinator)
        Household.objects.filter(pk=h.pk).update(status="actief")
        services.record_assessment(
            coordinator, h, assessed_on=today - timedelta(days=200), scores={"hh_financien": 3}
        )
    html, many = _worklist(client)
    assert many == few
    assert html.count("Nieuwe meting zelfredzaamheid") == 5


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_assessments(
    household, coordinator, other_coordinator, goirle_team_lead, analyst, regional
):
    body = {
        "household": household.number,
        "assessed_on": "2025-02-01",
        "own_rating": 5,
        "scores": [{"domain": "hh_financien", "score": 2, "note": "n"}],
    }
    response = api(coordinator).post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["scores"] == [{"domain": "hh_financien", "score": 2, "note": "n"}]
    pk = response.json()["id"]
    for user in (other_coordinator, goirle_team_lead, analyst, regional):
        assert api(user).get(f"/api/v1/assessments/{pk}/").status_code == 404
        assert api(user).get("/api/v1/assessments/").json()["count"] == 0
    denied = api(other_coordinator).post("/api/v1/assessments/", body, format="json")
    assert denied.status_code == 400 and "household" in denied.json()
    for bad, field in (
        ({"scores": [{"domain": "hh_financien", "score": 6}]}, "score_hh_financien"),
        ({"scores": [{"domain": "justitie", "score": 3}]}, "scores"),
        ({"member": child(household).pk}, "member"),
        ({"scores": [{"domain": "hh_financien", "score": "drie"}]}, "scores"),
    ):
        response = api(coordinator).post(
            "/api/v1/assessments/", {**body, "assessed_on": "2025-03-01", **bad}, format="json"
        )
        assert response.status_code == 400 and field in response.json(), response.json()
    assert Assessment.objects.count() == 1
    assert Member.objects.filter(household=household).count() == 2
