"""Reads on obstacles, always scoped through ``accounts.policies``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Lower, Trim, TruncDate, TruncMonth

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common import dates, versions
from maatpact.common.money import ZERO
from maatpact.common.sql import ids_sql

from .models import (
    Breakthrough,
    EscalationLevel,
    EscalationStep,
    Obstacle,
    ProposalAdoption,
    StructuralProposal,
)


def households_escalated_to_region_q() -> Q:
    """Households with an open obstacle on a level where the regional team sees the case.

    Called by ``accounts.policies`` for the regional team's full access. Which levels
    count is data (``EscalationLevel.region_full_access``), not code.
    """
    return Q(
        Exists(
            Obstacle.objects.filter(
                household=OuterRef("pk"),
                current_level__region_full_access=True,
                breakthrough__isnull=True,
            )
        )
    )


def levels() -> list[EscalationLevel]:
    return list(EscalationLevel.objects.order_by("order"))


def next_level(level: EscalationLevel | None) -> EscalationLevel | None:
    qs = EscalationLevel.objects.order_by("order")
    return qs.first() if level is None else qs.filter(order__gt=level.order).first()


def mark_full(user: User, obstacles) -> list[Obstacle]:
    """Set ``full`` (may this user read the case content?) on a page, in one query.

    Cheaper than a per-row EXISTS: for the regional team that check nests the escalation
    subquery, which PostgreSQL would hash over the whole register.
    """
    rows = list(obstacles)
    ids = {o.household_id for o in rows if o.household_id}
    full = set(
        policies.full_access_households(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for o in rows:
        o.full = o.household_id is None or o.household_id in full
    return rows


def obstacle_list(user: User, *, filters: dict[str, Any] | None = None) -> QuerySet[Obstacle]:
    qs = policies.visible_obstacles(user).select_related(
        "household",
        "municipality",
        "law",
        "organisation",
        "current_level",
        "breakthrough__level",
    )
    filters = filters or {}
    if filters.get("type"):
        qs = qs.filter(type=filters["type"])
    if filters.get("status") == "open":
        qs = qs.filter(breakthrough__isnull=True)
    elif filters.get("status") == "doorbroken":
        qs = qs.filter(breakthrough__isnull=False)
    if filters.get("level"):
        qs = qs.filter(current_level__code=filters["level"])
    if filters.get("municipality"):
        qs = qs.filter(municipality_id=filters["municipality"])
    if filters.get("law"):
        qs = qs.filter(law__code=filters["law"])
    if filters.get("q"):
        qs = qs.filter(rule_text__icontains=filters["q"])
    return qs.order_by("-raised_at", "-pk")


def get_obstacle(user: User, pk: int) -> Obstacle:
    """The obstacle with its course, or 404 when outside the user's scope."""
    from django.http import Http404

    obstacle = (
        policies.visible_obstacles(user)
        .select_related(
            "household",
            "municipality",
            "law",
            "organisation",
            "current_level",
            "raised_by",
            "breakthrough__level",
            "breakthrough__recorded_by",
            "decision__decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if obstacle is None:
        raise Http404("Knelpunt niet gevonden.")
    mark_full(user, [obstacle])
    return obstacle


def steps(obstacle: Obstacle) -> list[EscalationStep]:
    return list(
        obstacle.steps.select_related("level", "from_level", "by").order_by("at", "level__order")
    )


GRANTED_SPEND_STATUSES = ("goedgekeurd", "betaald", "teruggedraaid")


@dataclass
class LinkedSpends:
    """Budget spends linked to an obstacle that the user may see, and their net total."""

    spends: list
    total: Decimal  # granted spends net of reversals; pending or rejected ones count 0

    def __bool__(self) -> bool:
        return bool(self.spends)


def _spend_model():
    if not apps.is_installed("maatpact.budget"):
        return None
    return apps.get_model("budget", "Spend")


def linked_spends(obstacle: Obstacle, user: User) -> LinkedSpends:
    """Budget spends that paid (or will pay) for breaking this obstacle, scoped by
    ``policies.visible_spends``: whoever may not see spends one by one sees none. One query."""
    spend_model = _spend_model()
    if spend_model is None:
        return LinkedSpends([], ZERO)
    spends = list(
        policies.visible_spends(user)
        .filter(obstacle=obstacle)
        .select_related("allocation__municipality")
        .order_by("requested_at", "pk")
    )
    total = sum((s.net_amount for s in spends if s.status in GRANTED_SPEND_STATUSES), ZERO)
    return LinkedSpends(spends, total)


def linked_spend_totals(obstacle_ids: list[int], user: User) -> dict[int, Decimal]:
    """Net granted amount of linked spends per obstacle (visible spends only): one query."""
    spend_model = _spend_model()
    if spend_model is None or not obstacle_ids:
        return {}
    from django.db.models import DecimalField, F

    return dict(
        policies.visible_spends(user)
        .filter(obstacle_id__in=obstacle_ids, status__in=GRANTED_SPEND_STATUSES)
        .order_by()
        .values("obstacle_id")
        .annotate(
            total=Sum(
                F("amount") - F("reversed_amount"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .values_list("obstacle_id", "total")
    )


def age_days(obstacle: Obstacle, today: date | None = None) -> int:
    today = today or dates.today()
    return (today - dates.local_day(obstacle.raised_at)).days


def household_obstacles(household) -> list[Obstacle]:
    return list(
        Obstacle.objects.filter(household=household)
        .select_related("current_level", "breakthrough")
        .order_by("-raised_at")
    )


@dataclass
class Evidence:
    obstacles: int
    households: int
    delay_days: int
    harm: Decimal
    breakthrough_cost: Decimal
    municipalities: list[str]


def proposal_evidence(proposal: StructuralProposal) -> Evidence:
    """The cases as evidence, derived from the linked obstacles (never typed)."""
    qs = proposal.obstacles.all()
    totals = qs.aggregate(
        n=Count("pk", distinct=True),
        households=Count("household", distinct=True),
        delay=Sum("delay_days"),
        harm=Sum("harm_euros"),
        cost=Sum("breakthrough__cost"),
    )
    municipalities = sorted(set(qs.values_list("municipality__name", flat=True)))
    return Evidence(
        obstacles=totals["n"] or 0,
        households=totals["households"] or 0,
        delay_days=totals["delay"] or 0,
        harm=totals["harm"] or ZERO,
        breakthrough_cost=totals["cost"] or ZERO,
        municipalities=municipalities,
    )


@dataclass
class MunicipalityEvidence:
    municipality: str
    obstacles: int
    households: int
    delay_days: int
    harm: Decimal
    adoption: ProposalAdoption | None


def evidence_by_municipality(proposal: StructuralProposal) -> list[MunicipalityEvidence]:
    """Per municipality: its own cases behind the proposal and its council's decision.

    Every municipality with evidence or with a submission is listed, so a council sees
    its own figures next to the region's. Two queries.
    """
    rows = {
        row["municipality__name"]: row
        for row in proposal.obstacles.order_by()
        .values("municipality__name")
        .annotate(
            n=Count("pk", distinct=True),
            households=Count("household", distinct=True),
            delay=Sum("delay_days"),
            harm=Sum("harm_euros"),
        )
    }
    adoptions = {
        a.municipality.name: a
        for a in proposal.adoptions.select_related("municipality", "recorded_by")
    }
    result = []
    for name in sorted(set(rows) | set(adoptions)):
        row = rows.get(name, {})
        result.append(
            MunicipalityEvidence(
                municipality=name,
                obstacles=row.get("n", 0),
                households=row.get("households", 0),
                delay_days=row.get("delay") or 0,
                harm=row.get("harm") or ZERO,
                adoption=adoptions.get(name),
            )
        )
    return result


def proposal_obstacles(proposal: StructuralProposal) -> list[Obstacle]:
    return list(
        proposal.obstacles.select_related(
            "household", "municipality", "law", "organisation", "current_level", "breakthrough"
        ).order_by("raised_at", "pk")
    )


def mark_shown_numbers(user: User, obstacles: list[Obstacle]) -> list[Obstacle]:
    """Set ``shown_number`` on each obstacle: its household's number when the user may
    open that household, else ``""`` (a proposal gathers cases of every municipality)."""
    visible = policies.visible_household_ids(user, [o.household_id for o in obstacles])
    for o in obstacles:
        o.shown_number = o.household.number if o.household_id in visible else ""
    return obstacles


def visible_proposals(user: User) -> QuerySet[StructuralProposal]:
    if not policies.can_view_proposals(user):
        return StructuralProposal.objects.none()
    return StructuralProposal.objects.select_related("municipality", "organisation").annotate(
        n_obstacles=Count("obstacles")
    )


def get_proposal(user: User, pk: int) -> StructuralProposal:
    from django.http import Http404

    proposal = visible_proposals(user).filter(pk=pk).first()
    if proposal is None:
        raise Http404("Voorstel niet gevonden.")
    return proposal


# --- Analysis -------------------------------------------------------------------

TIME_BUCKETS = [(0, 7), (8, 30), (31, 90), (91, 180), (181, 365), (366, None)]


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}–{high} dagen" if high is not None else f"meer dan {low - 1} dagen"


def analysis(user: User) -> dict[str, Any]:
    """Aggregates only: by type, law, financier, municipality, month; time to breakthrough.

    A fixed number of queries whatever the size of the register. At national scale the
    aggregates take most of a second, so the result is cached under the exact scope (the
    compiled query of the obstacles the user may analyse) and the versions of what it
    reads: every obstacle service and every save of a law, level, organisation or
    municipality records a change (``common.versions``), so it is never stale.
    """
    qs = policies.analysable_obstacles(user)
    return versions.cached_figure(
        "obstacle_analysis",
        ids_sql(qs),
        (versions.OBSTACLES, versions.REGIONS),
        lambda: _analysis(qs),
    )


def _analysis(qs: QuerySet[Obstacle]) -> dict[str, Any]:
    by_type_raw = dict(qs.values_list("type").annotate(n=Count("pk")).values_list("type", "n"))
    by_type = [(label, by_type_raw.get(value, 0)) for value, label in Obstacle.Type.choices]
    by_law = list(qs.values("law__name").annotate(n=Count("pk")).order_by("-n", "law__name"))
    by_organisation = list(
        qs.values("organisation__name", "organisation__kind")
        .annotate(n=Count("pk"), harm=Sum("harm_euros"), delay=Sum("delay_days"))
        .order_by("-n", "organisation__name")
    )
    by_municipality = list(
        qs.values("municipality__name")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(breakthrough__isnull=True)),
            delay=Sum("delay_days"),
            harm=Sum("harm_euros"),
        )
        .order_by("municipality__name")
    )
    by_month = _by_month(qs)
    durations = _durations(qs)
    buckets = Counter()
    for days in durations:
        for low, high in TIME_BUCKETS:
            if days >= low and (high is None or days <= high):
                buckets[(low, high)] += 1
                break
    top_rules = list(
        qs.exclude(rule_text="")
        .annotate(rule=Trim(Lower("rule_text")))
        .values("rule")
        .annotate(
            n=Count("pk"),
            households=Count("household", distinct=True),
            delay=Sum("delay_days"),
            harm=Sum("harm_euros"),
        )
        .filter(n__gte=2)
        .order_by("-n", "rule")[:10]
    )
    totals = qs.aggregate(
        n=Count("pk"),
        open=Count("pk", filter=Q(breakthrough__isnull=True)),
        broken=Count("breakthrough"),
        delay=Sum("delay_days"),
        harm=Sum("harm_euros"),
    )
    return {
        "totals": {
            "n": totals["n"],
            "open": totals["open"],
            "broken": totals["broken"],
            "delay": totals["delay"] or 0,
            "harm": totals["harm"] or ZERO,
            "median_days": median(durations) if durations else None,
        },
        "by_type": by_type,
        "by_law": [(row["law__name"] or "Geen wet genoemd", row["n"]) for row in by_law],
        "by_organisation": by_organisation,
        "by_municipality": by_municipality,
        "by_month": by_month,
        "time_to_breakthrough": [
            (_bucket_label(low, high), buckets[(low, high)]) for low, high in TIME_BUCKETS
        ],
        "durations": durations,
        "top_rules": top_rules,
    }


def _by_month(qs: QuerySet[Obstacle]) -> list[tuple[Any, int, int]]:
    rows = (
        qs.annotate(month=TruncMonth("raised_at", tzinfo=dates.LOCAL_TZ))
        .values("month")
        .annotate(n=Count("pk"), broken=Count("breakthrough"))
        .order_by("month")
    )
    return [(row["month"], row["n"], row["broken"]) for row in rows]


def analysis_by_month(user: User) -> list[tuple[Any, int, int]]:
    """Only what the monthly chart needs."""
    return _by_month(policies.analysable_obstacles(user))


def breakthrough_durations(user: User) -> list[int]:
    """Only what the time-to-breakthrough chart needs."""
    return _durations(policies.analysable_obstacles(user))


def _durations(qs: QuerySet[Obstacle]) -> list[int]:
    """Days from raising to breakthrough, per broken obstacle (local calendar days)."""
    # The subtraction runs in the database (local date of raising via TruncDate): at
    # national scale converting tens of thousands of timestamps in Python took seconds.
    rows = (
        Breakthrough.objects.filter(obstacle__in=qs.values("pk"))
        .annotate(took=F("on") - TruncDate("obstacle__raised_at", tzinfo=dates.LOCAL_TZ))
        .values_list("took", flat=True)
    )
    return sorted(took.days for took in rows)
