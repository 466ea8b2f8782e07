"""Synthetic households with members, plan, coordinator, status history and bases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from maatpact.common import dates
from maatpact.common.seeding import SeedContext, SeedHousehold, chunks
from maatpact.plans.models import Plan
from maatpact.regions.models import Municipality, Organisation

from .models import (
    Cohort,
    CoordinatorAssignment,
    Counter,
    Household,
    Member,
    ProcessingBasis,
    StatusChange,
)
from .services import format_number

TZ = dates.LOCAL_TZ
LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
CLOSURE_REASONS = [
    "Doelen bereikt, huishouden redt het zelf",
    "Verhuisd buiten de regio",
    "Overgedragen aan reguliere ondersteuning",
    "Huishouden wil niet verder",
]


def bsn_stream(start: int):
    """Valid (elfproef) synthetic BSNs, in order; none belongs to a known person."""
    prefix = start
    while True:
        digits = f"{prefix:08d}"
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check <= 9:
            yield f"{digits}{check}"
        prefix += 1


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=TZ)


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("households")
    names = ctx.extra["names"]
    today = ctx.today
    first_day = today - timedelta(days=365 * ctx.years)
    region_id = Municipality.objects.values_list("region_id", flat=True).first()
    cohorts = [
        Cohort.objects.create(
            name="Fase 1 — eerste 50",
            region_id=region_id,
            phase=1,
            capacity=50,
            starts_on=first_day,
        ),
        Cohort.objects.create(
            name="Fase 2 — groei met partners",
            region_id=region_id,
            phase=2,
            capacity=max(50, ctx.households_wanted * 3 // 10),
            starts_on=first_day + timedelta(days=180),
        ),
        Cohort.objects.create(
            name="Fase 3 — inbedding",
            region_id=region_id,
            phase=3,
            capacity=ctx.households_wanted + 1,
            starts_on=first_day + timedelta(days=420),
        ),
    ]
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    shares: dict[int, int] = ctx.extra["household_shares"]
    coordinators: dict[int, list[int]] = ctx.extra["coordinators"]
    slots = [mid for mid, n in sorted(shares.items()) for _ in range(n)]
    rng.shuffle(slots)
    span = (today - first_day).days

    households: list[Household] = []
    plan_rows: list[dict] = []
    for index, municipality_id in enumerate(slots, start=1):
        m = municipalities[municipality_id]
        registered = first_day + timedelta(days=rng.randrange(span))
        roll = rng.random()
        selected = registered + timedelta(days=rng.randint(7, 40))
        started = selected + timedelta(days=rng.randint(5, 30))
        closed = started + timedelta(days=rng.randint(200, 900))
        if roll < 0.08 or selected > today:
            status, selected, started, closed = Household.Status.AANGEMELD, None, None, None
        elif roll < 0.12 or started > today:
            status, started, closed = Household.Status.GESELECTEERD, None, None
        elif closed > today or roll < 0.75:
            status, closed = Household.Status.ACTIEF, None
        else:
            status = Household.Status.AFGESLOTEN
        city = rng.choice(names["cities"][m.cbs_code])
        households.append(
            Household(
                number=format_number(index),
                municipality_id=municipality_id,
                street=rng.choice(names["streets"][m.cbs_code]),
                house_number=str(rng.randint(1, 240)),
                postcode=f"{names['postcode_prefix'][m.cbs_code]} {rng.choice(LETTERS)}"
                f"{rng.choice(LETTERS)}",
                city=city,
                status=status,
                registered_on=registered,
                selected_on=selected,
                started_on=started,
                closed_on=closed,
                closure_reason=rng.choice(CLOSURE_REASONS) if closed else "",
            )
        )
        plan_rows.append({"coordinator": rng.choice(coordinators[municipality_id])})

    # Cohorts by order of selection: the first 50 are phase 1.
    in_cohort = sorted(
        (h for h in households if h.selected_on), key=lambda h: (h.selected_on, h.number)
    )
    phase2_cap = cohorts[1].capacity
    for position, h in enumerate(in_cohort):
        h.cohort = (
            cohorts[0]
            if position < 50
            else cohorts[1]
            if position < 50 + phase2_cap
            else cohorts[2]
        )

    for batch in ctx.bar(list(chunks(households, 5000)), desc="huishoudens"):
        Household.objects.bulk_create(batch)
    Counter.objects.update_or_create(name="household", defaults={"value": len(households)})

    bsns = bsn_stream(10_000_000 + ctx.seed % 1000 * 10_000)
    members: list[Member] = []
    member_household: list[int] = []
    plans, assignments, changes, bases = [], [], [], []
    orgs = ctx.extra["organisations"]
    municipal_org = dict(
        Organisation.objects.filter(kind="gemeente").values_list("municipality_id", "pk")
    )
    for h, extra in zip(households, plan_rows, strict=True):
        last_name = rng.choice(names["last_names"])
        adults = 1 + (rng.random() < 0.55)
        children = rng.choice([0, 0, 1, 1, 2, 2, 3, 4])
        for k in range(adults + children):
            adult = k < adults
            age_days = rng.randint(20 * 365, 70 * 365) if adult else rng.randint(30, 17 * 365)
            members.append(
                Member(
                    household=h,
                    first_name=rng.choice(names["first_names"]),
                    last_name=last_name
                    if k == 0 or rng.random() < 0.7
                    else rng.choice(names["last_names"]),
                    date_of_birth=today - timedelta(days=age_days),
                    bsn=next(bsns) if rng.random() < 0.6 else "",
                    role=Member.Role.AANVRAGER
                    if k == 0
                    else Member.Role.PARTNER
                    if adult
                    else Member.Role.KIND,
                )
            )
            member_household.append(h.pk)
        plans.append(Plan(household=h))
        assignments.append(
            CoordinatorAssignment(
                household=h,
                coordinator_id=extra["coordinator"],
                started_at=_at(h.registered_on),
                reason="Intake",
            )
        )
        changes.append(
            StatusChange(
                household=h, to_status="aangemeld", changed_at=_at(h.registered_on), reason="Intake"
            )
        )
        for status, day in (
            ("geselecteerd", h.selected_on),
            ("actief", h.started_on),
            ("afgesloten", h.closed_on),
        ):
            if day:
                changes.append(
                    StatusChange(
                        household=h,
                        from_status=changes[-1].to_status,
                        to_status=status,
                        changed_at=_at(day),
                        reason=h.closure_reason if status == "afgesloten" else "",
                    )
                )
        bases.append(
            ProcessingBasis(
                household=h,
                partner_id=municipal_org[h.municipality_id],
                kind="verwerking",
                purpose="Regie en ondersteuning (Maatpact)",
                data_purpose=ProcessingBasis.Purpose.ONDERSTEUNING,
                basis="wettelijke_taak",
                law="Wmo 2015, art. 2.3.2",
                given_on=h.registered_on,
            )
        )
        if rng.random() < 0.5 and orgs.get("zorgverzekeraar"):
            withdrawn = h.registered_on + timedelta(days=120) if rng.random() < 0.1 else None
            bases.append(
                ProcessingBasis(
                    household=h,
                    partner_id=orgs["zorgverzekeraar"][0],
                    kind="delen",
                    purpose="Resultaatmeting Social Impact Bond",
                    data_purpose=ProcessingBasis.Purpose.RESULTAATMETING,
                    basis="toestemming",
                    given_on=h.registered_on,
                    withdrawn_on=min(withdrawn, today) if withdrawn else None,
                )
            )
        if rng.random() < 0.3 and orgs.get("woningcorporatie"):
            bases.append(
                ProcessingBasis(
                    household=h,
                    partner_id=orgs["woningcorporatie"][0],
                    kind="delen",
                    purpose="Voorkomen huisuitzetting",
                    data_purpose=ProcessingBasis.Purpose.HUISUITZETTING,
                    basis="toestemming",
                    given_on=h.registered_on,
                )
            )
        ctx.households.append(
            SeedHousehold(
                pk=h.pk,
                number=h.number,
                municipality_id=h.municipality_id,
                status=h.status,
                registered_on=h.registered_on,
                started_on=h.started_on,
                closed_on=h.closed_on,
                coordinator_id=extra["coordinator"],
                child_count=children,
            )
        )

    for model, rows, desc in (
        (Member, members, "gezinsleden"),
        (Plan, plans, "plannen"),
        (CoordinatorAssignment, assignments, "regie"),
        (StatusChange, changes, "statushistorie"),
        (ProcessingBasis, bases, "grondslagen"),
    ):
        for batch in ctx.bar(list(chunks(rows, 5000)), desc=desc):
            model.objects.bulk_create(batch)
    by_pk = {h.pk: h for h in ctx.households}
    for member, household_id in zip(members, member_household, strict=True):
        if member.role != Member.Role.KIND:
            by_pk[household_id].adult_member_ids.append(member.pk)
