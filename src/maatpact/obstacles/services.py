"""Writes on obstacles. Each function is one transaction and leaves an audit record.

Clocks are injectable (``now``) so the escalation ladder can be tested with a frozen
clock; deadlines are working days (weekends skipped) from the local date of a step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import Role, User
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.dates import add_working_days
from maatpact.common.refusals import Forbidden
from maatpact.common.versions import OBSTACLES, data_changed
from maatpact.households.models import Household
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Organisation

from .models import (
    Breakthrough,
    CustomFitDecision,
    EscalationLevel,
    EscalationStep,
    Obstacle,
    ProposalAdoption,
    StructuralProposal,
)

log = logging.getLogger(__name__)

ProposalStatus = StructuralProposal.Status
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.CONCEPT: frozenset({ProposalStatus.INGEDIEND}),
    ProposalStatus.INGEDIEND: frozenset(
        {ProposalStatus.AANGENOMEN, ProposalStatus.AFGEWEZEN, ProposalStatus.CONCEPT}
    ),
    ProposalStatus.AANGENOMEN: frozenset(),
    ProposalStatus.AFGEWEZEN: frozenset(),
}


def deadline_for(level: EscalationLevel, at: datetime) -> date | None:
    """The last day on this level: N working days after the local date of arrival."""
    if level.deadline_working_days is None:
        return None
    return add_working_days(dates.local_day(at), level.deadline_working_days)


def _first_level() -> EscalationLevel:
    level = EscalationLevel.objects.order_by("order").first()
    if level is None:
        raise ValidationError("De escalatieladder is niet ingericht (geen niveaus).")
    return level


def _next_level(level: EscalationLevel | None) -> EscalationLevel | None:
    qs = EscalationLevel.objects.order_by("order")
    return qs.first() if level is None else qs.filter(order__gt=level.order).first()


@dataclass
class ObstacleData:
    type: str
    description: str
    rule_text: str = ""
    rule_url: str = ""
    law: Law | None = None
    organisation: Organisation | None = None
    delay_days: int = 0
    harm_euros: Decimal = Decimal("0.00")


@transaction.atomic
def raise_obstacle(
    actor: User,
    data: ObstacleData,
    *,
    household: Household | None = None,
    municipality: Municipality | None = None,
    now: datetime | None = None,
) -> Obstacle:
    """Register an obstacle; it starts on the first level of the ladder with its deadline."""
    now = now or timezone.now()
    if not policies.can_raise_obstacle(actor, household):
        raise Forbidden("U mag voor dit huishouden geen knelpunt melden.")
    if household is not None:
        municipality = household.municipality
    elif municipality is None:
        municipality = actor.municipality
    if municipality is None:
        raise ValidationError({"municipality": "Kies de gemeente van dit knelpunt."})
    if household is None and actor.municipality_id != municipality.pk:
        raise ValidationError(
            {"municipality": "U kunt alleen knelpunten in uw eigen gemeente melden."}
        )
    if data.type not in Obstacle.Type.values:
        raise ValidationError({"type": "Kies een soort knelpunt."})
    if not data.description.strip():
        raise ValidationError({"description": "Beschrijf wat de oplossing blokkeert."})
    if data.delay_days < 0:
        raise ValidationError({"delay_days": "De vertraging kan niet negatief zijn."})
    if data.harm_euros < 0:
        raise ValidationError({"harm_euros": "De schade kan niet negatief zijn."})
    level = _first_level()
    obstacle = Obstacle(
        household=household,
        municipality=municipality,
        type=data.type,
        description=data.description.strip(),
        rule_text=data.rule_text.strip(),
        rule_url=data.rule_url.strip(),
        law=data.law,
        organisation=data.organisation,
        delay_days=data.delay_days,
        harm_euros=data.harm_euros,
        raised_by=actor,
        raised_at=now,
        current_level=level,
        deadline=deadline_for(level, now),
    )
    obstacle.full_clean()
    obstacle.save()
    EscalationStep.objects.create(
        obstacle=obstacle, level=level, at=now, by=actor, deadline=obstacle.deadline
    )
    record(
        actor,
        Action.CREATE,
        obstacle,
        household_id=obstacle.household_id,
        detail=f"knelpunt gemeld; soort {obstacle.type}",
    )
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return obstacle


def _move_up(
    obstacle: Obstacle,
    *,
    actor: User | None,
    now: datetime,
    note: str = "",
    reference: str = "",
) -> EscalationStep:
    """Move a locked, open obstacle one level up; raises ValidationError at the top."""
    target = _next_level(obstacle.current_level)
    if target is None:
        raise ValidationError(
            "Dit knelpunt staat al op het hoogste niveau van de escalatieladder; "
            "hoger escaleren kan niet."
        )
    if target.external and not reference.strip():
        raise ValidationError(
            {
                "reference": (
                    f"Een doorverwijzing naar '{target.name}' vraagt het kenmerk van de "
                    "melding daar."
                )
            }
        )
    step = EscalationStep(
        obstacle=obstacle,
        level=target,
        from_level=obstacle.current_level,
        at=now,
        by=actor,
        automatic=actor is None,
        deadline=deadline_for(target, now),
        note=note.strip(),
        reference=reference.strip(),
    )
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as exc:  # a concurrent run got there first
        raise ValidationError("Dit knelpunt is intussen al geëscaleerd.") from exc
    obstacle.current_level = target
    obstacle.deadline = step.deadline
    obstacle.save(update_fields=["current_level", "deadline", "updated_at"])
    record(
        actor,
        Action.UPDATE,
        obstacle,
        household_id=obstacle.household_id,
        detail=f"geëscaleerd naar {target.code}" + (" (automatisch)" if actor is None else ""),
    )
    transaction.on_commit(lambda: notify_escalation(step.pk))
    # In the caller's transaction: by hand (escalate) and by cron (escalate_overdue, one
    # transaction per obstacle it actually moves; a run that moves nothing records nothing).
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return step


@transaction.atomic
def escalate(
    actor: User,
    obstacle: Obstacle,
    *,
    note: str = "",
    reference: str = "",
    now: datetime | None = None,
) -> EscalationStep:
    """Escalate by hand, by the role that handles the current level."""
    now = now or timezone.now()
    obstacle = (
        Obstacle.objects.select_for_update(of=("self",))
        .select_related("current_level")
        .get(pk=obstacle.pk)
    )
    if Breakthrough.objects.filter(obstacle=obstacle).exists():
        raise ValidationError("Dit knelpunt is al doorbroken; escaleren is niet meer nodig.")
    if obstacle.current_level is not None and _next_level(obstacle.current_level) is None:
        raise ValidationError(
            "Dit knelpunt staat al op het hoogste niveau van de escalatieladder; "
            "hoger escaleren kan niet."
        )
    if not policies.can_escalate(actor, obstacle):
        raise Forbidden("Alleen wie dit knelpunt op het huidige niveau behandelt, escaleert.")
    return _move_up(obstacle, actor=actor, now=now, note=note, reference=reference)


def overdue_obstacles(today: date):
    """Open obstacles whose deadline has passed and whose next level is inside the system."""
    levels = list(EscalationLevel.objects.order_by("order"))
    movable = [level.pk for level, nxt in zip(levels, levels[1:], strict=False) if not nxt.external]
    return (
        Obstacle.objects.filter(
            deadline__lt=today, breakthrough__isnull=True, current_level_id__in=movable
        )
        .select_related("current_level")
        .order_by("deadline", "pk")
    )


def escalate_overdue(*, now: datetime | None = None) -> list[EscalationStep]:
    """Move every overdue obstacle one level up (the cron job). Idempotent.

    After a move the obstacle has a fresh deadline, so a second run finds nothing. A move
    to an external level (the national help desk) needs a reference and is never made
    automatically; such obstacles stay overdue on the worklist of the regional team.
    Each obstacle is its own transaction, so one failure does not undo the others.
    """
    now = now or timezone.now()
    today = dates.local_day(now)
    moved: list[EscalationStep] = []
    for obstacle_id in list(overdue_obstacles(today).values_list("pk", flat=True)):
        with transaction.atomic():
            obstacle = (
                Obstacle.objects.select_for_update(of=("self",))
                .select_related("current_level")
                .filter(pk=obstacle_id, deadline__lt=today, breakthrough__isnull=True)
                .first()
            )
            if obstacle is None:
                continue
            target = _next_level(obstacle.current_level)
            if target is None or target.external:
                continue
            try:
                moved.append(_move_up(obstacle, actor=None, now=now, note="Termijn verstreken"))
            except ValidationError:
                log.info("obstacle %s already escalated by a concurrent run", obstacle_id)
    return moved


def _recipients(obstacle: Obstacle, level: EscalationLevel) -> list[str]:
    users = User.objects.filter(is_active=True, role=level.handled_by).exclude(email="")
    if level.handled_by in (Role.REGISSEUR, Role.TEAMLEIDER):
        users = users.filter(municipality_id=obstacle.municipality_id)
        if level.handled_by == Role.REGISSEUR and obstacle.household_id:
            users = users.filter(
                assignments__household_id=obstacle.household_id,
                assignments__ended_at__isnull=True,
            )
    else:
        users = users.filter(Q(region_id=obstacle.municipality.region_id) | Q(region__isnull=True))
    emails = set(users.values_list("email", flat=True))
    if obstacle.raised_by.email:
        emails.add(obstacle.raised_by.email)
    return sorted(emails)


def notify_escalation(step_id: int) -> None:
    """E-mail the handlers of the new level. Only numbers and levels: no personal data."""
    step = EscalationStep.objects.select_related(
        "obstacle__municipality", "obstacle__raised_by", "obstacle__household", "level"
    ).get(pk=step_id)
    obstacle = step.obstacle
    recipients = _recipients(obstacle, step.level)
    if not recipients:
        return
    case = f" (huishouden {obstacle.household.number})" if obstacle.household else ""
    how = "automatisch, de termijn was verstreken" if step.automatic else "met de hand"
    deadline = step.deadline.strftime("%d-%m-%Y") if step.deadline else "geen termijn"
    subject = f"Knelpunt {obstacle.pk} geëscaleerd naar {step.level.name}"
    body = (
        f"Knelpunt {obstacle.pk}{case} in {obstacle.municipality.name} is {how} "
        f"geëscaleerd naar: {step.level.name}.\n"
        f"Uiterlijk opgelost: {deadline}.\n"
        "Bekijk het knelpunt in Maatpact."
    )
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients],
        fail_silently=False,
    )


@transaction.atomic
def record_national_answer(
    actor: User, obstacle: Obstacle, *, answer: str, answered_on: date
) -> EscalationStep:
    """The answer from outside the system on a referral (national help desk)."""
    if not policies.can_work_on_obstacle(actor, obstacle):
        raise Forbidden("U mag dit knelpunt niet bijwerken.")
    step = (
        EscalationStep.objects.select_for_update()
        .filter(obstacle=obstacle, level__external=True)
        .order_by("-at")
        .first()
    )
    if step is None:
        raise ValidationError("Dit knelpunt is niet doorverwezen buiten het systeem.")
    if not answer.strip():
        raise ValidationError({"answer": "Vul het antwoord in."})
    if answered_on < dates.local_day(step.at):
        raise ValidationError(
            {"answered_on": "Het antwoord kan niet vóór de doorverwijzing liggen."}
        )
    step.answer = answer.strip()
    step.answered_on = answered_on
    step.save(update_fields=["answer", "answered_on"])
    record(actor, Action.UPDATE, obstacle, household_id=obstacle.household_id, detail="antwoord")
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return step


@transaction.atomic
def record_breakthrough(
    actor: User,
    obstacle: Obstacle,
    *,
    what: str,
    broken_by: str,
    on: date,
    cost: Decimal = Decimal("0.00"),
    level: EscalationLevel | None = None,
    now: datetime | None = None,
) -> Breakthrough:
    """Close the obstacle with its breakthrough; its deadline no longer applies."""
    now = now or timezone.now()
    obstacle = Obstacle.objects.select_for_update(of=("self",)).get(pk=obstacle.pk)
    if not policies.can_work_on_obstacle(actor, obstacle):
        raise Forbidden("U mag voor dit knelpunt geen doorbraak vastleggen.")
    if Breakthrough.objects.filter(obstacle=obstacle).exists():
        raise ValidationError("Voor dit knelpunt is al een doorbraak vastgelegd.")
    raised_on = dates.local_day(obstacle.raised_at)
    errors = {}
    if on < raised_on:
        errors["on"] = (
            f"De doorbraak ({on:%d-%m-%Y}) kan niet vóór de melding van het knelpunt "
            f"({raised_on:%d-%m-%Y}) liggen."
        )
    elif on > dates.local_day(now):
        errors["on"] = "De datum van de doorbraak ligt in de toekomst."
    if not what.strip():
        errors["what"] = "Beschrijf wat de doorbraak bracht."
    if not broken_by.strip():
        errors["broken_by"] = "Vul in wie de doorbraak bracht."
    if cost < 0:
        errors["cost"] = "De kosten kunnen niet negatief zijn."
    if errors:
        raise ValidationError(errors)
    breakthrough = Breakthrough.objects.create(
        obstacle=obstacle,
        what=what.strip(),
        broken_by=broken_by.strip(),
        level=level or obstacle.current_level or _first_level(),
        on=on,
        cost=cost,
        recorded_by=actor,
        recorded_at=now,
    )
    obstacle.deadline = None
    obstacle.save(update_fields=["deadline", "updated_at"])
    record(
        actor, Action.CREATE, breakthrough, household_id=obstacle.household_id, detail="doorbraak"
    )
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return breakthrough


DECISION_FIELDS = (
    "desired_effect",
    "law_purpose",
    "effect_person_short",
    "effect_person_long",
    "effect_family_short",
    "effect_family_long",
    "effect_money_short",
    "effect_money_long",
    "legal_test",
    "decision",
)


@transaction.atomic
def record_decision(
    actor: User, obstacle: Obstacle, *, decided_on: date, **answers: str
) -> CustomFitDecision:
    """The reversed test, in its order: the legal test only after steps 1 to 3."""
    if not policies.can_work_on_obstacle(actor, obstacle):
        raise Forbidden("U mag voor dit knelpunt geen maatwerkbesluit vastleggen.")
    if CustomFitDecision.objects.filter(obstacle=obstacle).exists():
        raise ValidationError("Voor dit knelpunt is al een maatwerkbesluit vastgelegd.")
    unknown = set(answers) - set(DECISION_FIELDS)
    if unknown:
        raise ValidationError(f"Onbekende velden: {', '.join(sorted(unknown))}.")
    errors = {
        name: "Vul deze stap van de omgekeerde toets in."
        for name in DECISION_FIELDS
        if not str(answers.get(name, "")).strip()
    }
    if errors:
        raise ValidationError(errors)
    if decided_on < dates.local_day(obstacle.raised_at):
        raise ValidationError({"decided_on": "Het besluit kan niet vóór de melding liggen."})
    decision = CustomFitDecision.objects.create(
        obstacle=obstacle,
        decided_by=actor,
        decided_on=decided_on,
        **{name: answers[name].strip() for name in DECISION_FIELDS},
    )
    record(
        actor, Action.CREATE, decision, household_id=obstacle.household_id, detail="maatwerkbesluit"
    )
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return decision


@transaction.atomic
def create_proposal(
    actor: User,
    *,
    title: str,
    kind: str,
    proposal: str,
    rationale: str,
    obstacle_ids: list[int],
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
    ordinance: str = "",
    now: datetime | None = None,
) -> StructuralProposal:
    """Bundle recurring obstacles into a proposal; the obstacles are its evidence."""
    if not policies.can_manage_proposals(actor):
        raise Forbidden("Alleen het programmateam stelt structurele voorstellen op.")
    errors = {}
    ids = set(obstacle_ids)
    if not ids:
        errors["obstacles"] = "Een voorstel rust op knelpunten: kies ten minste één knelpunt."
    elif policies.visible_obstacles(actor).filter(pk__in=ids).count() != len(ids):
        errors["obstacles"] = "Een of meer gekozen knelpunten zijn onbekend."
    if not title.strip():
        errors["title"] = "Geef het voorstel een titel."
    if kind not in StructuralProposal.Kind.values:
        errors["kind"] = "Kies de soort voorstel."
    if not proposal.strip():
        errors["proposal"] = "Schrijf het voorstel uit."
    if not rationale.strip():
        errors["rationale"] = "Geef de onderbouwing."
    if errors:
        raise ValidationError(errors)
    item = StructuralProposal.objects.create(
        title=title.strip(),
        kind=kind,
        proposal=proposal.strip(),
        rationale=rationale.strip(),
        municipality=municipality,
        organisation=organisation,
        ordinance=ordinance.strip(),
        created_by=actor,
        created_at=now or timezone.now(),
    )
    item.obstacles.set(sorted(ids))
    record(actor, Action.CREATE, item, detail=f"voorstel; {len(ids)} knelpunten")
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return item


@transaction.atomic
def change_proposal_status(
    actor: User,
    proposal: StructuralProposal,
    to_status: str,
    *,
    note: str = "",
    on: date | None = None,
) -> StructuralProposal:
    if not policies.can_manage_proposals(actor):
        raise Forbidden("Alleen het programmateam wijzigt de status van een voorstel.")
    proposal = StructuralProposal.objects.select_for_update().get(pk=proposal.pk)
    if to_status not in ProposalStatus.values:
        raise ValidationError({"status": "Onbekende status."})
    if to_status not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise ValidationError(
            {
                "status": (
                    f"Van '{proposal.get_status_display()}' naar "
                    f"'{ProposalStatus(to_status).label}' is geen toegestane stap."
                )
            }
        )
    today = on or dates.today()
    if to_status == ProposalStatus.INGEDIEND:
        proposal.submitted_on = today
    elif to_status in (ProposalStatus.AANGENOMEN, ProposalStatus.AFGEWEZEN):
        proposal.decided_on = today
        proposal.decision_note = note.strip()
    from_status = proposal.status
    proposal.status = to_status
    proposal.save()
    record(actor, Action.UPDATE, proposal, detail=f"status {from_status}->{to_status}")
    data_changed(OBSTACLES)  # cached report sections (common.versions)
    return proposal


# --- Adoption per municipality ----------------------------------------------------


@transaction.atomic
def submit_to_municipality(
    actor: User,
    proposal: StructuralProposal,
    municipality: Municipality,
    *,
    ordinance: str,
    on: date | None = None,
) -> ProposalAdoption:
    """Put a proposal before one municipality's council; a concept becomes submitted."""
    if not policies.can_manage_proposals(actor):
        raise ValidationError("Alleen het programmateam dient voorstellen in bij een gemeente.")
    proposal = StructuralProposal.objects.select_for_update().get(pk=proposal.pk)
    today = on or dates.today()
    errors = {}
    if proposal.status in (ProposalStatus.AANGENOMEN, ProposalStatus.AFGEWEZEN):
        errors["municipality"] = "Over dit voorstel is al besloten; maak een nieuw voorstel."
    elif ProposalAdoption.objects.filter(proposal=proposal, municipality=municipality).exists():
        errors["municipality"] = f"Dit voorstel is al bij {municipality.name} ingediend."
    if not ordinance.strip():
        errors["ordinance"] = "Noem de verordening van deze gemeente waar het voorstel over gaat."
    if today > dates.today():
        errors["submitted_on"] = "Een indiening ligt niet in de toekomst."
    if errors:
        raise ValidationError(errors)
    adoption = ProposalAdoption.objects.create(
        proposal=proposal,
        municipality=municipality,
        ordinance=ordinance.strip()[:200],
        submitted_on=today,
        recorded_by=actor,
    )
    if proposal.status == ProposalStatus.CONCEPT:
        proposal.status = ProposalStatus.INGEDIEND
        proposal.submitted_on = today
        proposal.save(update_fields=["status", "submitted_on"])
    record(actor, Action.CREATE, adoption, detail="voorstel ingediend bij gemeente")
    data_changed(OBSTACLES)
    return adoption


