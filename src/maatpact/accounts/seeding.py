"""Synthetic staff: per municipality a team lead and coordinators; regional roles."""

from __future__ import annotations

import math

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from maatpact.common.seeding import DEMO_PASSWORD, SeedContext
from maatpact.regions.models import Municipality, Organisation, Region

from .models import Role, User

HOUSEHOLDS_PER_COORDINATOR = 20


def household_shares(ctx: SeedContext, municipalities: list[Municipality]) -> dict[int, int]:
    """Households per municipality by population, every municipality at least one."""
    total_pop = sum(m.population or 1 for m in municipalities)
    shares = {
        m.pk: max(1, round(ctx.households_wanted * (m.population or 1) / total_pop))
        for m in municipalities
    }
    # Make the shares add up to exactly the number asked for.
    largest = max(municipalities, key=lambda m: m.population).pk
    shares[largest] += ctx.households_wanted - sum(shares.values())
    if shares[largest] < 1:
        raise ValueError("Te weinig huishoudens voor het aantal gemeenten.")
    return shares


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("accounts")
    names = ctx.extra.setdefault("names", _names())
    password = make_password(DEMO_PASSWORD)
    region = Region.objects.order_by("pk").first()
    municipalities = list(Municipality.objects.order_by("name"))
    shares = household_shares(ctx, municipalities)
    ctx.extra["household_shares"] = shares
    users: list[User] = []

    def person(username: str, role: str, **extra) -> None:
        users.append(
            User(
                username=username,
                password=password,
                role=role,
                first_name=rng.choice(names["first_names"]),
                last_name=rng.choice(names["last_names"]),
                email=f"{username}@maatpact.example",
                **extra,
            )
        )
        ctx.logins[username] = role

    for m in municipalities:
        slug = slugify(m.name).replace("-", "")
        person(f"teamleider.{slug}", Role.TEAMLEIDER, municipality=m, region=region)
        for k in range(1, max(2, math.ceil(shares[m.pk] / HOUSEHOLDS_PER_COORDINATOR)) + 1):
            person(f"regisseur.{slug}.{k}", Role.REGISSEUR, municipality=m, region=region)
    person("programmateam", Role.PROGRAMMATEAM, region=region)
    # a second person of the regional team: four eyes (signing an outcome contract)
    person("programmateam.2", Role.PROGRAMMATEAM, region=region)
    person("analist", Role.ANALIST, region=region)
    insurer = (
        Organisation.objects.filter(kind=Organisation.Kind.ZORGVERZEKERAAR).order_by("pk").first()
    )
    corporation = (
        Organisation.objects.filter(kind=Organisation.Kind.WONINGCORPORATIE).order_by("pk").first()
    )
    investor = (
        Organisation.objects.filter(kind=Organisation.Kind.INVESTEERDER).order_by("pk").first()
    )
    person("financier.zorgverzekeraar", Role.FINANCIER, organisation=insurer, region=region)
    person("financier.woningcorporatie", Role.FINANCIER, organisation=corporation, region=region)
    person("financier.investeerder", Role.FINANCIER, organisation=investor, region=region)
    person("beheerder", Role.BEHEERDER, region=region, is_staff=True, is_superuser=True)
    User.objects.bulk_create(users, batch_size=2000)
    ctx.extra["coordinators"] = {
        m.pk: list(
            User.objects.filter(role=Role.REGISSEUR, municipality=m)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for m in municipalities
    }
    ctx.extra["team_leads"] = dict(
        User.objects.filter(role=Role.TEAMLEIDER).values_list("municipality_id", "pk")
    )


def _names() -> dict:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "households" / "data" / "synthetic_names.json"
    return json.loads(path.read_text(encoding="utf-8"))
