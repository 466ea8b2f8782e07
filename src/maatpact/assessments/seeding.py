"""Synthetic assessments: every ~3 months from selection, scores trending up when active."""

from __future__ import annotations

from datetime import timedelta

from maatpact.common.seeding import SeedContext, chunks, insert_rows

from .models import Assessment, Instrument, Score

OWN_WORDS = [
    "Het is nog steeds zwaar.",
    "Er is meer rust in huis.",
    "De post durven we weer open te maken.",
    "We hebben meer overzicht.",
    "Het gaat op en af.",
    "Voor het eerst in jaren geen aanmaningen.",
    "De kinderen slapen beter.",
    "Ik voel me minder alleen.",
]


def _next(rng, score: int, improving: bool) -> int:
    roll = rng.random()
    if improving and roll < 0.35:
        return min(5, score + 1)
    if roll > 0.93:
        return max(1, score - 1)
    return score


def seed(ctx: SeedContext) -> None:
    rng = ctx.sub_rng("assessments")
    household_instrument = (
        Instrument.objects.filter(kind="huishouden", active=True).order_by("-pk").first()
    )
    individual = Instrument.objects.filter(kind="individueel", active=True).order_by("-pk").first()
    if household_instrument is None or individual is None:
        return
    hh_domains = list(household_instrument.domains.order_by("order").values_list("pk", "code"))
    ind_domains = list(individual.domains.order_by("order").values_list("pk", "code"))
    coordinators = {h.pk: h.coordinator_id for h in ctx.households}
    eligible = [h for h in ctx.households if h.status != "aangemeld"]
    for batch in ctx.bar(list(chunks(eligible, 2000)), desc="metingen"):
        assessments: list[Assessment] = []
        planned: list[list[tuple[int, int]]] = []
        for h in batch:
            first = h.registered_on + timedelta(days=rng.randint(7, 30))
            last = min(h.closed_on or ctx.today, ctx.today)
            improving = h.status in ("actief", "afgesloten") and rng.random() < 0.8
            domains = [d for d in hh_domains if h.child_count or not d[1].startswith("kind_")]
            subjects = [(None, domains)] + [(m, ind_domains) for m in h.adult_member_ids[:2]]
            for member_id, subject_domains in subjects:
                scores = {pk: rng.choice([1, 2, 2, 3, 3, 4]) for pk, _ in subject_domains}
                # Individual matrices are filled in for the domains that were discussed.
                if member_id is not None:
                    scores = dict(rng.sample(sorted(scores.items()), k=min(8, len(scores))))
                day, step = first, 0
                while day <= last:
                    # members are assessed every other round (about twice a year)
                    if member_id is None or step % 2 == 0:
                        assessments.append(
                            Assessment(
                                household_id=h.pk,
                                instrument=household_instrument
                                if member_id is None
                                else individual,
                                member_id=member_id,
                                assessed_on=day,
                                assessed_by_id=coordinators[h.pk],
                                own_rating=min(
                                    10,
                                    3
                                    + sum(scores.values()) // max(1, len(scores))
                                    + rng.randint(0, 2),
                                )
                                if member_id is None
                                else None,
                                own_words=rng.choice(OWN_WORDS) if member_id is None else "",
                            )
                        )
                        planned.append(list(scores.items()))
                    scores = {pk: _next(rng, s, improving) for pk, s in scores.items()}
                    day += timedelta(days=rng.randint(84, 100))
                    step += 1
        Assessment.objects.bulk_create(assessments, batch_size=5000)
        insert_rows(
            Score,
            ["assessment_id", "domain_id", "score", "note"],
            [
                (a.pk, domain_id, score, "")
                for a, scores in zip(assessments, planned, strict=True)
                for domain_id, score in scores
            ],
        )
    # Last step: the first/latest summary, set-based (bulk inserts send no signals).
    from .services import rebuild_progress

    rebuild_progress()
