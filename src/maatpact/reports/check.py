"""Every interim-report figure computed a second way, in plain Python (``report-check``).

The report computes its figures in the database (``GROUP BY``, window functions, integer
month units in SQL). This module reads the plain rows (``values_list``, no aggregates)
and computes each figure again the way ``docs/reports.md`` defines it: loops, sorted
lists, exact fractions, the costing rule month by month. Its computations import
nothing from the report's sections or selectors, so a difference between the two points
at a defect in one of them. The report's side is read through
``selectors.compute_section``, the cache included, exactly as the page gets it, so a
cached figure that went stale is a difference too. ``compare`` lists the differences;
``maatpact report-check`` runs it on the live database and fails when there is one.

Every figure of the report is either recomputed here or named in :data:`NOT_RECOMPUTED`
with the reason; a figure that is neither counts as a difference ("niet nagerekend").
"""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from django.utils import timezone

from .context import ReportContext
from .registry import SectionResult

DAY = timedelta(days=1)

# Figures not recomputed here, with the reason (shown by ``report-check``).
NOT_RECOMPUTED: dict[str, str] = {
    "savings:interval": "95 %-interval en oordeel van methode B (bootstrap met 1.000 "
    "trekkingen): getest in tests/outcomes/test_savings.py",
    "sib:betalingen": "betalingen komen uit de betaalmachine (outcomes.engine); nagerekend "
    "in tests/reports/test_reconcile.py tegen de afrekening via de API",
}


@dataclass(frozen=True)
class Rounded:
    """An exact value the report shows rounded to ``decimals``; ``slack`` allows for an
    input the report itself takes rounded (a t-quantile from a printed table) or for
    floating-point sums in another order (the savings estimate)."""

    exact: Fraction
    decimals: int
    slack: Fraction = Fraction(0)
    money: bool = False  # shown as an amount in euro

    def matches(self, shown: Any) -> bool:
        if shown is None or isinstance(shown, str):
            return False
        half = Fraction(1, 2 * 10**self.decimals)
        return abs(Fraction(shown) - self.exact) <= half + self.slack + Fraction(1, 10**9)

    def __str__(self) -> str:
        return f"{float(self.exact):.{self.decimals + 3}f} (afgerond op {self.decimals})"


@dataclass(frozen=True)
class NotChecked:
    """A figure the check deliberately does not recompute (the reason is listed)."""

    reason: str


@dataclass
class Difference:
    section: str
    where: str
    report: Any
    check: Any

    def __str__(self) -> str:
        return f"{self.section}: {self.where}: rapport {self.report!r}, controle {self.check}"


# --- Plain helpers -----------------------------------------------------------------------


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def round_half_up_cents(x: Fraction) -> Decimal:
    cents = x * 100
    whole = int(cents + Fraction(1, 2)) if cents >= 0 else -int(-cents + Fraction(1, 2))
    return Decimal(whole) / 100


def percentile(values: list[int], p: Fraction) -> Fraction | None:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    lo = math.floor(position)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)


def _t_density(x: float, df: int) -> float:
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(x * x / df))


@cache
def t_quantile_975(df: int) -> float:
    """The 97.5 % quantile of Student's t, by Simpson integration of the density and
    bisection: no table and no series expansion."""

    def area(x: float, steps: int = 400) -> float:
        h = x / steps
        total = _t_density(0, df) + _t_density(x, df)
        for i in range(1, steps):
            total += (4 if i % 2 else 2) * _t_density(i * h, df)
        return total * h / 3

    lo, hi = 0.0, 20.0 if df > 1 else 30.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if area(mid, 4000 if df == 1 else 400) < 0.475:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_fraction(first: date, last: date) -> Fraction:
    """Household-months of the days ``first`` .. ``last`` (inclusive), month by month: each
    day is 1/n of its month of n days."""
    total = Fraction(0)
    day = first
    while day <= last:
        n = days_in_month(day)
        month_end = date(day.year, day.month, n)
        stop = min(last, month_end)
        total += Fraction((stop - day).days + 1, n)
        day = month_end + DAY
    return total


def provision_cost(kind: str, amount: Decimal, starts: date, ends: date | None, first, last):
    """Exact cost of a provision on the days ``first`` .. ``last`` (inclusive)."""
    if kind == "eenmalig":
        return Fraction(amount) if first <= starts <= last else Fraction(0)
    lo = max(first, starts)
    hi = last if ends is None else min(last, ends)
    return Fraction(amount) * month_fraction(lo, hi) if lo <= hi else Fraction(0)


def a_year_before(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 3, 1)
    return date(day.year - 1, day.month, day.day)


# --- The population --------------------------------------------------------------------


@dataclass
class Hh:
    pk: int
    municipality: str
    registered_on: date
    selected_on: date | None
    started_on: date | None
    closed_on: date | None
    phase: int | None

    def in_period(self, start: date, end: date) -> bool:
        return self.registered_on <= end and (self.closed_on is None or self.closed_on >= start)

    def status_on(self, day: date) -> str:
        """The status the household had at the end of ``day``, from its dates."""
        if self.closed_on is not None and self.closed_on <= day:
            return "afgesloten"
        if self.started_on is not None and self.started_on <= day:
            return "actief"
        if self.selected_on is not None and self.selected_on <= day:
            return "geselecteerd"
        return "aangemeld"


