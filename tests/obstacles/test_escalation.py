"""The escalation ladder with a frozen clock: working-day deadlines, cron idempotence."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from maatpact.obstacles import services
from maatpact.obstacles.models import Breakthrough, EscalationStep, Obstacle
from tests.obstacles.helpers import at, level, put_on_level, raise_obstacle


def test_ladder_is_loaded_as_data(db):
    codes = list(
        level("regisseur").__class__.objects.order_by("order").values_list("code", flat=True)
    )
    assert codes == ["regisseur", "teamleider", "programmateam", "bestuurders", "landelijk"]
    assert level("landelijk").external and level("landelijk").deadline_working_days is None


def test_deadline_skips_the_weekend(household, coordinator):
    # Friday 20 November 2026 + 5 working days = Friday 27 November (not Wednesday 25th).
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 20))
    assert obstacle.current_level.code == "regisseur"
    assert obstacle.deadline == date(2026, 11, 27)
    step = obstacle.steps.get()
    assert step.by == coordinator and not step.automatic and step.deadline == date(2026, 11, 27)


def test_cron_escalates_after_deadline_and_twice_changes_nothing(
    household, coordinator, team_lead, monkeypatch, django_capture_on_commit_callbacks
):
    team_lead.email = "tl@example.test"
    team_lead.save()
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 20))
    # On the deadline day itself nothing moves.
    assert services.escalate_overdue(now=at(2026, 11, 27, 23)) == []
    # Saturday and Sunday are past the deadline: the obstacle moves up once.
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.escalate_overdue(now=at(2026, 11, 28, 6))
    assert [s.obstacle_id for s in moved] == [obstacle.pk]
    obstacle.refresh_from_db()
    assert obstacle.current_level.code == "teamleider"
    # Arrived on Saturday: 5 working days count from Monday -> Friday 4 December.
    assert obstacle.deadline == date(2026, 12, 4)
    step = obstacle.steps.get(level__code="teamleider")
    assert step.automatic and step.by is None and step.from_level.code == "regisseur"
    assert len(mail.outbox) == 1 and "tl@example.test" in mail.outbox[0].to
    assert household.members.first().last_name not in mail.outbox[0].body

    # The command, run twice the same morning with a frozen clock: nothing more happens.
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 28, 7))
    before = (EscalationStep.objects.count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate", stdout=io.StringIO())
        call_command("escalate", stdout=io.StringIO())
    assert (EscalationStep.objects.count(), len(mail.outbox)) == before
    obstacle.refresh_from_db()
    assert obstacle.current_level.code == "teamleider"


def test_cron_moves_one_level_per_run_and_never_to_external(household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    clock = at(2027, 6, 1)
    for expected in ["teamleider", "programmateam", "bestuurders", "bestuurders"]:
        services.escalate_overdue(now=clock)
        services.escalate_overdue(now=clock)  # the same morning again: no second move
        obstacle.refresh_from_db()
        assert obstacle.current_level.code == expected
        clock += timedelta(days=30)
    assert not obstacle.steps.filter(level__code="landelijk").exists()


def test_breakthrough_stops_the_clock(household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    services.record_breakthrough(
        coordinator,
        obstacle,
        what="Bijzondere bijstand verleend",
        broken_by="Teamleider",
        on=date(2026, 11, 5),
        now=at(2026, 11, 5),
    )
    assert services.escalate_overdue(now=at(2027, 1, 1)) == []
    obstacle.refresh_from_db()
    assert obstacle.deadline is None and obstacle.current_level.code == "regisseur"


def test_escalate_by_hand_by_the_handling_role_only(household, coordinator, team_lead):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.escalate(team_lead, obstacle, now=at(2026, 11, 3))  # not yet on its level
    step = services.escalate(coordinator, obstacle, note="Dringend", now=at(2026, 11, 3))
    assert step.level.code == "teamleider" and step.by == coordinator
    assert step.deadline == date(2026, 11, 10)
    step = services.escalate(team_lead, obstacle, now=at(2026, 11, 4))
    assert step.level.code == "programmateam" and step.deadline == date(2026, 11, 18)


def test_referral_to_national_level_needs_reference(household, coordinator, regional):
    obstacle = put_on_level(raise_obstacle(coordinator, household), "bestuurders")
    with pytest.raises(ValidationError) as exc:
        services.escalate(regional, obstacle, now=at(2026, 11, 20))
    assert "kenmerk" in str(exc.value)
    assert not obstacle.steps.filter(level__code="landelijk").exists()
    step = services.escalate(regional, obstacle, reference="STM-2026-0042", now=at(2026, 11, 20))
    assert step.level.external and step.reference == "STM-2026-0042" and step.deadline is None
    services.record_national_answer(
        regional, obstacle, answer="Maatwerk toegestaan", answered_on=date(2026, 12, 1)
    )
    step.refresh_from_db()
    assert step.answer == "Maatwerk toegestaan"


def test_escalation_beyond_top_level_is_refused_and_writes_nothing(
    household, coordinator, regional
):
    obstacle = put_on_level(raise_obstacle(coordinator, household), "landelijk")
    steps = EscalationStep.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.escalate(regional, obstacle, reference="X", now=at(2026, 12, 1))
    assert "hoogste niveau" in str(exc.value)
    assert EscalationStep.objects.count() == steps
    obstacle.refresh_from_db()
    assert obstacle.current_level.code == "landelijk"


def test_escalation_beyond_top_via_page_shows_message(client, household, coordinator, regional):
    from django.urls import reverse

    from tests.conftest import login

    obstacle = put_on_level(raise_obstacle(coordinator, household), "landelijk")
    login(client, regional)
    response = client.post(
        reverse("obstacles:escalate", args=[obstacle.pk]),
        {"note": "Nog steeds geen oplossing", "reference": "X"},
        follow=True,
    )
    assert "hoogste niveau" in response.content.decode()
    assert obstacle.steps.count() == 5


def test_breakthrough_before_the_obstacle_is_refused(client, household, coordinator):
    from django.urls import reverse

    from tests.conftest import login

    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 10))
    with pytest.raises(ValidationError) as exc:
        services.record_breakthrough(
            coordinator, obstacle, what="x", broken_by="y", on=date(2026, 11, 9)
        )
    assert "vóór de melding" in str(exc.value)
    login(client, coordinator)
    response = client.post(
        reverse("obstacles:breakthrough", args=[obstacle.pk]),
        {"what": "Opgelost", "broken_by": "Wethouder", "on": "2026-11-01", "cost": "10,00"},
    )
    assert response.status_code == 200
    assert "vóór de melding" in response.content.decode()
    assert not Breakthrough.objects.exists()
    obstacle.refresh_from_db()
    assert obstacle.deadline is not None


def test_days_to_breakthrough_are_derived(household, coordinator):
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2, 23))
    b = services.record_breakthrough(
        coordinator,
        obstacle,
        what="Schuldregeling",
        broken_by="Gemeente",
        on=date(2026, 11, 30),
        cost=Decimal("1200.00"),
        now=at(2026, 12, 1),
    )
    assert b.days_to_breakthrough == 28 and b.level.code == "regisseur"
    assert Obstacle.objects.get(pk=obstacle.pk).breakthrough.cost == Decimal("1200.00")
