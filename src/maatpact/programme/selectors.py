"""Reads of the programme: screening criteria and findings, reach against plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from maatpact.assessments.models import Assessment, Score
from maatpact.households.models import Cohort, Household
from maatpact.provisions.models import Provision

from .models import Phase, Programme, Screening

# A provision that ended within this many days still counts toward "support under N laws":
# a household whose Wmo support ended last month still had it when it was referred.
LAW_LOOKBACK_DAYS = 365
ACTIVE_STATUSES = (Household.Status.GESELECTEERD, Household.Status.ACTIEF)


@dataclass(frozen=True)
class Criteria:
    phase: Phase | None
    min_domains: int
    min_laws: int


@dataclass(frozen=True)
class Findings:
    domains: tuple[str, ...]  # codes of life domains at level 1-2 in the latest ZRM
    laws: tuple[str, ...]  # codes of laws with support running or ended within a year
    assessment_on: date | None

    @property
    def domains_found(self) -> int:
        return len(self.domains)

    @property
    def laws_found(self) -> int:
        return len(self.laws)


def phase_for(cohort: Cohort | None) -> Phase | None:
    """The phase a cohort belongs to: same region, same phase number."""
    if cohort is None:
        return None
    return (
        Phase.objects.filter(programme__region_id=cohort.region_id, number=cohort.phase)
        .select_related("programme")
        .first()
    )


def criteria_for(cohort: Cohort | None) -> Criteria:
    """The phase's criteria; without a phase on record, the programme's settings."""
    phase = phase_for(cohort)
    if phase is not None:
        return Criteria(phase, phase.min_domains, phase.min_laws)
    config = settings.MAATPACT
    return Criteria(None, config["SELECTION_MIN_DOMAINS"], config["SELECTION_MIN_LAWS"])


def findings(household: Household, on: date) -> Findings:
    """What the screening looks at, as of ``on``.

    Domains: the latest assessment up to ``on`` of each subject (the household matrix
    and each measured adult's matrix); the subject with the most domains scored 1 or 2
    counts. (The matrices have different domain lists, so they are not added up.)
    Laws: distinct laws of provisions started by ``on`` and running then or ended at most
    ``LAW_LOOKBACK_DAYS`` before it.
    """
    latest: dict[tuple[int, int | None], Assessment] = {}
    for assessment in Assessment.objects.filter(household=household, assessed_on__lte=on).order_by(
        "assessed_on", "created_at", "pk"
    ):
        latest[(assessment.instrument_id, assessment.member_id)] = assessment
    low: dict[int, set[str]] = {}
    for assessment_id, code in Score.objects.filter(
        assessment__in=[a.pk for a in latest.values()], score__lte=2
    ).values_list("assessment_id", "domain__code"):
        low.setdefault(assessment_id, set()).add(code)
    worst = max(low.values(), key=lambda codes: (len(codes), sorted(codes)), default=set())
    domain_codes = worst
    since = on - timedelta(days=LAW_LOOKBACK_DAYS)
    law_codes = (
        Provision.objects.filter(household=household, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .values_list("law__code", flat=True)
        .distinct()
    )
    return Findings(
        domains=tuple(sorted(set(domain_codes))),
        laws=tuple(sorted(set(law_codes))),
        assessment_on=max((a.assessed_on for a in latest.values()), default=None),
    )


def latest_screening(household: Household) -> Screening | None:
    return household.screenings.select_related("phase", "screened_by").first()


def household_screenings(household: Household) -> QuerySet[Screening]:
    return household.screenings.select_related("phase", "screened_by").order_by("-created_at")


def programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("region").order_by("name")


def phases(programme: Programme) -> QuerySet[Phase]:
    return programme.phases.select_related("closed_by").order_by("number")


@dataclass(frozen=True)
class PhaseReach:
    phase: Phase
    planned: int
    cohorts: list[Cohort]
    capacity: int
    selected: int  # selected, active or closed after selection, in the phase's cohorts
    active: int
    screened: int
    screened_passed: int
    overrides: int

    @property
    def percentage(self) -> int | None:
        return round(100 * self.selected / self.planned) if self.planned else None


def reach(programme: Programme) -> list[PhaseReach]:
    """Per phase: planned against selected/active households, and the screening counts.

    A household counts for the phase of its cohort once it was selected (a household that
    was selected and later closed still counts as reached). Constant number of queries.
    """
    phase_list = list(phases(programme))
    cohorts = list(Cohort.objects.filter(region_id=programme.region_id).order_by("starts_on"))
    counts = {
        row["cohort__phase"]: row
        for row in Household.objects.filter(
            cohort__region_id=programme.region_id, selected_on__isnull=False
        )
        .values("cohort__phase")
        .annotate(
            selected=Count("pk"),
            active=Count("pk", filter=Q(status=Household.Status.ACTIEF)),
        )
    }
    screenings = {
        row["phase_id"]: row
        for row in Screening.objects.filter(phase__programme=programme)
        .values("phase_id")
        .annotate(
            screened=Count("household", distinct=True),
            passed=Count("household", filter=Q(result=Screening.Result.VOLDOET), distinct=True),
            overrides=Count("pk", filter=Q(result=Screening.Result.AFWIJKING)),
        )
    }
    result = []
    for phase in phase_list:
        own = [c for c in cohorts if c.phase == phase.number]
        row = counts.get(phase.number, {})
        srow = screenings.get(phase.pk, {})
        result.append(
            PhaseReach(
                phase=phase,
                planned=phase.planned_households,
                cohorts=own,
                capacity=sum(c.capacity for c in own),
                selected=row.get("selected", 0),
                active=row.get("active", 0),
                screened=srow.get("screened", 0),
                screened_passed=srow.get("passed", 0),
                overrides=srow.get("overrides", 0),
            )
        )
    return result


def reach_by_municipality(programme: Programme) -> list[dict]:
    """Selected households per municipality and phase (rows: municipality, columns: phase)."""
    rows: dict[str, dict] = {}
    for row in (
        Household.objects.filter(cohort__region_id=programme.region_id, selected_on__isnull=False)
        .values("municipality__name", "cohort__phase")
        .annotate(n=Count("pk"))
        .order_by("municipality__name")
    ):
        entry = rows.setdefault(
            row["municipality__name"], {"municipality": row["municipality__name"], "phases": {}}
        )
        entry["phases"][row["cohort__phase"]] = row["n"]
    numbers = [p.number for p in phases(programme)]
    for entry in rows.values():
        entry["per_phase"] = [entry["phases"].get(n, 0) for n in numbers]
        entry["total"] = sum(entry["phases"].values())
    return list(rows.values())
