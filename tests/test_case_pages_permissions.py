"""Every new page of issue 3, tested from the outside with the permission matrix."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maatpact.assessments import services as assessment_services
from maatpact.plans import selectors as plan_selectors
from maatpact.plans import services as plan_services
from maatpact.provisions.models import Law, Provision
from tests import factories
from tests.conftest import login


@pytest.fixture
def case(household, coordinator):
    """A household with an assessment, a goal, an action and a provision."""
    assessment_services.record_assessment(
        coordinator, household, assessed_on=date(2025, 1, 1), scores={"hh_financien": 2}
    )
    plan = plan_selectors.plan_for(household)
    goal = plan_services.add_goal(coordinator, plan, domain_code="hh_financien", description="Rust")
    action = plan_services.add_action(coordinator, plan, what="Bellen", who_kind="regisseur")
    provision = Provision.objects.create(
        household=household,
        law=Law.objects.get(code="wmo"),
        financier=factories.organisation("Gemeente Tilburg", "gemeente"),
        description="Begeleiding",
        starts_on=date(2024, 1, 1),
        amount=Decimal("100.00"),
    )
    return {"household": household, "goal": goal, "action": action, "provision": provision}


def pages(case):
    n = case["household"].number
    return {
        # name: (url, needs write access)
        "assessments:new": (reverse("assessments:new", args=[n]), True),
        "assessments:overview": (reverse("assessments:overview", args=[n]), False),
        "assessments:chart": (reverse("assessments:chart", args=[n, "huishouden"]), False),
        "plans:detail": (reverse("plans:detail", args=[n]), False),
        "plans:edit": (reverse("plans:edit", args=[n]), True),
        "plans:goal_new": (reverse("plans:goal_new", args=[n]), True),
        "plans:goal_edit": (reverse("plans:goal_edit", args=[n, case["goal"].pk]), True),
        "plans:action_new": (reverse("plans:action_new", args=[n]), True),
        "plans:action_edit": (reverse("plans:action_edit", args=[n, case["action"].pk]), True),
        "plans:history": (reverse("plans:history", args=[n]), False),
        "plans:pdf": (reverse("plans:pdf", args=[n]), False),
        "provisions:register": (reverse("provisions:register", args=[n]), False),
        "provisions:timeline": (reverse("provisions:timeline", args=[n]), False),
        "provisions:new": (reverse("provisions:new", args=[n]), True),
        "provisions:edit": (reverse("provisions:edit", args=[n, case["provision"].pk]), True),
        "provisions:end": (reverse("provisions:end", args=[n, case["provision"].pk]), True),
    }


PAGE_NAMES = [
    "assessments:new",
    "assessments:overview",
    "assessments:chart",
    "plans:detail",
    "plans:edit",
    "plans:goal_new",
    "plans:goal_edit",
    "plans:action_new",
    "plans:action_edit",
    "plans:history",
    "plans:pdf",
    "provisions:register",
    "provisions:timeline",
    "provisions:new",
    "provisions:edit",
    "provisions:end",
]
# Scores without identifying data: the regional team sees them pseudonymised.
PSEUDONYMISED_OK = {"assessments:overview", "assessments:chart"}


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_own_coordinator_and_team_lead_may_open(client, case, coordinator, team_lead, name):
    url, _ = pages(case)[name]
    for user in (coordinator, team_lead):
        login(client, user)
        assert client.get(url).status_code == 200, (user.role, name)


@pytest.mark.parametrize("name", PAGE_NAMES)
@pytest.mark.parametrize("who", ["other_coordinator", "goirle_team_lead", "analyst", "admin_user"])
def test_outsiders_get_404(client, case, name, who, request):
    url, _ = pages(case)[name]
    login(client, request.getfixturevalue(who))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_regional_team_pseudonymised_only(client, case, regional, name):
    url, _ = pages(case)[name]
    login(client, regional)
    response = client.get(url)
    if name in PSEUDONYMISED_OK:
        assert response.status_code == 200
        assert case["household"].members.first().last_name not in response.content.decode(
            errors="ignore"
        )
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("name", ["plans:edit", "provisions:new", "assessments:new"])
def test_other_coordinator_post_writes_nothing(client, case, other_coordinator, name):
    url, _ = pages(case)[name]
    login(client, other_coordinator)
    before = (Provision.objects.count(), case["household"].assessments.count())
    assert (
        client.post(
            url, {"description": "x", "amount": "1", "assessed_on": "2025-01-01"}
        ).status_code
        == 404
    )
    assert (Provision.objects.count(), case["household"].assessments.count()) == before


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_household_page_queries_constant_with_many_assessments_and_provisions(client, coordinator):
    small = factories.household(coordinator)
    big = factories.household(coordinator)
    law = Law.objects.get(code="jeugdwet")
    orgs = [factories.organisation(f"Organisatie {i} (fictief)", "aanbieder") for i in range(6)]
    gemeente = factories.organisation("Gemeente Tilburg", "gemeente")
    for household, assessments, provisions in ((small, 1, 1), (big, 12, 25)):
        for i in range(assessments):
            assessment_services.record_assessment(
                coordinator,
                household,
                assessed_on=date(2022, 1, 1).replace(month=1 + i % 12, year=2022 + i // 12),
                scores={"hh_financien": 1 + i % 5, "hh_huisvesting": 2, "kind_school": 3},
            )
            assessment_services.record_assessment(
                coordinator,
                household,
                member=household.members.get(role="aanvrager"),
                assessed_on=date(2022, 1, 2).replace(month=1 + i % 12, year=2022 + i // 12),
                scores={"financien": 2, "justitie": 4},
            )
        plan = plan_selectors.plan_for(household)
        for i in range(provisions):
            Provision.objects.create(
                household=household,
                law=law,
                financier=gemeente if i % 2 else orgs[i % 6],
                provider=orgs[(i + 1) % 6],
                description=f"Voorziening {i}",
                starts_on=date(2023, 1 + i % 12, 1 + i),
                amount=Decimal("10.00") * (i + 1),
            )
            goal = plan_services.add_goal(
                coordinator, plan, domain_code="hh_financien", description=f"Doel {i}"
            )
            plan_services.add_action(
                coordinator, plan, goal=goal, what=f"Actie {i}", who_kind="regisseur"
            )
    login(client, coordinator)
    few = _count(client, reverse("households:detail", args=[small.number]))
    many = _count(client, reverse("households:detail", args=[big.number]))
    assert many == few
    for name in ("provisions:register", "assessments:overview", "plans:detail", "plans:history"):
        url_small = reverse(name, args=[small.number])
        url_big = reverse(name, args=[big.number])
        assert _count(client, url_small) == _count(client, url_big), name
