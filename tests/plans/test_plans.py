"""The plan: own words, goals and actions, versioned with a field-level diff, B1 PDF."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from maatpact.plans import selectors, services
from maatpact.plans.models import Action, Goal, PlanChange
from tests import factories
from tests.conftest import login


@pytest.fixture
def plan(household):
    return selectors.plan_for(household)


def test_edit_creates_version_with_field_diff(plan, coordinator):
    services.update_plan(
        coordinator, plan, future_in_own_words="Een eigen huis en rust.", agreed_on=date(2025, 3, 1)
    )
    services.update_plan(coordinator, plan, future_in_own_words="Een eigen huis, rust en werk.")
    services.update_plan(coordinator, plan, future_in_own_words="Een eigen huis, rust en werk.")
    changes = list(PlanChange.objects.filter(plan=plan).order_by("version"))
    assert [c.version for c in changes] == [1, 2]  # an edit that changes nothing is no version
    assert changes[0].diff == {
        "future_in_own_words": ["", "Een eigen huis en rust."],
        "agreed_on": ["", "01-03-2025"],
    }
    assert changes[1].diff == {
        "future_in_own_words": ["Een eigen huis en rust.", "Een eigen huis, rust en werk."]
    }
    assert changes[1].changed_by == coordinator and changes[1].subject == "plan"


def test_goal_and_action_changes_are_versioned(plan, coordinator):
    goal = services.add_goal(
        coordinator, plan, domain_code="hh_financien", description="Geen nieuwe schulden"
    )
    partner = factories.organisation("Schuldhulp Test (fictief)", "aanbieder")
    action = services.add_action(
        coordinator,
        plan,
        goal=goal,
        what="Aanmelden bij schuldhulp",
        who_kind="partnerorganisatie",
        organisation=partner,
        due_on=date(2025, 5, 1),
    )
    services.update_action(coordinator, action, status="gedaan")
    services.update_goal(coordinator, goal, status="bezig")
    latest = list(PlanChange.objects.filter(plan=plan).order_by("version"))
    assert [(c.subject, c.kind) for c in latest] == [
        ("doel", "aangemaakt"),
        ("actie", "aangemaakt"),
        ("actie", "gewijzigd"),
        ("doel", "gewijzigd"),
    ]
    assert latest[1].diff["organisation"] == ["", partner.name]
    assert latest[2].diff["status"] == ["Nog te doen", "Gedaan"]
    assert latest[2].diff["done_on"][0] == ""
    assert latest[3].diff == {"status": ["Nog niet begonnen", "Mee bezig"]}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"what": "", "who_kind": "regisseur"}, "what"),
        ({"what": "x", "who_kind": "partnerorganisatie"}, "organisation"),
        ({"what": "x", "who_kind": "gezinslid", "who": ""}, "who"),
        ({"what": "x", "who_kind": "buurman"}, "who_kind"),
    ],
)
def test_bad_action_writes_nothing(plan, coordinator, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.add_action(coordinator, plan, **kwargs)
    assert field in exc.value.message_dict
    assert not Action.objects.exists() and not PlanChange.objects.exists()


def test_goal_of_other_plan_and_outsider_refused(
    plan, coordinator, other_coordinator, goirle_household, goirle_coordinator
):
    foreign_goal = services.add_goal(
        goirle_coordinator,
        selectors.plan_for(goirle_household),
        domain_code="hh_huisvesting",
        description="Andere woning",
    )
    with pytest.raises(ValidationError) as exc:
        services.add_action(coordinator, plan, what="x", who_kind="regisseur", goal=foreign_goal)
    assert "goal" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_goal(other_coordinator, plan, domain_code="hh_financien", description="x")
    with pytest.raises(ValidationError) as exc:
        services.add_goal(coordinator, plan, domain_code="onzin", description="x")
    assert "domain_code" in exc.value.message_dict
    assert Goal.objects.filter(plan=plan).count() == 0


def test_pages_write_the_plan_in_own_words(client, household, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("plans:edit", args=[household.number]),
        {
            "future_in_own_words": "Dat we niet meer bang zijn voor de post.",
            "first_need_in_own_words": "Rust over de schulden.",
            "agreed_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    future = timezone.localdate() + timedelta(days=3)
    bad = client.post(reverse("plans:edit", args=[household.number]), {"agreed_on": future})
    assert "niet in de toekomst" in bad.content.decode()
    response = client.post(
        reverse("plans:goal_new", args=[household.number]),
        {"domain_code": "hh_financien", "description": "Schulden op een rij", "status": "open"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    response = client.post(
        reverse("plans:action_new", args=[household.number]),
        {
            "what": "Post samen openen",
            "goal": goal.pk,
            "who_kind": "gezinslid",
            "who": "",
            "status": "open",
        },
    )
    assert "Noem het gezinslid" in response.content.decode()
    assert not Action.objects.exists()
    response = client.post(
        reverse("plans:action_new", args=[household.number]),
        {
            "what": "Post samen openen",
            "goal": goal.pk,
            "who_kind": "gezinslid",
            "who": "Moeder",
            "due_on": "2025-03-01",
            "status": "open",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Dat we niet meer bang zijn voor de post." in html and "Post samen openen" in html
    history = client.get(reverse("plans:history", args=[household.number])).content.decode()
    assert "Waar wil je over een jaar staan?" in history and "Rust over de schulden." in history


def test_overdue_action_on_worklist(client, household, coordinator, other_coordinator):
    plan = selectors.plan_for(household)
    services.add_action(
        coordinator,
        plan,
        what="Bellen met woningcorporatie",
        who_kind="regisseur",
        due_on=timezone.localdate() - timedelta(days=2),
    )
    services.add_action(
        coordinator,
        plan,
        what="Later doen",
        who_kind="regisseur",
        due_on=timezone.localdate() + timedelta(days=60),
    )
    login(client, coordinator)
    html = client.get(reverse("households:worklist")).content.decode()
    assert "Actie: Bellen met woningcorporatie" in html and "(te laat)" in html
    assert "Later doen" not in html
    login(client, other_coordinator)
    assert (
        "Bellen met woningcorporatie"
        not in client.get(reverse("households:worklist")).content.decode()
    )


def test_pdf_contains_the_goals_in_plain_language(client, household, coordinator):
    plan = selectors.plan_for(household)
    services.update_plan(coordinator, plan, future_in_own_words="Samen op vakantie kunnen.")
    services.add_goal(
        coordinator, plan, domain_code="hh_huisvesting", description="Een huis met een tuin"
    )
    services.add_goal(
        coordinator, plan, domain_code="kind_school", description="Elke dag naar school"
    )
    login(client, coordinator)
    response = client.get(reverse("plans:pdf", args=[household.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Ons plan",
        "Een huis met een tuin",
        "Elke dag naar school",
        "Samen op vakantie kunnen.",
        "Wonen",
    ):
        assert expected in text


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_plan_goals_actions(
    household, coordinator, other_coordinator, goirle_team_lead, analyst, regional
):
    url = f"/api/v1/plans/{household.number}/"
    response = api(coordinator).patch(url, {"first_need_in_own_words": "Rust"}, format="json")
    assert response.status_code == 200 and response.json()["first_need_in_own_words"] == "Rust"
    history = api(coordinator).get(url + "history/").json()
    assert history["results"][0]["diff"] == {"first_need_in_own_words": ["", "Rust"]}
    goal = api(coordinator).post(
        "/api/v1/goals/",
        {
            "household": household.number,
            "domain_code": "hh_financien",
            "description": "Schuldenvrij",
        },
        format="json",
    )
    assert goal.status_code == 201
    bad = api(coordinator).post(
        "/api/v1/actions/",
        {"household": household.number, "what": "x", "who_kind": "partnerorganisatie"},
        format="json",
    )
    assert bad.status_code == 400 and "organisation" in bad.json()
    ok = api(coordinator).post(
        "/api/v1/actions/",
        {
            "household": household.number,
            "what": "Bellen",
            "who_kind": "regisseur",
            "goal": goal.json()["id"],
        },
        format="json",
    )
    assert ok.status_code == 201
    patched = api(coordinator).patch(
        f"/api/v1/actions/{ok.json()['id']}/", {"status": "gedaan"}, format="json"
    )
    assert patched.json()["done_on"] is not None
    for user in (other_coordinator, goirle_team_lead, analyst, regional):
        assert api(user).get(url).status_code == 404
        assert api(user).get(f"/api/v1/actions/{ok.json()['id']}/").status_code == 404
        assert api(user).get("/api/v1/goals/").json()["count"] == 0
        assert (
            api(user).patch(url, {"first_need_in_own_words": "x"}, format="json").status_code == 404
        )
    denied = api(other_coordinator).post(
        "/api/v1/actions/",
        {"household": household.number, "what": "x", "who_kind": "regisseur"},
        format="json",
    )
    assert denied.status_code == 400 and "household" in denied.json()
    assert Action.objects.count() == 1
