"""What the obstacles app contributes to shared pages (see common.registry)."""

from __future__ import annotations

from django.urls import reverse

from maatpact.accounts import policies
from maatpact.common import dates
from maatpact.common.registry import (
    HouseholdPanel,
    NavItem,
    WorklistItem,
    WorklistSource,
    register_nav,
    register_panel,
    register_worklist_source,
)

from . import selectors

WORKLIST_LIMIT = 50


def _panel(request, household, full):
    obstacles = selectors.household_obstacles(household)
    totals = selectors.linked_spend_totals([o.pk for o in obstacles], request.user)
    for o in obstacles:
        o.linked_spend_total = totals.get(o.pk)
    return {
        "obstacles": obstacles,
        "show_budget": bool(totals),
        "today": dates.today(),
        "can_raise": policies.can_raise_obstacle(request.user, household, full=full),
    }


def _escalation_items(user):
    """Open obstacles waiting on the user's level, with their age: one query."""
    today = dates.today()
    qs = (
        policies.obstacles_on_my_level(user)
        .select_related("household", "current_level")
        .order_by("deadline", "raised_at")[:WORKLIST_LIMIT]
    )
    for obstacle in qs:
        age = selectors.age_days(obstacle, today)
        yield WorklistItem(
            kind="escalatie",
            label=(
                f"Knelpunt {obstacle.pk} op niveau {obstacle.current_level.name} "
                f"({obstacle.get_type_display().lower()}, {age} dagen oud)"
            ),
            url=reverse("obstacles:detail", args=[obstacle.pk]),
            household_number=obstacle.household.number if obstacle.household else "",
            due=obstacle.deadline,
            overdue=obstacle.deadline is not None and obstacle.deadline < today,
        )


def _escalation_source(user):
    return list(_escalation_items(user))


register_panel(HouseholdPanel("obstacles", 60, "obstacles/panels/obstacles.html", _panel))
register_worklist_source(WorklistSource("escalations", 40, _escalation_source))

CASE_ROLES = frozenset({"regisseur", "teamleider", "programmateam"})
register_nav(NavItem("Knelpunten", "obstacles:list", 30, CASE_ROLES))
register_nav(NavItem("Escalaties", "obstacles:escalations", 31, frozenset({"programmateam"})))
register_nav(
    NavItem("Voorstellen", "obstacles:proposals", 40, frozenset({"programmateam", "teamleider"}))
)
register_nav(
    NavItem(
        "Analyse knelpunten",
        "obstacles:analysis",
        50,
        frozenset({"programmateam", "analist", "teamleider"}),
    )
)