def households(ctx: ReportContext) -> list[Hh]:
    return [
        Hh(*row)
        for row in ctx.households.order_by().values_list(
            "pk",
            "municipality__name",
            "registered_on",
            "selected_on",
            "started_on",
            "closed_on",
            "cohort__phase",
        )
    ]


def in_period(ctx: ReportContext) -> list[Hh]:
    return [h for h in households(ctx) if h.in_period(ctx.date_from, ctx.date_to)]


def last_costed_day(ctx: ReportContext) -> date:
    return min(ctx.date_to, timezone.localdate())


# --- Sections ----------------------------------------------------------------------------

Figures = dict[str, Any]
STATUSES = [
    ("aangemeld", "Aangemeld"),
    ("geselecteerd", "Geselecteerd"),
    ("actief", "Actief"),
    ("afgesloten", "Afgesloten"),
]
PHASES = [
    (1, "Fase 1: leren (eerste huishoudens)"),
    (2, "Fase 2: partners, SIB en groei"),
    (3, "Fase 3: tussentijdse rapportage en inbedding"),
]


def _status_rows(out: Figures, table: str, groups: list[tuple[Any, str]], rows: list) -> None:
    counts = Counter(rows)
    for group, name in [*groups, ("*", "Totaal")]:
        for status, text in STATUSES:
            n = sum(c for (g, s), c in counts.items() if s == status and group in (g, "*"))
            out[f"{table}[{name}].{text}"] = n
        out[f"{table}[{name}].Totaal"] = sum(c for (g, _), c in counts.items() if group in (g, "*"))


def check_households(ctx: ReportContext) -> Figures:
    """Households in the period by municipality and phase, with their status at the end
    of the period."""
    population = in_period(ctx)
    end = ctx.date_to
    out: Figures = {"totaal": len(population)}
    names = sorted({h.municipality for h in population} | _chosen(ctx))
    _status_rows(
        out,
        "per_gemeente",
        [(n, n) for n in names],
        [(h.municipality, h.status_on(end)) for h in population],
    )
    phases = list(PHASES)
    if any(h.phase is None for h in population):
        phases.append((None, "Nog geen cohort"))
    _status_rows(out, "per_fase", phases, [(h.phase, h.status_on(end)) for h in population])
    return out


def _chosen(ctx: ReportContext) -> set[str]:
    return {ctx.municipality.name} if ctx.municipality is not None else set()


BUCKETS = [("0–30 dagen", 0, 30), ("31–60 dagen", 31, 60), ("61–90 dagen", 61, 90),
           ("91–180 dagen", 91, 180), ("meer dan 180 dagen", 181, None)]  # fmt: skip


def check_first_help(ctx: ReportContext) -> Figures:
    """Days from registration to the start, for households that started in the period."""
    days = [
        (h.started_on - h.registered_on).days
        for h in households(ctx)
        if h.started_on is not None and ctx.date_from <= h.started_on <= ctx.date_to
    ]
    out: Figures = {}
    for key, p in (("mediaan", Fraction(1, 2)), ("p25", Fraction(1, 4)), ("p75", Fraction(3, 4))):
        v = percentile(days, p)
        out[key] = None if v is None else Rounded(Fraction(v), 1)
    for i, (text, lo, hi) in enumerate(BUCKETS):
        out[f"verdeling[{text}].Huishoudens"] = sum(
            1 for d in days if (i == 0 or d >= lo) and (hi is None or d <= hi)
        )
    out["verdeling[Totaal].Huishoudens"] = len(days)
    return out


def check_zrm(ctx: ReportContext) -> Figures | None:
    """First against latest assessment (on or before the end) per subject and domain."""
    from maatpact.assessments.models import Assessment, Domain, Score

    scope = {h.pk for h in in_period(ctx)}
    subjects: dict[tuple, list[tuple]] = defaultdict(list)
    for pk, hid, member, instrument, on in Assessment.objects.filter(
        household_id__in=scope, assessed_on__lte=ctx.date_to
    ).values_list("pk", "household_id", "member_id", "instrument_id", "assessed_on"):
        subjects[(hid, member, instrument)].append((on, pk))
    pairs = {}
    for (hid, _, _), measured in subjects.items():
        measured.sort()
        if len(measured) > 1:
            pairs[measured[0][1]] = (hid, measured[-1][1])
    wanted = set(pairs) | {last for _, last in pairs.values()}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for assessment, domain, score in Score.objects.filter(assessment_id__in=wanted).values_list(
        "assessment_id", "domain_id", "score"
    ):
        scores[assessment][domain] = score
    per_domain: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for first, (hid, last) in pairs.items():
        for domain, score in scores[first].items():
            if domain in scores[last]:
                per_domain[domain].append((hid, score, scores[last][domain]))
    if not per_domain:
        return None
    names = {
        d.pk: (d.name, d.instrument.name)
        for d in Domain.objects.filter(pk__in=per_domain).select_related("instrument")
    }
    out: Figures = {}
    for domain, units in per_domain.items():
        n = len(units)
        diffs = [last - first for _, first, last in units]
        mean = Fraction(sum(diffs), n)
        where = "zrm[{} / {}].".format(*names[domain])
        out[where + "Huishoudens"] = len({hid for hid, _, _ in units})
        out[where + "Metingparen"] = n
        out[where + "Eerste (gem.)"] = Rounded(Fraction(sum(u[1] for u in units), n), 2)
        out[where + "Laatste (gem.)"] = Rounded(Fraction(sum(u[2] for u in units), n), 2)
        out[where + "Verandering"] = Rounded(mean, 2)
        if n < 2:
            out[where + "95%-BI laag"] = out[where + "95%-BI hoog"] = None
            continue
        variance = sum((Fraction(d) - mean) ** 2 for d in diffs) / (n - 1)
        se = math.sqrt(variance / n)
        half = Fraction(t_quantile_975(n - 1) * se)
        slack = Fraction(se * 0.0006)  # the report takes t from a table with 3 decimals
        out[where + "95%-BI laag"] = Rounded(mean - half, 2, slack)
        out[where + "95%-BI hoog"] = Rounded(mean + half, 2, slack)
    return out


