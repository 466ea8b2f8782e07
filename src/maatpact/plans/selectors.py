"""Reads on the plan: the plan with goals and actions, its history, actions that are due."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common.registry import WorklistItem
from maatpact.households.models import Household

from .models import Action, Plan, PlanChange


def life_domains() -> list[tuple[str, str]]:
    """(code, name) of the life domains of the instruments in use: goals are set per domain."""
    from maatpact.assessments.models import Domain

    seen: dict[str, str] = {}
    for code, name in (
        Domain.objects.filter(instrument__active=True)
        .order_by("instrument__kind", "order")
        .values_list("code", "name")
    ):
        seen.setdefault(code, name)
    return list(seen.items())


def _domain_name() -> Coalesce:
    """The goal's life domain name, as :func:`life_domains` names it (else its code)."""
    from maatpact.assessments.models import Domain

    names = Domain.objects.filter(instrument__active=True, code=OuterRef("domain_code")).order_by(
        "instrument__kind", "order"
    )
    return Coalesce(Subquery(names.values("name")[:1]), F("domain_code"), output_field=CharField())


def plan_for(household: Household) -> Plan:
    """The one plan with ``goal_list`` (goals named by domain, each with ``action_list``)
    and ``loose_actions`` (actions without a goal).

    Three plain queries, however long the plan (the plan is created on first use).
    """
    plan = Plan.objects.filter(household=household).first()
    if plan is None:
        plan, _ = Plan.objects.get_or_create(household=household)
    plan.goal_list = list(plan.goals.annotate(domain_name=_domain_name()))
    by_goal: dict[int | None, list[Action]] = defaultdict(list)
    for action in plan.actions.select_related("organisation").order_by("due_on", "pk"):
        by_goal[action.goal_id].append(action)
    for goal in plan.goal_list:
        goal.action_list = by_goal.get(goal.pk, [])
    plan.loose_actions = by_goal.get(None, [])
    return plan


def open_actions(household: Household) -> list[Action]:
    return list(
        Action.objects.filter(plan__household=household, status__in=Action.OPEN_STATUSES)
        .select_related("goal", "organisation")
        .order_by("due_on", "pk")
    )


def plan_history(plan: Plan) -> QuerySet[PlanChange]:
    return plan.changes.select_related("changed_by").order_by("-version")


def readable_changes(changes) -> list[tuple[PlanChange, list[tuple[str, list[str]]]]]:
    """Each change with its labelled diff, a goal's life domain by name rather than its
    code (older versions stored the code). One query for the domain names."""
    names = dict(life_domains())
    rows = []
    for change in changes:
        diff = [
            (label, [names.get(v, v) for v in values] if field == "domain_code" else values)
            for field, label, values in change.labelled_fields()
        ]
        rows.append((change, diff))
    return rows


def actions_due(user: User, today: date) -> list[WorklistItem]:
    """Open actions due within the look-ahead (or overdue) across the user's households."""
    horizon = today + timedelta(days=settings.MAATPACT.get("WORKLIST_LOOKAHEAD_DAYS", 14))
    rows = (
        Action.objects.filter(
            plan__household__in=policies.worklist_households(user),
            status__in=Action.OPEN_STATUSES,
            due_on__lte=horizon,
        )
        .order_by("due_on", "pk")
        .values_list("pk", "what", "due_on", "plan__household__number")
    )
    return [
        WorklistItem(
            kind="actie",
            label=f"Actie: {what[:80]}",
            url=reverse("plans:detail", args=[number]) + f"#actie-{pk}",
            household_number=number,
            due=due_on,
            overdue=due_on < today,
        )
        for pk, what, due_on, number in rows
    ]


def full_access_plans(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(household__in=policies.full_access_households(user))
