"""Partners (health insurers, housing corporations, zorgkantoor, providers, the external
expert organisation) managed by the programme team: who they are, their contact person
and the purposes for which they receive household data (doelbinding)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.households.models import ProcessingBasis
from maatpact.regions.models import Municipality, Organisation

from . import access

FIELDS = ("name", "kind", "municipality", "contact_name", "contact_email", "contact_phone")


@transaction.atomic
def save_partner(
    actor: User,
    *,
    partner: Organisation | None = None,
    name: str,
    kind: str,
    purposes: list[str],
    municipality: Municipality | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """Create or change a partner; saving it unchanged writes nothing."""
    if not access.can_manage_programme(actor):
        raise PermissionDenied("Alleen het programmateam beheert de partners.")
    values = {
        "name": (name or "").strip(),
        "kind": kind,
        "municipality": municipality,
        "contact_name": (contact_name or "").strip(),
        "contact_email": (contact_email or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
    }
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Geef de naam van de partner."
    elif (
        Organisation.objects.filter(name=values["name"])
        .exclude(pk=getattr(partner, "pk", None))
        .exists()
    ):
        errors["name"] = "Er is al een organisatie met deze naam."
    if kind not in Organisation.Kind.values:
        errors["kind"] = "Kies de soort organisatie."
    if values["contact_email"]:
        try:
            validate_email(values["contact_email"])
        except ValidationError:
            errors["contact_email"] = "Vul een geldig e-mailadres in."
    unknown = [p for p in purposes if p not in ProcessingBasis.Purpose.values]
    if unknown:
        errors["purposes"] = "Onbekend doel: " + ", ".join(unknown) + "."
    if errors:
        raise ValidationError(errors)
    ordered = [p for p in ProcessingBasis.Purpose.values if p in set(purposes)]
    if partner is not None:
        partner = Organisation.objects.select_for_update().get(pk=partner.pk)
        changed = [f for f in FIELDS if getattr(partner, f) != values[f]]
        if partner.purposes != ordered:
            changed.append("purposes")
        if not changed:
            return partner
    else:
        partner, changed = Organisation(), []
    for field, value in values.items():
        setattr(partner, field, value)
    partner.purposes = ordered
    creating = partner.pk is None
    partner.save()
    record(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        partner,
        detail="partner" if creating else "partner: " + ", ".join(sorted(changed)),
    )
    return partner