@transaction.atomic
def decide_adoption(
    actor: User,
    adoption: ProposalAdoption,
    outcome: str,
    *,
    on: date,
    article: str = "",
    reason: str = "",
) -> ProposalAdoption:
    """Record a council's decision on the proposal: adopted with its article, or rejected
    with its reason. Once decided, it stays as decided."""
    if not policies.can_manage_proposals(actor):
        raise ValidationError("Alleen het programmateam legt besluiten van gemeenten vast.")
    adoption = ProposalAdoption.objects.select_for_update().get(pk=adoption.pk)
    Status = ProposalAdoption.Status
    if adoption.status != Status.INGEDIEND:
        raise ValidationError(
            f"{adoption.municipality.name} heeft al besloten "
            f"({adoption.get_status_display().lower()}); een besluit wordt niet gewijzigd."
        )
    errors = {}
    if outcome not in (Status.AANGENOMEN, Status.AFGEWEZEN):
        errors["status"] = "Kies aangenomen of afgewezen."
    if on is None:
        errors["decided_on"] = "Vul de datum van het besluit in."
    elif on < adoption.submitted_on:
        errors["decided_on"] = "Het besluit ligt niet vóór de indiening."
    elif on > dates.today():
        errors["decided_on"] = "Een besluit ligt niet in de toekomst."
    if outcome == Status.AANGENOMEN and not article.strip():
        errors["article"] = "Noem het artikel dat in de verordening is opgenomen."
    if outcome == Status.AFGEWEZEN and not reason.strip():
        errors["reason"] = "Geef de reden van de afwijzing."
    if errors:
        raise ValidationError(errors)
    adoption.status = outcome
    adoption.decided_on = on
    adoption.article = article.strip()[:200] if outcome == Status.AANGENOMEN else ""
    adoption.reason = reason.strip() if outcome == Status.AFGEWEZEN else ""
    adoption.save()
    record(actor, Action.UPDATE, adoption, detail=f"besluit gemeente: {outcome}")
    data_changed(OBSTACLES)
    return adoption