def check_own_rating(ctx: ReportContext) -> Figures | None:
    from maatpact.assessments.models import Assessment

    scope = {h.pk for h in in_period(ctx)}
    per_quarter: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for hid, on, rating in Assessment.objects.filter(household_id__in=scope).values_list(
        "household_id", "assessed_on", "own_rating"
    ):
        if rating is not None and ctx.date_from <= on <= ctx.date_to:
            per_quarter[f"{on.year}-K{(on.month - 1) // 3 + 1}"].append((hid, rating))
    if not per_quarter:
        return None
    out: Figures = {}
    for quarter, ratings in per_quarter.items():
        out[f"eigen_cijfer[{quarter}].Huishoudens"] = len({hid for hid, _ in ratings})
        out[f"eigen_cijfer[{quarter}].Metingen"] = len(ratings)
        mean = Fraction(sum(r for _, r in ratings), len(ratings))
        out[f"eigen_cijfer[{quarter}].Gemiddeld cijfer"] = Rounded(mean, 2)
    return out


def check_obstacles(ctx: ReportContext) -> Figures | None:
    from maatpact.obstacles.models import Obstacle

    labels = dict(Obstacle.Type.choices)
    rows = [
        (labels.get(t, t), law or "Geen wet", org or "Geen organisatie", hid, delay, harm)
        for t, law, org, hid, delay, harm, raised in Obstacle.objects.filter(
            municipality__in=ctx.municipalities
        ).values_list(
            "type",
            "law__name",
            "organisation__name",
            "household_id",
            "delay_days",
            "harm_euros",
            "raised_at",
        )  # fmt: skip
        if ctx.date_from <= local_day(raised) <= ctx.date_to
    ]
    if not rows:
        return None
    out: Figures = {"totaal": len(rows)}
    for table, column in (("soort", 0), ("wet", 1), ("organisatie", 2)):
        groups = defaultdict(list)
        for row in rows:
            groups[row[column]].append(row)
        for name, group in groups.items():
            where = f"{table}[{name}]."
            out[where + "Knelpunten"] = len(group)
            out[where + "Huishoudens"] = len({r[3] for r in group if r[3] is not None})
            out[where + "Vertraging (gem. dagen)"] = Rounded(
                Fraction(sum(r[4] for r in group), len(group)), 1
            )
            out[where + "Schade (totaal)"] = sum((r[5] for r in group), Decimal(0))
    return out


