"""The seeded register is consistent and in the state the cron leaves it in."""

import io

from django.core.management import call_command
from django.db.models import F

from maatpact.learning.models import ApproachChange, Lesson, Reflection, ReflectionSession
from maatpact.obstacles import services
from maatpact.obstacles.models import Breakthrough, EscalationStep, Obstacle, StructuralProposal


def test_seed_builds_obstacles_escalations_and_learning(db):
    call_command("seed", households=120, seed=11, years=2, no_progress=True, stdout=io.StringIO())
    assert Obstacle.objects.filter(household__isnull=False).count() > 20
    assert Obstacle.objects.filter(household__isnull=True).count() == 9  # one per municipality
    # Every obstacle has its first step, and its current level is its highest step.
    assert not Obstacle.objects.filter(steps__isnull=True).exists()
    for o in Obstacle.objects.select_related("current_level")[:200]:
        top = o.steps.order_by("-level__order").first()
        assert top.level_id == o.current_level_id
    assert EscalationStep.objects.filter(automatic=True).exists()
    assert Breakthrough.objects.exists()
    assert not Breakthrough.objects.filter(on__lt=F("obstacle__raised_at__date")).exists()
    assert not Obstacle.objects.filter(breakthrough__isnull=False, deadline__isnull=False).exists()
    assert StructuralProposal.objects.filter(obstacles__isnull=False).distinct().count() == 3
    # Running the cron right after seeding changes nothing: the seed walked the ladder.
    assert services.escalate_overdue() == []
    assert Reflection.objects.exists() and ReflectionSession.objects.exists()
    assert Lesson.objects.filter(themes__isnull=False).exists()
    assert ApproachChange.objects.filter(lessons__isnull=False).exists()
