"""Reads on the budget; every list is scoped through ``accounts.policies``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common import dates
from maatpact.common.money import ZERO, round_money
from maatpact.households.models import Household

from .models import Allocation, Fund, LedgerEntry, ScenarioLine, Spend

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
Kind = LedgerEntry.Kind


# --- The spend form: pre-filled scenarios --------------------------------------


@dataclass
class PrefillLine:
    provision_id: int | None
    description: str
    financier_id: int | None
    financier_name: str
    annual_cost: Decimal


def current_provision_lines(household: Household, on: date | None = None) -> list[PrefillLine]:
    """The household's current provisions as yearly costs: the *muddling on* scenario.

    One query over ``provisions.Provision``: provisions running on ``on`` (today; a
    provision's last day counts as running) count twelve months, one-off costs of the 12
    months up to and including ``on`` (``provisions.selectors.year_before``) count once.
    """
    from maatpact.provisions.models import Provision
    from maatpact.provisions.selectors import year_before

    today = on or dates.today()
    year_start, _ = year_before(today)
    rows = (
        Provision.objects.filter(household=household, starts_on__lte=today)
        .filter(
            Q(cost_kind=Provision.CostKind.MAANDELIJKS)
            & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            | Q(cost_kind=Provision.CostKind.EENMALIG, starts_on__gte=year_start)
        )
        .select_related("law", "financier")
        .order_by("law__name", "starts_on", "pk")
    )
    lines = []
    for p in rows:
        yearly = p.amount * 12 if p.cost_kind == Provision.CostKind.MAANDELIJKS else p.amount
        lines.append(
            PrefillLine(
                provision_id=p.pk,
                description=f"{p.description} ({p.law.name})"[:200],
                financier_id=p.financier_id,
                financier_name=p.financier.name,
                annual_cost=round_money(yearly),
            )
        )
    return lines


def household_goals(household: Household) -> QuerySet:
    from maatpact.plans.models import Goal

    return Goal.objects.filter(plan__household=household).exclude(status__in=["bereikt", "gestopt"])


def household_obstacles(household: Household) -> QuerySet:
    from maatpact.obstacles.models import Obstacle

    return Obstacle.objects.filter(household=household)


def allocation_for(household: Household) -> Allocation | None:
    from .services import current_allocation_id

    pk = current_allocation_id(household.municipality_id)
    return Allocation.objects.filter(pk=pk).select_related("municipality").first() if pk else None


# --- Scenarios of a spend ---------------------------------------------------------


@dataclass
class Scenarios:
    lines: list[ScenarioLine]
    muddling_on: Decimal
    breaking_through: Decimal
    saving: Decimal
    saving_per_financier: list[tuple[str, Decimal]]


def scenarios(spend: Spend) -> Scenarios:
    """Muddling on (all cost lines) against breaking through (the spend plus what stays)."""
    lines = list(spend.scenario_lines.select_related("financier"))
    muddling = sum((line.annual_cost for line in lines), ZERO)
    staying = sum((line.annual_cost for line in lines if not line.avoided), ZERO)
    breaking = staying + spend.amount
    per: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.avoided:
            per[line.financier.name if line.financier else "Onbekende financier"] += (
                line.annual_cost
            )
    return Scenarios(
        lines=lines,
        muddling_on=muddling,
        breaking_through=breaking,
        saving=muddling - breaking,
        saving_per_financier=sorted(per.items(), key=lambda kv: -kv[1]),
    )


# --- Lists ------------------------------------------------------------------------


def spends_for(user: User) -> QuerySet[Spend]:
    return policies.visible_spends(user).select_related(
        "household", "allocation__municipality", "requested_by", "decided_by"
    )


def household_spends(household: Household) -> QuerySet[Spend]:
    """The household page's list: numbers, dates, amounts and status (no joins needed)."""
    return household.budget_spends.order_by("-requested_at", "-pk")


def approval_inbox(user: User) -> QuerySet[Spend]:
    """Requests waiting for this team lead: own municipality, never their own."""
    return (
        spends_for(user)
        .filter(status=Spend.Status.AANGEVRAAGD)
        .exclude(requested_by=user)
        .order_by("requested_at", "pk")
        if policies.can_decide_spends(user)
        else Spend.objects.none()
    )


# --- Overview ---------------------------------------------------------------------


def current_fund(user: User) -> Fund | None:
    """The most recent fund of the user's region (the one spends book on)."""
    scope = policies.budget_overview_scope(user)
    if scope is None:
        return None
    return (
        Fund.objects.filter(region__municipalities__in=scope).order_by("-created_at", "-pk").first()
    )


def allocations(user: User, fund: Fund | None) -> QuerySet[Allocation]:
    scope = policies.budget_overview_scope(user)
    if scope is None or fund is None:
        return Allocation.objects.none()
    return (
        Allocation.objects.filter(fund=fund, municipality__in=scope)
        .select_related("municipality")
        .order_by("municipality__name")
    )


@dataclass
class Totals:
    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    remaining: Decimal = ZERO
    pending: Decimal = ZERO


def totals(rows: list[Allocation]) -> Totals:
    """allocated = committed + spent + remaining, by construction of the balance row."""
    t = Totals()
    for a in rows:
        t.allocated += a.allocated
        t.pending += a.pending
        t.committed += a.committed
        t.spent += a.paid
        t.remaining += a.available
    return t


def _net(prefix: str = "") -> Case:
    return Case(
        When(
            **{f"{prefix}status__in": ["goedgekeurd", "betaald", "teruggedraaid"]},
            then=F(f"{prefix}amount") - F(f"{prefix}reversed_amount"),
        ),
        default=Value(ZERO),
        output_field=MONEY_FIELD,
    )


def by_category(fund: Fund, allocation_ids: list[int]) -> list[dict]:
    rows = (
        Spend.objects.filter(allocation_id__in=allocation_ids)
        .values("category")
        .annotate(
            n=Count("pk"),
            approved=Coalesce(Sum(_net()), Value(ZERO), output_field=MONEY_FIELD),
            pending=Coalesce(
                Sum("amount", filter=Q(status="aangevraagd")),
                Value(ZERO),
                output_field=MONEY_FIELD,
            ),
        )
        .order_by("-approved")
    )
    labels = dict(Spend.Category.choices)
    return [{**r, "label": labels.get(r["category"], r["category"])} for r in rows]


def by_household(allocation_ids: list[int], limit: int = 50) -> list[dict]:
    """Per household number (never a name): approved net amount and number of spends."""
    return list(
        Spend.objects.filter(allocation_id__in=allocation_ids)
        .values("household__number", "allocation__municipality__name")
        .annotate(
            n=Count("pk"),
            approved=Coalesce(Sum(_net()), Value(ZERO), output_field=MONEY_FIELD),
        )
        .order_by("-approved", "household__number")[:limit]
    )


def over_time(allocation_ids: list[int]) -> list[tuple[date, Decimal]]:
    """Net approved amount per month, straight from the ledger (approvals minus reversals)."""
    signed = Case(
        When(kind=Kind.GOEDKEURING, then=F("amount")),
        When(kind__in=[Kind.TERUGBOEKING, Kind.TERUGBETALING], then=-F("amount")),
        default=Value(ZERO),
        output_field=MONEY_FIELD,
    )
    rows = (
        LedgerEntry.objects.filter(
            allocation_id__in=allocation_ids,
            kind__in=[Kind.GOEDKEURING, Kind.TERUGBOEKING, Kind.TERUGBETALING],
        )
        .annotate(month=TruncMonth("created_at", tzinfo=dates.LOCAL_TZ))
        .values("month")
        .annotate(total=Sum(signed))
        .order_by("month")
    )
    result = []
    for r in rows:
        month = r["month"]
        if hasattr(month, "date"):
            month = month.date()
        result.append((month, r["total"] or ZERO))
    return result


def export_rows(user: User, fund: Fund | None) -> list[list]:
    """Spends without personal data: household numbers, amounts, categories, dates."""
    if fund is None:
        return []
    qs = (
        spends_for(user)
        .filter(allocation__fund=fund)
        .order_by("requested_at", "pk")
        .values_list(
            "pk",
            "household__number",
            "allocation__municipality__name",
            "category",
            "status",
            "amount",
            "reversed_amount",
            "requested_at",
            "decided_at",
            "paid_at",
            "needs_approval",
        )
    )
    labels = dict(Spend.Category.choices)
    statuses = dict(Spend.Status.choices)
    rows = []
    for pk, number, mun, cat, status, amount, rev, req, dec, paid, needs in qs.iterator(2000):
        rows.append(
            [
                pk,
                number,
                mun,
                labels.get(cat, cat),
                statuses.get(status, status),
                amount,
                rev,
                dates.local_day(req),
                dates.local_day(dec) if dec else None,
                dates.local_day(paid) if paid else None,
                "ja" if needs else "nee",
            ]
        )
    return rows


EXPORT_HEADER = [
    "uitgave",
    "huishoudnummer",
    "gemeente",
    "soort",
    "status",
    "bedrag",
    "teruggeboekt",
    "aangevraagd op",
    "beoordeeld op",
    "betaald op",
    "teamleider nodig",
]


def aggregate_rows(user: User, fund: Fund | None) -> list[list]:
    """Totals per municipality and category: what an analyst may export."""
    if fund is None:
        return []
    scope = policies.budget_overview_scope(user)
    if scope is None:
        return []
    labels = dict(Spend.Category.choices)
    qs = (
        Spend.objects.filter(allocation__fund=fund, allocation__municipality__in=scope)
        .values("allocation__municipality__name", "category")
        .annotate(
            n=Count("pk"), approved=Coalesce(Sum(_net()), Value(ZERO), output_field=MONEY_FIELD)
        )
        .order_by("allocation__municipality__name", "category")
    )
    return [
        [r["allocation__municipality__name"], labels.get(r["category"]), r["n"], r["approved"]]
        for r in qs
    ]


AGGREGATE_HEADER = ["gemeente", "soort", "aantal uitgaven", "goedgekeurd (netto)"]


# --- For the savings estimate (outcomes) -------------------------------------------


def spends_for_savings(household_ids) -> list[tuple[int, date, Decimal]]:
    """(household id, approval date, net amount) of granted spends, for
    ``outcomes.savings``: the rule-free budget as a financier in the savings estimate.

    One query over all granted spends, filtered here: the caller passes every participant
    and comparison household (up to 100,000 ids, too many for an ``IN`` list).
    """
    wanted = set(household_ids)
    if not wanted:
        return []
    rows = []
    for hid, decided_at, amount, reversed_amount in (
        Spend.objects.filter(
            status__in=[Spend.Status.GOEDGEKEURD, Spend.Status.BETAALD],
            decided_at__isnull=False,
        )
        .order_by()
        .values_list("household_id", "decided_at", "amount", "reversed_amount")
        .iterator(chunk_size=5000)
    ):
        net = amount - reversed_amount
        if hid in wanted and net > 0:
            rows.append((hid, dates.local_day(decided_at), net))
    return rows