def check_budget(ctx: ReportContext) -> Figures:
    """Granted spends by approval date minus reversals by the date they were booked, against
    the allocations booked by the end: a period's figures never change afterwards."""
    from maatpact.budget.models import LedgerEntry, Spend

    scope = {h.pk for h in households(ctx)}
    sign = {"toewijzing": 1, "overheveling_in": 1, "toewijzing_terug": -1, "overheveling_uit": -1}
    allocated: dict[str, Decimal] = {}
    for name, kind, amount, at in LedgerEntry.objects.filter(
        allocation__municipality__in=ctx.municipalities
    ).values_list("allocation__municipality__name", "kind", "amount", "created_at"):
        if kind in sign and local_day(at) <= ctx.date_to:
            allocated[name] = allocated.get(name, Decimal(0)) + sign[kind] * amount
    categories = dict(Spend.Category.choices)
    spends = {
        pk: (hid, mun, categories.get(cat, cat), amount, local_day(decided))
        for pk, hid, mun, cat, amount, decided in Spend.objects.filter(
            household_id__in=scope,
            status__in=("goedgekeurd", "betaald", "teruggedraaid"),
            decided_at__isnull=False,
        ).values_list(
            "pk",
            "household_id",
            "allocation__municipality__name",
            "category",
            "amount",
            "decided_at",
        )  # fmt: skip
    }
    # Movements: (spend, day, signed amount): the grant on its approval day, every
    # reversal on the day it was booked.
    moves = [(pk, s[4], s[3]) for pk, s in spends.items()]
    for spend, amount, at in LedgerEntry.objects.filter(
        spend_id__in=spends, kind__in=("terugboeking", "terugbetaling")
    ).values_list("spend_id", "amount", "created_at"):
        moves.append((spend, local_day(at), -amount))
    to_date = [(spends[s], a) for s, d, a in moves if d <= ctx.date_to]
    period = [(spends[s], a) for s, d, a in moves if ctx.date_from <= d <= ctx.date_to]
    granted = [s for s in spends.values() if ctx.date_from <= s[4] <= ctx.date_to]

    def pct(part: Decimal, whole: Decimal):
        return Rounded(Fraction(part) / Fraction(whole) * 100, 1) if whole else None

    out: Figures = {}
    total_alloc = sum(allocated.values(), Decimal(0))
    names = set(allocated) | {s[1] for s, _ in to_date}
    for name in [*sorted(names), None]:
        where = f"per_gemeente[{name or 'Totaal'}]."
        spent_to_date = sum((a for s, a in to_date if name in (None, s[1])), Decimal(0))
        alloc = total_alloc if name is None else allocated.get(name, Decimal(0))
        out[where + "Toegewezen"] = alloc
        out[where + "Besteed in periode"] = sum(
            (a for s, a in period if name in (None, s[1])), Decimal(0)
        )
        out[where + "Besteed t/m einddatum"] = spent_to_date
        out[where + "% van toewijzing"] = pct(spent_to_date, alloc)
        out[where + "Huishoudens (periode)"] = len(
            {s[0] for s in granted if name is None or s[1] == name}
        )
    per_cat = defaultdict(lambda: [0, Decimal(0), set()])
    for s in granted:
        per_cat[s[2]][0] += 1
        per_cat[s[2]][2].add(s[0])
    for s, amount in period:
        per_cat[s[2]][1] += amount
    for cat, (n, total, hids) in per_cat.items():
        out[f"per_soort[{cat}].Uitgaven"] = n
        out[f"per_soort[{cat}].Bedrag (netto)"] = total
        out[f"per_soort[{cat}].Huishoudens"] = len(hids)
    out["besteed"] = out["per_gemeente[Totaal].Besteed in periode"]
    out["aandeel"] = out["per_gemeente[Totaal].% van toewijzing"]
    return out


def check_escalations(ctx: ReportContext) -> Figures:
    from maatpact.obstacles.models import Breakthrough, EscalationLevel, EscalationStep, Obstacle

    judged_on = min(ctx.date_to, timezone.localdate())
    obstacles = {
        pk: (hid, level, deadline, local_day(raised))
        for pk, hid, level, deadline, raised in Obstacle.objects.filter(
            municipality__in=ctx.municipalities
        ).values_list("pk", "household_id", "current_level_id", "deadline", "raised_at")
    }
    broken = dict(
        Breakthrough.objects.filter(obstacle_id__in=obstacles).values_list("obstacle_id", "on")
    )
    reached = defaultdict(set)
    for obstacle, level, at in EscalationStep.objects.filter(obstacle_id__in=obstacles).values_list(
        "obstacle_id", "level_id", "at"
    ):
        if ctx.date_from <= local_day(at) <= ctx.date_to:
            reached[level].add(obstacle)
    out: Figures = {}
    for pk, name in EscalationLevel.objects.order_by("order").values_list("pk", "name"):
        open_here = [
            o for o, (_, level, _, raised) in obstacles.items()
            if level == pk and o not in broken and raised <= ctx.date_to
        ]  # fmt: skip
        late = [o for o in open_here if obstacles[o][2] and obstacles[o][2] < judged_on]
        out[f"per_trede[{name}].Bereikt in periode"] = len(reached[pk])
        out[f"per_trede[{name}].Open nu"] = len(open_here)
        out[f"per_trede[{name}].Over de termijn"] = len(late)
        out[f"per_trede[{name}].Huishoudens (open)"] = len(
            {obstacles[o][0] for o in open_here if obstacles[o][0] is not None}
        )
    days = [
        (on - obstacles[o][3]).days
        for o, on in broken.items()
        if ctx.date_from <= on <= ctx.date_to
    ]
    for key, p in (("mediaan", Fraction(1, 2)), ("p25", Fraction(1, 4)), ("p75", Fraction(3, 4))):
        v = percentile(days, p)
        out[key] = None if v is None else Rounded(Fraction(v), 1)
    out["doorbraken"] = len(days)
    return out


