"""Writes on assessments: one dated measurement per call, all or nothing, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.dates import age_on
from maatpact.common.refusals import Forbidden
from maatpact.common.validators import validate_case_date_for
from maatpact.common.versions import ASSESSMENTS, data_changed
from maatpact.households.models import Household, Member

from .models import Assessment, Instrument, ProgressScore, Score, SubjectProgress
from .selectors import current_instrument


def _whole_number(value: Any) -> int | None:
    """An int from an int or a string of digits; anything else (floats, '3.5', True) is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _parse_score(code: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    score = _whole_number(value)
    if score is None or not 1 <= score <= 5:
        raise ValidationError({f"score_{code}": "Een score is een heel getal van 1 tot en met 5."})
    return score


@transaction.atomic
def record_assessment(
    actor: User,
    household: Household,
    *,
    assessed_on: date,
    scores: Mapping[str, tuple[Any, str] | Any],
    member: Member | None = None,
    instrument: Instrument | None = None,
    own_rating: int | None = None,
    own_words: str = "",
) -> Assessment:
    """Record one assessment of the household, or of one adult member.

    ``scores`` maps a domain code to ``(score, note)`` (or a bare score); a domain left
    empty is "not scored". A household assessment uses the household instrument, a
    member's the individual one; by default the version currently in use.
    """
    if not policies.can_work_on_case(actor, household):
        raise Forbidden("U mag voor dit huishouden geen meting vastleggen.")
    kind = Instrument.Kind.INDIVIDUEEL if member is not None else Instrument.Kind.HUISHOUDEN
    if instrument is None:
        instrument = current_instrument(kind)
        if instrument is None:
            raise ValidationError({"instrument": "Er is geen meetinstrument in gebruik."})
    elif instrument.kind != kind:
        raise ValidationError(
            {
                "instrument": "Gebruik de individuele matrix voor een gezinslid en de "
                "huishoudmatrix voor het hele huishouden."
            }
        )
    if assessed_on is None or assessed_on > dates.today():
        raise ValidationError(
            {"assessed_on": "De datum van de meting mag niet in de toekomst liggen."}
        )
    validate_case_date_for(assessed_on, "assessed_on")
    if member is not None:
        if member.household_id != household.pk:
            raise ValidationError({"member": "Dit gezinslid hoort niet bij dit huishouden."})
        if age_on(member.date_of_birth, assessed_on) < 18:
            raise ValidationError(
                {"member": "Een individuele meting is alleen voor volwassen gezinsleden."}
            )
    if own_rating in ("", None):
        own_rating = None
    else:
        own_rating = _whole_number(own_rating)
        if own_rating is None or not 1 <= own_rating <= 10:
            raise ValidationError(
                {"own_rating": "Het eigen cijfer is een heel getal van 1 tot en met 10."}
            )

    domains = {d.code: d for d in instrument.domains.all()}
    unknown = sorted(set(scores) - set(domains))
    if unknown:
        raise ValidationError(
            {
                "scores": f"Leefgebied '{unknown[0]}' hoort niet bij {instrument.name} "
                f"(versie {instrument.version})."
            }
        )
    rows: list[Score] = []
    for code, value in scores.items():
        score_value, note = value if isinstance(value, tuple) else (value, "")
        score = _parse_score(code, score_value)
        note = (note or "").strip()
        if score is None:
            if note:
                raise ValidationError({f"score_{code}": "Geef een score bij de toelichting."})
            continue
        rows.append(Score(domain=domains[code], score=score, note=note))
    if not rows:
        raise ValidationError({"scores": "Scoor ten minste één leefgebied."})
    if Assessment.objects.filter(
        household=household,
        member=member,
        instrument__code=instrument.code,
        assessed_on=assessed_on,
    ).exists():
        raise ValidationError(
            {"assessed_on": "Op deze datum is al een meting vastgelegd voor dezelfde persoon."}
        )
    assessment = Assessment.objects.create(
        household=household,
        instrument=instrument,
        member=member,
        assessed_on=assessed_on,
        assessed_by=actor,
        own_rating=own_rating,
        own_words=own_words.strip(),
    )
    for row in rows:
        row.assessment = assessment
    Score.objects.bulk_create(rows)
    # bulk_create sends no signals: summarise now that the scores exist (same transaction).
    refresh_progress(household.pk, member.pk if member else None, instrument.pk)
    record(
        actor,
        Action.CREATE,
        assessment,
        household_id=household.pk,
        detail=f"meting {instrument.code} v{instrument.version}; {len(rows)} scores",
    )
    return assessment


# --- The first/latest summary (SubjectProgress) ------------------------------------------


def refresh_progress(household_id: int, member_id: int | None, instrument_id: int) -> None:
    """Recompute the summary row of one subject from its assessments (or delete it).

    Runs inside the writer's transaction. The household row is locked first, so two
    assessments of one household recorded at the same time are summarised one after the
    other and the second sees the first (PostgreSQL READ COMMITTED).
    """
    Household.objects.select_for_update().filter(pk=household_id).values_list("pk").first()
    data_changed(ASSESSMENTS)  # cached report figures (common.versions)
    subject = {"household_id": household_id, "instrument_id": instrument_id}
    if member_id is None:
        subject["member__isnull"] = True
    else:
        subject["member_id"] = member_id
    ordered = Assessment.objects.filter(**subject).order_by("assessed_on", "pk")
    first = ordered.values_list("pk", "assessed_on").first()
    if first is None:
        SubjectProgress.objects.filter(**subject).delete()
        return
    latest = ordered.values_list("pk", "assessed_on").last()
    fields = {
        "first_assessment_id": first[0],
        "first_on": first[1],
        "latest_assessment_id": latest[0],
        "latest_on": latest[1],
        "assessments": ordered.count(),
    }
    progress = SubjectProgress.objects.filter(**subject).first()
    if progress is None:
        progress = SubjectProgress.objects.create(
            household_id=household_id, member_id=member_id, instrument_id=instrument_id, **fields
        )
    else:
        SubjectProgress.objects.filter(pk=progress.pk).update(**fields)
        ProgressScore.objects.filter(progress=progress).delete()
    if first[0] == latest[0]:
        return
    firsts = dict(Score.objects.filter(assessment_id=first[0]).values_list("domain_id", "score"))
    ProgressScore.objects.bulk_create(
        ProgressScore(
            progress=progress,
            household_id=household_id,
            domain_id=domain_id,
            first_score=firsts[domain_id],
            latest_score=score,
        )
        for domain_id, score in Score.objects.filter(assessment_id=latest[0]).values_list(
            "domain_id", "score"
        )
        if domain_id in firsts
    )


REBUILD_PROGRESS_SQL = """
INSERT INTO assessments_subjectprogress (household_id, member_id, instrument_id,
    first_assessment_id, first_on, latest_assessment_id, latest_on, assessments)
SELECT household_id, member_id, instrument_id, first_id, first_on, last_id, last_on, n
FROM (
    SELECT a.household_id, a.member_id, a.instrument_id,
           FIRST_VALUE(a.id) OVER w AS first_id,
           FIRST_VALUE(a.assessed_on) OVER w AS first_on,
           LAST_VALUE(a.id) OVER wall AS last_id,
           LAST_VALUE(a.assessed_on) OVER wall AS last_on,
           COUNT(*) OVER wall AS n,
           ROW_NUMBER() OVER w AS rn
    FROM assessments_assessment a
    WINDOW w AS (PARTITION BY a.household_id, a.member_id, a.instrument_id
                 ORDER BY a.assessed_on, a.id),
           wall AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) x
WHERE x.rn = 1
"""


REBUILD_SCORES_SQL = """
INSERT INTO assessments_progressscore (progress_id, household_id, domain_id, first_score,
    latest_score)
SELECT p.id, p.household_id, s2.domain_id, s1.score, s2.score
FROM assessments_subjectprogress p
JOIN assessments_score s1 ON s1.assessment_id = p.first_assessment_id
JOIN assessments_score s2 ON s2.assessment_id = p.latest_assessment_id
    AND s2.domain_id = s1.domain_id
WHERE p.first_assessment_id <> p.latest_assessment_id
"""


def rebuild_progress() -> int:
    """(Re)build the whole first/latest summary with set-based statements.

    For bulk loads that bypass the model (``bulk_create``, COPY, raw SQL): the seeder's
    last step and the benchmark's synthetic history. Returns the number of subjects.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_progressscore")
        cursor.execute("DELETE FROM assessments_subjectprogress")
        cursor.execute(REBUILD_PROGRESS_SQL)
        subjects = cursor.rowcount
        cursor.execute(REBUILD_SCORES_SQL)
        data_changed(ASSESSMENTS)
    return subjects
