"""Writes on the budget. Each function is one transaction, locks the allocation row(s)
it books on, appends immutable ledger entries and leaves an audit record.

Lock order is always allocation(s) (by primary key) before the spend row, so two
requests never deadlock each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common.money import ZERO, euro, to_money
from maatpact.common.versions import BUDGET, data_changed
from maatpact.households.models import Household
from maatpact.regions.models import Municipality

from . import ledger
from .allocation import compute_allocation
from .models import Allocation, Fund, LedgerEntry, ScenarioLine, Spend, Transfer

Kind = LedgerEntry.Kind
Status = Spend.Status


def approval_threshold() -> Decimal:
    return to_money(settings.MAATPACT.get("BUDGET_APPROVAL_THRESHOLD", "2500.00"))


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """A positive amount in euros with at most two decimals, or a Dutch field error."""
    try:
        amount = to_money(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: f"{exc} Vul een bedrag in euro's in, bijv. 250,00."}) from exc
    if amount <= ZERO:
        raise ValidationError({field: "Het bedrag moet groter zijn dan nul."})
    if amount >= Decimal("1000000000000"):
        raise ValidationError({field: "Dit bedrag is te groot."})
    return amount


@dataclass
class ScenarioLineData:
    kind: str
    description: str
    annual_cost: Decimal
    avoided: bool = False
    financier_id: int | None = None
    provision_id: int | None = None


@dataclass
class SpendRequest:
    amount: object
    category: str
    purpose: str
    goal_id: int | None
    justification: str
    value_legitimate: bool
    value_involved: bool
    value_return: bool
    idempotency_key: str
    obstacle_id: int | None = None
    law_id: int | None = None
    financier_id: int | None = None
    lines: list[ScenarioLineData] | None = None


def current_allocation_id(municipality_id: int) -> int | None:
    """The municipality's allocation in the most recent fund of its region."""
    return (
        Allocation.objects.filter(municipality_id=municipality_id)
        .order_by("-fund__created_at", "-fund_id")
        .values_list("pk", flat=True)
        .first()
    )


def _validate_request(household: Household, data: SpendRequest) -> tuple[Decimal, list]:
    errors: dict[str, str] = {}
    try:
        amount = parse_amount(data.amount)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        amount = ZERO
    if data.category not in Spend.Category.values:
        errors["category"] = "Kies een soort uitgave."
    if not (data.purpose or "").strip():
        errors["purpose"] = "Beschrijf kort waarvoor het geld is."
    if not (data.justification or "").strip():
        errors["justification"] = "Leg uit waarom dit helpt en welke kosten het bespaart."
    key = (data.idempotency_key or "").strip()
    if not key or len(key) > 64:
        errors["idempotency_key"] = "Een aanvraagsleutel (1 tot 64 tekens) is verplicht."
    for field, label in (
        ("value_legitimate", "legitiem"),
        ("value_involved", "betrokken"),
        ("value_return", "rendement"),
    ):
        if getattr(data, field) is not True:
            errors[field] = f"Elke doorbraak moet voldoen aan de waarde '{label}'."
    from maatpact.obstacles.models import Obstacle
    from maatpact.plans.models import Goal

    if data.goal_id is None:
        errors["goal"] = "Kies het doel uit het plan waar deze uitgave aan bijdraagt."
    elif not Goal.objects.filter(pk=data.goal_id, plan__household_id=household.pk).exists():
        errors["goal"] = "Dit doel hoort niet bij het plan van dit huishouden."
    if (
        data.obstacle_id is not None
        and not Obstacle.objects.filter(pk=data.obstacle_id, household_id=household.pk).exists()
    ):
        errors["obstacle"] = "Dit knelpunt hoort niet bij dit huishouden."
    from maatpact.provisions.models import Law, Provision
    from maatpact.regions.models import Organisation

    if data.law_id is not None and not Law.objects.filter(pk=data.law_id).exists():
        errors["law"] = "Onbekende wet."
    financier_ids = {line.financier_id for line in data.lines or [] if line.financier_id}
    if data.financier_id is not None:
        financier_ids.add(data.financier_id)
    if financier_ids and Organisation.objects.filter(pk__in=financier_ids).count() != len(
        financier_ids
    ):
        errors["financier"] = "Onbekende financier."
    provision_ids = {line.provision_id for line in data.lines or [] if line.provision_id}
    if provision_ids and Provision.objects.filter(
        pk__in=provision_ids, household_id=household.pk
    ).count() != len(provision_ids):
        errors["lines"] = "Een voorziening hoort niet bij dit huishouden."
    lines = []
    for line in data.lines or []:
        if line.kind not in ScenarioLine.Kind.values or not line.description.strip():
            errors["lines"] = "Elke kostenregel heeft een soort en een omschrijving."
            continue
        if not isinstance(line.annual_cost, Decimal) or line.annual_cost < 0:
            errors["lines"] = "Kosten per jaar zijn een bedrag van nul of meer."
            continue
        lines.append(line)
    if errors:
        raise ValidationError(errors)
    return amount, lines