def check_proposals(ctx: ReportContext) -> Figures:
    from maatpact.obstacles.models import Obstacle, StructuralProposal

    municipalities = set(ctx.municipalities.values_list("pk", flat=True))
    statuses = dict(StructuralProposal.Status.choices)
    kinds = dict(StructuralProposal.Kind.choices)
    proposals = [
        p for p in StructuralProposal.objects.values_list(
            "pk", "title", "kind", "status", "municipality_id", "created_at"
        )
        if (p[4] is None or p[4] in municipalities) and local_day(p[5]) <= ctx.date_to
    ]  # fmt: skip
    proposals.sort(key=lambda p: (-p[5].timestamp(), p[0]))
    links = defaultdict(set)
    for proposal, obstacle in StructuralProposal.obstacles.through.objects.filter(
        structuralproposal_id__in=[p[0] for p in proposals]
    ).values_list("structuralproposal_id", "obstacle_id"):
        links[proposal].add(obstacle)
    household_of = dict(
        Obstacle.objects.filter(pk__in=set().union(*links.values())).values_list(
            "pk", "household_id"
        )
    )
    out: Figures = {
        "voorstellen": len(proposals),
        "aangenomen": sum(1 for p in proposals if p[3] == "aangenomen"),
    }
    for code, text in statuses.items():
        out[f"per_status[{text}].Voorstellen"] = sum(1 for p in proposals if p[3] == code)
    seen: Counter = Counter()
    for pk, title, kind, status, _, created in proposals:
        seen[title] += 1
        where = f"voorstellen[{title}{'' if seen[title] == 1 else f' #{seen[title]}'}]."
        new = ctx.date_from <= local_day(created) <= ctx.date_to
        hids = {household_of[o] for o in links[pk]} - {None}
        out[where + "Soort"] = kinds.get(kind, kind)
        out[where + "Status"] = statuses.get(status, status)
        out[where + "Nieuw in periode"] = "ja" if new else "nee"
        out[where + "Knelpunten"] = len(links[pk])
        out[where + "Huishoudens"] = len(hids)
    return out


