"""Writes for events, outcomes and the SIB contract: one transaction each, audited.

Bad input raises ``ValidationError`` with a Dutch message before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record, record_many
from maatpact.common import dates
from maatpact.common.versions import OUTCOMES, data_changed
from maatpact.households.models import Household

from . import rules
from .contract_versions import same_terms, terms_snapshot
from .models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    ContractVersion,
    EventType,
    HouseholdEvent,
    OutcomeDefinition,
    PaidLine,
    PaidReceipt,
    PaymentPeriod,
    RateCardLine,
)

# --- Events ---------------------------------------------------------------------


def record_event(
    user: User,
    household: Household,
    *,
    event_type: EventType,
    occurred_on: date,
    note: str = "",
) -> HouseholdEvent:
    if not policies.can_record_events(user, household):
        raise PermissionDenied
    if occurred_on > dates.today():
        raise ValidationError({"occurred_on": "Een gebeurtenis kan niet in de toekomst liggen."})
    with transaction.atomic():
        event = HouseholdEvent.objects.create(
            household=household,
            event_type=event_type,
            occurred_on=occurred_on,
            note=note.strip(),
            recorded_by=user,
        )
        record(user, Action.CREATE, event, household_id=household.pk, detail="gebeurtenis")
    return event


# --- Outcome definitions ----------------------------------------------------------


def known_codes() -> dict[str, set[str]]:
    from maatpact.assessments.models import Domain
    from maatpact.provisions.models import Law

    return {
        "domain_codes": set(Domain.objects.values_list("code", flat=True)),
        "event_codes": set(EventType.objects.values_list("code", flat=True)),
        "law_codes": set(Law.objects.values_list("code", flat=True)),
    }


def save_definition(
    user: User | None,
    *,
    code: str,
    name: str,
    rule: dict,
    description: str = "",
    active: bool = True,
    instance: OutcomeDefinition | None = None,
) -> OutcomeDefinition:
    """Create or change a definition; the rule must name known domains, events and laws."""
    if user is not None and not policies.can_manage_contracts(user):
        raise PermissionDenied
    holding = rules.validate_rule(rule, **known_codes())
    definition = instance or OutcomeDefinition()
    definition.code, definition.name, definition.description = code, name, description
    definition.rule, definition.holding_months, definition.active = rule, holding, active
    try:
        definition.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    with transaction.atomic():
        definition.save()
        record(user, Action.UPDATE if instance else Action.CREATE, definition, detail="regel")
    return definition


# --- Evaluation -------------------------------------------------------------------


def load_facts(
    household_ids: Iterable[int] | None = None, domains: Iterable[str] | None = None
) -> list[rules.HouseholdFacts]:
    """Everything the rules look at, for started households, in five queries.

    ``domains`` limits the ZRM scores loaded to the life domains the rules look at: at
    national scale that is a tenth of millions of scores.
    """
    from maatpact.assessments.models import Score
    from maatpact.provisions.models import Provision

    households = Household.objects.filter(started_on__isnull=False)
    ids = None if household_ids is None else list(household_ids)
    if ids is not None:
        households = households.filter(pk__in=ids)
    facts = {
        pk: rules.HouseholdFacts(pk, started)
        for pk, started in households.values_list("pk", "started_on").iterator(chunk_size=5000)
    }

    from maatpact.households.models import Member

    for hid, n in (
        Member.objects.filter(role=Member.Role.KIND)
        .filter(**({"household_id__in": ids} if ids is not None else {}))
        .values("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    ):
        if hid in facts:
            facts[hid].children = n

    def scoped(qs, field):
        return qs.filter(**{f"{field}__in": ids}) if ids is not None else qs

    for hid, code, on, who in (
        scoped(HouseholdEvent.objects, "household_id")
        .values_list("household_id", "event_type__code", "occurred_on", "recorded_by_id")
        .iterator(chunk_size=5000)
    ):
        if hid in facts:
            facts[hid].events.append(rules.EventFact(code, on, who))
    scores = scoped(Score.objects, "assessment__household_id")
    if domains is not None:
        scores = scores.filter(domain__code__in=sorted(set(domains)))
    for hid, code, on, score, who in scores.values_list(
        "assessment__household_id",
        "domain__code",
        "assessment__assessed_on",
        "score",
        "assessment__assessed_by_id",
    ).iterator(chunk_size=5000):
        if hid in facts:
            facts[hid].scores.append(rules.ScoreFact(code, on, score, who))
    for hid, law, start, end, who in (
        scoped(Provision.objects, "household_id")
        .values_list("household_id", "law__code", "starts_on", "ends_on", "created_by_id")
        .iterator(chunk_size=5000)
    ):
        if hid in facts:
            facts[hid].provisions.append(rules.ProvisionFact(law, start, end, who))
    return list(facts.values())


@dataclass
class EvaluationSummary:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


def evaluate_outcomes(
    *,
    as_of: date | None = None,
    actor: User | None = None,
    household_ids: Iterable[int] | None = None,
    audit: bool = True,
    chunk_size: int = 5000,
) -> EvaluationSummary:
    """Apply every active rule to every started household. Idempotent.

    New achievements are added for verification. An unverified one whose facts no
    longer hold (a late-recorded eviction) is removed; verified or rejected ones are a
    human judgement and stay as they are. Households are taken ``chunk_size`` at a time,
    so memory stays bounded at 100,000 households (millions of scores); the whole run is
    still one transaction.
    """
    as_of = as_of or dates.today()
    definitions = list(OutcomeDefinition.objects.filter(active=True))
    if household_ids is None:
        ids = list(
            Household.objects.filter(started_on__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    else:
        ids = sorted(set(household_ids))
    now = timezone.now()
    summary = EvaluationSummary()
    with transaction.atomic():
        touched: set[int] = set()
        for start in range(0, len(ids), chunk_size):
            touched |= _evaluate_chunk(
                definitions, ids[start : start + chunk_size], as_of, now, summary
            )
        if summary.created or summary.updated or summary.removed:
            data_changed(OUTCOMES)  # cached SIB payments (common.versions)
        if audit:
            record_many(
                actor,
                Action.CREATE,
                "outcomes.achievedoutcome",
                touched,
                detail="resultaten beoordeeld",
            )
    return summary


def _evaluate_chunk(
    definitions: list[OutcomeDefinition],
    household_ids: list[int],
    as_of: date,
    now: datetime,
    summary: EvaluationSummary,
) -> set[int]:
    """Evaluate one chunk of households; returns the households whose outcomes changed."""
    domains = {d.rule["domain"] for d in definitions if "domain" in d.rule}
    facts = load_facts(household_ids, domains=domains)
    scope = {f.household_id for f in facts}
    existing = {
        (o.household_id, o.definition_id): o
        for o in AchievedOutcome.objects.select_for_update().filter(
            definition__in=definitions, household_id__in=household_ids
        )
    }
    new, changed, seen = [], [], set()
    for f in facts:
        for d in definitions:
            found = rules.evaluate(d.rule, f, as_of)
            if found is None:
                continue
            key = (f.household_id, d.pk)
            seen.add(key)
            who = sorted(found.recorded_by)
            current = existing.get(key)
            if current is None:
                new.append(
                    AchievedOutcome(
                        household_id=f.household_id,
                        definition=d,
                        achieved_on=found.achieved_on,
                        evidence=found.evidence,
                        recorded_by_ids=who,
                        evaluated_at=now,
                    )
                )
            elif current.status == AchievedOutcome.Status.TE_VERIFIEREN and (
                current.achieved_on != found.achieved_on
                or current.evidence != found.evidence
                or current.recorded_by_ids != who
            ):
                current.achieved_on, current.evidence = found.achieved_on, found.evidence
                current.recorded_by_ids, current.evaluated_at = who, now
                changed.append(current)
            else:
                summary.unchanged += 1
    gone = [
        o.pk
        for key, o in existing.items()
        if key not in seen and key[0] in scope and o.status == AchievedOutcome.Status.TE_VERIFIEREN
    ]
    AchievedOutcome.objects.bulk_create(new, batch_size=5000)
    AchievedOutcome.objects.bulk_update(
        changed, ["achieved_on", "evidence", "recorded_by_ids", "evaluated_at"], 5000
    )
    AchievedOutcome.objects.filter(pk__in=gone).delete()
    summary.created += len(new)
    summary.updated += len(changed)
    summary.removed += len(gone)
    return {o.household_id for o in new} | {o.household_id for o in changed}


def verify_outcome(
    user: User, outcome: AchievedOutcome, *, approve: bool = True, note: str = ""
) -> AchievedOutcome:
    """The regional team's four-eyes check; nobody verifies facts they recorded."""
    if not policies.can_verify_outcomes(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = AchievedOutcome.objects.select_for_update().get(pk=outcome.pk)
        if locked.status != AchievedOutcome.Status.TE_VERIFIEREN:
            raise ValidationError("Dit resultaat is al beoordeeld.")
        if user.pk in set(locked.recorded_by_ids or []):
            raise ValidationError(
                "U kunt geen onderbouwing verifiëren die u zelf hebt vastgelegd. "
                "Vraag een collega van het programmateam."
            )
        if not approve and not note.strip():
            raise ValidationError({"note": "Geef bij afwijzen een toelichting."})
        locked.status = (
            AchievedOutcome.Status.GEVERIFIEERD if approve else AchievedOutcome.Status.AFGEWEZEN
        )
        locked.verified_by, locked.verified_at = user, timezone.now()
        locked.verification_note = note.strip()
        locked.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
        record(user, Action.UPDATE, locked, household_id=locked.household_id, detail="verificatie")
        data_changed(OUTCOMES)  # cached SIB payments (common.versions)
    return locked


# --- SIB contract -----------------------------------------------------------------


def _lock_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().get(pk=contract.pk)


def record_version(user: User | None, contract: Contract) -> ContractVersion | None:
    """The version for the contract's current terms: the latest if they did not change,
    else a new one valid from today (the first one, at signing, from the contract's start).

    A draft has no versions: its terms are not agreed yet. Call under the row lock.
    """
    if contract.status != Contract.Status.GETEKEND:
        return None
    snapshot = terms_snapshot(contract)
    latest = contract.versions.order_by("-number").first()
    if latest is not None and same_terms(latest, snapshot):
        return latest
    version = ContractVersion.objects.create(
        contract=contract,
        number=1 if latest is None else latest.number + 1,
        valid_from=contract.starts_on if latest is None else dates.today(),
        created_by=user,
        **snapshot,
    )
    record(user, Action.CREATE, version, detail=f"contractversie {version.number}")
    return version


def pay_period(user: User, period: PaymentPeriod) -> PaymentPeriod:
    """Fix a period as paid: its lines and receipts are stored as computed now, under the
    contract version in force, and never change afterwards (PostgreSQL refuses it too).

    Only a period that is over, and only after the periods before it.
    """
    from . import selectors

    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    with transaction.atomic():
        contract = _lock_contract(period.contract)
        locked = PaymentPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.paid_at is not None:
            raise ValidationError(
                f"De periode '{locked.name}' is al betaald; een betaalde periode verandert niet."
            )
        if contract.status != Contract.Status.GETEKEND:
            raise ValidationError(
                "Het contract is nog een concept: betalen kan pas als het is getekend."
            )
        if locked.ends_on >= dates.today():
            raise ValidationError(
                f"De periode '{locked.name}' loopt nog tot en met {locked.ends_on:%d-%m-%Y}; "
                "betalen kan vanaf de dag erna."
            )
        earlier = (
            contract.periods.filter(starts_on__lt=locked.starts_on, paid_at__isnull=True)
            .order_by("starts_on")
            .first()
        )
        if earlier is not None:
            raise ValidationError(f"Betaal eerst de eerdere periode '{earlier.name}'.")
        version = record_version(user, contract)
        result = next(
            pr for pr in selectors.payment_result(contract).periods if pr.period.id == locked.pk
        )
        PaidLine.objects.bulk_create(
            [
                PaidLine(
                    period=locked,
                    payer_id=ln.payer_id,
                    kind=ln.kind,
                    household_id=ln.household_id,
                    definition=ln.definition,
                    outcome_id=ln.outcome_id,
                    demand=ln.demand,
                    deadweight=ln.deadweight,
                    paid=ln.paid,
                    note=ln.note[:80],
                    rule=ln.rule[:200],
                )
                for ln in result.lines
            ],
            batch_size=5000,
        )
        PaidReceipt.objects.bulk_create(
            [
                PaidReceipt(period=locked, investor_id=investor, amount=amount)
                for investor, amount in sorted(result.receipts.items())
            ]
        )
        locked.paid_at, locked.paid_by, locked.version = timezone.now(), user, version
        locked.deferred = result.deferred
        locked.deadweight_paid, locked.deadweight_of = result.deadweight_rule
        locked.deadweight_fees = result.deadweight_fees
        locked.waiting_follow_up = result.waiting_follow_up
        locked.save(
            update_fields=[
                "paid_at",
                "paid_by",
                "version",
                "deferred",
                "deadweight_paid",
                "deadweight_of",
                "deadweight_fees",
                "waiting_follow_up",
            ]
        )
        record(user, Action.UPDATE, locked, detail=f"betaald ({result.total} euro)")
        data_changed(OUTCOMES)  # cached SIB payments (common.versions)
    return locked


def add_period(
    user: User, contract: Contract, *, name: str, starts_on: date, ends_on: date
) -> PaymentPeriod:
    """Periods of one contract never overlap: checked under a lock on the contract."""
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "Het einde ligt vóór het begin van de periode."})
    with transaction.atomic():
        _lock_contract(contract)
        clash = (
            PaymentPeriod.objects.filter(
                contract=contract, starts_on__lte=ends_on, ends_on__gte=starts_on
            )
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "starts_on": f"Deze periode overlapt met '{clash.name}' "
                    f"({clash.starts_on:%d-%m-%Y} t/m {clash.ends_on:%d-%m-%Y})."
                }
            )
        period = PaymentPeriod.objects.create(
            contract=contract, name=name, starts_on=starts_on, ends_on=ends_on
        )
        record(user, Action.CREATE, period, detail="betaalperiode")
    return period


