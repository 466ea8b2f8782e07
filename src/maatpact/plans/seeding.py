"""Synthetic plans: the two questions in own words, 2-4 goals with actions, a first version."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from maatpact.common import dates
from maatpact.common.seeding import SeedContext, bulk_load, chunks, insert_rows

from .models import Action, Goal, Plan, PlanChange

TZ = dates.LOCAL_TZ
FUTURES = [
    "Over een jaar wil ik geen schulden meer die groeien, en weer opendoen als er wordt gebeld.",
    "Dat we in een huis wonen waar de kinderen een eigen kamer hebben.",
    "Ik wil werk hebben, al is het maar een paar dagen per week.",
    "Dat er thuis minder ruzie is en de kinderen weer gewoon naar school gaan.",
    "Rust. Gewoon rust in mijn hoofd en in huis.",
    "Dat ik zelf mijn post kan bijhouden en weet wat er binnenkomt.",
]
FIRST_NEEDS = [
    "Dat iemand met ons alle brieven doorneemt.",
    "Dat de ontruiming van tafel gaat.",
    "Eén iemand die het overzicht houdt, in plaats van tien hulpverleners.",
    "Hulp bij het aanvragen van toeslagen.",
    "Een plek waar de oudste overdag naartoe kan.",
]
GOALS = {
    "hh_financien": [
        "Geen nieuwe schulden maken",
        "Alle schulden in één regeling",
        "Elke maand de huur op tijd betalen",
    ],
    "hh_huisvesting": ["In ons huis kunnen blijven wonen", "Een woning met genoeg slaapkamers"],
    "hh_organisatie": [
        "Elke week samen de post openen",
        "Een vast weekritme met boodschappen en koken",
    ],
    "hh_relaties": ["Minder ruzie thuis", "Afspraken maken over de opvoeding"],
    "hh_sociale_omgeving": ["Iemand in de buurt om op terug te vallen"],
    "kind_school": ["De kinderen gaan elke dag naar school"],
    "kind_ontwikkeling": ["Een passende plek voor de jongste"],
    "werk_opleiding": ["Een paar dagen per week werken"],
    "geestelijke_gezondheid": ["Hulp voor de somberheid"],
}
ACTIONS = [
    ("regisseur", "", "Alle lopende regelingen op een rij zetten"),
    ("regisseur", "", "Afspraak maken met de woningcorporatie over de achterstand"),
    ("gezinslid", "Moeder", "Elke maandag de post openen met de regisseur"),
    ("gezinslid", "Vader", "Aanmelden bij het werkgeversservicepunt"),
    ("partnerorganisatie", "", "Intake schuldhulpverlening"),
    ("partnerorganisatie", "", "Gesprek over een passende plek voor de jongste"),
    ("regisseur", "", "Toeslagen samen controleren"),
]


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("plans")
    providers = ctx.extra.get("organisations", {}).get("aanbieder") or []
    eligible = [h for h in ctx.households if h.status != "aangemeld"]
    plan_ids = dict(
        Plan.objects.filter(household_id__in=[h.pk for h in eligible]).values_list(
            "household_id", "pk"
        )
    )
    domain_codes = list(GOALS)
    with bulk_load(Goal, Action, PlanChange):
        for batch in ctx.bar(list(chunks(eligible, 2000)), desc="plannen"):
            plans, changes, goals, goal_actions = [], [], [], []
            for h in batch:
                plan_id = plan_ids[h.pk]
                agreed = h.started_on or (h.registered_on + timedelta(days=rng.randint(14, 45)))
                agreed = min(agreed, ctx.today)
                plan = Plan(
                    pk=plan_id,
                    household_id=h.pk,
                    future_in_own_words=rng.choice(FUTURES),
                    first_need_in_own_words=rng.choice(FIRST_NEEDS),
                    agreed_on=agreed,
                )
                plans.append(plan)
                changes.append(
                    PlanChange(
                        plan_id=plan_id,
                        version=1,
                        subject="plan",
                        subject_id=plan_id,
                        kind="gewijzigd",
                        diff={
                            "future_in_own_words": ["", plan.future_in_own_words],
                            "first_need_in_own_words": ["", plan.first_need_in_own_words],
                            "agreed_on": ["", agreed.strftime("%d-%m-%Y")],
                        },
                        changed_by_id=h.coordinator_id,
                        changed_at=datetime.combine(agreed, time(10, 0), tzinfo=TZ),
                    )
                )
                codes = [c for c in domain_codes if h.child_count or not c.startswith("kind_")]
                for order, code in enumerate(rng.sample(codes, k=rng.randint(2, 4)), start=1):
                    age = (ctx.today - agreed).days
                    status = (
                        "bereikt"
                        if h.status == "afgesloten" or (age > 300 and rng.random() < 0.5)
                        else "bezig"
                        if age > 60
                        else "open"
                    )
                    goals.append(
                        Goal(
                            plan_id=plan_id,
                            domain_code=code,
                            description=rng.choice(GOALS[code]),
                            status=status,
                            order=order,
                        )
                    )
                    actions = []
                    for _ in range(rng.randint(1, 3)):
                        who_kind, who, what = rng.choice(ACTIONS)
                        if who_kind == "partnerorganisatie" and not providers:
                            who_kind = "regisseur"
                        due = agreed + timedelta(days=rng.randint(7, 120))
                        done = status == "bereikt" or (
                            due < ctx.today - timedelta(days=20) and rng.random() < 0.8
                        )
                        actions.append(
                            Action(
                                plan_id=plan_id,
                                who_kind=who_kind,
                                who=who,
                                organisation_id=rng.choice(providers)
                                if who_kind == "partnerorganisatie"
                                else None,
                                what=what,
                                due_on=due,
                                status="gedaan"
                                if done
                                else ("bezig" if rng.random() < 0.3 else "open"),
                                done_on=min(due, ctx.today) if done else None,
                            )
                        )
                    goal_actions.append(actions)
            _update_plans(plans)
            PlanChange.objects.bulk_create(changes, batch_size=5000)
            Goal.objects.bulk_create(goals, batch_size=5000)
            now = timezone.now().isoformat()
            insert_rows(
                Action,
                ACTION_COLUMNS,
                [
                    (
                        a.plan_id,
                        goal.pk,
                        a.who_kind,
                        a.who,
                        a.organisation_id,
                        a.what,
                        a.due_on.isoformat(),
                        a.status,
                        a.done_on.isoformat() if a.done_on else None,
                        now,
                        now,
                    )
                    for goal, actions in zip(goals, goal_actions, strict=True)
                    for a in actions
                ],
            )


ACTION_COLUMNS = [
    "plan_id",
    "goal_id",
    "who_kind",
    "who",
    "organisation_id",
    "what",
    "due_on",
    "status",
    "done_on",
    "created_at",
    "updated_at",
]


def _update_plans(plans: list[Plan]) -> None:
    """The plans exist (households seeding); one UPDATE per plan, sent as one batch."""
    from django.db import connection

    table = connection.ops.quote_name(Plan._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET future_in_own_words = %s, first_need_in_own_words = %s, "  # noqa: S608
            "agreed_on = %s WHERE id = %s",
            [
                (p.future_in_own_words, p.first_need_in_own_words, p.agreed_on.isoformat(), p.pk)
                for p in plans
            ],
        )