def check_system_cost(ctx: ReportContext) -> Figures:
    """Cost per household and financier, 12 months before entry and inside the period."""
    from maatpact.provisions.models import Provision
    from maatpact.regions.models import Organisation

    last = last_costed_day(ctx)
    population = [h for h in in_period(ctx) if h.started_on is not None and h.started_on <= last]
    by_household = defaultdict(list)
    provisions = Provision.objects.filter(household_id__in=[h.pk for h in population])
    if ctx.organisation_id is not None:
        provisions = provisions.filter(financier_id=ctx.organisation_id)
    for row in provisions.values_list(
        "household_id", "financier_id", "cost_kind", "amount", "starts_on", "ends_on"
    ):
        by_household[row[0]].append(row[1:])
    rows: dict[Any, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0), Fraction(0)])
    total = [len(population), Decimal(0), Decimal(0), Fraction(0)]
    for h in population:
        first = max(h.started_on, ctx.date_from)
        stop = min(h.closed_on, last) if h.closed_on else last
        months = month_fraction(first, stop)
        total[3] += months
        per_financier = defaultdict(lambda: [Fraction(0), Fraction(0)])
        for financier, kind, amount, starts, ends in by_household[h.pk]:
            cost = per_financier[financier]
            cost[0] += provision_cost(
                kind, amount, starts, ends, a_year_before(h.started_on), h.started_on - DAY
            )
            cost[1] += provision_cost(kind, amount, starts, ends, first, stop)
        for financier, (before, during) in per_financier.items():
            if before == 0 and during == 0:
                continue
            row = rows[financier]
            row[0] += 1
            row[1] += round_half_up_cents(before)
            row[2] += round_half_up_cents(during)
            row[3] += months
            total[1] += round_half_up_cents(before)
            total[2] += round_half_up_cents(during)
    out: Figures = {"huishoudens": len(population)}
    if not rows or not population:
        return out
    names = dict(Organisation.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    for name, (n, before, during, months) in [
        *((names.get(f, "?"), r) for f, r in rows.items()),
        ("Totaal", total),
    ]:
        where = f"per_financier[{name}]."
        b = round_half_up_cents(Fraction(before) / n)
        d = round_half_up_cents(Fraction(during) * 12 / months) if months else None
        out[where + "Huishoudens"] = n
        out[where + "Huishoudjaren in periode"] = Rounded(months / 12, 2)
        out[where + "Vóór (totaal)"] = before
        out[where + "Tijdens (totaal in periode)"] = during
        out[where + "Vóór per huishouden per jaar"] = b
        out[where + "Tijdens per huishouden per jaar"] = d
        out[where + "Verschil per huishouden per jaar"] = None if d is None else d - b
    return out


def check_sib_outcomes(ctx: ReportContext) -> Figures:
    """Outcomes achieved in the period; a financier: only definitions on the rate card of a
    contract it pays or invests in."""
    from maatpact.outcomes.models import (
        AchievedOutcome,
        Investment,
        OutcomeDefinition,
        RateCardLine,
    )

    scope = {h.pk for h in households(ctx)}
    names = dict(OutcomeDefinition.objects.values_list("pk", "name"))
    if ctx.organisation_id is not None:
        invested = set(
            Investment.objects.filter(investor_id=ctx.organisation_id).values_list(
                "contract_id", flat=True
            )
        )
        mine = {
            definition
            for definition, contract, payer in RateCardLine.objects.values_list(
                "definition_id", "contract_id", "payer__organisation_id"
            )
            if payer == ctx.organisation_id or contract in invested
        }
        names = {pk: name for pk, name in names.items() if pk in mine}
    outcomes = [
        (hid, definition, status == "geverifieerd")
        for hid, definition, status, on in AchievedOutcome.objects.filter(
            household_id__in=scope
        ).values_list("household_id", "definition_id", "status", "achieved_on")
        if ctx.date_from <= on <= ctx.date_to and definition in names
    ]
    out: Figures = {"bereikt": len(outcomes), "geverifieerd": sum(v for _, _, v in outcomes)}
    for pk, name in names.items():
        out[f"resultaten[{name}].Bereikt"] = sum(1 for _, d, _ in outcomes if d == pk)
        out[f"resultaten[{name}].Geverifieerd"] = sum(1 for _, d, v in outcomes if d == pk and v)
    return out


def check_lessons(ctx: ReportContext) -> Figures:
    from maatpact.learning.models import ApproachChange, Lesson, Reflection, ReflectionSession

    scope = {h.pk for h in households(ctx)}
    start, end = ctx.date_from, ctx.date_to
    sessions = set(
        ReflectionSession.objects.filter(held_on__gte=start, held_on__lte=end).values_list(
            "pk", flat=True
        )
    )
    discussed = {
        hid
        for session, hid in ReflectionSession.households.through.objects.values_list(
            "reflectionsession_id", "household_id"
        )
        if session in sessions and hid in scope
    }
    reflections = [
        hid
        for hid, at in Reflection.objects.filter(household_id__in=scope).values_list(
            "household_id", "written_at"
        )
        if start <= local_day(at) <= end
    ]
    created = dict(Lesson.objects.values_list("pk", "created_at"))
    themes: dict[str, list[int]] = {}
    from maatpact.learning.models import Theme

    for pk, name in Theme.objects.values_list("pk", "name"):
        themes.setdefault(f"{name}#{pk}", [])
    for lesson, theme, name in Lesson.themes.through.objects.values_list(
        "lesson_id", "theme_id", "theme__name"
    ):
        themes[f"{name}#{theme}"].append(lesson)
    changes = sorted(
        ApproachChange.objects.filter(changed_on__gte=start, changed_on__lte=end).values_list(
            "changed_on", "pk", "title"
        )
    )
    lessons_of = defaultdict(set)
    for change, lesson in ApproachChange.lessons.through.objects.values_list(
        "approachchange_id", "lesson_id"
    ):
        lessons_of[change].add(lesson)
    out: Figures = {
        "bijeenkomsten": len(sessions),
        "besproken": len(discussed),
        "reflecties": len(reflections),
        "wijzigingen": len(changes),
    }
    for key, lessons in themes.items():
        name = key.rsplit("#", 1)[0]
        days = [local_day(created[lesson]) for lesson in set(lessons)]
        out[f"per_thema[{name}].Lessen in periode"] = sum(1 for d in days if start <= d <= end)
        out[f"per_thema[{name}].Lessen t/m einddatum"] = sum(1 for d in days if d <= end)
    seen: Counter = Counter()
    for on, pk, title in changes:
        seen[title] += 1
        where = f"wijzigingen[{title}{'' if seen[title] == 1 else f' #{seen[title]}'}]."
        out[where + "Ingegaan op"] = on.strftime("%d-%m-%Y")
        out[where + "Onderbouwd met lessen"] = len(lessons_of[pk])
    return out


def _month_start(day: date) -> Fraction:
    """Months since year 0 up to the start of ``day``: its day is 1/n of a month of n days."""
    return day.year * 12 + day.month + Fraction(day.day - 1, days_in_month(day))


def _years(ref: date, day: date) -> float:
    """Signed time from the start of ``ref`` to the start of ``day`` in years of 12
    calendar months."""
    return float(_month_start(day) - _month_start(ref)) / 12


def _stream(monthly: float, start: float, stop: float, rate: float) -> float:
    """Present value at 0 of a monthly amount paid continuously from ``start`` to ``stop``
    (years)."""
    if stop <= start or not monthly:
        return 0.0
    if rate == 0:
        return monthly * 12 * (stop - start)
    k = math.log(1 + rate)
    return monthly * 12 * (math.exp(-k * start) - math.exp(-k * stop)) / k


def check_savings(ctx: ReportContext) -> Figures:
    """Method A per financier and method B's point estimates, household by household, as
    docs/outcomes-and-sib.md describes them (the whole region, as of the last day)."""
    from django.conf import settings

    from maatpact.budget.models import Spend
    from maatpact.households.models import Household
    from maatpact.outcomes.savings import SPEND_FINANCIER
    from maatpact.provisions.models import Provision

    as_of = min(ctx.date_to, timezone.localdate())
    rate = float(settings.MAATPACT.get("DISCOUNT_RATE", 0.0225))
    min_group = int(settings.MAATPACT.get("SAVINGS_MIN_GROUP", 20))
    people = list(
        Household.objects.values_list("pk", "registered_on", "started_on", "closed_on", "status")
    )
    treated = {
        pk: (start, closed) for pk, _, start, closed, _ in people if start and start <= as_of
    }
    comparison = {
        pk: registered
        for pk, registered, start, _, status in people
        if start is None and registered <= as_of and status in ("aangemeld", "afgesloten")
    }
    ref = {**comparison, **{pk: start for pk, (start, _) in treated.items()}}
    stay = {
        pk: _years(start, min(closed or as_of, as_of) + DAY)
        for pk, (start, closed) in treated.items()
    }
    cost = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0.0, 0.0]))  # mud, act, pre, post
    financiers: set[str] = set()
    for hid, name, kind, amount, starts, ends in Provision.objects.filter(
        household_id__in=list(ref)
    ).values_list("household_id", "financier__name", "cost_kind", "amount", "starts_on", "ends_on"):
        financiers.add(name)
        r = ref[hid]
        s = _years(r, starts)
        e = min(_years(r, (ends or as_of) + DAY), _years(r, as_of + DAY))
        row = cost[hid][name]
        if kind == "eenmalig":
            value = float(amount) * (1 + rate) ** (-(starts - r).days / 365.25)
            windows = [(-1.0, 0.0, 2), (0.0, 1.0, 3)]
            if hid in treated:
                windows.append((0.0, stay[hid], 1))
            for lo, hi, i in windows:
                if lo <= s < hi:
                    row[i] += value
            continue
        monthly = float(amount)
        row[2] += _stream(monthly, max(s, -1.0), min(e, 0.0), rate)
        row[3] += _stream(monthly, max(s, 0.0), min(e, 1.0), rate)
        if hid in treated:
            row[1] += _stream(monthly, max(s, 0.0), min(e, stay[hid]), rate)
            if s <= 0 < e:
                row[0] += _stream(monthly, 0.0, stay[hid], rate)
    for hid, decided, amount, reversed_amount in Spend.objects.filter(
        status__in=("goedgekeurd", "betaald"), decided_at__isnull=False, household_id__in=list(ref)
    ).values_list("household_id", "decided_at", "amount", "reversed_amount"):
        if amount - reversed_amount <= 0:
            continue
        financiers.add(SPEND_FINANCIER)
        on = local_day(decided)
        t = _years(ref[hid], on)
        value = float(amount - reversed_amount) * (1 + rate) ** (-(on - ref[hid]).days / 365.25)
        row = cost[hid][SPEND_FINANCIER]
        if -1.0 <= t < 0:
            row[2] += value
        elif 0 <= t < 1.0:
            row[3] += value
        if hid in treated and 0 <= t < stay[hid]:
            row[1] += value

    def money(x: float) -> Rounded:
        return Rounded(Fraction(x), 2, Fraction(abs(x) * 1e-9 + 1e-7), money=True)

    out: Figures = {"deelnemers": len(treated), "vergelijking": len(comparison)}
    total = [0.0, 0.0]
    for name in sorted(financiers):
        mud = sum(cost[h][name][0] for h in treated)
        act = sum(cost[h][name][1] for h in treated)
        total[0] += mud
        total[1] += act
        out[f"boekhouding[{name}].Doormodderen"] = money(mud)
        out[f"boekhouding[{name}].Werkelijk"] = money(act)
        out[f"boekhouding[{name}].Besparing"] = money(mud - act)
    if financiers:
        out["boekhouding[Totaal].Doormodderen"] = money(total[0])
        out["boekhouding[Totaal].Werkelijk"] = money(total[1])
        out["boekhouding[Totaal].Besparing"] = money(total[0] - total[1])
    out["per_huishouden"] = money((total[0] - total[1]) / len(treated)) if treated else None

    # Method B: participants and comparison households observed a full year.
    full_year = as_of - timedelta(days=365)
    did_t = [h for h, (start, _) in treated.items() if start <= full_year]
    did_c = [h for h, registered in comparison.items() if registered <= full_year]
    enough = did_c and len(did_t) >= min_group and len(did_c) >= min_group

    def effect(names) -> Rounded | None:
        if not enough:
            return None
        change = [
            [sum(cost[h][n][3] - cost[h][n][2] for n in names) for h in group]
            for group in (did_t, did_c)
        ]
        return money(sum(change[0]) / len(change[0]) - sum(change[1]) / len(change[1]))

    interval = NotChecked(NOT_RECOMPUTED["savings:interval"])
    for name in [*sorted(financiers), "Totaal"]:
        where = f"vergelijking[{name}]."
        out[where + "Verschil"] = effect([name] if name != "Totaal" else financiers)
        for column in ("95 %-interval laag", "95 %-interval hoog", "Oordeel"):
            out[where + column] = interval if enough else None
        if not enough:
            out[where + "Oordeel"] = "geen schatting"
    out["verschil"] = out["vergelijking[Totaal].Verschil"]
    return out