def add_rate_line(
    user: User,
    contract: Contract,
    *,
    definition: OutcomeDefinition,
    payer: ContractPayer,
    price: Decimal = Decimal(0),
    method: str = RateCardLine.Method.VAST,
    benchmark_months: Decimal | None = None,
    monthly_cost: Decimal | None = None,
    savings_share_percent: Decimal = Decimal(100),
    comparison_rate: Decimal | None = None,
) -> RateCardLine:
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if payer.contract_id != contract.pk:
        errors["payer"] = "Deze betaler hoort niet bij dit contract."
    if price is None or price < 0:
        errors["price"] = "Een prijs kan niet negatief zijn."
    if method == RateCardLine.Method.BESPARING:
        if benchmark_months is None or benchmark_months < 0:
            errors["benchmark_months"] = "Geef de verwachte duur volgens de benchmark (≥ 0)."
        if monthly_cost is None or monthly_cost < 0:
            errors["monthly_cost"] = "Geef de kosten per maand (≥ 0)."
        if not Decimal(0) <= savings_share_percent <= Decimal(100):
            errors["savings_share_percent"] = "Het aandeel ligt tussen 0 en 100 %."
    if comparison_rate is not None and not Decimal(0) <= comparison_rate <= Decimal(1):
        errors["comparison_rate"] = "Het percentage van de vergelijkingsgroep ligt tussen 0 en 1."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_contract(contract)
        record_version(user, locked)  # the terms before the change, if not yet kept
        if RateCardLine.objects.filter(
            contract=contract, definition=definition, payer=payer
        ).exists():
            raise ValidationError(
                {"definition": "Deze betaler heeft al een tarief voor dit resultaat."}
            )
        line = RateCardLine.objects.create(
            contract=contract,
            definition=definition,
            payer=payer,
            price=price,
            method=method,
            benchmark_months=benchmark_months,
            monthly_cost=monthly_cost,
            savings_share_percent=savings_share_percent,
            comparison_rate=comparison_rate,
        )
        record(user, Action.CREATE, line, detail="tariefregel")
        record_version(user, locked)  # a new rate line is a change of terms
    return line


