"""Data for the sections contributed by budget, obstacles, learning and outcomes, added on
top of the report fixture (``report_data``) with known dates inside and outside PERIOD."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import time_machine

from maatpact.budget import services as budget_services
from maatpact.budget.models import Spend
from maatpact.learning.models import ApproachChange, Lesson, Reflection, ReflectionSession, Theme
from maatpact.obstacles.models import (
    Breakthrough,
    EscalationLevel,
    EscalationStep,
    Obstacle,
    StructuralProposal,
)
from maatpact.outcomes.models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    OutcomeDefinition,
    PaymentPeriod,
    RateCardLine,
)
from tests.budget.helpers import fund_for, goal_for, request


def dt(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


@dataclass
class Wired:
    spends: list[Spend]
    obstacles: list[Obstacle]
    contract: Contract


def add_wiring(data, coordinator, team_lead, regional) -> Wired:
    """Spends, ladder steps, breakthroughs, proposals, lessons and SIB outcomes."""
    tilburg = data.tilburg
    # --- Budget: six granted spends in Tilburg (one partly reversed), one after the period.
    with time_machine.travel(dt(date(2023, 1, 2)), tick=False):  # booked before PERIOD
        fund_for("Tilburg", "10000.00", regional=regional)
    spends = []
    for i, h in enumerate(tilburg[:6]):
        goal = goal_for(h)
        spend, _ = budget_services.request_spend(
            coordinator,
            h,
            request(goal, amount=f"{100 + 10 * i}.00", category="wonen" if i < 3 else "schulden"),
        )
        Spend.objects.filter(pk=spend.pk).update(decided_at=dt(date(2024, 1, 10) + timedelta(i)))
        spend.refresh_from_db()
        spends.append(spend)
    with time_machine.travel(dt(date(2024, 6, 3)), tick=False):  # booked inside PERIOD
        budget_services.reverse_spend(team_lead, spends[0], "40.00", "Deels terugbetaald")
    late, _ = budget_services.request_spend(
        coordinator, tilburg[0], request(goal_for(tilburg[0]), amount="500.00", category="werk")
    )
    Spend.objects.filter(pk=late.pk).update(decided_at=dt(date(2025, 3, 1)))
    spends.append(late)

    # --- Ladder: all obstacles reached level 1; 5..8 went on to level 2; 0..5 broke through.
    first, second = EscalationLevel.objects.order_by("order")[:2]
    obstacles = list(Obstacle.objects.filter(household__in=data.households).order_by("raised_at"))
    for i, o in enumerate(obstacles):
        EscalationStep.objects.create(obstacle=o, level=first, at=o.raised_at, by=coordinator)
        current = first
        if i >= 5:
            EscalationStep.objects.create(
                obstacle=o,
                level=second,
                from_level=first,
                at=o.raised_at + timedelta(days=7),
                automatic=True,
            )
            current = second
        deadline = {6: date(2024, 3, 20), 7: date(2024, 4, 1), 8: date(2025, 6, 1)}.get(i)
        Obstacle.objects.filter(pk=o.pk).update(current_level=current, deadline=deadline)
        if i <= 5:
            Breakthrough.objects.create(
                obstacle=o,
                what="Opgelost",
                broken_by="Team",
                level=current,
                on=o.raised_at.date() + timedelta(days=10 * (i + 1) + i * i),
                cost=Decimal("50.00"),
                recorded_by=coordinator,
                recorded_at=o.raised_at + timedelta(days=60),
            )
    adopted = StructuralProposal.objects.create(
        title="Maatwerkartikel Wmo",
        kind="maatwerkartikel",
        proposal="Tekst",
        rationale="Onderbouwing",
        status="aangenomen",
        created_by=regional,
        created_at=dt(date(2024, 5, 1)),
        submitted_on=date(2024, 5, 10),
        decided_on=date(2024, 6, 1),
    )
    adopted.obstacles.set(obstacles[:6])
    draft = StructuralProposal.objects.create(
        title="Wachtlijst signaleren",
        kind="beleid",
        proposal="Tekst",
        rationale="Onderbouwing",
        status="concept",
        created_by=regional,
        created_at=dt(date(2024, 7, 1)),
    )
    draft.obstacles.set(obstacles[6:8])

    # --- Learning
    themes = list(Theme.objects.order_by("name")[:2])
    session = ReflectionSession.objects.create(
        held_on=date(2024, 2, 1),
        title="Bijeenkomst",
        created_by=team_lead,
        created_at=dt(date(2024, 2, 1)),
    )
    session.households.set(tilburg[:3])
    ReflectionSession.objects.create(
        held_on=date(2025, 2, 1),
        title="Later",
        created_by=team_lead,
        created_at=dt(date(2025, 2, 1)),
    )
    lessons = []
    for k, (on, tags) in enumerate(
        [
            (date(2024, 2, 2), themes[:1]),
            (date(2024, 3, 2), themes[:1]),
            (date(2024, 4, 2), themes),
            (date(2025, 1, 5), themes[1:]),
        ]
    ):
        lesson = Lesson.objects.create(
            title=f"Les {k}", body="Tekst", session=session, created_by=team_lead, created_at=dt(on)
        )
        lesson.themes.set(tags)
        lessons.append(lesson)
    change = ApproachChange.objects.create(
        changed_on=date(2024, 9, 1),
        title="Eerder het budget inzetten",
        description="Omdat het werkt",
        created_by=regional,
        created_at=dt(date(2024, 9, 1)),
    )
    change.lessons.set(lessons[:2])
    for h in tilburg[:2]:
        Reflection.objects.create(
            household=h,
            author=coordinator,
            what_happened="x",
            what_worked="y",
            written_at=dt(date(2024, 4, 1)),
        )

    # --- SIB: a contract paid by the insurer and the municipality; six outcomes verified
    # in the period, one of them achieved before it, one verified after the last period.
    contract = Contract.objects.create(
        name="SIB rapport-test", starts_on=date(2023, 1, 1), ends_on=date(2026, 12, 31)
    )
    evicted = OutcomeDefinition.objects.get(code="huisuitzetting-voorkomen")
    other = OutcomeDefinition.objects.exclude(pk=evicted.pk).order_by("pk").first()
    insurer = ContractPayer.objects.create(contract=contract, organisation=data.insurer)
    municipality = ContractPayer.objects.create(
        contract=contract, organisation=data.municipality_org
    )
    RateCardLine.objects.create(
        contract=contract, definition=evicted, payer=insurer, price=Decimal("1000.00")
    )
    RateCardLine.objects.create(
        contract=contract, definition=evicted, payer=municipality, price=Decimal("400.00")
    )
    RateCardLine.objects.create(
        contract=contract, definition=other, payer=municipality, price=Decimal("250.00")
    )
    PaymentPeriod.objects.create(
        contract=contract, name="2023-2024", starts_on=date(2023, 1, 1), ends_on=date(2024, 12, 31)
    )
    for i, h in enumerate(tilburg[:6] + data.goirle):
        status = "geverifieerd" if i != 5 else "te_verifieren"
        AchievedOutcome.objects.create(
            household=h,
            definition=evicted if i < 7 else other,
            achieved_on=date(2024, 2, 1) + timedelta(days=20 * i),
            evidence={"soort": "test"},
            evaluated_at=dt(date(2024, 9, 1)),
            status=status,
            verified_by=regional if status == "geverifieerd" else None,
            verified_at=dt(date(2024, 10, 1)) if status == "geverifieerd" else None,
        )
    return Wired(spends, obstacles, contract)