def _existing(key: str, actor: User, household: Household) -> Spend | None:
    spend = Spend.objects.filter(idempotency_key=key).first()
    if spend is None:
        return None
    if spend.requested_by_id != actor.pk or spend.household_id != household.pk:
        raise ValidationError({"idempotency_key": "Deze aanvraagsleutel is al gebruikt."})
    return spend


def request_spend(actor: User, household: Household, data: SpendRequest) -> tuple[Spend, bool]:
    """Request a spend; returns ``(spend, created)``.

    A retry with the same idempotency key returns the original spend and books nothing:
    checked before the lock, again by the unique constraint if two retries race.
    """
    if not policies.can_request_spend(actor, household):
        raise PermissionDenied("Alleen de regisseur van dit huishouden vraagt budget aan.")
    key = (data.idempotency_key or "").strip()
    if key and (spend := _existing(key, actor, household)) is not None:
        return spend, False
    amount, lines = _validate_request(household, data)
    allocation_id = current_allocation_id(household.municipality_id)
    if allocation_id is None:
        raise ValidationError(
            {"amount": "Er is nog geen doorbraakbudget aan deze gemeente toegewezen."}
        )
    try:
        return _book_request(actor, household, data, key, amount, lines, allocation_id), True
    except IntegrityError:
        spend = _existing(key, actor, household)
        if spend is None:
            raise
        return spend, False