def check_caps(
    cap_per_household: Decimal | None,
    cap_total: Decimal | None,
    payer_caps: dict[str, Decimal | None],
    max_return_rate: Decimal | None = None,
) -> dict[str, list[str]]:
    """Caps must be non-negative and consistent with each other."""
    errors: dict[str, list[str]] = defaultdict(list)
    for field, value in (("cap_per_household", cap_per_household), ("cap_total", cap_total)):
        if value is not None and value < 0:
            errors[field].append("Een plafond kan niet negatief zijn.")
    for name, cap in payer_caps.items():
        if cap is not None and cap < 0:
            errors["payer_caps"].append(f"Het plafond van {name} kan niet negatief zijn.")
    if max_return_rate is not None and not Decimal(0) <= max_return_rate <= Decimal("0.5"):
        errors["max_return_rate"].append(
            "Het maximale rendement is een fractie per jaar tussen 0 en 0,5 (bijv. 0,10)."
        )
    if errors:
        return dict(errors)
    if cap_total is not None:
        if cap_per_household is not None and cap_per_household > cap_total:
            errors["cap_per_household"].append(
                "Het plafond per huishouden is hoger dan het plafond van het hele contract."
            )
        for name, cap in payer_caps.items():
            if cap is not None and cap > cap_total:
                errors["payer_caps"].append(
                    f"Het plafond van {name} is hoger dan het plafond van het hele contract."
                )
        caps = list(payer_caps.values())
        if caps and all(c is not None for c in caps) and sum(caps) < cap_total:
            errors["cap_total"].append(
                "De plafonds per betaler tellen samen op tot minder dan het contractplafond; "
                "dat plafond is dan nooit te bereiken."
            )
    return dict(errors)


