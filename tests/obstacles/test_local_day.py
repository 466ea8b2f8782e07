"""Deadlines, the cron, report periods and "the last 90 days" count local calendar days,
with the clock frozen at the hours where the UTC day or a clock change gets in the way."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np
from django.utils import timezone

from maatpact.common import dates
from maatpact.households.models import Household
from maatpact.obstacles import services
from maatpact.obstacles.models import Obstacle
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality
from maatpact.reports.context import ReportContext
from maatpact.reports.dashboards import DashboardContext, recent_activity
from maatpact.reports.sections.obstacles import obstacles_in_period
from tests.obstacles.helpers import level


def _raise(actor, household, now) -> Obstacle:
    data = services.ObstacleData(
        type="wet",
        description="Omschrijving",
        rule_text="Participatiewet art. 18",
        law=Law.objects.get(code="participatiewet"),
        delay_days=10,
        harm_euros=Decimal("250.00"),
    )
    return services.raise_obstacle(actor, data, household=household, now=now)


def _working_days_after(day, n):
    """Independently of ``add_working_days``: NumPy's business-day calendar (a weekend
    start rolls back to Friday, so its first working day after is Monday)."""
    return np.busday_offset(np.datetime64(day), n, roll="backward").astype(object)


def test_deadline_counts_working_days_from_the_local_day(boundary, household, coordinator):
    obstacle = _raise(coordinator, household, timezone.now())
    days = level("regisseur").deadline_working_days
    assert obstacle.deadline == _working_days_after(boundary.day, days)
    assert obstacle.steps.get().deadline == obstacle.deadline


def test_the_cron_moves_only_what_is_past_its_local_deadline(boundary, household, coordinator):
    late = _raise(coordinator, household, timezone.now())
    due_today = _raise(coordinator, household, timezone.now())
    Obstacle.objects.filter(pk=late.pk).update(deadline=boundary.day - timedelta(days=1))
    Obstacle.objects.filter(pk=due_today.pk).update(deadline=boundary.day)
    moved = services.escalate_overdue()
    assert [s.obstacle_id for s in moved] == [late.pk]


def _period(day_from, day_to) -> ReportContext:
    return ReportContext(
        user=None,
        audience="regio",
        date_from=day_from,
        date_to=day_to,
        households=Household.objects.all(),
        municipalities=Municipality.objects.all(),
    )


def test_an_obstacle_counts_in_the_period_of_its_local_day(boundary, household, coordinator):
    obstacle = _raise(coordinator, household, timezone.now())
    day = boundary.day
    assert list(obstacles_in_period(_period(day, day))) == [obstacle]
    assert list(obstacles_in_period(_period(day - timedelta(days=30), day - timedelta(1)))) == []
    assert list(obstacles_in_period(_period(day + timedelta(1), day + timedelta(days=30)))) == []


def test_the_last_90_days_start_at_local_midnight(boundary, household, coordinator, regional):
    first_day = dates.days_ago(90)
    inside = dates.start_of_day(first_day) + timedelta(minutes=30)
    outside = dates.start_of_day(first_day) - timedelta(minutes=30)
    for moment in (inside, outside, timezone.now()):
        _raise(coordinator, household, moment)
    tile = recent_activity(DashboardContext(regional))
    assert dict(tile.rows)["Knelpunten gemeld"] == "2"
