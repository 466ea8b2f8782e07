"""Writes on the plan: one transaction each, versioned (who, when, old -> new), audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action as AuditAction
from maatpact.audit.services import record
from maatpact.common import dates
from maatpact.common.refusals import Forbidden
from maatpact.common.validators import validate_case_date_for
from maatpact.regions.models import Organisation

from .models import Action, Goal, Plan, PlanChange
from .selectors import life_domains
from .versioning import diff, log_change, snapshot

Kind = PlanChange.Kind


def _check(actor: User, plan: Plan) -> None:
    if not policies.can_work_on_case(actor, plan.household):
        raise Forbidden("U mag het plan van dit huishouden niet wijzigen.")


def _text(fields: dict[str, Any], name: str) -> None:
    if name in fields and isinstance(fields[name], str):
        fields[name] = fields[name].strip()


def _set(obj, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"Onbekend veld: {sorted(unknown)[0]}.")
    for name, value in fields.items():
        setattr(obj, name, value)


def _log_create(actor: User, plan: Plan, obj: Plan | Goal | Action, label: str) -> None:
    """A new version of the plan and an audit record, for a created goal or action."""
    log_change(actor, plan, obj, Kind.AANGEMAAKT, diff({}, snapshot(obj)))
    record(actor, AuditAction.CREATE, obj, household_id=plan.household_id, detail=label)


def _unchanged(obj: Plan | Goal | Action, before: dict) -> bool:
    """True when an edit leaves every versioned field as stored: such a save writes
    nothing (no row touched, no version, no audit record), so submitting an edit form
    unchanged leaves no trace."""
    return not diff(before, snapshot(obj))


def _log_update(
    actor: User, plan: Plan, obj: Plan | Goal | Action, before: dict, label: str
) -> None:
    """A new version with the field-level diff, and an audit record naming the fields."""
    changes = diff(before, snapshot(obj))
    log_change(actor, plan, obj, Kind.GEWIJZIGD, changes)
    record(
        actor,
        AuditAction.UPDATE,
        obj,
        household_id=plan.household_id,
        detail=f"{label}: " + ",".join(changes),
    )


@transaction.atomic
def update_plan(actor: User, plan: Plan, **fields: Any) -> Plan:
    """The two questions in the household's own words and the date it agreed."""
    _check(actor, plan)
    for name in ("future_in_own_words", "first_need_in_own_words"):
        _text(fields, name)
    agreed = fields.get("agreed_on")
    if agreed is not None and agreed > dates.today():
        raise ValidationError(
            {"agreed_on": "De datum van afspraak mag niet in de toekomst liggen."}
        )
    if agreed is not None:
        validate_case_date_for(agreed, "agreed_on")
    plan = Plan.objects.select_for_update().select_related("household").get(pk=plan.pk)
    before = snapshot(plan)
    _set(plan, fields, ("future_in_own_words", "first_need_in_own_words", "agreed_on"))
    if _unchanged(plan, before):
        return plan
    plan.save()
    _log_update(actor, plan, plan, before, "plan")
    return plan


def _validate_goal(goal: Goal) -> None:
    if not goal.description:
        raise ValidationError(
            {"description": "Beschrijf het doel in de woorden van het huishouden."}
        )
    if goal.domain_code not in dict(life_domains()):
        raise ValidationError({"domain_code": "Kies een leefgebied uit de lijst."})
    if goal.status not in Goal.Status.values:
        raise ValidationError({"status": "Kies een geldige status."})


@transaction.atomic
def add_goal(
    actor: User, plan: Plan, *, domain_code: str, description: str, status: str = Goal.Status.OPEN
) -> Goal:
    _check(actor, plan)
    order = plan.goals.count() + 1
    goal = Goal(
        plan=plan,
        domain_code=domain_code,
        description=description.strip(),
        status=status,
        order=order,
    )
    _validate_goal(goal)
    goal.save()
    _log_create(actor, plan, goal, "doel")
    return goal


@transaction.atomic
def update_goal(actor: User, goal: Goal, **fields: Any) -> Goal:
    plan = goal.plan
    _check(actor, plan)
    _text(fields, "description")
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = snapshot(goal)
    _set(goal, fields, ("domain_code", "description", "status"))
    _validate_goal(goal)
    if _unchanged(goal, before):
        return goal
    goal.save()
    _log_update(actor, plan, goal, before, "doel")
    return goal


def _validate_action(action: Action) -> None:
    errors: dict[str, str] = {}
    if not action.what:
        errors["what"] = "Beschrijf wat er moet gebeuren."
    if action.who_kind not in Action.Who.values:
        errors["who_kind"] = "Kies wie de actie uitvoert."
    elif action.who_kind == Action.Who.PARTNER and action.organisation_id is None:
        errors["organisation"] = "Kies de partnerorganisatie die de actie uitvoert."
    elif action.who_kind == Action.Who.GEZINSLID and not action.who:
        errors["who"] = "Noem het gezinslid dat de actie uitvoert."
    if action.status not in Action.Status.values:
        errors["status"] = "Kies een geldige status."
    if action.goal_id is not None and action.goal.plan_id != action.plan_id:
        errors["goal"] = "Dit doel hoort niet bij dit plan."
    if errors:
        raise ValidationError(errors)
    if action.who_kind != Action.Who.PARTNER:
        action.organisation = None
    if action.status == Action.Status.GEDAAN and action.done_on is None:
        action.done_on = dates.today()
    if action.status != Action.Status.GEDAAN:
        action.done_on = None


@transaction.atomic
def add_action(
    actor: User,
    plan: Plan,
    *,
    what: str,
    who_kind: str,
    who: str = "",
    organisation: Organisation | None = None,
    goal: Goal | None = None,
    due_on: date | None = None,
    status: str = Action.Status.OPEN,
) -> Action:
    _check(actor, plan)
    action = Action(
        plan=plan,
        goal=goal,
        what=what.strip(),
        who_kind=who_kind,
        who=who.strip(),
        organisation=organisation,
        due_on=due_on,
        status=status,
    )
    _validate_action(action)
    action.save()
    _log_create(actor, plan, action, "actie")
    return action


@transaction.atomic
def update_action(actor: User, action: Action, **fields: Any) -> Action:
    plan = action.plan
    _check(actor, plan)
    for name in ("what", "who"):
        _text(fields, name)
    # Lock only the action row: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer joins that select_related adds for the optional goal and organisation.
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("goal", "organisation")
        .get(pk=action.pk)
    )
    before = snapshot(action)
    _set(action, fields, ("goal", "who_kind", "who", "organisation", "what", "due_on", "status"))
    _validate_action(action)
    if _unchanged(action, before):
        return action
    action.save()
    _log_update(actor, plan, action, before, "actie")
    return action