@transaction.atomic
def _book_request(
    actor: User,
    household: Household,
    data: SpendRequest,
    key: str,
    amount: Decimal,
    lines: list[ScenarioLineData],
    allocation_id: int,
) -> Spend:
    allocation = Allocation.objects.select_for_update().get(pk=allocation_id)
    if amount > allocation.available:
        raise ValidationError(
            {
                "amount": (
                    f"Het bedrag is hoger dan wat er nog beschikbaar is "
                    f"({euro(allocation.available)})."
                )
            }
        )
    now = timezone.now()
    needs_approval = amount > approval_threshold()
    spend = Spend.objects.create(
        idempotency_key=key,
        allocation=allocation,
        household=household,
        requested_by=actor,
        requested_at=now,
        amount=amount,
        category=data.category,
        purpose=data.purpose.strip(),
        goal_id=data.goal_id,
        obstacle_id=data.obstacle_id,
        law_id=data.law_id,
        financier_id=data.financier_id,
        justification=data.justification.strip(),
        value_legitimate=True,
        value_involved=True,
        value_return=True,
        needs_approval=needs_approval,
        status=Status.AANGEVRAAGD if needs_approval else Status.GOEDGEKEURD,
        decided_at=None if needs_approval else now,
    )
    if lines:
        ScenarioLine.objects.bulk_create(
            [
                ScenarioLine(
                    spend=spend,
                    kind=line.kind,
                    provision_id=line.provision_id,
                    description=line.description.strip()[:200],
                    financier_id=line.financier_id,
                    annual_cost=line.annual_cost,
                    avoided=line.avoided,
                )
                for line in lines
            ]
        )
    entries = [
        ledger.post(
            allocation, Kind.RESERVERING, amount, at=now, spend_id=spend.pk, actor_id=actor.pk
        )
    ]
    if not needs_approval:
        entries.append(
            ledger.post(
                allocation,
                Kind.GOEDKEURING,
                amount,
                at=now,
                spend_id=spend.pk,
                reason="onder de drempel: direct goedgekeurd",
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    ledger.save_balance(allocation)
    record(actor, Action.CREATE, spend, household_id=household.pk, detail="uitgave aangevraagd")
    data_changed(BUDGET)  # cached report figures (common.versions)
    return spend


def _lock(spend: Spend) -> tuple[Allocation, Spend]:
    allocation = Allocation.objects.select_for_update().get(pk=spend.allocation_id)
    locked = Spend.objects.select_for_update().select_related("allocation").get(pk=spend.pk)
    return allocation, locked


@transaction.atomic
def approve_spend(actor: User, spend: Spend) -> Spend:
    """Four eyes: a team lead of the municipality, never the requester."""
    if not policies.can_decide_spend(actor, spend):
        raise PermissionDenied(
            "U kunt uw eigen aanvraag niet goedkeuren."
            if actor.pk == spend.requested_by_id
            else "Alleen een teamleider van deze gemeente keurt goed."
        )
    allocation, spend = _lock(spend)
    if spend.status != Status.AANGEVRAAGD:
        raise ValidationError(f"Deze aanvraag is al beoordeeld ({spend.get_status_display()}).")
    now = timezone.now()
    entry = ledger.post(
        allocation, Kind.GOEDKEURING, spend.amount, at=now, spend_id=spend.pk, actor_id=actor.pk
    )
    entry.save()
    ledger.save_balance(allocation)
    spend.status, spend.decided_by, spend.decided_at = Status.GOEDGEKEURD, actor, now
    spend.save(update_fields=["status", "decided_by", "decided_at"])
    record(actor, Action.UPDATE, spend, household_id=spend.household_id, detail="goedgekeurd")
    data_changed(BUDGET)  # cached report figures (common.versions)
    return spend


@transaction.atomic
def reject_spend(actor: User, spend: Spend, reason: str) -> Spend:
    if not policies.can_decide_spend(actor, spend):
        raise PermissionDenied(
            "U kunt uw eigen aanvraag niet beoordelen."
            if actor.pk == spend.requested_by_id
            else "Alleen een teamleider van deze gemeente wijst af."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Geef de reden van de afwijzing."})
    allocation, spend = _lock(spend)
    if spend.status != Status.AANGEVRAAGD:
        raise ValidationError(f"Deze aanvraag is al beoordeeld ({spend.get_status_display()}).")
    now = timezone.now()
    entry = ledger.post(
        allocation,
        Kind.VRIJGAVE,
        spend.amount,
        at=now,
        spend_id=spend.pk,
        actor_id=actor.pk,
        reason=reason,
    )
    entry.save()
    ledger.save_balance(allocation)
    spend.status, spend.decided_by, spend.decided_at = Status.AFGEWEZEN, actor, now
    spend.rejection_reason = reason[:300]
    spend.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    record(actor, Action.UPDATE, spend, household_id=spend.household_id, detail="afgewezen")
    data_changed(BUDGET)  # cached report figures (common.versions)
    return spend


@transaction.atomic
def mark_paid(actor: User, spend: Spend) -> Spend:
    if not policies.can_mark_spend_paid(actor, spend):
        raise PermissionDenied("Alleen een teamleider van deze gemeente registreert betalingen.")
    allocation, spend = _lock(spend)
    if spend.status != Status.GOEDGEKEURD:
        raise ValidationError(
            "Alleen een goedgekeurde, nog niet betaalde uitgave kan betaald worden."
        )
    now = timezone.now()
    amount = spend.net_amount
    entry = ledger.post(
        allocation, Kind.BETALING, amount, at=now, spend_id=spend.pk, actor_id=actor.pk
    )
    entry.save()
    ledger.save_balance(allocation)
    spend.status, spend.paid_by, spend.paid_at = Status.BETAALD, actor, now
    spend.save(update_fields=["status", "paid_by", "paid_at"])
    record(actor, Action.UPDATE, spend, household_id=spend.household_id, detail="betaald")
    data_changed(BUDGET)  # cached report figures (common.versions)
    return spend


@transaction.atomic
def reverse_spend(actor: User, spend: Spend, amount: object, reason: str) -> Spend:
    """A correction: books (part of) an approved or paid spend back into the allocation."""
    if not policies.can_reverse_spend(actor, spend):
        raise PermissionDenied("U mag deze uitgave niet terugdraaien.")
    value = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Geef de reden van de terugboeking."})
    allocation, spend = _lock(spend)
    if spend.status not in (Status.GOEDGEKEURD, Status.BETAALD):
        raise ValidationError({"amount": "Alleen een goedgekeurde of betaalde uitgave kan terug."})
    if value > spend.net_amount:
        raise ValidationError(
            {
                "amount": (
                    f"U kunt niet meer terugboeken dan er is uitgegeven "
                    f"(nog {euro(spend.net_amount)})."
                )
            }
        )
    now = timezone.now()
    kind = Kind.TERUGBETALING if spend.status == Status.BETAALD else Kind.TERUGBOEKING
    entry = ledger.post(
        allocation, kind, value, at=now, spend_id=spend.pk, actor_id=actor.pk, reason=reason
    )
    entry.save()
    ledger.save_balance(allocation)
    spend.reversed_amount += value
    if spend.reversed_amount == spend.amount:
        spend.status = Status.TERUGGEDRAAID
    spend.save(update_fields=["reversed_amount", "status"])
    record(actor, Action.UPDATE, spend, household_id=spend.household_id, detail="teruggeboekt")
    data_changed(BUDGET)  # cached report figures (common.versions)
    return spend


# --- Fund, allocation and transfers (regional team) -------------------------------


@transaction.atomic
def create_fund(actor: User, *, region_id: int, name: str, amount: object) -> Fund:
    if not policies.can_manage_budget(actor):
        raise PermissionDenied("Alleen het programmateam beheert het fonds.")
    value = parse_amount(amount)
    if not (name or "").strip():
        raise ValidationError({"name": "Geef het fonds een naam."})
    if Fund.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": "Er is al een fonds met deze naam."})
    fund = Fund.objects.create(region_id=region_id, name=name.strip(), amount=value)
    record(actor, Action.CREATE, fund, detail="fonds")
    data_changed(BUDGET)  # cached report section (common.versions)
    return fund


@transaction.atomic
def apply_allocation(
    actor: User, fund: Fund, formula: str, manual: dict[int, Decimal] | None = None
) -> list[Allocation]:
    """Set each municipality's allocation to the formula's share, to the cent.

    Raises are entries (toewijzing), cuts are entries too (toewijzing_terug) and never
    take away money that is already promised or spent.
    """
    if not policies.can_manage_budget(actor):
        raise PermissionDenied("Alleen het programmateam verdeelt het fonds.")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.status != Fund.Status.ACTIEF:
        raise ValidationError(
            {"formula": "Dit fonds wacht op de bevestiging door een tweede persoon."}
        )
    municipalities = list(Municipality.objects.filter(region_id=fund.region_id))
    targets = compute_allocation(fund.amount, formula, municipalities, manual)
    Allocation.objects.bulk_create(
        [Allocation(fund=fund, municipality=m) for m in municipalities], ignore_conflicts=True
    )
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(fund=fund)
        .select_related("municipality")
        .order_by("pk")
    )
    now = timezone.now()
    entries = []
    for allocation in allocations:
        target = targets.get(allocation.municipality_id, ZERO)
        diff = target - allocation.allocated
        if diff > 0:
            entries.append(
                ledger.post(
                    allocation,
                    Kind.TOEWIJZING,
                    diff,
                    at=now,
                    actor_id=actor.pk,
                    reason=f"verdeling {formula}",
                )
            )
        elif diff < 0:
            if -diff > allocation.available:
                raise ValidationError(
                    {
                        "formula": (
                            f"{allocation.municipality} heeft al meer toegezegd of uitgegeven "
                            f"dan deze verdeling toewijst."
                        )
                    }
                )
            entries.append(
                ledger.post(
                    allocation,
                    Kind.TOEWIJZING_TERUG,
                    -diff,
                    at=now,
                    actor_id=actor.pk,
                    reason=f"verdeling {formula}",
                )
            )
    LedgerEntry.objects.bulk_create(entries)
    for allocation in allocations:
        ledger.save_balance(allocation)
    fund.formula, fund.allocated_at = formula, now
    fund.save(update_fields=["formula", "allocated_at"])
    record(actor, Action.UPDATE, fund, detail=f"verdeeld: {formula}")
    data_changed(BUDGET)  # cached report section (common.versions)
    return allocations


@transaction.atomic
def transfer(
    actor: User, source: Allocation, target: Allocation, amount: object, reason: str
) -> Transfer:
    if not policies.can_manage_budget(actor):
        raise PermissionDenied("Alleen het programmateam hevelt budget over.")
    value = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Geef de reden van de overheveling."})
    if source.pk == target.pk:
        raise ValidationError({"target": "Kies twee verschillende gemeenten."})
    if source.fund_id != target.fund_id:
        raise ValidationError({"target": "Overhevelen kan alleen binnen één fonds."})
    locked = {
        a.pk: a
        for a in Allocation.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .select_related("municipality")
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if value > source.available:
        raise ValidationError(
            {"amount": f"{source.municipality} heeft nog {euro(source.available)} beschikbaar."}
        )
    now = timezone.now()
    moved = Transfer.objects.create(
        source=source,
        target=target,
        amount=value,
        reason=reason[:300],
        actor=actor,
        created_at=now,
    )
    LedgerEntry.objects.bulk_create(
        [
            ledger.post(
                source,
                Kind.OVERHEVELING_UIT,
                value,
                at=now,
                transfer_id=moved.pk,
                actor_id=actor.pk,
                reason=reason,
            ),
            ledger.post(
                target,
                Kind.OVERHEVELING_IN,
                value,
                at=now,
                transfer_id=moved.pk,
                actor_id=actor.pk,
                reason=reason,
            ),
        ]
    )
    ledger.save_balance(source)
    ledger.save_balance(target)
    record(actor, Action.CREATE, moved, detail="overheveling")
    data_changed(BUDGET)  # cached report section (common.versions)
    return moved
