"""Case data in every contract model, so AVG tests see every kind of row."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from maatpact.assessments.models import Assessment, Domain, Instrument, Score
from maatpact.obstacles.models import Obstacle
from maatpact.plans.models import Goal
from maatpact.provisions.models import Law, Provision
from tests import factories


@pytest.fixture
def case_data(household, coordinator):
    """Assessment with a score, a goal, a provision and an obstacle for ``household``."""
    instrument, _ = Instrument.objects.get_or_create(
        code="zrm-test", version="1", defaults={"name": "ZRM test", "kind": "huishouden"}
    )
    domain, _ = Domain.objects.get_or_create(
        instrument=instrument, code="hh_financien", defaults={"name": "Financiën", "order": 1}
    )
    member = household.members.order_by("pk").first()
    assessment = Assessment.objects.create(
        household=household,
        instrument=instrument,
        member=member,
        assessed_on=date(2024, 2, 1),
        assessed_by=coordinator,
        own_rating=4,
        own_words="Wij willen rust; de deurwaarder belt elke dag (fictief).",
    )
    score = Score.objects.create(
        assessment=assessment, domain=domain, score=2, note="Schulden bij drie partijen."
    )
    goal = Goal.objects.create(
        plan=household.plan, domain_code="financien", description="Schuldenvrij in één jaar."
    )
    law = Law.objects.get(code="wmo")
    provision = Provision.objects.create(
        household=household,
        law=law,
        financier=factories.organisation(),
        description="Begeleiding thuis",
        starts_on=date(2024, 1, 1),
        amount=Decimal("450.00"),
        created_by=coordinator,
    )
    obstacle = Obstacle.objects.create(
        household=household,
        municipality=household.municipality,
        type="wet",
        description="Aanvraag afgewezen omdat de vader (fictief) net buiten de grens woont.",
        raised_by=coordinator,
        raised_at=timezone.now(),
        delay_days=40,
        harm_euros=Decimal("1200.00"),
    )
    return {
        "assessment": assessment,
        "score": score,
        "goal": goal,
        "provision": provision,
        "obstacle": obstacle,
        "member": member,
    }
