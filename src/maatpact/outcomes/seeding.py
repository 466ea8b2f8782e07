"""Synthetic events, a fictional SIB contract, evaluated outcomes (some verified).

Runs after the households (and, where present, assessments and provisions) seeders.
ZRM- and provision-based outcomes simply do not occur when those apps seed nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.common.seeding import SeedContext, chunks

from . import services
from .models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    Drawdown,
    EventType,
    FeeYearShare,
    HouseholdEvent,
    Investment,
    OutcomeDefinition,
    PaymentPeriod,
    RateCardLine,
)
from .rules import add_months

TZ = dates.LOCAL_TZ
DELAYS = (5, 10, 15, 20, 30)

# (event code, probability per started household, needs children)
EVENT_RATES = [
    ("huisuitzetting", 0.06, False),
    ("uithuisplaatsing", 0.05, True),
    ("schuldregeling", 0.30, False),
    ("werk", 0.12, False),
    ("politiecontact", 0.15, False),
]


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("outcomes")
    today = ctx.today
    types = dict(EventType.objects.values_list("code", "pk"))
    events: list[HouseholdEvent] = []
    for h in ctx.households:
        if h.started_on is None:
            continue
        end = h.closed_on or today
        span = max((end - h.started_on).days, 1)
        for code, p, needs_children in EVENT_RATES:
            if needs_children and not h.child_count:
                continue
            if code in types and rng.random() < p:
                events.append(
                    HouseholdEvent(
                        household_id=h.pk,
                        event_type_id=types[code],
                        occurred_on=h.started_on + timedelta(days=rng.randrange(span)),
                        recorded_by_id=h.coordinator_id,
                    )
                )
    for batch in ctx.bar(list(chunks(events, 5000)), desc="gebeurtenissen"):
        HouseholdEvent.objects.bulk_create(batch)

    contract = _contract(ctx)
    services.evaluate_outcomes(as_of=today, audit=False)
    _verify_some(ctx, rng, contract)


def _contract(ctx: SeedContext) -> Contract | None:
    orgs = ctx.extra.get("organisations", {})
    if not (orgs.get("gemeente") and orgs.get("investeerder")):
        return None
    first_day = ctx.today - timedelta(days=365 * ctx.years)
    n = max(len(ctx.households), 1)
    committed = Decimal(max(500_000, n * 5_000))
    name = "SIB Maatpact Hart van Brabant (fictief)"
    Contract.objects.filter(name=name).delete()  # a re-seed replaces the fictional contract
    contract = Contract.objects.create(
        status=Contract.Status.GETEKEND,
        signed_at=timezone.now(),
        name=name,
        starts_on=first_day,
        ends_on=add_months(first_day, 60),
        cap_per_household=Decimal("20000.00"),
        cap_total=committed * Decimal("1.5"),
        max_return_rate=Decimal("0.1000"),
        deadweight_paid=5,
        deadweight_of=6,
    )
    municipality = ContractPayer.objects.create(
        contract=contract,
        organisation_id=orgs["gemeente"][0],
        attachment_fee=Decimal("1000.00"),
    )
    payers = {"gemeente": municipality}
    for kind in ("zorgverzekeraar", "woningcorporatie"):
        if orgs.get(kind):
            payers[kind] = ContractPayer.objects.create(
                contract=contract, organisation_id=orgs[kind][0]
            )
    FeeYearShare.objects.bulk_create(
        [
            FeeYearShare(contract=contract, contract_year=1, share_percent=Decimal(100)),
            FeeYearShare(contract=contract, contract_year=2, share_percent=Decimal(50)),
            FeeYearShare(contract=contract, contract_year=3, share_percent=Decimal(0)),
        ]
    )
    definitions = dict(OutcomeDefinition.objects.values_list("code", "pk"))
    prices = [
        ("huisuitzetting-voorkomen", "woningcorporatie", "4000.00"),
        ("huisuitzetting-voorkomen", "gemeente", "1000.00"),
        ("financien-stabiel", "gemeente", "2500.00"),
        ("financien-stabiel", "zorgverzekeraar", "1500.00"),
        ("uithuisplaatsing-voorkomen", "gemeente", "8000.00"),
        ("schuldregeling-gestart", "gemeente", "1000.00"),
        # fewer defaulting premium payers: the insurer pays for debt arrangements too
        ("schuldregeling-gestart", "zorgverzekeraar", "500.00"),
    ]
    lines = [
        RateCardLine(
            contract=contract,
            definition_id=definitions[code],
            payer=payers[kind],
            price=Decimal(price),
        )
        for code, kind, price in prices
        if code in definitions and kind in payers
    ]
    if "uitstroom-bijstand" in definitions:
        lines.append(
            RateCardLine(
                contract=contract,
                definition_id=definitions["uitstroom-bijstand"],
                payer=municipality,
                method=RateCardLine.Method.BESPARING,
                benchmark_months=Decimal(36),
                monthly_cost=Decimal("1400.00"),
                savings_share_percent=Decimal(50),
            )
        )
    RateCardLine.objects.bulk_create(lines)
    investment = Investment.objects.create(
        contract=contract, investor_id=orgs["investeerder"][0], committed=committed
    )
    Drawdown.objects.bulk_create(
        [
            Drawdown(
                investment=investment,
                drawn_on=first_day + timedelta(days=offset),
                amount=(committed * share).quantize(Decimal("0.01")),
            )
            for offset, share in ((0, Decimal("0.4")), (180, Decimal("0.3")), (365, Decimal("0.3")))
            if first_day + timedelta(days=offset) <= ctx.today
        ]
    )
    periods, start, k = [], first_day, 1
    while start <= ctx.today + timedelta(days=180):
        end = add_months(start, 6) - timedelta(days=1)
        periods.append(
            PaymentPeriod(contract=contract, name=f"Periode {k}", starts_on=start, ends_on=end)
        )
        start, k = end + timedelta(days=1), k + 1
    PaymentPeriod.objects.bulk_create(periods)
    return contract


def _verify_some(ctx: SeedContext, rng, contract: Contract | None) -> None:
    """About 70 % of outcomes reached over a month ago are verified by the regional team,
    5 to 30 days after they were reached. One UPDATE per (date, delay) group keeps this
    fast at 100,000 households (no per-row CASE statements)."""
    verifier = User.objects.filter(role=Role.PROGRAMMATEAM).order_by("pk").first()
    if verifier is None:
        return
    cutoff = ctx.today - timedelta(days=30)
    groups: dict[date, list[int]] = defaultdict(list)
    rows = (
        AchievedOutcome.objects.filter(achieved_on__lte=cutoff)
        .order_by("pk")
        .values_list("pk", "achieved_on", "recorded_by_ids")
    )
    for pk, achieved_on, recorders in rows.iterator(chunk_size=5000):
        if verifier.pk in (recorders or []) or rng.random() >= 0.7:
            continue
        groups[achieved_on + timedelta(days=rng.choice(DELAYS))].append(pk)
    for day, ids in sorted(groups.items()):
        for batch in chunks(ids, 2000):
            AchievedOutcome.objects.filter(pk__in=batch).update(
                status=AchievedOutcome.Status.GEVERIFIEERD,
                verified_by=verifier,
                verified_at=datetime.combine(day, time(10, 0), tzinfo=TZ),
                verification_note="Steekproef dossier gecontroleerd",
            )
