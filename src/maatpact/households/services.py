"""Writes on households. Each function is one transaction and leaves an audit record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import Role, User
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.refusals import Forbidden
from maatpact.common.versions import HOUSEHOLDS, data_changed
from maatpact.plans.models import Plan
from maatpact.regions.models import Municipality

from .models import (
    Cohort,
    CoordinatorAssignment,
    Counter,
    Household,
    Member,
    ProcessingBasis,
    StatusChange,
)

Status = Household.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.AANGEMELD: frozenset({Status.GESELECTEERD, Status.AFGESLOTEN}),
    Status.GESELECTEERD: frozenset({Status.ACTIEF, Status.AFGESLOTEN}),
    Status.ACTIEF: frozenset({Status.AFGESLOTEN}),
    Status.AFGESLOTEN: frozenset(),
}


@dataclass
class MemberData:
    first_name: str
    last_name: str
    date_of_birth: date
    role: str
    bsn: str = ""


def format_number(value: int) -> str:
    return f"MP-{value:04d}"


def next_household_numbers(count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive numbers; the counter row is locked meanwhile."""
    with transaction.atomic():
        Counter.objects.get_or_create(name="household")
        counter = Counter.objects.select_for_update().get(name="household")
        start = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
    return [format_number(n) for n in range(start, start + count)]


def _validate_members(members: list[MemberData]) -> None:
    if not members:
        raise ValidationError({"members": "Een huishouden heeft ten minste één gezinslid."})
    seen: set[str] = set()
    for member in members:
        if member.bsn:
            if member.bsn in seen:
                raise ValidationError(
                    {"members": "Hetzelfde BSN staat twee keer in dit huishouden."}
                )
            seen.add(member.bsn)


@transaction.atomic
def register_household(
    actor: User,
    *,
    municipality: Municipality,
    street: str,
    house_number: str,
    postcode: str,
    city: str,
    members: list[MemberData],
    coordinator: User | None = None,
    registered_on: date | None = None,
) -> Household:
    """Intake: household, members, its one plan and its one coordinator, all or nothing."""
    if not policies.can_register_in(actor, municipality.pk):
        raise ValidationError(
            {"municipality": "U kunt alleen huishoudens in uw eigen gemeente aanmelden."}
        )
    if coordinator is None:
        if actor.role != Role.REGISSEUR:
            raise ValidationError({"coordinator": "Kies een regisseur voor dit huishouden."})
        coordinator = actor
    if coordinator.role != Role.REGISSEUR or coordinator.municipality_id != municipality.pk:
        raise ValidationError(
            {"coordinator": "De regisseur moet werken voor de gemeente van het huishouden."}
        )
    _validate_members(members)
    if registered_on is not None and registered_on > dates.today():
        raise ValidationError({"registered_on": "Een aanmelding ligt niet in de toekomst."})

    household = Household(
        number=next_household_numbers()[0],
        municipality=municipality,
        street=street.strip(),
        house_number=house_number.strip(),
        postcode=postcode.strip().upper(),
        city=city.strip(),
        registered_on=registered_on or dates.today(),
    )
    household.full_clean()
    household.save()
    member_objects = []
    for data in members:
        member = Member(
            household=household,
            first_name=data.first_name.strip(),
            last_name=data.last_name.strip(),
            date_of_birth=data.date_of_birth,
            bsn=data.bsn.strip(),
            role=data.role,
        )
        member.full_clean()
        member_objects.append(member)
    try:
        with transaction.atomic():
            Member.objects.bulk_create(member_objects)
    except IntegrityError as exc:
        raise ValidationError(
            {"members": "Een van deze BSN's is al bij een ander huishouden bekend."}
        ) from exc
    Plan.objects.create(household=household)
    now = timezone.now()
    CoordinatorAssignment.objects.create(
        household=household,
        coordinator=coordinator,
        started_at=now,
        assigned_by=actor,
        reason="Intake",
    )
    StatusChange.objects.create(
        household=household,
        from_status="",
        to_status=Status.AANGEMELD,
        changed_by=actor,
        changed_at=now,
        reason="Intake",
    )
    record(
        actor,
        Action.CREATE,
        household,
        household_id=household.pk,
        detail=f"intake; {len(member_objects)} gezinsleden",
    )
    data_changed(HOUSEHOLDS)  # cached report figures (common.versions)
    return household


def _check_status_date(household: Household, to_status: str, on: date) -> None:
    """A back-dated step (households helped before the system existed) keeps the order
    aangemeld <= geselecteerd <= actief <= afgesloten, and nothing lies in the future."""
    if on > dates.today():
        raise ValidationError({"on": "Een statuswijziging ligt niet in de toekomst."})
    earlier = {
        Status.GESELECTEERD: (household.registered_on, "de aanmelding"),
        Status.ACTIEF: (household.selected_on or household.registered_on, "de selectie"),
        Status.AFGESLOTEN: (
            household.started_on or household.selected_on or household.registered_on,
            "de vorige stap",
        ),
    }.get(to_status)
    if earlier and earlier[0] and on < earlier[0]:
        raise ValidationError(
            {"on": f"Deze datum ligt vóór {earlier[1]} ({earlier[0].strftime('%d-%m-%Y')})."}
        )


# Checks that run when a household is selected, registered by other apps (the programme
# app's screening): ``guard(actor, household, cohort, on, override_reason)`` raises a
# ValidationError to refuse the selection. The households app does not import them.
SelectionGuard = Callable[[User, Household, Cohort, date, str], None]
_selection_guards: list[SelectionGuard] = []


def register_selection_guard(guard: SelectionGuard) -> None:
    if guard not in _selection_guards:
        _selection_guards.append(guard)


