"""The coordinator's and the team lead's journeys in a real browser (marked e2e).

Later features (assessment, plan, spend, obstacle, escalation) append their steps to
these lists in steps.py style; every step screenshots and scans its page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from maatpact.accounts.models import Role
from maatpact.households.models import Cohort
from maatpact.programme.models import Phase, Programme
from maatpact.regions.models import Region
from tests import factories

from . import steps
from .conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _person(role, username, first, last, municipality="Tilburg"):
    user = factories.user(role, municipality)
    user.username, user.first_name, user.last_name = username, first, last
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def staff(db):
    region = Region.objects.order_by("pk").first()
    Cohort.objects.create(
        name="Cohort 1 (e2e)", region=region, phase=1, capacity=50, starts_on=dt.date(2025, 1, 1)
    )
    # A pilot phase without selection criteria: the journey selects a fresh intake.
    programme = Programme.objects.create(
        region=region, name="E2E", starts_on=dt.date(2025, 1, 1), planned_households=50
    )
    Phase.objects.create(
        programme=programme,
        number=1,
        name="Pilot",
        goal="Leren",
        starts_on=dt.date(2025, 1, 1),
        planned_households=50,
        min_domains=0,
        min_laws=0,
    )
    return {
        "coordinator": _person(Role.REGISSEUR, "regisseur.e2e", "Sanne", "Regisseur"),
        "colleague": _person(Role.REGISSEUR, "regisseur.e2e.2", "Joris", "Collega"),
        "team_lead": _person(Role.TEAMLEIDER, "teamleider.e2e", "Fatima", "Teamleider"),
    }


def test_coordinator_journey(page, staff):
    j = steps.Journey(page, "regisseur")
    journey = [
        lambda: steps.wrong_password_shows_message(j, "regisseur.e2e"),
        lambda: steps.log_in(j, "regisseur.e2e", PASSWORD),
        lambda: steps.open_worklist(j),
        lambda: steps.intake(j),
        lambda: steps.household_page(j),
        lambda: steps.change_status(j, "Geselecteerd", cohort="Cohort 1 (e2e)"),
        lambda: steps.change_status(j, "Actief"),
        lambda: steps.case_pages(j),
        lambda: steps.plan_edit_round_trip(j),
        lambda: steps.subject_access(j),
        lambda: steps.two_factor_setup_page(j),
        lambda: steps.escalate_with_reason_and_confirmation(j, "Geen antwoord in drie weken"),
        lambda: steps.close_household_with_confirmation(j, "Traject afgerond (fictief)"),
        lambda: steps.log_out(j),
    ]
    for step in journey:
        step()
    assert j.violations == [], "\n".join(j.violations)
    assert len(j.shots) >= 8


def test_team_lead_journey_handover(page, staff):
    household = factories.household(staff["coordinator"])
    j = steps.Journey(page, "teamleider", household_number=household.number)
    journey = [
        lambda: steps.log_in(j, "teamleider.e2e", PASSWORD),
        lambda: steps.municipality_overview(j),
        lambda: steps.household_page(j),
        lambda: steps.hand_over(j, "Joris Collega", "Verlof van de regisseur (fictief)"),
        lambda: steps.subject_access(j),
        lambda: steps.log_out(j),
    ]
    for step in journey:
        step()
    assert j.violations == [], "\n".join(j.violations)


def test_the_accessibility_scan_can_fail(page):
    """Guard against a silent scanner: a page with known problems must be reported."""
    page.set_content(
        '<html><body><main><input type="text">'
        '<button></button><img src="x.png"></main></body></html>'
    )
    problems = steps.accessibility_problems(page)
    assert any("label" in p for p in problems), problems
    assert any("button-name" in p for p in problems), problems