def check_selection(ctx: ReportContext) -> Figures:
    """Screening and selection: per household its last screening in the period (by day,
    then by when it was written), and selection/start dates in the period."""
    from maatpact.programme.models import Screening

    in_scope = {h.pk: h for h in households(ctx)}
    rows = sorted(
        (
            (day, created, pk, household_id, result)
            for pk, household_id, day, created, result in Screening.objects.values_list(
                "pk", "household_id", "screened_on", "created_at", "result"
            )
            if household_id in in_scope and ctx.date_from <= day <= ctx.date_to
        )
    )
    last = {household_id: result for _, _, _, household_id, result in rows}
    columns = ["Gescreend", "Voldoet", "Afwijking", "Geselecteerd", "Toegelaten"]
    per: dict[str, list[int]] = {}

    def inside(day: date | None) -> bool:
        return day is not None and ctx.date_from <= day <= ctx.date_to

    for household_id, result in last.items():
        cells = per.setdefault(in_scope[household_id].municipality, [0] * 5)
        cells[0] += 1
        cells[1] += result == "voldoet"
        cells[2] += result == "afwijking"
    for h in in_scope.values():
        if inside(h.selected_on) or inside(h.started_on):
            per.setdefault(h.municipality, [0] * 5)
    for h in in_scope.values():
        if h.municipality in per:
            per[h.municipality][3] += inside(h.selected_on)
            per[h.municipality][4] += inside(h.started_on)
    totals = [sum(cells[i] for cells in per.values()) for i in range(5)]
    keys = ["gescreend", "voldoet", "afwijking", "geselecteerd", "toegelaten"]
    out: Figures = dict(zip(keys, totals, strict=True))
    for name, cells in [*sorted(per.items()), ("Totaal", totals)]:
        for column, n in zip(columns, cells, strict=True):
            out[f"per_gemeente[{name}].{column}"] = n
    return out


