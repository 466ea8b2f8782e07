"""Synthetic assessments: every ~3 months from selection, scores trending up when active."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from maatpact.common.seeding import SeedContext, bulk_load, chunks, insert_rows, reserve_ids

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
    # One creation moment for the whole load, in the database's own form.
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with bulk_load(Assessment, Score):
        for batch in ctx.bar(list(chunks(eligible, 2000)), desc="metingen"):
            # (household, instrument, member, date, assessor, own rating, own words) per row
            assessments: list[tuple] = []
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
                        if member_id is None:
                            rating = min(
                                10,
                                3 + sum(scores.values()) // max(1, len(scores)) + rng.randint(0, 2),
                            )
                            assessments.append(
                                (
                                    h.pk,
                                    household_instrument.pk,
                                    None,
                                    day,
                                    coordinators[h.pk],
                                    rating,
                                    rng.choice(OWN_WORDS),
                                )
                            )
                            planned.append(list(scores.items()))
                        elif step % 2 == 0:
                            assessments.append(
                                (h.pk, individual.pk, member_id, day, coordinators[h.pk], None, "")
                            )
                            planned.append(list(scores.items()))
                        scores = {pk: _next(rng, s, improving) for pk, s in scores.items()}
                        day += timedelta(days=rng.randint(84, 100))
                        step += 1
            ids = reserve_ids(Assessment, len(assessments))
            insert_rows(
                Assessment,
                [
                    "id",
                    "household_id",
                    "instrument_id",
                    "member_id",
                    "assessed_on",
                    "assessed_by_id",
                    "own_rating",
                    "own_words",
                    "created_at",
                ],
                ((pk, *row, created_at) for pk, row in zip(ids, assessments, strict=True)),
            )
            insert_rows(
                Score,
                ["assessment_id", "domain_id", "score", "note"],
                (
                    (pk, domain_id, score, "")
                    for pk, scores in zip(ids, planned, strict=True)
                    for domain_id, score in scores
                ),
            )
    # Last step: the first/latest summary, set-based (bulk inserts send no signals).
    from .services import rebuild_progress

    rebuild_progress()