def set_caps(
    user: User,
    contract: Contract,
    *,
    cap_per_household: Decimal | None,
    cap_total: Decimal | None,
    max_return_rate: Decimal | None,
    payer_caps: dict[int, Decimal | None],
) -> Contract:
    """Change all caps at once (they are checked together); nothing is saved on error.

    A change of terms is a new contract version; it applies to the periods not yet paid
    (paid periods keep their stored lines and the version they were paid under).
    """
    if not policies.can_manage_contracts(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock_contract(contract)
        record_version(user, locked)  # the terms before the change, if not yet kept
        payers = {p.pk: p for p in locked.payers.select_related("organisation")}
        unknown = set(payer_caps) - set(payers)
        if unknown:
            raise ValidationError({"payer_caps": "Onbekende betaler voor dit contract."})
        named = {str(p.organisation): payer_caps.get(pk, p.cap) for pk, p in payers.items()}
        errors = check_caps(cap_per_household, cap_total, named, max_return_rate)
        if errors:
            raise ValidationError(errors)
        if (locked.cap_per_household, locked.cap_total, locked.max_return_rate) == (
            cap_per_household,
            cap_total,
            max_return_rate,
        ) and all(payers[pk].cap == cap for pk, cap in payer_caps.items()):
            return locked  # an unchanged caps form writes nothing and logs no change
        locked.cap_per_household, locked.cap_total = cap_per_household, cap_total
        locked.max_return_rate = max_return_rate
        locked.save(update_fields=["cap_per_household", "cap_total", "max_return_rate"])
        for pk, cap in payer_caps.items():
            payers[pk].cap = cap
            payers[pk].save(update_fields=["cap"])
        record(user, Action.UPDATE, locked, detail="plafonds")
        record_version(user, locked)
    return locked
