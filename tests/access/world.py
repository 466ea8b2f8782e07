"""A small world for the role x route matrix: two households with every kind of record,
marker values planted in every field the classification does not call pseudonymous.

Everything is made through the real services where one exists (so the rows are what
the application itself writes); then :func:`plant_markers` overwrites each identifying,
special-category and free-text field of every record of a household with a unique,
recognisable marker (``Q00001Z``...), found through ``common.classification`` - a new
free-text column is planted without any change here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from maatpact.accounts.models import Role, User
from maatpact.budget import services as budget_services
from maatpact.budget.models import Fund
from maatpact.common import classification
from maatpact.common.classification import PSEUDONYMISED
from maatpact.households import services as household_services
from maatpact.households.models import Household
from maatpact.learning import services as learning_services
from maatpact.obstacles import services as obstacle_services
from maatpact.outcomes import services as outcome_services
from maatpact.outcomes.models import AchievedOutcome, EventType, OutcomeDefinition
from maatpact.plans import services as plan_services
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from maatpact.regions.models import Organisation
from maatpact.security.personal import household_links
from tests import factories
from tests.budget import helpers as budget_helpers
from tests.obstacles.helpers import raise_obstacle
from tests.outcomes import helpers as outcome_helpers

_markers = itertools.count(1)


@dataclass
class Case:
    """One household and the pks of its records, by the route parameter they fill."""

    household: Household
    pks: dict[str, int] = field(default_factory=dict)
    markers: set[str] = field(default_factory=set)


@dataclass
class World:
    users: dict[str, User]
    own: Case  # Tilburg: the coordinator's own household
    other: Case  # Goirle: another municipality's household
    shared: dict[str, int]  # pks of objects that span households (contract, proposal...)


def build_case(coordinator: User, team_lead: User, city: str, bsn: str) -> Case:
    household = factories.household(coordinator, city=city, bsn=bsn)
    outcome_helpers.start(household, days_ago=200)
    case = Case(household)
    plan = household.plan
    goal = plan_services.add_goal(coordinator, plan, domain_code="hh_financien", description="x")
    action = plan_services.add_action(
        coordinator, plan, goal=goal, what="x", who_kind="regisseur", due_on=date(2026, 1, 1)
    )
    outcome_helpers.score(household, date(2026, 1, 5), 2, coordinator)
    provision = provision_services.add_provision(
        coordinator,
        household,
        law=Law.objects.get(code="jeugdwet"),
        financier=factories.organisation(f"Gemeente {city}", "gemeente"),
        description="x",
        starts_on=date(2025, 1, 1),
        cost_kind="maandelijks",
        amount=Decimal("800.00"),
    )
    obstacle = raise_obstacle(coordinator, household, now=timezone.now() - timedelta(days=3))
    broken = raise_obstacle(coordinator, household, now=timezone.now() - timedelta(days=5))
    obstacle_services.record_breakthrough(
        coordinator, broken, what="x", broken_by="x", on=timezone.localdate()
    )
    obstacle_services.record_decision(
        coordinator,
        broken,
        decided_on=timezone.localdate(),
        **dict.fromkeys(obstacle_services.DECISION_FIELDS, "x"),
    )
    reflection = learning_services.write_reflection(
        coordinator, household, what_happened="x", what_worked="x", next_time="x"
    )
    outcome_services.record_event(
        coordinator,
        household,
        event_type=EventType.objects.get(code="werk"),
        occurred_on=date(2026, 2, 1),
        note="x",
    )
    budget_helpers.fund_for(city, "10000.00")
    spend, _ = budget_services.request_spend(
        coordinator, household, budget_helpers.request(budget_helpers.goal_for(household))
    )
    rejected, _ = budget_services.request_spend(
        coordinator,
        household,
        budget_helpers.request(budget_helpers.goal_for(household), amount="3000.00"),
    )
    budget_services.reject_spend(team_lead, rejected, "x")
    basis = household_services.add_processing_basis(
        coordinator,
        household,
        partner=factories.organisation("Woningcorporatie Matrix (fictief)", "woningcorporatie"),
        kind="delen",
        purpose="x",
        basis="toestemming",
        given_on=date(2026, 1, 1),
    )
    verifier = factories.user(Role.PROGRAMMATEAM, None)
    outcome = AchievedOutcome.objects.create(
        household=household,
        definition=OutcomeDefinition.objects.order_by("pk").first(),
        achieved_on=date(2026, 3, 1),
        evidence={"feit": "werk"},
        evaluated_at=timezone.now(),
        status=AchievedOutcome.Status.GEVERIFIEERD,
        verified_by=verifier,
        verified_at=timezone.now(),
        verification_note="x",
    )
    case.pks = {
        "goal": goal.pk,
        "action": action.pk,
        "provision": provision.pk,
        "obstacle": obstacle.pk,
        "broken": broken.pk,
        "reflection": reflection.pk,
        "spend": rejected.pk,
        "open_spend": spend.pk,
        "basis": basis.pk,
        "outcome": outcome.pk,
    }
    return case


def plant_markers(case: Case) -> None:
    """Every non-pseudonymous text field of every record of the household -> a marker."""
    for link in household_links():
        model = link.model
        # The ledger is append-only and hash-chained (its manager refuses updates).
        if model._meta.auto_created or link.label == "budget.ledgerentry":
            continue
        withheld = classification.withheld_fields(model)
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if f.name in withheld
            and isinstance(f, models.CharField | models.TextField)
            and classification.category(model, f.name) not in PSEUDONYMISED
            and (f.max_length or 100) >= 7
        ]
        if not text_fields:
            continue
        for pk in link.filter_for(case.household).values_list("pk", flat=True):
            values = {}
            for f in text_fields:
                marker = f"Q{next(_markers):05d}Z"
                values[f.name] = marker
                case.markers.add(marker)
            model._default_manager.filter(pk=pk).update(**values)


def build_world() -> World:
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    team_lead = factories.user(Role.TEAMLEIDER, "Tilburg")
    goirle_coordinator = factories.user(Role.REGISSEUR, "Goirle")
    goirle_lead = factories.user(Role.TEAMLEIDER, "Goirle")
    regional = factories.user(Role.PROGRAMMATEAM, None)
    users = {
        Role.REGISSEUR: coordinator,
        Role.TEAMLEIDER: team_lead,
        Role.PROGRAMMATEAM: regional,
        Role.ANALIST: factories.user(Role.ANALIST, None),
        Role.FINANCIER: factories.user(Role.FINANCIER, None),
        Role.BEHEERDER: factories.user(Role.BEHEERDER, None, is_staff=True, is_superuser=True),
    }
    own = build_case(coordinator, team_lead, "Tilburg", factories.VALID_BSN)
    other = build_case(goirle_coordinator, goirle_lead, "Goirle", factories.VALID_BSN_2)
    contract = outcome_helpers.contract(payer_orgs=[users[Role.FINANCIER].organisation])
    proposal = obstacle_services.create_proposal(
        regional,
        title="Voorstel",
        kind="beleid",
        proposal="x",
        rationale="x",
        obstacle_ids=[own.pks["obstacle"], other.pks["obstacle"]],
    )
    session = learning_services.record_session(
        regional,
        held_on=date(2026, 11, 20),
        title="Intervisie",
        participants=[coordinator, goirle_coordinator],
        households=[own.household, other.household],
    )
    for case in (own, other):
        plant_markers(case)
    return World(
        users=users,
        own=own,
        other=other,
        shared={
            "contract": contract.pk,
            "proposal": proposal.pk,
            "session": session.pk,
            "fund": Fund.objects.order_by("pk").values_list("pk", flat=True).first(),
            # PostgreSQL keeps its sequences across tests: the first partner, not pk 1.
            "partner": Organisation.objects.order_by("pk").values_list("pk", flat=True).first(),
        },
    )
