"""Reads on assessments: instruments in use, trajectories, latest profiles, what is due.

Trajectories follow the domain *code* across instrument versions: a score always points at
the domain of its own version, and a later version with the same code continues the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Trim

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common.dates import age_on
from maatpact.common.registry import WorklistItem
from maatpact.households.models import Household, Member

from .loader import LEVEL_NAMES
from .models import Assessment, Domain, Instrument, Score

HOUSEHOLD = "huishouden"


def reassessment_interval() -> timedelta:
    return timedelta(days=settings.MAATPACT.get("REASSESSMENT_INTERVAL_DAYS", 91))


def current_instrument(kind: str) -> Instrument | None:
    """The version in use for ``kind`` (the newest active one), with domains and levels."""
    return (
        Instrument.objects.filter(kind=kind, active=True)
        .order_by("-pk")
        .prefetch_related(
            Prefetch(
                "domains", queryset=Domain.objects.order_by("order").prefetch_related("levels")
            )
        )
        .first()
    )


@dataclass(frozen=True)
class ScoreRow:
    """One score with its domain, read as a plain row (the household page shows hundreds)."""

    code: str
    name: str
    order: int
    score: int
    note: str


def household_assessments(household: Household) -> list[Assessment]:
    """All assessments of a household, oldest first, in two queries whatever their number.

    Each carries ``score_rows`` (a list of :class:`ScoreRow` in domain order) and
    ``assessed_by_name``. Scores are
    read as tuples, not model instances: five years of history are several hundred scores,
    and building a Score and a Domain object for each was most of the household page's time.
    """
    assessments = list(
        Assessment.objects.filter(household=household)
        .select_related("instrument")
        # The assessor's name only: joining the whole user row per assessment is costly.
        .annotate(
            assessed_by_name=Trim(
                Concat("assessed_by__first_name", Value(" "), "assessed_by__last_name")
            )
        )
        .order_by("assessed_on", "pk")
    )
    rows: dict[int, list[ScoreRow]] = {a.pk: [] for a in assessments}
    if assessments:
        for assessment_id, *values in (
            Score.objects.filter(assessment_id__in=list(rows))
            .order_by("assessment_id", "domain__order", "pk")
            .values_list(
                "assessment_id", "domain__code", "domain__name", "domain__order", "score", "note"
            )
        ):
            rows[assessment_id].append(ScoreRow(*values))
    for assessment in assessments:
        assessment.score_rows = rows[assessment.pk]
    return assessments


def adult_members(household: Household, on: date) -> list[Member]:
    return [
        m for m in household.members.order_by("date_of_birth") if age_on(m.date_of_birth, on) >= 18
    ]


@dataclass
class DomainLine:
    code: str
    name: str
    order: int
    scores: list[int | None] = field(default_factory=list)
    # The note with the subject's latest assessment (case content: full access only).
    latest_note: str = ""

    @property
    def known(self) -> list[int]:
        return [s for s in self.scores if s is not None]

    @property
    def latest(self) -> int | None:
        return self.known[-1] if self.known else None

    @property
    def first(self) -> int | None:
        return self.known[0] if self.known else None

    @property
    def change(self) -> int | None:
        return None if self.latest is None else self.latest - self.first

    @property
    def latest_label(self) -> str:
        return LEVEL_NAMES.get(self.latest, "niet gescoord") if self.latest else "niet gescoord"


@dataclass
class Trajectory:
    """The measurements of one subject (the household, or one adult member) over time."""

    key: str
    label: str
    member_id: int | None
    assessments: list[Assessment]
    lines: list[DomainLine]

    @property
    def dates(self) -> list[date]:
        return [a.assessed_on for a in self.assessments]

    @property
    def latest(self) -> Assessment:
        return self.assessments[-1]

    @property
    def alt_text(self) -> str:
        """A sentence per domain for screen readers: where it started and where it is now."""
        if len(self.assessments) == 1:
            start = f"Eén meting op {self.dates[0]:%d-%m-%Y}."
        else:
            start = (
                f"{len(self.assessments)} metingen van {self.dates[0]:%d-%m-%Y} "
                f"tot {self.dates[-1]:%d-%m-%Y}."
            )
        parts = [
            f"{line.name}: van {line.first} naar {line.latest}"
            for line in self.lines
            if line.latest is not None
        ]
        return f"Verloop zelfredzaamheid ({self.label}). {start} " + "; ".join(parts) + "."


def trajectories(
    assessments: list[Assessment], *, full: bool = True, members: list[Member] | None = None
) -> list[Trajectory]:
    """Group assessments per subject and align the scores per domain code over the dates.

    ``assessments`` come from :func:`household_assessments`. Without full access members
    are labelled "Volwassene 1, 2..." instead of by name, and notes are left out.
    """
    by_subject: dict[int | None, list[Assessment]] = {}
    for assessment in assessments:
        by_subject.setdefault(assessment.member_id, []).append(assessment)
    numbering = {m.pk: i for i, m in enumerate(members or [], start=1)}
    by_pk = {m.pk: m for m in members or []}
    result = []
    for member_id in sorted(by_subject, key=lambda k: (k is not None, numbering.get(k, 0), k or 0)):
        items = by_subject[member_id]
        lines: dict[str, DomainLine] = {}
        for index, assessment in enumerate(items):
            for score in assessment.score_rows:
                line = lines.get(score.code)
                if line is None:
                    line = lines[score.code] = DomainLine(
                        score.code, score.name, score.order, [None] * len(items)
                    )
                # The newest version names the line.
                line.name, line.order = score.name, score.order
                line.scores[index] = score.score
        if full:
            for score in items[-1].score_rows:
                lines[score.code].latest_note = score.note
        if member_id is None:
            key, label = HOUSEHOLD, "Huishouden"
        else:
            member = by_pk.get(member_id) or items[0].member
            key = str(member_id)
            label = (
                member.full_name
                if full
                else f"Volwassene {numbering.get(member_id, len(numbering) + 1)}"
            )
        result.append(
            Trajectory(key, label, member_id, items, sorted(lines.values(), key=lambda x: x.order))
        )
    return result


def trajectory_for(household: Household, key: str, *, full: bool) -> Trajectory | None:
    members = list(household.members.order_by("date_of_birth"))
    for trajectory in trajectories(household_assessments(household), full=full, members=members):
        if trajectory.key == key:
            return trajectory
    return None


def previous_scores(household: Household, member: Member | None) -> dict[str, tuple[int, str]]:
    """The latest assessment's scores for the same subject, to pre-fill the form."""
    latest = (
        Assessment.objects.filter(household=household, member=member)
        .order_by("-assessed_on", "-pk")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("domain")))
        .first()
    )
    if latest is None:
        return {}
    return {s.domain.code: (s.score, s.note) for s in latest.scores.all()}


