"""Reads on provisions, above all the **system cost** of a household.

The costing rule lives in :mod:`.costing` (one rule for every figure; also in
docs/reports.md): a provision's ``ends_on`` is its last day and is costed; a monthly
amount is spread over the days of each calendar month; a one-off amount counts on its
start date. Periods passed to these functions are half-open, ``[start, end)``.

* Overlapping provisions are all counted: each is a separate form of support, even from
  the same financier.
* Sums are exact and rounded once, per household and financier, to whole cents (half up)
  at the end; totals are the sum of the rounded parts.

Use :func:`system_cost` for one household, :func:`system_cost_many` for many (one query),
:func:`annual_cost_by_financier` for the 12 months up to a date and
:func:`cost_before_and_during` for the programme comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.common.money import ZERO
from maatpact.households.models import Household

from . import costing
from .models import Provision

MONTHLY = Provision.CostKind.MAANDELIJKS
ONE_OFF = Provision.CostKind.EENMALIG


def provision_units(provision: Provision, start: date, end: date) -> int:
    """Exact cost of one provision within ``[start, end)``, in cent-units (see costing)."""
    return costing.provision_units(
        provision.cost_kind,
        provision.amount,
        provision.starts_on,
        provision.ends_on,
        start,
        end,
    )


def provision_cost(provision: Provision, start: date, end: date) -> Decimal:
    """Cost of one provision within ``[start, end)``, rounded half up to the cent."""
    return costing.to_euros(provision_units(provision, start, end))


def _overlapping(start: date, end: date) -> Q:
    return Q(starts_on__lt=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def _sum_by_financier(
    provisions: Iterable[Provision], start: date, end: date
) -> dict[int, Decimal]:
    exact: dict[int, int] = defaultdict(int)
    for provision in provisions:
        units = provision_units(provision, start, end)
        if units:
            exact[provision.financier_id] += units
    return {financier: costing.to_euros(units) for financier, units in exact.items()}


def system_cost(household: Household | int, start: date, end: date) -> dict[int, Decimal]:
    """Cost of every provision of one household in ``[start, end)``, per financier id."""
    household_id = getattr(household, "pk", household)
    rows = Provision.objects.filter(_overlapping(start, end), household_id=household_id).only(
        "financier_id", "cost_kind", "amount", "starts_on", "ends_on"
    )
    return _sum_by_financier(rows, start, end)


def system_cost_many(
    household_ids: Iterable[int], start: date, end: date
) -> dict[int, dict[int, Decimal]]:
    """:func:`system_cost` for many households in one query.

    Returns ``{household_id: {financier_id: euros}}``; households without cost are absent.
    """
    ids = list(household_ids)
    grouped: dict[int, list[Provision]] = defaultdict(list)
    for provision in (
        Provision.objects.filter(_overlapping(start, end), household_id__in=ids)
        .only("household_id", "financier_id", "cost_kind", "amount", "starts_on", "ends_on")
        .iterator(chunk_size=5000)
    ):
        grouped[provision.household_id].append(provision)
    return {hid: _sum_by_financier(rows, start, end) for hid, rows in grouped.items()}


def total(costs: dict[int, Decimal]) -> Decimal:
    return sum(costs.values(), ZERO)


def year_before(on: date) -> tuple[date, date]:
    """The 12 months up to and including ``on``, as ``[start, end)``."""
    end = on + timedelta(days=1)
    return costing.year_back(end), end


def annual_cost_by_financier(household: Household | int, on: date) -> dict[int, Decimal]:
    """System cost in the 12 months up to and including ``on``, per financier id."""
    return system_cost(household, *year_before(on))


def active_provisions(household: Household | int, on: date) -> QuerySet[Provision]:
    """Provisions running on ``on`` (one-off ones on their date only)."""
    household_id = getattr(household, "pk", household)
    return (
        Provision.objects.filter(household_id=household_id, starts_on__lte=on)
        .filter(
            (Q(cost_kind=MONTHLY) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on)))
            | Q(cost_kind=ONE_OFF, starts_on=on)
        )
        .select_related("law", "financier", "provider")
    )


def programme_entry(household: Household) -> date:
    """Entry into the programme: the day it became active, else the day it was registered."""
    return household.started_on or household.registered_on


@dataclass
class BeforeDuring:
    """System cost per financier in the 12 months before entry and during the programme.

    ``during_month_units`` is the time in the programme in month units (see costing);
    ``during_per_year`` is "during" scaled to 12 household-months, so both compare.
    """

    entry: date
    before: dict[int, Decimal]
    during: dict[int, Decimal]
    during_days: int
    during_per_year: dict[int, Decimal] = field(default_factory=dict)
    during_month_units: int = 0

    @property
    def before_total(self) -> Decimal:
        return total(self.before)

    @property
    def during_total(self) -> Decimal:
        return total(self.during)

    @property
    def during_per_year_total(self) -> Decimal:
        return total(self.during_per_year)


def before_window(entry: date) -> tuple[date, date]:
    """The 12 months before entry, ``[same date a year earlier, entry)``."""
    return costing.year_back(entry), entry


def during_window(
    entry: date, first: date, last: date, closed_on: date | None
) -> tuple[date, date]:
    """``[max(entry, first), min(last, closed_on) + 1 day)``; empty when that is negative."""
    start = max(entry, first)
    stop = (min(last, closed_on) if closed_on else last) + timedelta(days=1)
    return start, max(start, stop)


def cost_before_and_during(
    household: Household, on: date, provisions: list[Provision] | None = None
) -> BeforeDuring:
    """Before = the 12 months before entry; during = from entry up to and including ``on``
    (or the closing date). Pass already-loaded ``provisions`` to avoid a query.
    """
    entry = programme_entry(household)
    before_start, _ = before_window(entry)
    _, during_end = during_window(entry, entry, on, household.closed_on)
    rows = (
        provisions
        if provisions is not None
        else list(
            Provision.objects.filter(
                _overlapping(before_start, during_end), household=household
            ).only("financier_id", "cost_kind", "amount", "starts_on", "ends_on")
        )
    )
    before = _sum_by_financier(rows, before_start, entry)
    during = _sum_by_financier(rows, entry, during_end)
    span = costing.month_units(entry, during_end)
    per_year = {f: costing.per_year(v, span) for f, v in during.items()} if span else {}
    return BeforeDuring(
        entry, before, during, (during_end - entry).days, per_year, during_month_units=span
    )


@dataclass
class OrganisationRow:
    """One organisation around the household: what it does and what it costs per year."""

    organisation: object
    as_financier: Decimal = ZERO
    as_provider: Decimal = ZERO
    roles: set[str] = field(default_factory=set)
    what: list[str] = field(default_factory=list)
    laws: set[str] = field(default_factory=set)
    active: bool = False

    @property
    def role_label(self) -> str:
        if self.roles == {"financier", "aanbieder"}:
            return "financier en aanbieder"
        return next(iter(self.roles), "")


def organisations_overview(provisions: list[Provision], on: date) -> list[OrganisationRow]:
    """Every organisation involved (financier or provider) from already-loaded provisions.

    Involved = a provision that runs on ``on`` or cost something in the 12 months before.
    "Per jaar" is the cost of those 12 months; a provider is shown with the value of what
    it delivers (paid by the financiers), so the financier column adds up to the system cost.
    """
    start, end = year_before(on)
    rows: dict[int, OrganisationRow] = {}
    exact_fin: dict[int, int] = defaultdict(int)
    exact_prov: dict[int, int] = defaultdict(int)
    for p in provisions:
        cost = provision_units(p, start, end)
        running = (
            p.starts_on <= on and (p.ends_on is None or p.ends_on >= on) and p.cost_kind == MONTHLY
        )
        if not cost and not running:
            continue
        for org, role in ((p.financier, "financier"), (p.provider, "aanbieder")):
            if org is None:
                continue
            row = rows.setdefault(org.pk, OrganisationRow(org))
            row.roles.add(role)
            row.laws.add(p.law.name)
            row.active = row.active or running
            if p.description not in row.what:
                row.what.append(p.description)
        exact_fin[p.financier_id] += cost
        if p.provider_id:
            exact_prov[p.provider_id] += cost
    for org_id, row in rows.items():
        row.as_financier = costing.to_euros(exact_fin.get(org_id, 0))
        row.as_provider = costing.to_euros(exact_prov.get(org_id, 0))
    return sorted(
        rows.values(), key=lambda r: (-r.as_financier, -r.as_provider, r.organisation.name)
    )


def household_provisions(household: Household) -> list[Provision]:
    return list(
        household.provisions.select_related("law", "financier", "provider").order_by(
            "starts_on", "pk"
        )
    )


def full_access_provisions(user: User) -> QuerySet[Provision]:
    """Provisions tell which law pays for which help (special category): only for the
    households whose special-category data the user may see."""
    return Provision.objects.filter(household__in=policies.special_access_households(user))