CHECKS: dict[str, Callable[[ReportContext], Figures | None]] = {
    "selection": check_selection,
    "households": check_households,
    "first_help": check_first_help,
    "zrm": check_zrm,
    "own_rating": check_own_rating,
    "budget": check_budget,
    "obstacles": check_obstacles,
    "escalations": check_escalations,
    "proposals": check_proposals,
    "system_cost": check_system_cost,
    "savings": check_savings,
    "sib": check_sib_outcomes,
    "lessons": check_lessons,
}

# --- Comparing --------------------------------------------------------------------------

# Tables whose rows are named by more than their first cell.
KEY_COLUMNS = {"zrm": 2}
# Tables the check does not recompute (see NOT_RECOMPUTED).
SKIPPED_TABLES = {("sib", "betalingen")}


def flatten(section: str, result: SectionResult | None) -> Figures | None:
    """The report's figures as ``key`` → value: ``<figure>`` and ``<table>[<row>].<column>``
    (a repeated row name gets `` #2``, `` #3`` in the report's order)."""
    if result is None:
        return None
    out: Figures = {f.key: f.value for f in result.figures}
    for table in result.tables:
        if (section, table.key) in SKIPPED_TABLES:
            continue
        keys = KEY_COLUMNS.get(table.key, 1)
        seen: Counter = Counter()
        for row in table.rows:
            name = " / ".join(str(c.value) for c in row[:keys])
            seen[name] += 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            for column, cell in zip(table.columns[keys:], row[keys:], strict=True):
                out[f"{table.key}[{name}].{column}"] = cell.value
    return out


def _same(shown: Any, expected: Any) -> bool:
    if isinstance(expected, NotChecked):
        return True
    if isinstance(expected, Rounded):
        return expected.matches(shown)
    if expected is None or shown is None:
        return expected is None and shown is None
    return shown == expected


def compare(section: str, shown: Figures | None, expected: Figures | None) -> list[Difference]:
    """Differences between the report's figures and the check's; a section the report
    leaves out must have nothing to show in the check either."""
    shown = shown or {}
    expected = expected or {}
    differences = []
    for key in sorted(set(shown) | set(expected)):
        if key not in expected:
            differences.append(Difference(section, key, shown[key], "niet nagerekend"))
        elif key not in shown:
            differences.append(Difference(section, key, "ontbreekt", expected[key]))
        elif not _same(shown[key], expected[key]):
            differences.append(Difference(section, key, shown[key], expected[key]))
    return differences


@dataclass
class CheckResult:
    compared: int
    differences: list[Difference]
    skipped: list[str]


# Sections whose figures do not depend on the scope (the savings estimate is regional):
# within one run of ``check_report(..., memo=...)`` computed once per last day.
REGIONAL = {"savings"}


def check_report(
    ctx: ReportContext, sections: Iterable[str] | None = None, memo: dict | None = None
) -> CheckResult:
    """The report's figures as its pages get them (through the cache; exact values, the
    small-cell rule only changes what is displayed) against each section's plain-Python
    check. ``memo`` (one dict for several scopes of one run) keeps the check of a
    regional section for the next scope."""
    from .db import report_session
    from .registry import report_sections
    from .selectors import compute_section

    compared, differences, skipped = 0, [], []
    for section in report_sections(ctx.audience):
        if sections is not None and section.key not in sections:
            continue
        check = CHECKS.get(section.key)
        if check is None:
            if section.key in NOT_RECOMPUTED:
                skipped.append(f"{section.key}: {NOT_RECOMPUTED[section.key]}")
            else:
                differences.append(
                    Difference(section.key, "hele sectie", "getoond", "geen controle")
                )
            continue
        with report_session():
            shown = flatten(section.key, compute_section(ctx, section))
        if memo is not None and section.key in REGIONAL:
            key = (section.key, min(ctx.date_to, timezone.localdate()))
            if key not in memo:
                memo[key] = check(ctx)
            expected = memo[key]
        else:
            expected = check(ctx)
        compared += len(shown or {})
        differences += compare(section.key, shown, expected)
    skipped += [f"{k}: {v}" for k, v in NOT_RECOMPUTED.items() if ":" in k]
    return CheckResult(compared, differences, skipped)