def reassessment_due(user: User, today: date) -> list[WorklistItem]:
    """Households of the user due (or soon due) for a household assessment; one query.

    Due = last household assessment + the interval; never assessed = due from selection
    (or registration).
    """
    from django.urls import reverse

    interval = reassessment_interval()
    horizon = today + timedelta(days=settings.MAATPACT.get("WORKLIST_LOOKAHEAD_DAYS", 14))
    rows = (
        policies.worklist_households(user)
        .filter(status__in=[Household.Status.GESELECTEERD, Household.Status.ACTIEF])
        .annotate(
            last_assessed=Max(
                "assessments__assessed_on", filter=Q(assessments__member__isnull=True)
            )
        )
        .values_list("number", "registered_on", "selected_on", "last_assessed")
    )
    items = []
    for number, registered_on, selected_on, last in rows:
        due = last + interval if last else (selected_on or registered_on)
        if due > horizon:
            continue
        items.append(
            WorklistItem(
                kind="herbeoordeling",
                label="Nieuwe meting zelfredzaamheid" if last else "Eerste meting zelfredzaamheid",
                url=reverse("assessments:new", args=[number]),
                household_number=number,
                due=due,
                overdue=due < today,
            )
        )
    return items


def household_assessments_qs(user: User) -> QuerySet[Assessment]:
    """Assessments the user may read in full (API)."""
    return Assessment.objects.filter(household__in=policies.full_access_households(user))
