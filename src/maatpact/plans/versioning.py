"""Field-level version history of the plan, its goals and its actions.

Every service that changes the plan calls :func:`log_change` inside its transaction. The
plan row is locked while the next version number is taken, so versions are gap-free and
two concurrent edits never get the same number (the unique constraint backs this up).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils import timezone

from .models import Action, Goal, Plan, PlanChange

TRACKED: dict[type[models.Model], tuple[str, ...]] = {
    Plan: ("future_in_own_words", "first_need_in_own_words", "agreed_on"),
    Goal: ("domain_code", "description", "status"),
    Action: ("goal", "who_kind", "who", "organisation", "what", "due_on", "status", "done_on"),
}
SUBJECTS = {
    Plan: PlanChange.Subject.PLAN,
    Goal: PlanChange.Subject.DOEL,
    Action: PlanChange.Subject.ACTIE,
}


def display(obj: models.Model, name: str) -> str:
    """A field's value as the text a reader of the history understands."""
    field = obj._meta.get_field(name)
    if field.choices:
        return str(getattr(obj, f"get_{name}_display")())
    value: Any = getattr(obj, name)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def snapshot(obj: models.Model) -> dict[str, str]:
    return {name: display(obj, name) for name in TRACKED[type(obj)]}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        name: [before.get(name, ""), new]
        for name, new in after.items()
        if before.get(name, "") != new
    }


def log_change(
    actor: Any, plan: Plan, obj: models.Model, kind: str, changes: dict[str, list[str]]
) -> PlanChange | None:
    """Append one version; nothing when an edit changed nothing."""
    if not changes:
        return None
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    last = PlanChange.objects.filter(plan=plan).aggregate(v=Max("version"))["v"] or 0
    return PlanChange.objects.create(
        plan=plan,
        version=last + 1,
        subject=SUBJECTS[type(obj)],
        subject_id=obj.pk,
        kind=kind,
        diff=changes,
        changed_by=actor,
        changed_at=timezone.now(),
    )
