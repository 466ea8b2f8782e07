"""Writes on assessments: one dated measurement per call, all or nothing, audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common.dates import age_on
from maatpact.common.validators import validate_case_date_for
from maatpact.households.models import Household, Member

from .models import Assessment, Instrument, Score
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
        raise ValidationError("U mag voor dit huishouden geen meting vastleggen.")
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
    if assessed_on is None or assessed_on > timezone.localdate():
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
    record(
        actor,
        Action.CREATE,
        assessment,
        household_id=household.pk,
        detail=f"meting {instrument.code} v{instrument.version}; {len(rows)} scores",
    )
    return assessment
