"""Shared builders for obstacle tests: through the real services, with a frozen clock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from maatpact.obstacles import services
from maatpact.obstacles.models import EscalationLevel, Obstacle
from maatpact.provisions.models import Law

TZ = ZoneInfo("Europe/Amsterdam")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=TZ)


def level(code: str) -> EscalationLevel:
    return EscalationLevel.objects.get(code=code)


def raise_obstacle(
    actor, household=None, *, now=None, rule="Participatiewet art. 18", **overrides
) -> Obstacle:
    data = dict(
        type="wet",
        description="Geheime omschrijving: de uitkering wordt gekort door een maatregel.",
        rule_text=rule,
        law=Law.objects.get(code="participatiewet"),
        delay_days=10,
        harm_euros=Decimal("250.00"),
    )
    data.update(overrides)
    return services.raise_obstacle(
        actor, services.ObstacleData(**data), household=household, now=now or at(2026, 11, 2)
    )


def put_on_level(obstacle: Obstacle, code: str, *, now=None) -> Obstacle:
    """Climb the ladder automatically up to ``code`` (as the cron would)."""
    from maatpact.obstacles.services import _move_up

    target = level(code)
    while obstacle.current_level.order < target.order:
        _move_up(
            obstacle,
            actor=None,
            now=now or obstacle.raised_at,
            reference="LE-1" if obstacle.current_level.order + 1 == 5 else "",
        )
        obstacle.refresh_from_db()
    return obstacle
