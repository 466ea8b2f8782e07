"""Synthetic obstacles with their course on the ladder, breakthroughs and proposals.

The ladder is walked exactly as the cron would have done it (a move on the first
morning after a deadline, new deadline in working days), so a seeded register is in
the state ``maatpact escalate`` leaves it in: running the command right after seeding
moves nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.common.dates import add_working_days
from maatpact.common.seeding import SeedContext, chunks
from maatpact.provisions.models import Law
from maatpact.regions.models import Organisation

from .models import (
    Breakthrough,
    CustomFitDecision,
    EscalationLevel,
    EscalationStep,
    Obstacle,
    StructuralProposal,
)

TZ = dates.LOCAL_TZ
SHARE = 0.35  # of selected households meets at least one obstacle

# type, rule, law code, kind of organisation involved, link
RULES = [
    (
        "wet",
        "Participatiewet art. 18 lid 2 (verlaging bij verwijtbaar gedrag)",
        "participatiewet",
        "gemeente",
        "https://wetten.overheid.nl/BWBR0015703",
    ),
    (
        "wet",
        "Participatiewet art. 13 lid 1 (geen bijstand bij detentie of zonder adres)",
        "participatiewet",
        "gemeente",
        "https://wetten.overheid.nl/BWBR0015703",
    ),
    (
        "wet",
        "Wgs art. 3 (weigering schuldhulp na eerdere traject of fraudeschuld)",
        "wgs",
        "gemeente",
        "https://wetten.overheid.nl/BWBR0031664",
    ),
    (
        "wet",
        "Jeugdwet art. 1.1 (woonplaatsbeginsel bij verhuizing)",
        "jeugdwet",
        "gemeente",
        "https://wetten.overheid.nl/BWBR0034925",
    ),
    (
        "financier",
        "Zvw art. 18a-18f (wanbetalersregeling, bestuursrechtelijke premie)",
        "zvw",
        "zorgverzekeraar",
        "",
    ),
    ("financier", "Wlz-indicatie vereist voor verblijf (zorgkantoor)", "wlz", "zorgkantoor", ""),
    (
        "organisatie",
        "Ontruimingsbeleid corporatie bij drie maanden huurachterstand",
        "huisvestingswet",
        "woningcorporatie",
        "",
    ),
    (
        "organisatie",
        "Urgentieverordening: geen urgentie bij eigen schuld aan huurachterstand",
        "huisvestingswet",
        "gemeente",
        "",
    ),
    ("wet", "Wmo-verordening art. 2.3.5 (eigen kracht gaat voor)", "wmo", "gemeente", ""),
    (
        "gegevens",
        "AVG art. 6: geen grondslag om schuldinformatie met jeugdhulp te delen",
        "overig",
        "aanbieder",
        "",
    ),
    ("wachtlijst", "Wachtlijst specialistische GGZ (meer dan 14 weken)", "zvw", "aanbieder", ""),
    ("cultuur", "Werkwijze: elk loket eigen intake en eigen plan", "overig", "aanbieder", ""),
    ("wachtlijst", "Wachtlijst schuldhulpverlening (meer dan 4 weken)", "wgs", "aanbieder", ""),
    (
        "overig",
        "Geen budget voor tijdelijke woonruimte bij huiselijk geweld",
        "wmo",
        "gemeente",
        "",
    ),
]
DESCRIPTIONS = [
    "De oplossing ligt klaar, maar de regel staat haar in de weg.",
    "Twee loketten verwijzen naar elkaar; niemand neemt het besluit.",
    "Zonder uitzondering loopt de achterstand op en dreigt ontruiming.",
    "De indicatie laat op zich wachten terwijl de situatie thuis verslechtert.",
    "Het huishouden valt tussen twee regelingen in.",
]
BREAKTHROUGHS = [
    ("Maatwerkbesluit: de regel buiten toepassing gelaten", "Teamleider sociaal domein"),
    ("Betaald uit het regelvrije budget, vordering later verrekend", "Programmateam"),
    ("Afspraak met de corporatie: ontruiming opgeschort", "Woningcorporatie"),
    ("Zorgverzekeraar haalt huishouden uit de wanbetalersregeling", "Zorgverzekeraar"),
    ("Wethouder besluit tot een eenmalige uitzondering", "Wethouder sociaal domein"),
    ("Gegevensdeling op grond van vitaal belang vastgelegd", "Functionaris gegevensbescherming"),
    ("Voorrang op de wachtlijst na overleg met de aanbieder", "Zorgaanbieder"),
]
DURATIONS = [(1, 10), (5, 25), (10, 45), (20, 90), (40, 180), (90, 400)]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("obstacles")
    today = ctx.today
    levels = list(EscalationLevel.objects.order_by("order"))
    if not levels:
        return
    laws = dict(Law.objects.values_list("code", "pk"))
    organisations = ctx.extra.get("organisations", {})
    team_leads: dict[int, int] = ctx.extra.get("team_leads", {})
    regional = list(
        User.objects.filter(role=Role.PROGRAMMATEAM).order_by("pk").values_list("pk", flat=True)
    )
    regional_id = regional[0] if regional else None
    org_of_municipality = dict(
        Organisation.objects.filter(kind="gemeente").values_list("municipality_id", "pk")
    )

    obstacles: list[Obstacle] = []
    plans: list[dict] = []  # per obstacle: steps and breakthrough, to insert after the pk
    for h in ctx.bar(ctx.households, desc="knelpunten", unit="hh"):
        if h.started_on is None or rng.random() > SHARE:
            continue
        end = min(h.closed_on or today, today)
        span = (end - h.started_on).days
        if span < 1:
            continue
        for _ in range(1 + (rng.random() < 0.3) + (rng.random() < 0.1)):
            kind, rule, law, org_kind, url = rng.choice(RULES)
            raised_on = h.started_on + timedelta(days=rng.randrange(span))
            raised_at = _at(raised_on, rng.randint(9, 16))
            if org_kind == "gemeente":
                org_id = org_of_municipality.get(h.municipality_id)
            else:
                options = organisations.get(org_kind) or [None]
                org_id = rng.choice(options)
            low, high = rng.choice(DURATIONS)
            resolved_on = raised_on + timedelta(days=rng.randint(low, high))
            if h.closed_on is not None:
                resolved_on = min(resolved_on, h.closed_on)
            # Most obstacles break through in time; a few active cases stay stuck.
            stuck = h.closed_on is None and rng.random() < 0.03
            resolved = not stuck and resolved_on <= today
            obstacle = Obstacle(
                household_id=h.pk,
                municipality_id=h.municipality_id,
                type=kind,
                description=rng.choice(DESCRIPTIONS),
                rule_text=rule,
                rule_url=url,
                law_id=laws.get(law),
                organisation_id=org_id,
                delay_days=rng.choice([0, 5, 10, 14, 21, 30, 45, 60, 90]),
                harm_euros=Decimal(rng.choice([0, 0, 150, 400, 750, 1200, 2500, 6000])).quantize(
                    Decimal("0.01")
                ),
                raised_by_id=h.coordinator_id,
                raised_at=raised_at,
            )
            plan = _walk(
                rng, levels, obstacle, h, team_leads, regional_id, today, resolved, resolved_on
            )
            obstacles.append(obstacle)
            plans.append(plan)

    # A few general obstacles per municipality (no household): policy that hits many.
    coordinators: dict[int, list[int]] = ctx.extra.get("coordinators", {})
    for municipality_id, ids in sorted(coordinators.items()):
        if not ids:
            continue
        kind, rule, law, _org_kind, url = rng.choice(RULES)
        raised_on = today - timedelta(days=rng.randint(10, 200))
        obstacle = Obstacle(
            municipality_id=municipality_id,
            type=kind,
            description="Algemeen knelpunt: raakt meerdere huishoudens in de gemeente.",
            rule_text=rule,
            rule_url=url,
            law_id=laws.get(law),
            raised_by_id=ids[0],
            raised_at=_at(raised_on, 10),
        )
        fake = type("H", (), {"coordinator_id": ids[0], "municipality_id": municipality_id})
        plans.append(
            _walk(rng, levels, obstacle, fake, team_leads, regional_id, today, False, today)
        )
        obstacles.append(obstacle)

    for batch in ctx.bar(list(chunks(obstacles, 5000)), desc="knelpunten opslaan"):
        Obstacle.objects.bulk_create(batch)

    steps: list[EscalationStep] = []
    breakthroughs: list[Breakthrough] = []
    decisions: list[CustomFitDecision] = []
    for obstacle, plan in zip(obstacles, plans, strict=True):
        for step in plan["steps"]:
            step.obstacle_id = obstacle.pk
            steps.append(step)
        if plan["breakthrough"] is not None:
            b = plan["breakthrough"]
            b.obstacle_id = obstacle.pk
            breakthroughs.append(b)
            if b.level.order >= 2 and rng.random() < 0.4:
                decisions.append(_decision(obstacle, b))
    for model, rows, desc in (
        (EscalationStep, steps, "escalatiestappen"),
        (Breakthrough, breakthroughs, "doorbraken"),
        (CustomFitDecision, decisions, "maatwerkbesluiten"),
    ):
        for batch in ctx.bar(list(chunks(rows, 5000)), desc=desc):
            model.objects.bulk_create(batch)
    if regional_id is not None:
        _proposals(rng, obstacles, regional_id, today)
    ctx.extra["obstacle_ids"] = [o.pk for o in obstacles if o.household_id]


def _walk(rng, levels, obstacle, h, team_leads, regional_id, today, resolved, resolved_on):
    """Climb the ladder as the cron would until the breakthrough (or today)."""
    horizon = resolved_on if resolved else today
    index = 0
    at = obstacle.raised_at
    deadline = add_working_days(dates.local_day(at), levels[0].deadline_working_days or 0)
    steps = [EscalationStep(level=levels[0], at=at, by_id=obstacle.raised_by_id, deadline=deadline)]
    while True:
        level = levels[index]
        if level.deadline_working_days is None or index + 1 >= len(levels):
            break
        nxt = levels[index + 1]
        if nxt.external:
            # The regional team refers some obstacles to the national help desk by hand.
            refer_on = deadline + timedelta(days=1)
            if rng.random() < 0.3 and refer_on < horizon and regional_id is not None:
                steps.append(
                    EscalationStep(
                        level=nxt,
                        from_level=level,
                        at=_at(refer_on, 11),
                        by_id=regional_id,
                        reference=f"STM-{refer_on.year}-{rng.randint(1000, 9999)}",
                        note="Doorverwezen naar het Steunpunt maatwerk",
                        answer="Ruimte voor maatwerk bevestigd; advies aan de gemeente."
                        if rng.random() < 0.6
                        else "",
                    )
                )
                if steps[-1].answer:
                    steps[-1].answered_on = min(refer_on + timedelta(days=21), today)
                index += 1
                deadline = None
            break
        if not deadline < horizon:
            break
        moved_on = deadline + timedelta(days=1)
        at = _at(moved_on, 6)
        deadline = add_working_days(moved_on, nxt.deadline_working_days or 0)
        steps.append(
            EscalationStep(
                level=nxt,
                from_level=level,
                at=at,
                automatic=True,
                deadline=deadline if nxt.deadline_working_days is not None else None,
                note="Termijn verstreken",
            )
        )
        index += 1
    final = levels[index]
    obstacle.current_level = final
    breakthrough = None
    if resolved:
        obstacle.deadline = None
        what, who = rng.choice(BREAKTHROUGHS)
        recorder = {
            1: h.coordinator_id,
            2: team_leads.get(h.municipality_id, h.coordinator_id),
        }.get(final.order, regional_id or h.coordinator_id)
        breakthrough = Breakthrough(
            what=what,
            broken_by=who,
            level=final,
            on=max(resolved_on, dates.local_day(steps[-1].at)),
            cost=Decimal(rng.choice([0, 0, 250, 600, 1500, 3200, 8000])).quantize(Decimal("0.01")),
            recorded_by_id=recorder,
            recorded_at=_at(max(resolved_on, dates.local_day(steps[-1].at)), 15),
        )
    else:
        obstacle.deadline = deadline if final.deadline_working_days is not None else None
    return {"steps": steps, "breakthrough": breakthrough}


def _decision(obstacle: Obstacle, b: Breakthrough) -> CustomFitDecision:
    return CustomFitDecision(
        obstacle_id=obstacle.pk,
        desired_effect="Het huishouden houdt een dak boven het hoofd en krijgt rust om "
        "aan de schulden te werken.",
        law_purpose="Past bij de bedoeling: de wet wil bestaanszekerheid en zelfredzaamheid.",
        effect_person_short="Minder stress; ruimte om afspraken na te komen.",
        effect_person_long="Kans op werk en herstel neemt toe.",
        effect_family_short="Kinderen blijven op hun school.",
        effect_family_long="Geen uithuisplaatsing; stabiele thuissituatie.",
        effect_money_short="Eenmalige kosten van de doorbraak.",
        effect_money_long="Vermeden kosten van ontruiming, opvang en jeugdhulp.",
        legal_test="Hardheidsclausule van de verordening biedt ruimte; motivering vastgelegd.",
        decision="Afwijken van de regel voor dit huishouden, eenmalig.",
        decided_by_id=b.recorded_by_id,
        decided_on=b.on,
    )


PROPOSAL_KIND = {
    "wet": ("maatwerkartikel", "Verordening sociaal domein"),
    "organisatie": ("beleid", "Beleid en werkwijze"),
    "financier": ("criterium", "Polis- en acceptatievoorwaarden"),
}


def _proposals(rng, obstacles: list[Obstacle], regional_id: int, today: date) -> None:
    """The three rules that recur most, bundled into proposals in different states."""
    by_rule: dict[str, list[Obstacle]] = defaultdict(list)
    for o in obstacles:
        if o.household_id:
            by_rule[o.rule_text].append(o)
    counts = Counter({rule: len(items) for rule, items in by_rule.items()})
    statuses = [
        StructuralProposal.Status.AANGENOMEN,
        StructuralProposal.Status.INGEDIEND,
        StructuralProposal.Status.CONCEPT,
    ]
    through = StructuralProposal.obstacles.through
    links = []
    for (rule, _n), status in zip(counts.most_common(3), statuses, strict=False):
        items = by_rule[rule][:200]
        kind, ordinance = PROPOSAL_KIND.get(items[0].type, ("beleid", "Werkwijze"))
        municipality_id = Counter(o.municipality_id for o in items).most_common(1)[0][0]
        created = today - timedelta(days=rng.randint(60, 200))
        proposal = StructuralProposal.objects.create(
            title=f"Structurele oplossing: {rule}",
            kind=kind,
            municipality_id=municipality_id if kind == "maatwerkartikel" else None,
            organisation_id=items[0].organisation_id if kind == "criterium" else None,
            ordinance=ordinance,
            proposal="Neem een maatwerkartikel op: het college kan van deze regel afwijken "
            "wanneer toepassing leidt tot een uitkomst die strijdig is met het doel van de "
            "wet, gemotiveerd volgens de omgekeerde toets.",
            rationale=f"Deze regel blokkeerde de oplossing in {len(items)} casussen; de "
            "vertraging en kosten staan hieronder.",
            status=status,
            created_by_id=regional_id,
            created_at=datetime.combine(created, time(10), tzinfo=TZ),
            submitted_on=created + timedelta(days=14) if status != "concept" else None,
            decided_on=created + timedelta(days=45) if status == "aangenomen" else None,
        )
        links += [through(structuralproposal_id=proposal.pk, obstacle_id=o.pk) for o in items]
    through.objects.bulk_create(links)
