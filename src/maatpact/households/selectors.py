"""Reads on households; every list is scoped through ``accounts.policies``."""

from __future__ import annotations

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Concat

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common.registry import WorklistItem, worklist_sources

from .models import CoordinatorAssignment, Household, Member, ProcessingBasis


def _with_coordinator_name(qs: QuerySet[Household]) -> QuerySet[Household]:
    active = CoordinatorAssignment.objects.filter(household=OuterRef("pk"), ended_at__isnull=True)
    return qs.annotate(
        coordinator_id=Subquery(active.values("coordinator_id")[:1]),
        coordinator_name=Subquery(
            active.annotate(
                n=Concat("coordinator__first_name", Value(" "), "coordinator__last_name")
            ).values("n")[:1]
        ),
    )


def my_households(user: User) -> QuerySet[Household]:
    """The coordinator's own households (or, for a team lead, the municipality's)."""
    return (
        policies.full_access_households(user)
        .select_related("municipality", "cohort")
        .order_by("status", "number")
    )


def worklist_households(user: User) -> list[Household]:
    """The coordinator's households for the worklist, each with ``applicants`` (the list
    shows the family by the applicant's surname; the other members are not read)."""
    applicants = Member.objects.filter(role=Member.Role.AANVRAGER)
    return list(
        my_households(user).prefetch_related(
            Prefetch("members", queryset=applicants, to_attr="applicants")
        )
    )


def worklist_items(user: User) -> list[WorklistItem]:
    items: list[WorklistItem] = []
    for source in worklist_sources():
        items.extend(source.items(user))
    return sorted(items, key=lambda i: (not i.overdue, i.due is None, str(i.due or "")))


def household_ids_of_items(items: list[WorklistItem]) -> set[int]:
    """The households named by worklist items (one query), for the read audit."""
    numbers = {i.household_number for i in items if i.household_number}
    if not numbers:
        return set()
    return set(Household.objects.filter(number__in=numbers).values_list("pk", flat=True))


def household_members(household: Household) -> list[Member]:
    """The members, oldest first; loaded once per household object (several panels ask)."""
    prefetch_related_objects(
        [household],
        Prefetch("members", queryset=Member.objects.order_by("date_of_birth"), to_attr="by_age"),
    )
    return household.by_age


def household_assignments(household: Household) -> QuerySet[CoordinatorAssignment]:
    return household.assignments.select_related("coordinator").order_by("-started_at")


def household_bases(household: Household) -> QuerySet[ProcessingBasis]:
    return household.processing_bases.select_related("partner").order_by("-given_on")


def current_coordinator(household: Household) -> User | None:
    assignment = (
        household.assignments.filter(ended_at__isnull=True).select_related("coordinator").first()
    )
    return assignment.coordinator if assignment else None


def municipality_overview(user: User) -> dict:
    """Counts by status and by coordinator for the team lead's municipality."""
    households = policies.full_access_households(user)
    by_status = dict(
        households.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    # Start from the municipality's coordinators (a few dozen) rather than from its
    # households (tens of thousands at national scale); the partial index on active
    # assignments then serves the count.
    by_coordinator = list(
        policies.eligible_coordinators_in(user.municipality_id)
        .annotate(n=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .values("pk", "first_name", "last_name", "n")
        .order_by("last_name", "first_name")
    )
    return {
        "by_status": [(s.label, by_status.get(s.value, 0)) for s in Household.Status],
        "total": sum(by_status.values()),
        "by_coordinator": by_coordinator,
    }


def overview_households(user: User, *, status: str = "", coordinator_id: int | None = None):
    qs = _with_coordinator_name(policies.full_access_households(user).select_related("cohort"))
    if status:
        qs = qs.filter(status=status)
    if coordinator_id:
        qs = qs.filter(
            assignments__coordinator_id=coordinator_id, assignments__ended_at__isnull=True
        )
    return qs.order_by("number")


def prefetch_for_detail(qs: QuerySet[Household]) -> QuerySet[Household]:
    return qs.prefetch_related(
        Prefetch("members"),
        Prefetch(
            "assignments", queryset=CoordinatorAssignment.objects.select_related("coordinator")
        ),
    )
