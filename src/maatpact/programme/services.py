"""Writes of the programme. Each function is one transaction and leaves an audit record."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.households.models import Cohort, Household
from maatpact.regions.models import Region

from . import access, selectors
from .models import Phase, Programme, Screening

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
PHASE_FIELDS = (
    "name",
    "goal",
    "starts_on",
    "ends_on",
    "planned_households",
    "min_domains",
    "min_laws",
)


def _require_manager(actor: User) -> None:
    if not access.can_manage_programme(actor):
        raise PermissionDenied("Alleen het programmateam beheert het programma.")


@transaction.atomic
def create_programme(
    actor: User, *, region: Region, name: str, starts_on: date, planned_households: int
) -> Programme:
    _require_manager(actor)
    if Programme.objects.filter(region=region).exists():
        raise ValidationError({"region": "Deze regio heeft al een programma."})
    if planned_households is None or planned_households < 1:
        raise ValidationError({"planned_households": "Het beoogde bereik is minstens 1."})
    programme = Programme.objects.create(
        region=region, name=name.strip(), starts_on=starts_on, planned_households=planned_households
    )
    record(actor, Action.CREATE, programme, detail="programma")
    return programme


def _validate_phase(programme: Programme, phase: Phase) -> None:
    errors: dict[str, str] = {}
    if phase.number not in (1, 2, 3):
        errors["number"] = "Een fase heeft nummer 1, 2 of 3."
    elif (
        Phase.objects.filter(programme=programme, number=phase.number).exclude(pk=phase.pk).exists()
    ):
        errors["number"] = f"Fase {phase.number} bestaat al in dit programma."
    if phase.starts_on and phase.starts_on < programme.starts_on:
        errors["starts_on"] = "Een fase begint niet voor de start van het programma."
    if phase.ends_on and phase.starts_on and phase.ends_on < phase.starts_on:
        errors["ends_on"] = "Het einde ligt voor de start van de fase."
    if not phase.planned_households or phase.planned_households < 1:
        errors["planned_households"] = "Het beoogde aantal huishoudens is minstens 1."
    if phase.min_domains is None or not 0 <= phase.min_domains <= 30:
        errors["min_domains"] = "Kies een aantal leefgebieden tussen 0 en 30."
    if phase.min_laws is None or not 0 <= phase.min_laws <= 30:
        errors["min_laws"] = "Kies een aantal wetten tussen 0 en 30."
    if not (phase.name or "").strip():
        errors["name"] = "Geef de fase een naam."
    if not (phase.goal or "").strip():
        errors["goal"] = "Beschrijf het doel van de fase."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_phase(
    actor: User, programme: Programme, *, phase: Phase | None = None, number: int, **values
) -> Phase:
    """Create a phase or change an open one; a closed phase is frozen."""
    _require_manager(actor)
    if phase is not None:
        phase = Phase.objects.select_for_update().get(pk=phase.pk)
        if phase.is_closed:
            raise ValidationError("Deze fase is afgesloten; een besluit wordt niet meer gewijzigd.")
        changed = [f for f in PHASE_FIELDS if f in values and getattr(phase, f) != values[f]]
        if number != phase.number:
            changed.append("number")
    else:
        phase = Phase(programme=programme)
        changed = []
    phase.number = number
    for field in PHASE_FIELDS:
        if field in values:
            setattr(phase, field, values[field])
    _validate_phase(programme, phase)
    creating = phase.pk is None
    if not creating and not changed:
        return phase  # saved unchanged: no write, no audit "change"
    phase.save()
    record(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        phase,
        detail="fase" if creating else "fase: " + ", ".join(sorted(changed)),
    )
    return phase


@transaction.atomic
def close_phase(
    actor: User,
    phase: Phase,
    *,
    closed_on: date,
    decided_by: str,
    decision: str,
    decision_basis: str,
    document_name: str = "",
    document_type: str = "",
    document: bytes | None = None,
) -> Phase:
    """Record the decision that closes a phase, with its document; once, never again."""
    _require_manager(actor)
    phase = Phase.objects.select_for_update().get(pk=phase.pk)
    errors: dict[str, str] = {}
    if phase.is_closed:
        raise ValidationError("Deze fase is al afgesloten.")
    if closed_on is None:
        errors["closed_on"] = "Vul de datum van het besluit in."
    elif closed_on < phase.starts_on:
        errors["closed_on"] = "Een fase wordt niet afgesloten voor haar start."
    elif closed_on > dates.today():
        errors["closed_on"] = "Een besluit ligt niet in de toekomst."
    required = {
        "decided_by": (decided_by, "Vul in wie het besluit nam (bijvoorbeeld de stuurgroep)."),
        "decision": (decision, "Beschrijf het besluit."),
        "decision_basis": (decision_basis, "Noem de rapportage waarop het besluit rust."),
    }
    for field, (value, message) in required.items():
        if not (value or "").strip():
            errors[field] = message
    if document is not None:
        if len(document) > MAX_DOCUMENT_BYTES:
            errors["document"] = "Het document is groter dan 10 MB."
        elif document_type not in DOCUMENT_TYPES:
            errors["document"] = "Voeg het besluit toe als PDF of Word-document (.docx)."
        elif document_type == "application/pdf" and not document.startswith(b"%PDF-"):
            errors["document"] = "Dit bestand is geen PDF."
    if errors:
        raise ValidationError(errors)
    phase.closed_on = closed_on
    phase.closed_by = actor
    phase.decided_by = decided_by.strip()[:200]
    phase.decision = decision.strip()
    phase.decision_basis = decision_basis.strip()[:200]
    if document is not None:
        phase.document = document
        phase.document_name = (document_name or "besluit").strip()[:200]
        phase.document_type = document_type
        phase.document_sha256 = hashlib.sha256(document).hexdigest()
    phase.save()
    record(actor, Action.UPDATE, phase, detail="fase afgesloten met besluit")
    return phase


COHORT_FIELDS = ("name", "phase", "capacity", "starts_on")


@transaction.atomic
def save_cohort(
    actor: User, *, cohort: Cohort | None = None, region: Region | None = None, **values
) -> Cohort:
    """Create or change a cohort; its capacity never drops below the households in it."""
    _require_manager(actor)
    errors: dict[str, str] = {}
    if cohort is not None:
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    else:
        if region is None:
            raise ValidationError({"region": "Kies de regio van het cohort."})
        cohort = Cohort(region=region)
    municipalities = values.pop("municipalities", None)
    changed = [f for f in COHORT_FIELDS if f in values and getattr(cohort, f, None) != values[f]]
    if municipalities is not None:
        wanted = {m.pk for m in municipalities}
        current = set(cohort.municipalities.values_list("pk", flat=True)) if cohort.pk else set()
        if wanted != current:
            changed.append("municipalities")
        outside = [m.name for m in municipalities if m.region_id != cohort.region_id]
        if outside:
            errors["municipalities"] = (
                f"{', '.join(sorted(outside))} hoort niet bij de regio van het cohort."
            )
        elif wanted and cohort.pk:
            selected = (
                cohort.households.filter(status__in=selectors.ACTIVE_STATUSES)
                .exclude(municipality_id__in=wanted)
                .values_list("municipality__name", flat=True)
                .distinct()
            )
            if selected:
                errors["municipalities"] = (
                    "Er zitten al huishoudens uit "
                    + ", ".join(sorted(selected))
                    + " in dit cohort; die gemeente blijft erbij."
                )
    for field in COHORT_FIELDS:
        if field in values:
            setattr(cohort, field, values[field])
    name = (cohort.name or "").strip()
    if not name:
        errors["name"] = "Geef het cohort een naam."
    elif Cohort.objects.filter(name=name).exclude(pk=cohort.pk).exists():
        errors["name"] = "Er is al een cohort met deze naam."
    if cohort.phase not in Cohort.Phase.values:
        errors["phase"] = "Kies fase 1, 2 of 3."
    if not cohort.capacity or cohort.capacity < 1:
        errors["capacity"] = "De capaciteit is minstens 1."
    elif cohort.pk:
        taken = cohort.households.filter(status__in=selectors.ACTIVE_STATUSES).count()
        if cohort.capacity < taken:
            errors["capacity"] = (
                f"Er zitten al {taken} geselecteerde of actieve huishoudens in dit cohort; "
                "de capaciteit kan niet lager."
            )
        moved = cohort.households.exclude(status=Household.Status.AANGEMELD).exists()
        if "phase" in changed and moved:
            errors["phase"] = "Een cohort met geselecteerde huishoudens wisselt niet van fase."
    if cohort.starts_on is None:
        errors["starts_on"] = "Vul de startdatum in."
    if errors:
        raise ValidationError(errors)
    creating = cohort.pk is None
    if not creating and not changed:
        return cohort
    cohort.name = name
    cohort.save()
    if municipalities is not None and "municipalities" in changed:
        cohort.municipalities.set(municipalities)
    record(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        cohort,
        detail="cohort" if creating else "cohort: " + ", ".join(sorted(changed)),
    )
    return cohort


def _store_screening(
    actor: User,
    household: Household,
    cohort: Cohort | None,
    on: date,
    *,
    override_reason: str = "",
) -> Screening:
    criteria = selectors.criteria_for(cohort)
    found = selectors.findings(household, on)
    meets = found.domains_found >= criteria.min_domains and found.laws_found >= criteria.min_laws
    if meets:
        result = Screening.Result.VOLDOET
        override_reason = ""
    elif override_reason:
        result = Screening.Result.AFWIJKING
    else:
        result = Screening.Result.VOLDOET_NIET
    screening = Screening.objects.create(
        household=household,
        phase=criteria.phase,
        screened_on=on,
        screened_by=actor,
        min_domains=criteria.min_domains,
        min_laws=criteria.min_laws,
        domains_found=found.domains_found,
        laws_found=found.laws_found,
        assessment_on=found.assessment_on,
        result=result,
        override_reason=override_reason[:500],
    )
    record(
        actor,
        Action.CREATE,
        screening,
        household_id=household.pk,
        detail=f"screening: {result}",
    )
    return screening


@transaction.atomic
def screen(
    actor: User, household: Household, *, cohort: Cohort | None = None, on: date | None = None
) -> Screening:
    """Check a household against the criteria of the phase it would enter, and store it."""
    if not access.can_screen(actor, household):
        raise PermissionDenied("U mag dit huishouden niet screenen.")
    return _store_screening(actor, household, cohort or household.cohort, on or dates.today())


def selection_guard(
    actor: User, household: Household, cohort: Cohort, on: date, override_reason: str
) -> None:
    """Registered with households.services: selection only within the criteria.

    A household that does not meet them is selected only by a team lead of its
    municipality with a reason. The screening is stored with the selection; a refused
    selection stores nothing (one transaction), the explicit ``screen`` records a
    "voldoet niet".
    """
    criteria = selectors.criteria_for(cohort)
    found = selectors.findings(household, on)
    if found.domains_found >= criteria.min_domains and found.laws_found >= criteria.min_laws:
        _store_screening(actor, household, cohort, on)
        return
    shortfall = []
    if found.domains_found < criteria.min_domains:
        shortfall.append(
            f"{found.domains_found} van de minimaal {criteria.min_domains} leefgebieden "
            "op niveau 1-2 in de laatste ZRM"
        )
    if found.laws_found < criteria.min_laws:
        shortfall.append(
            f"steun vanuit {found.laws_found} van de minimaal {criteria.min_laws} wetten"
        )
    message = "Dit huishouden voldoet niet aan de selectiecriteria: " + "; ".join(shortfall) + "."
    if not override_reason:
        if access.can_override_selection(actor, household):
            hint = " Vul de reden van afwijking in om het toch te selecteren."
        else:
            hint = " Alleen een teamleider kan afwijken, met een reden."
        raise ValidationError({"status": message + hint})
    if not access.can_override_selection(actor, household):
        raise ValidationError(
            {"override_reason": message + " Alleen een teamleider van de gemeente kan afwijken."}
        )
    _store_screening(actor, household, cohort, on, override_reason=override_reason)
