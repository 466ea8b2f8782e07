"""Synthetic provisions: 3-25 per household across laws and financiers, before and during.

Many start before registration (the system cost before entry); for active households a
part ends some months into the programme, a few new ones start.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from maatpact.common.seeding import SeedContext, bulk_load, chunks, insert_rows
from maatpact.regions.models import Organisation

from .models import Law, Provision

# (law, financier kind, with provider, description, low, high, one-off, children only)
CATALOGUE = [
    ("wmo", "gemeente", True, "Ambulante begeleiding", 600, 1800, False, False),
    ("wmo", "gemeente", True, "Huishoudelijke hulp", 250, 600, False, False),
    ("wmo", "gemeente", False, "Algemeen maatschappelijk werk", 150, 400, False, False),
    ("wmo", "gemeente", True, "Dagbesteding", 400, 1100, False, False),
    ("jeugdwet", "gemeente", True, "Jeugdhulp ambulant", 800, 2500, False, True),
    ("jeugdwet", "gemeente", True, "Gezinscoach", 400, 900, False, True),
    ("jeugdwet", "gemeente", True, "Logeeropvang voor een kind", 1500, 3500, False, True),
    ("participatiewet", "gemeente", False, "Bijstandsuitkering", 1100, 1700, False, False),
    ("participatiewet", "gemeente", False, "Bijzondere bijstand", 150, 1500, True, False),
    ("participatiewet", "gemeente", True, "Re-integratietraject", 300, 700, False, False),
    ("participatiewet", "gemeente", True, "Beschermingsbewind", 110, 160, False, False),
    ("zvw", "zorgverzekeraar", True, "Basis-ggz", 200, 600, False, False),
    ("zvw", "zorgverzekeraar", True, "Specialistische ggz", 1200, 3500, False, False),
    ("zvw", "zorgverzekeraar", False, "Huisartsenzorg en medicijnen", 60, 250, False, False),
    ("zvw", "zorgverzekeraar", True, "Verslavingszorg", 800, 2200, False, False),
    ("zvw", "zorgverzekeraar", False, "Spoedeisende hulp", 300, 1500, True, False),
    ("wlz", "zorgkantoor", True, "Wlz-zorg thuis", 2500, 5000, False, False),
    ("wgs", "gemeente", True, "Schuldhulpverlening", 150, 400, False, False),
    (
        "huisvestingswet",
        "woningcorporatie",
        False,
        "Huurachterstandsregeling",
        50,
        200,
        False,
        False,
    ),
    (
        "huisvestingswet",
        "woningcorporatie",
        False,
        "Kosten ontruimingsprocedure",
        2000,
        6000,
        True,
        False,
    ),
    ("overig", "overheid", False, "Reclasseringstoezicht", 300, 800, False, False),
]


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("provisions")
    orgs = ctx.extra.get("organisations", {})
    municipal = dict(
        Organisation.objects.filter(kind="gemeente").values_list("municipality_id", "pk")
    )
    laws = dict(Law.objects.values_list("code", "pk"))
    providers = orgs.get("aanbieder") or []
    with bulk_load(Provision):
        for batch in ctx.bar(list(chunks(ctx.households, 2000)), desc="voorzieningen"):
            rows: list[tuple] = []
            now = timezone.now().isoformat()
            for h in batch:
                options = [c for c in CATALOGUE if h.child_count or not c[7]]
                options = [c for c in options if c[1] == "gemeente" or orgs.get(c[1])]
                count = min(rng.randint(3, 25), len(options) * 2)
                entry = h.started_on or h.registered_on
                # Mostly different forms of support; some (one-off costs) recur.
                picks = rng.sample(options, k=min(count, len(options)))
                picks += [rng.choice(options) for _ in range(count - len(picks))]
                for law, kind, with_provider, what, low, high, once, _kids in picks:
                    financier = (
                        municipal.get(h.municipality_id)
                        if kind == "gemeente"
                        else rng.choice(orgs[kind])
                    )
                    if financier is None:
                        continue
                    start = h.registered_on - timedelta(days=rng.randint(-200, 900))
                    start = min(start, ctx.today)
                    end = None
                    if not once:
                        roll = rng.random()
                        if roll < 0.25:
                            end = start + timedelta(days=rng.randint(60, 500))
                        elif h.status in ("actief", "afgesloten") and roll < 0.65:
                            end = entry + timedelta(days=rng.randint(30, 400))
                        if (
                            h.closed_on
                            and (end is None or end > h.closed_on)
                            and rng.random() < 0.7
                        ):
                            end = h.closed_on
                        if end is not None and (end > ctx.today or end < start):
                            end = None if end > ctx.today else start
                    cents = rng.randint(0, 99) if rng.random() < 0.3 else 0
                    rows.append(
                        (
                            h.pk,
                            laws[law],
                            financier,
                            rng.choice(providers) if with_provider and providers else None,
                            what,
                            start.isoformat(),
                            end.isoformat() if end else None,
                            "eenmalig" if once else "maandelijks",
                            str(Decimal(rng.randint(low, high)) + Decimal(cents) / 100),
                            now,
                        )
                    )
            insert_rows(Provision, COLUMNS, rows)


COLUMNS = [
    "household_id",
    "law_id",
    "financier_id",
    "provider_id",
    "description",
    "starts_on",
    "ends_on",
    "cost_kind",
    "amount",
    "created_at",
]
