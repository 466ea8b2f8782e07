"""Reads on learning, scoped through ``accounts.policies``."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from maatpact.accounts import policies
from maatpact.accounts.models import User

from .models import ApproachChange, Lesson, Reflection, ReflectionSession, Theme


def household_reflections(user: User, household, *, full: bool | None = None) -> list[Reflection]:
    return list(
        policies.visible_reflections(user, household, full=full)
        .select_related("author")
        .order_by("-written_at")
    )


def get_own_reflection(user: User, pk: int) -> Reflection:
    """Only the author may open a reflection for editing: 404 for whoever cannot read it,
    403 for a reader who is not its author (``common.refusals``)."""
    from maatpact.common.refusals import refuse

    reflection = (
        policies.visible_reflections(user).select_related("household").filter(pk=pk).first()
    )
    if reflection is None:
        raise Http404("Reflectie niet gevonden.")
    if not policies.can_edit_reflection(user, reflection):
        refuse("Alleen de schrijver wijzigt een reflectie.")
    return reflection


def search_lessons(q: str = "", theme: str = "") -> QuerySet[Lesson]:
    qs = Lesson.objects.prefetch_related("themes").select_related("session")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if theme:
        qs = qs.filter(themes__code=theme)
    return qs.order_by("-created_at", "-pk")


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.annotate(n=Count("lessons")).order_by("name")


def sessions(user: User) -> QuerySet[ReflectionSession]:
    return (
        policies.visible_sessions(user)
        .annotate(n_households=Count("households", distinct=True))
        .order_by("-held_on", "-pk")
    )


def get_session(user: User, pk: int) -> ReflectionSession:
    session = (
        policies.visible_sessions(user)
        .prefetch_related(
            "participants",
            "households",
            Prefetch("lessons", queryset=Lesson.objects.prefetch_related("themes")),
        )
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404("Bijeenkomst niet gevonden.")
    return session


def changes() -> QuerySet[ApproachChange]:
    return ApproachChange.objects.prefetch_related("lessons").order_by("-changed_on", "-pk")
