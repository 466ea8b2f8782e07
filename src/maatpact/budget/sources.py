"""The fund and its sources: municipalities fill the fund from their regular budgets.

A fund is proposed with its contributions (municipality, source budget, amount) by one
member of the programme team and confirmed by another (four eyes) before it can be
allocated. A top-up adds contributions and grows the allocations in the same
transaction, so the fund always equals both the sum of its contributions and the sum of
its allocations (``budget-reconcile`` checks both).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.audit.services import Action, record
from maatpact.common import dates
from maatpact.common.money import ZERO, euro
from maatpact.common.versions import BUDGET, data_changed
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Region

from .models import Allocation, Fund, FundContribution
from .services import apply_allocation, parse_amount


@dataclass(frozen=True)
class ContributionData:
    municipality: Municipality
    source: Law
    amount: object  # text or Decimal; parsed to the cent
    budget_line: str = ""


def _require_manager(actor: User) -> None:
    if not policies.can_manage_budget(actor):
        raise PermissionDenied("Alleen het programmateam beheert het fonds.")


def _parse_contributions(
    region: Region, contributions: list[ContributionData]
) -> list[tuple[ContributionData, Decimal]]:
    if not contributions:
        raise ValidationError(
            {"contributions": "Voeg ten minste één bijdrage van een gemeente toe."}
        )
    parsed = []
    errors = []
    for i, item in enumerate(contributions, start=1):
        if item.municipality.region_id != region.pk:
            errors.append(f"Bijdrage {i}: {item.municipality} hoort niet bij {region}.")
            continue
        try:
            parsed.append((item, parse_amount(item.amount)))
        except ValidationError as exc:
            errors.append(f"Bijdrage {i} ({item.municipality}): {' '.join(exc.messages)}")
    if errors:
        raise ValidationError({"contributions": errors})
    return parsed


def _store(actor, fund, parsed, *, on: date, top_up: bool) -> list[FundContribution]:
    rows = [
        FundContribution(
            fund=fund,
            municipality=item.municipality,
            source=item.source,
            budget_line=item.budget_line.strip()[:200],
            amount=amount,
            contributed_on=on,
            recorded_by=actor,
            is_top_up=top_up,
        )
        for item, amount in parsed
    ]
    FundContribution.objects.bulk_create(rows)
    return rows


@transaction.atomic
def propose_fund(
    actor: User,
    *,
    region: Region,
    name: str,
    contributions: list[ContributionData],
    amount: object | None = None,
    on: date | None = None,
) -> Fund:
    """Propose a fund filled by the given contributions; ``amount``, when stated, must be
    exactly their sum (a typo in either is caught before anything is stored)."""
    _require_manager(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Geef het fonds een naam."})
    if Fund.objects.filter(name=name).exists():
        raise ValidationError({"name": "Er is al een fonds met deze naam."})
    parsed = _parse_contributions(region, contributions)
    total = sum((a for _, a in parsed), ZERO)
    if amount not in (None, ""):
        stated = parse_amount(amount)
        if stated != total:
            raise ValidationError(
                {
                    "amount": f"De bijdragen tellen op tot {euro(total)}, maar de omvang van "
                    f"het fonds is {euro(stated)}."
                }
            )
    fund = Fund.objects.create(
        region=region,
        name=name,
        amount=total,
        status=Fund.Status.CONCEPT,
        proposed_by=actor,
    )
    _store(actor, fund, parsed, on=on or dates.today(), top_up=False)
    record(actor, Action.CREATE, fund, detail=f"fonds voorgesteld; {len(parsed)} bijdragen")
    data_changed(BUDGET)
    return fund


@transaction.atomic
def confirm_fund(actor: User, fund: Fund) -> Fund:
    """The second signature: another member of the programme team confirms the fund."""
    _require_manager(actor)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.status != Fund.Status.CONCEPT:
        raise ValidationError("Dit fonds is al bevestigd.")
    if fund.proposed_by_id == actor.pk:
        raise ValidationError(
            "U stelde dit fonds zelf voor; een ander lid van het programmateam bevestigt het."
        )
    fund.status = Fund.Status.ACTIEF
    fund.confirmed_by = actor
    fund.save(update_fields=["status", "confirmed_by"])
    record(actor, Action.UPDATE, fund, detail="fonds bevestigd (vier ogen)")
    data_changed(BUDGET)
    return fund


@transaction.atomic
def top_up(
    actor: User, fund: Fund, contributions: list[ContributionData], *, on: date | None = None
) -> Fund:
    """Add contributions to an active fund and grow its allocations in one transaction.

    An allocated fund is re-allocated with its own formula over the new amount; a fund
    allocated by hand gives each municipality's own top-up to its own allocation.
    """
    _require_manager(actor)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if fund.status != Fund.Status.ACTIEF:
        raise ValidationError("Een voorgesteld fonds wordt eerst bevestigd, dan aangevuld.")
    region = Region.objects.get(pk=fund.region_id)
    parsed = _parse_contributions(region, contributions)
    added = sum((a for _, a in parsed), ZERO)
    _store(actor, fund, parsed, on=on or dates.today(), top_up=True)
    fund.amount += added
    fund.save(update_fields=["amount"])
    if fund.allocated_at is not None:
        manual = None
        if fund.formula == Fund.Formula.HANDMATIG:
            current = dict(
                Allocation.objects.filter(fund=fund).values_list("municipality_id", "allocated")
            )
            own = defaultdict(lambda: ZERO)
            for item, amount in parsed:
                own[item.municipality.pk] += amount
            manual = {m: current.get(m, ZERO) + own.get(m, ZERO) for m in set(current) | set(own)}
        apply_allocation(actor, fund, fund.formula, manual)
    record(actor, Action.UPDATE, fund, detail=f"fonds aangevuld met {len(parsed)} bijdragen")
    data_changed(BUDGET)
    return fund


def _short(name: str) -> str:
    """'Wet maatschappelijke ondersteuning 2015 (Wmo 2015)' -> 'Wmo 2015' for a column."""
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1]
    return name


@dataclass
class SourceRow:
    municipality: str
    by_source: dict[str, Decimal]
    contributed: Decimal
    allocated: Decimal
    approved: Decimal
    paid: Decimal
    available: Decimal
    per_source: list[Decimal] = field(default_factory=list)  # in the order of ``sources``


def sources_overview(fund: Fund) -> dict:
    """Per municipality: what it put in (per source budget) against what it was allocated
    and spent. Sums in Python (SQLite adds decimals in floating point)."""
    laws = {law.pk: _short(law.name) for law in Law.objects.all()}
    contributed: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    per_source: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for municipality, source_id, amount in fund.contributions.values_list(
        "municipality__name", "source_id", "amount"
    ):
        contributed[municipality][laws[source_id]] += amount
        per_source[laws[source_id]] += amount
    allocations = {a.municipality.name: a for a in fund.allocations.select_related("municipality")}
    rows = []
    for name in sorted(set(contributed) | set(allocations)):
        a = allocations.get(name)
        rows.append(
            SourceRow(
                municipality=name,
                by_source=dict(contributed.get(name, {})),
                contributed=sum(contributed.get(name, {}).values(), ZERO),
                allocated=a.allocated if a else ZERO,
                approved=a.approved if a else ZERO,
                paid=a.paid if a else ZERO,
                available=a.available if a else ZERO,
            )
        )
    sources = sorted(per_source)
    for row in rows:
        row.per_source = [row.by_source.get(s, ZERO) for s in sources]
    return {
        "rows": rows,
        "sources": sources,
        "per_source": [(s, per_source[s]) for s in sources],
        "contributed": sum((r.contributed for r in rows), ZERO),
        "allocated": sum((r.allocated for r in rows), ZERO),
        "approved": sum((r.approved for r in rows), ZERO),
        "paid": sum((r.paid for r in rows), ZERO),
    }
