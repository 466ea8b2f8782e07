"""Fictional partner organisations for the synthetic region."""

from __future__ import annotations

from maatpact.common.seeding import SeedContext

from .models import Municipality, Organisation

PARTNERS = [
    ("Zorgverzekeraar Zuid (fictief)", Organisation.Kind.ZORGVERZEKERAAR),
    ("Zorgverzekeraar Samen (fictief)", Organisation.Kind.ZORGVERZEKERAAR),
    ("Zorgkantoor Midden-Brabant (fictief)", Organisation.Kind.ZORGKANTOOR),
    ("Woonstichting Het Hart (fictief)", Organisation.Kind.WONINGCORPORATIE),
    ("Wooncorporatie De Leije (fictief)", Organisation.Kind.WONINGCORPORATIE),
    ("Impactfonds Brabant (fictief)", Organisation.Kind.INVESTEERDER),
    ("GGZ Kempen en Stad (fictief)", Organisation.Kind.AANBIEDER),
    ("Jeugdhulp Midden-Brabant (fictief)", Organisation.Kind.AANBIEDER),
    ("Schuldhulp Regio (fictief)", Organisation.Kind.AANBIEDER),
    ("Thuiszorg Brabant (fictief)", Organisation.Kind.AANBIEDER),
    ("Verslavingszorg Zuid (fictief)", Organisation.Kind.AANBIEDER),
    ("Reclassering (fictief)", Organisation.Kind.OVERHEID),
]


def seed(ctx: SeedContext) -> None:
    for municipality in Municipality.objects.all():
        Organisation.objects.get_or_create(
            name=f"Gemeente {municipality.name}",
            defaults={"kind": Organisation.Kind.GEMEENTE, "municipality": municipality},
        )
    for name, kind in PARTNERS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    ctx.extra["organisations"] = {
        kind: list(
            Organisation.objects.filter(kind=kind).order_by("pk").values_list("pk", flat=True)
        )
        for kind in Organisation.Kind.values
    }
