"""Writes on learning. One transaction each, audited; reflections only by their author."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record, record_many
from maatpact.common.refusals import Forbidden
from maatpact.common.versions import LEARNING, data_changed
from maatpact.households.models import Household

from .models import ApproachChange, Lesson, Reflection, ReflectionSession, Theme


def _require(**texts: str) -> None:
    errors = {name: "Vul dit veld in." for name, value in texts.items() if not value.strip()}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def write_reflection(
    actor: User,
    household: Household,
    *,
    what_happened: str,
    what_worked: str,
    next_time: str = "",
    now: datetime | None = None,
) -> Reflection:
    if not policies.can_write_reflection(actor, household):
        raise Forbidden("Alleen de regisseur van dit huishouden schrijft hier een reflectie.")
    _require(what_happened=what_happened, what_worked=what_worked)
    reflection = Reflection.objects.create(
        household=household,
        author=actor,
        what_happened=what_happened.strip(),
        what_worked=what_worked.strip(),
        next_time=next_time.strip(),
        written_at=now or timezone.now(),
    )
    record(actor, Action.CREATE, reflection, household_id=household.pk, detail="reflectie")
    data_changed(LEARNING)  # cached report section (common.versions)
    return reflection


@transaction.atomic
def edit_reflection(
    actor: User,
    reflection: Reflection,
    *,
    what_happened: str,
    what_worked: str,
    next_time: str = "",
) -> Reflection:
    """Only the author edits; anyone else is refused and nothing is written."""
    reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
    if not policies.can_edit_reflection(actor, reflection):
        raise PermissionDenied("Alleen de schrijver kan deze reflectie wijzigen.")
    _require(what_happened=what_happened, what_worked=what_worked)
    new = {
        "what_happened": what_happened.strip(),
        "what_worked": what_worked.strip(),
        "next_time": next_time.strip(),
    }
    if all(getattr(reflection, name) == value for name, value in new.items()):
        return reflection  # an unchanged edit form writes nothing and logs no change
    for name, value in new.items():
        setattr(reflection, name, value)
    reflection.save()
    record(
        actor,
        Action.UPDATE,
        reflection,
        household_id=reflection.household_id,
        detail="what_happened, what_worked, next_time",
    )
    data_changed(LEARNING)  # cached report section (common.versions)
    return reflection


@transaction.atomic
def record_session(
    actor: User,
    *,
    held_on: date,
    title: str,
    participants: list[User],
    households: list[Household],
    notes: str = "",
    now: datetime | None = None,
) -> ReflectionSession:
    if not policies.can_manage_sessions(actor):
        raise Forbidden("Alleen het programmateam of een teamleider legt bijeenkomsten vast.")
    _require(title=title)
    if not participants:
        raise ValidationError({"participants": "Kies wie er bij de bijeenkomst waren."})
    session = ReflectionSession.objects.create(
        held_on=held_on,
        title=title.strip(),
        notes=notes.strip(),
        created_by=actor,
        created_at=now or timezone.now(),
    )
    session.participants.set(participants)
    session.households.set(households)
    record(actor, Action.CREATE, session, detail=f"bijeenkomst; {len(households)} casussen")
    record_many(
        actor,
        Action.UPDATE,
        "households.household",
        [h.pk for h in households],
        detail=f"besproken in reflectiebijeenkomst {session.pk}",
    )
    data_changed(LEARNING)  # cached report section (common.versions)
    return session


@transaction.atomic
def add_lesson(
    actor: User,
    *,
    title: str,
    body: str,
    themes: list[Theme],
    session: ReflectionSession | None = None,
    now: datetime | None = None,
) -> Lesson:
    if not policies.can_manage_sessions(actor):
        raise Forbidden("Alleen het programmateam of een teamleider legt lessen vast.")
    _require(title=title, body=body)
    if not themes:
        raise ValidationError({"themes": "Kies ten minste één thema."})
    lesson = Lesson.objects.create(
        title=title.strip(),
        body=body.strip(),
        session=session,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    lesson.themes.set(themes)
    record(actor, Action.CREATE, lesson, detail="les")
    data_changed(LEARNING)  # cached report section (common.versions)
    return lesson


@transaction.atomic
def log_change(
    actor: User,
    *,
    changed_on: date,
    title: str,
    description: str,
    lessons: list[Lesson],
    now: datetime | None = None,
) -> ApproachChange:
    if not policies.can_manage_sessions(actor):
        raise Forbidden("Alleen het programmateam of een teamleider legt wijzigingen vast.")
    _require(title=title, description=description)
    if not lessons:
        raise ValidationError({"lessons": "Noem de les(sen) waar deze wijziging uit volgt."})
    change = ApproachChange.objects.create(
        changed_on=changed_on,
        title=title.strip(),
        description=description.strip(),
        created_by=actor,
        created_at=now or timezone.now(),
    )
    change.lessons.set(lessons)
    record(actor, Action.CREATE, change, detail="wijziging aanpak")
    data_changed(LEARNING)  # cached report section (common.versions)
    return change
