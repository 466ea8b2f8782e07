"""The demo fund (EUR 10,000,000), allocated by population, and years of spends.

Spends are built in memory, checked against the allocation as they would be at the
time (never more than what is left), inserted in bulk and then booked as a hash-chained
ledger in time order, so ``maatpact budget-reconcile`` passes right after seeding.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.common.money import ZERO
from maatpact.common.seeding import SeedContext, chunks
from maatpact.regions.models import Municipality

from . import ledger
from .allocation import split
from .models import Allocation, Fund, LedgerEntry, ScenarioLine, Spend

TZ = dates.LOCAL_TZ
FUND_AMOUNT = Decimal("10000000.00")
THRESHOLD = Decimal("2500.00")
SHARE_WITH_SPENDS = 0.35
Kind = LedgerEntry.Kind

PURPOSES = {
    "wonen": ("Huurachterstand aflossen zodat de ontruiming stopt", "Dreigende huisuitzetting"),
    "schulden": ("Schuld bij de energieleverancier afkopen", "Afsluiting en incassokosten"),
    "werk": ("Cursus en rijlessen voor een baan in de logistiek", "Uitkering bij geen werk"),
    "vervoer": ("Fiets en ov-abonnement om naar werk en school te gaan", "Taxivervoer Wmo"),
    "inrichting": ("Bedden en een wasmachine na de verhuizing", "Tijdelijke opvang"),
    "zorg": ("Eigen risico en eigen bijdrage betalen", "Crisisopname ggz"),
    "kinderen": ("Schoolspullen en sportclub voor de kinderen", "Jeugdhulp met verblijf"),
    "overig": ("Leges voor een identiteitsbewijs", "Extra ondersteuning"),
}
REJECTIONS = [
    "Past binnen een bestaande regeling; vraag die eerst aan.",
    "Onderbouwing te dun: welke kosten voorkomt dit?",
    "Niet in het plan opgenomen; bespreek eerst met het huishouden.",
]


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=TZ)


# Where the demo municipalities take their contribution from (their regular budgets).
SOURCE_SHARES = (("wmo", 40), ("jeugdwet", 35), ("participatiewet", 25))


def _contributions(fund, municipalities, shares, day, recorded_by_id) -> None:
    """Each municipality fills the fund with its own share, from three source budgets."""
    from maatpact.provisions.models import Law

    from .models import FundContribution

    if recorded_by_id is None:
        return
    laws = {law.code: law for law in Law.objects.filter(code__in=[c for c, _ in SOURCE_SHARES])}
    rows = []
    for m in municipalities:
        parts = split(shares[m.pk], dict(SOURCE_SHARES), {c: c for c, _ in SOURCE_SHARES})
        for code, _ in SOURCE_SHARES:
            if parts[code] > 0:
                rows.append(
                    FundContribution(
                        fund=fund,
                        municipality_id=m.pk,
                        source=laws[code],
                        budget_line=f"{laws[code].name} — begroting {day.year}",
                        amount=parts[code],
                        contributed_on=day,
                        recorded_by_id=recorded_by_id,
                    )
                )
    FundContribution.objects.bulk_create(rows)


def seed(ctx: SeedContext) -> None:
    from maatpact.plans.models import Goal

    rng = ctx.sub_rng("budget")
    today = ctx.today
    first_day = today - timedelta(days=365 * ctx.years)
    municipalities = list(Municipality.objects.order_by("cbs_code"))
    if not municipalities:
        return
    region_id = municipalities[0].region_id
    regional_id = (
        User.objects.filter(role=Role.PROGRAMMATEAM).order_by("pk").values_list("pk", flat=True)
    ).first()
    fund = Fund.objects.create(
        region_id=region_id,
        name="Doorbraakbudget Hart van Brabant",
        amount=FUND_AMOUNT,
        formula=Fund.Formula.INWONERS,
        allocated_at=_at(first_day, rng),
    )
    in_region = [m for m in municipalities if m.region_id == region_id]
    shares = split(
        FUND_AMOUNT,
        {m.pk: m.population or 1 for m in in_region},
        {m.pk: m.cbs_code for m in in_region},
    )
    _contributions(fund, in_region, shares, first_day, regional_id)
    allocations = Allocation.objects.bulk_create(
        [Allocation(fund=fund, municipality_id=m.pk) for m in in_region]
    )
    by_municipality = {a.municipality_id: a for a in allocations}
    ctx.extra["budget_fund_id"] = fund.pk

    team_leads: dict[int, int] = ctx.extra.get("team_leads", {})
    financiers = [
        i
        for kind in ("woningcorporatie", "zorgverzekeraar", "gemeente")
        for i in ctx.extra.get("organisations", {}).get(kind, [])
    ]
    started = [h for h in ctx.households if h.started_on and h.municipality_id in by_municipality]
    goals: dict[int, int] = {}
    for household_id, goal_id in (
        Goal.objects.filter(plan__household_id__in=[h.pk for h in started])
        .order_by("pk")
        .values_list("plan__household_id", "pk")
        .iterator(chunk_size=5000)
    ):
        goals.setdefault(household_id, goal_id)

    # 1. Spends in memory, in time order, never more than what is left at that time.
    planned = []
    for h in started:
        if rng.random() >= SHARE_WITH_SPENDS:
            continue
        end = h.closed_on or today
        span = max(1, (end - h.started_on).days)
        for _ in range(rng.choice((1, 1, 2, 3))):
            day = h.started_on + timedelta(days=rng.randrange(span))
            roll = rng.random()
            cents = (
                rng.randint(5_000, 100_000)
                if roll < 0.6
                else rng.randint(100_000, 250_000)
                if roll < 0.85
                else rng.randint(250_001, 800_000)
            )
            planned.append((_at(day, rng), h, Decimal(cents) / 100))
    planned.sort(key=lambda p: (p[0], p[1].pk))
    # Spread the fund over the years: with many households keep a random sample whose
    # expected total stays within ~85% of the fund, instead of running dry in year one.
    expected = sum((p[2] for p in planned), ZERO)
    keep = min(1.0, float(FUND_AMOUNT * Decimal("0.85") / expected)) if expected else 1.0
    if keep < 1.0:
        planned = [p for p in planned if rng.random() < keep]

    left = {a.pk: shares[a.municipality_id] for a in allocations}
    spends: list[Spend] = []
    lines: list[tuple[int, ScenarioLine]] = []
    reversals: dict[int, tuple[datetime, Decimal]] = {}
    categories = list(PURPOSES)
    now = datetime.combine(today, time(12, 0), tzinfo=TZ)
    for requested_at, h, amount in planned:
        allocation = by_municipality[h.municipality_id]
        if amount > left[allocation.pk]:
            continue
        left[allocation.pk] -= amount  # conservative: later releases only add money back
        lead = team_leads.get(h.municipality_id)
        needs = amount > THRESHOLD
        category = rng.choice(categories)
        purpose, looming = PURPOSES[category]
        spend = Spend(
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
            allocation_id=allocation.pk,
            household_id=h.pk,
            requested_by_id=h.coordinator_id,
            requested_at=requested_at,
            amount=amount,
            category=category,
            purpose=purpose,
            goal_id=goals.get(h.pk),
            justification="Doormodderen kost meer dan doorbreken; zie de kostenregels.",
            value_legitimate=True,
            value_involved=True,
            value_return=True,
            needs_approval=needs,
            status=Spend.Status.GOEDGEKEURD,
        )
        if not needs:
            spend.decided_at = requested_at
        else:
            decided = requested_at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            recent = requested_at > now - timedelta(days=45)
            if decided > now or lead is None or (recent and rng.random() < 0.6):
                spend.status = Spend.Status.AANGEVRAAGD
            else:
                spend.decided_at, spend.decided_by_id = decided, lead
                if rng.random() < 0.12:
                    spend.status = Spend.Status.AFGEWEZEN
                    spend.rejection_reason = rng.choice(REJECTIONS)
        if spend.status == Spend.Status.GOEDGEKEURD and lead is not None:
            paid_at = spend.decided_at + timedelta(days=rng.randint(3, 20))
            if paid_at < now:
                spend.status, spend.paid_at, spend.paid_by_id = Spend.Status.BETAALD, paid_at, lead
            if rng.random() < 0.04:
                at = (spend.paid_at or spend.decided_at) + timedelta(days=rng.randint(5, 60))
                if at < now:
                    part = amount if rng.random() < 0.5 else (amount / 2).quantize(Decimal("0.01"))
                    reversals[len(spends)] = (at, part)
                    spend.reversed_amount = part
                    if part == amount:
                        spend.status = Spend.Status.TERUGGEDRAAID
        spends.append(spend)
        if financiers:
            lines.append(
                (
                    len(spends) - 1,
                    ScenarioLine(
                        kind=ScenarioLine.Kind.DREIGEND,
                        description=looming,
                        financier_id=rng.choice(financiers),
                        annual_cost=(amount * rng.randint(2, 8)).quantize(Decimal("0.01")),
                        avoided=True,
                    ),
                )
            )
    for batch in ctx.bar(list(chunks(spends, 5000)), desc="uitgaven"):
        Spend.objects.bulk_create(batch)
    for index, line in lines:
        line.spend_id = spends[index].pk
    for batch in chunks([line for _, line in lines], 5000):
        ScenarioLine.objects.bulk_create(batch)

    # 2. The ledger, in time order per allocation.
    events: list[tuple] = []  # (allocation_id, at, tiebreak, kind, amount, spend_id, actor_id)
    start = _at(first_day, rng).replace(hour=7)
    for a in allocations:
        events.append(
            (a.pk, start, 0, Kind.TOEWIJZING, shares[a.municipality_id], None, regional_id)
        )
    for i, s in enumerate(spends):
        base = (s.allocation_id,)
        events.append(
            (*base, s.requested_at, i * 10 + 1, Kind.RESERVERING, s.amount, s.pk, s.requested_by_id)
        )
        if s.status == Spend.Status.AANGEVRAAGD:
            continue
        if s.status == Spend.Status.AFGEWEZEN:
            events.append(
                (*base, s.decided_at, i * 10 + 2, Kind.VRIJGAVE, s.amount, s.pk, s.decided_by_id)
            )
            continue
        events.append(
            (*base, s.decided_at, i * 10 + 2, Kind.GOEDKEURING, s.amount, s.pk, s.decided_by_id)
        )
        if s.paid_at:
            events.append(
                (*base, s.paid_at, i * 10 + 3, Kind.BETALING, s.amount, s.pk, s.paid_by_id)
            )
        if i in reversals:
            at, part = reversals[i]
            kind = Kind.TERUGBETALING if s.paid_at else Kind.TERUGBOEKING
            events.append(
                (*base, at, i * 10 + 4, kind, part, s.pk, s.paid_by_id or s.decided_by_id)
            )
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    by_pk = {a.pk: a for a in allocations}
    entries = []
    for allocation_id, at, _, kind, amount, spend_id, actor_id in events:
        entries.append(
            ledger.post(
                by_pk[allocation_id],
                kind,
                amount,
                at=at,
                spend_id=spend_id,
                actor_id=actor_id,
                reason="demodata",
            )
        )
    for batch in ctx.bar(list(chunks(entries, 5000)), desc="grootboek"):
        LedgerEntry.objects.bulk_create(batch)
    for a in allocations:
        assert a.available >= ZERO, "seed would overspend"
    Allocation.objects.bulk_update(
        allocations, [*ledger.BALANCE_FIELDS, "last_seq", "last_hash"], batch_size=1000
    )
