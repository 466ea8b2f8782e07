"""Writes on the provisions register: one transaction each, validated in Dutch, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common.money import to_money
from maatpact.common.refusals import Forbidden
from maatpact.common.validators import plausible_case_date
from maatpact.common.versions import PROVISIONS, data_changed
from maatpact.households.models import Household

from .models import Provision

FIELDS = (
    "law",
    "financier",
    "provider",
    "description",
    "starts_on",
    "ends_on",
    "cost_kind",
    "amount",
)


def parse_amount(value: Any) -> Decimal:
    """Exact euros from text or Decimal; Dutch message for anything else."""
    if isinstance(value, float):
        raise ValidationError({"amount": "Geef het bedrag exact op (als tekst of Decimal)."})
    try:
        amount = to_money(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            {
                "amount": "Vul een bedrag in euro in, bijvoorbeeld 1250,00 "
                "(hoogstens twee decimalen)."
            }
        ) from exc
    if amount < 0:
        raise ValidationError({"amount": "Een bedrag kan niet negatief zijn."})
    if amount >= Decimal("10000000000"):
        raise ValidationError({"amount": "Dit bedrag is te groot."})
    return amount


def _validate(provision: Provision) -> None:
    errors: dict[str, str] = {}
    if not provision.description:
        errors["description"] = "Beschrijf kort wat de voorziening is."
    if provision.starts_on is None:
        errors["starts_on"] = "Vul de startdatum in."
    elif not plausible_case_date(provision.starts_on):
        errors["starts_on"] = "Deze startdatum ligt te ver in het verleden of de toekomst."
    elif provision.ends_on is not None and not plausible_case_date(provision.ends_on):
        errors["ends_on"] = "Deze einddatum ligt te ver in de toekomst."
    elif provision.ends_on is not None and provision.ends_on < provision.starts_on:
        errors["ends_on"] = "De einddatum ligt vóór de startdatum."
    if provision.cost_kind not in Provision.CostKind.values:
        errors["cost_kind"] = "Kies 'per maand' of 'eenmalig'."
    if provision.cost_kind == Provision.CostKind.EENMALIG and provision.ends_on not in (
        None,
        provision.starts_on,
    ):
        errors["ends_on"] = "Een eenmalige voorziening heeft geen looptijd; laat de einddatum leeg."
    if provision.law_id is None:
        errors["law"] = "Kies de wet."
    if provision.financier_id is None:
        errors["financier"] = "Kies de financier."
    if errors:
        raise ValidationError(errors)


def _check(actor: User, household: Household) -> None:
    if not policies.can_work_on_case(actor, household):
        raise Forbidden("U mag de voorzieningen van dit huishouden niet wijzigen.")


@transaction.atomic
def add_provision(actor: User, household: Household, **fields: Any) -> Provision:
    _check(actor, household)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Onbekend veld: {sorted(unknown)[0]}.")
    fields["amount"] = parse_amount(fields.get("amount"))
    fields["description"] = (fields.get("description") or "").strip()
    fields.setdefault("cost_kind", Provision.CostKind.MAANDELIJKS)
    provision = Provision(household=household, created_by=actor, **fields)
    _validate(provision)
    provision.save()
    record(actor, Action.CREATE, provision, household_id=household.pk, detail="voorziening")
    data_changed(PROVISIONS)  # cached savings estimate (common.versions)
    return provision


@transaction.atomic
def update_provision(actor: User, provision: Provision, **fields: Any) -> Provision:
    _check(actor, provision.household)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(f"Onbekend veld: {sorted(unknown)[0]}.")
    provision = Provision.objects.select_for_update().get(pk=provision.pk)
    if "amount" in fields:
        fields["amount"] = parse_amount(fields["amount"])
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    changed = [name for name, value in fields.items() if getattr(provision, name) != value]
    for name, value in fields.items():
        setattr(provision, name, value)
    _validate(provision)
    if not changed:  # an unchanged edit form writes nothing and logs no change
        return provision
    provision.save()
    record(
        actor,
        Action.UPDATE,
        provision,
        household_id=provision.household_id,
        detail="voorziening: " + ",".join(changed),
    )
    data_changed(PROVISIONS)  # cached savings estimate (common.versions)
    return provision


def end_provision(actor: User, provision: Provision, *, ends_on: date) -> Provision:
    """Stop a running provision on ``ends_on`` (its last day)."""
    if ends_on is None:
        raise ValidationError({"ends_on": "Vul de einddatum in."})
    return update_provision(actor, provision, ends_on=ends_on)
