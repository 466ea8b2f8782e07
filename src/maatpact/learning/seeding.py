"""Synthetic reflections, monthly reflection sessions, lessons and changes to the approach."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from maatpact.accounts.models import Role, User
from maatpact.common import dates
from maatpact.common.seeding import SeedContext, chunks

from .models import ApproachChange, Lesson, Reflection, ReflectionSession, Theme

TZ = dates.LOCAL_TZ
SHARE = 0.25

HAPPENED = [
    "Eerste huisbezoek: veel ongeopende post, drie incassobureaus.",
    "Het gezin kreeg tegelijk een brief van jeugdhulp en van de corporatie.",
    "Na de doorbraak bij de zorgverzekeraar kwam er rust in huis.",
    "De afspraak bij de GGZ ging niet door; wachtlijst opnieuw verlengd.",
    "Samen met de moeder het perspectiefplan opgesteld in haar eigen woorden.",
]
WORKED = [
    "Eén plan en één contactpersoon gaf vertrouwen.",
    "Meteen het budget inzetten voorkwam een ontruiming.",
    "Te lang gewacht op het loket; eerder escaleren had geholpen.",
    "De teamleider kon binnen een dag een besluit nemen.",
    "Het huishouden zelf laten bellen werkte beter dan voor hen bellen.",
]
NEXT = [
    "Eerder de corporatie aan tafel vragen.",
    "Knelpunt direct melden in plaats van eerst zelf proberen.",
    "",
    "Kinderen apart betrekken bij het plan.",
]
LESSONS = [
    (
        "Bel de corporatie in de eerste week",
        "Huurachterstand loopt snel op tot een "
        "ontruimingsvonnis; een vroege afspraak voorkomt veel.",
        ["wonen", "schulden"],
    ),
    (
        "Escaleer binnen vijf werkdagen",
        "Wie langer wacht, verliest het vertrouwen van het "
        "huishouden; de ladder is er om te gebruiken.",
        ["regels", "regie"],
    ),
    (
        "Eén plan, in de woorden van het huishouden",
        "Plannen in eigen woorden worden beter nagekomen dan plannen in professionele taal.",
        ["huishouden", "regie"],
    ),
    (
        "Vitaal belang is soms de juiste grondslag",
        "Bij acute dreiging kan gegevensdeling op "
        "grond van vitaal belang; toestemming alleen volstaat niet over domeinen heen.",
        ["gegevens"],
    ),
    (
        "Regelvrij budget werkt als smeerolie",
        "Kleine bedragen op het juiste moment voorkomen grote kosten later.",
        ["financiering", "schulden"],
    ),
    (
        "Jeugdhulp en schuldhulp samen aan tafel",
        "Schuldenstress en opvoedproblemen versterken elkaar; los van elkaar helpen werkt niet.",
        ["jeugd", "schulden"],
    ),
    (
        "Wachtlijst is ook een knelpunt",
        "Meld wachtlijsten als knelpunt: zo wordt zichtbaar waar capaciteit tekortschiet.",
        ["zorg", "regels"],
    ),
]
CHANGES = [
    (
        "Corporatie standaard bij de eerste casusbespreking",
        "Vanaf nu schuift de corporatie aan bij elk huishouden met huurachterstand.",
    ),
    (
        "Escalatietermijn regisseur naar vijf werkdagen",
        "De termijn op het eerste niveau is "
        "ingekort zodat knelpunten sneller bij de teamleider komen.",
    ),
    (
        "Budgetbevoegdheid regisseur verhoogd",
        "Kleine uitgaven keurt de regisseur voortaan zelf goed.",
    ),
    ("Gezamenlijke intake jeugd en schuldhulp", "Eén intakegesprek voor beide domeinen."),
]


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("learning")
    today = ctx.today
    reflections: list[Reflection] = []
    for h in ctx.bar(ctx.households, desc="reflecties", unit="hh"):
        if h.started_on is None or rng.random() > SHARE:
            continue
        end = min(h.closed_on or today, today)
        span = (end - h.started_on).days
        if span < 1:
            continue
        for _ in range(1 + (rng.random() < 0.4)):
            written = h.started_on + timedelta(days=rng.randrange(span))
            reflections.append(
                Reflection(
                    household_id=h.pk,
                    author_id=h.coordinator_id,
                    what_happened=rng.choice(HAPPENED),
                    what_worked=rng.choice(WORKED),
                    next_time=rng.choice(NEXT),
                    written_at=datetime.combine(written, time(16), tzinfo=TZ),
                )
            )
    for batch in ctx.bar(list(chunks(reflections, 5000)), desc="reflecties opslaan"):
        Reflection.objects.bulk_create(batch)

    regional = list(User.objects.filter(role=Role.PROGRAMMATEAM).values_list("pk", flat=True))
    coordinators: dict[int, list[int]] = ctx.extra.get("coordinators", {})
    team_leads: dict[int, int] = ctx.extra.get("team_leads", {})
    if not regional or not coordinators:
        return
    themes = dict(Theme.objects.values_list("code", "pk"))
    by_municipality: dict[int, list[int]] = {}
    for h in ctx.households:
        if h.started_on is not None:
            by_municipality.setdefault(h.municipality_id, []).append(h.pk)

    sessions, lessons, changes = [], [], []
    participants, cases, lesson_themes, change_lessons = [], [], [], []
    held = today - timedelta(days=365 * ctx.years) + timedelta(days=30)
    month = 0
    while held <= today:
        municipality_id = rng.choice(sorted(coordinators))
        session = ReflectionSession(
            held_on=held,
            title=f"Reflectiebijeenkomst {held:%m-%Y}",
            notes="Casussen besproken aan de hand van de knelpunten en de reflecties.",
            created_by_id=regional[0],
            created_at=datetime.combine(held, time(17), tzinfo=TZ),
        )
        people = {regional[0], *coordinators[municipality_id][:3]}
        if municipality_id in team_leads:
            people.add(team_leads[municipality_id])
        pool = by_municipality.get(municipality_id, [])
        discussed = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        title, body, codes = LESSONS[month % len(LESSONS)]
        lesson = Lesson(
            title=title,
            body=body,
            created_by_id=regional[0],
            created_at=session.created_at,
        )
        sessions.append((session, people, discussed, lesson, codes))
        held = _next_month(held)
        month += 1
    ReflectionSession.objects.bulk_create([s for s, *_ in sessions])
    for session, _people, _discussed, lesson, _codes in sessions:
        lesson.session_id = session.pk
        lessons.append(lesson)
    Lesson.objects.bulk_create(lessons)
    for session, people, discussed, lesson, codes in sessions:
        participants += [
            ReflectionSession.participants.through(reflectionsession_id=session.pk, user_id=u)
            for u in sorted(people)
        ]
        cases += [
            ReflectionSession.households.through(reflectionsession_id=session.pk, household_id=h)
            for h in discussed
        ]
        lesson_themes += [
            Lesson.themes.through(lesson_id=lesson.pk, theme_id=themes[c])
            for c in codes
            if c in themes
        ]
    for index, (title, description) in enumerate(CHANGES):
        source = lessons[min(len(lessons) - 1, index * 3)] if lessons else None
        if source is None or dates.local_day(source.created_at) > today:
            continue
        changes.append(
            (
                ApproachChange(
                    changed_on=dates.local_day(source.created_at) + timedelta(days=14),
                    title=title,
                    description=description,
                    created_by_id=regional[0],
                    created_at=source.created_at + timedelta(days=14),
                ),
                source,
            )
        )
    changes = [(c, s) for c, s in changes if c.changed_on <= today]
    ApproachChange.objects.bulk_create([c for c, _ in changes])
    change_lessons = [
        ApproachChange.lessons.through(approachchange_id=c.pk, lesson_id=s.pk) for c, s in changes
    ]
    for model, rows in (
        (ReflectionSession.participants.through, participants),
        (ReflectionSession.households.through, cases),
        (Lesson.themes.through, lesson_themes),
        (ApproachChange.lessons.through, change_lessons),
    ):
        model.objects.bulk_create(rows, batch_size=5000)


def _next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, 28))