@transaction.atomic
def change_status(
    actor: User,
    household: Household,
    to_status: str,
    *,
    reason: str = "",
    cohort: Cohort | None = None,
    on: date | None = None,
    override_reason: str = "",
) -> Household:
    """Move along aangemeld -> geselecteerd -> actief -> afgesloten; nothing else.

    At selection the registered guards check the programme's criteria; a team lead may
    select a household that does not meet them with an ``override_reason``.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not policies.can_change_status(actor, household):
        raise Forbidden("U mag de status van dit huishouden niet wijzigen.")
    if to_status not in Status.values:
        raise ValidationError({"status": "Onbekende status."})
    if to_status not in ALLOWED_TRANSITIONS[household.status]:
        raise ValidationError(
            {
                "status": (
                    f"Van '{household.get_status_display()}' naar '{Status(to_status).label}' "
                    "is geen toegestane stap."
                )
            }
        )
    today = on or dates.today()
    _check_status_date(household, to_status, today)
    reason = reason.strip()
    if to_status == Status.AFGESLOTEN:
        if not reason:
            raise ValidationError({"reason": "Geef een reden voor het afsluiten."})
        household.closed_on = today
        household.closure_reason = reason[:200]
    elif to_status == Status.GESELECTEERD:
        cohort = cohort or household.cohort
        if cohort is None:
            raise ValidationError({"cohort": "Kies het cohort waarin het huishouden instroomt."})
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        allowed = list(cohort.municipalities.values_list("pk", flat=True))
        if allowed and household.municipality_id not in allowed:
            raise ValidationError(
                {"cohort": f"Cohort '{cohort.name}' is niet open voor deze gemeente."}
            )
        taken = cohort.households.filter(status__in=[Status.GESELECTEERD, Status.ACTIEF]).count()
        if taken >= cohort.capacity:
            raise ValidationError(
                {"cohort": f"Cohort '{cohort.name}' is vol ({cohort.capacity} huishoudens)."}
            )
        for guard in _selection_guards:
            guard(actor, household, cohort, today, override_reason.strip())
        household.cohort = cohort
        household.selected_on = today
    elif to_status == Status.ACTIEF:
        household.started_on = today
    from_status = household.status
    household.status = to_status
    household.save()
    StatusChange.objects.create(
        household=household,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:200],
        changed_by=actor,
        changed_at=timezone.now(),
    )
    record(
        actor,
        Action.UPDATE,
        household,
        household_id=household.pk,
        detail=f"status {from_status}->{to_status}",
    )
    data_changed(HOUSEHOLDS)  # cached report figures (common.versions)
    return household


@transaction.atomic
def hand_over(
    actor: User, household: Household, new_coordinator: User, *, reason: str
) -> CoordinatorAssignment:
    """Close the current assignment and open the next: never two, never none."""
    if not policies.can_hand_over(actor, household):
        raise Forbidden("Alleen een teamleider van deze gemeente kan de regie overdragen.")
    if not reason.strip():
        raise ValidationError({"reason": "Geef een reden voor de overdracht."})
    if not policies.eligible_coordinators(household).filter(pk=new_coordinator.pk).exists():
        raise ValidationError(
            {"coordinator": "Kies een actieve regisseur van de gemeente van dit huishouden."}
        )
    Household.objects.select_for_update().get(pk=household.pk)
    current = CoordinatorAssignment.objects.filter(
        household=household, ended_at__isnull=True
    ).first()
    if current is not None and current.coordinator_id == new_coordinator.pk:
        raise ValidationError({"coordinator": "Deze regisseur heeft de regie al."})
    now = timezone.now()
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    assignment = CoordinatorAssignment.objects.create(
        household=household,
        coordinator=new_coordinator,
        started_at=now,
        assigned_by=actor,
        reason=reason.strip()[:200],
    )
    record(actor, Action.UPDATE, assignment, household_id=household.pk, detail="regie overgedragen")
    return assignment


@transaction.atomic
def add_processing_basis(actor: User, household: Household, **fields: Any) -> ProcessingBasis:
    if not policies.full_access_households(actor).filter(
        pk=household.pk
    ).exists() or actor.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        raise Forbidden("U mag de grondslagen van dit huishouden niet wijzigen.")
    basis = ProcessingBasis(household=household, **fields)
    if basis.basis == ProcessingBasis.Basis.TOESTEMMING and basis.cross_domain:
        raise ValidationError(
            {
                "basis": (
                    "Toestemming alleen is geen geldige grondslag om gegevens over domeinen "
                    "heen te delen. "
                    "Leg een wettelijke taak (met de wet) of vitaal belang vast."
                )
            }
        )
    if basis.basis == ProcessingBasis.Basis.WETTELIJKE_TAAK and not basis.law.strip():
        raise ValidationError({"law": "Noem de wet waarop de wettelijke taak berust."})
    basis.full_clean()
    basis.save()
    record(
        actor, Action.CREATE, basis, household_id=household.pk, detail=f"grondslag {basis.basis}"
    )
    return basis


@transaction.atomic
def withdraw_basis(
    actor: User, basis: ProcessingBasis, *, on: date | None = None
) -> ProcessingBasis:
    """Withdrawing consent stops sharing at once: policies read ``withdrawn_on``."""
    if not policies.full_access_households(actor).filter(
        pk=basis.household_id
    ).exists() or actor.role not in (Role.REGISSEUR, Role.TEAMLEIDER):
        raise Forbidden("U mag de grondslagen van dit huishouden niet wijzigen.")
    basis = ProcessingBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.withdrawn_on is not None:
        raise ValidationError("Deze grondslag is al ingetrokken.")
    basis.withdrawn_on = max(on or dates.today(), basis.given_on)
    basis.save(update_fields=["withdrawn_on"])
    record(actor, Action.UPDATE, basis, household_id=basis.household_id, detail="ingetrokken")
    return basis
