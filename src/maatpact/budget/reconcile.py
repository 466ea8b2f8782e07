"""Reconciliation: is every euro where the ledger says it is?

Checks, each reported with the allocation or spend it concerns:

1. fund = the sum of its allocations (once the fund has been allocated);
2. every balance column = the sum of its ledger entries (by their fixed effects);
3. no entry was changed, inserted or removed (per-allocation hash chain and chain head);
4. every spend's entries match its status (no double booking, nothing lost).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from maatpact.common.money import ZERO

from . import ledger
from .models import Allocation, Fund, FundContribution, LedgerEntry, Spend

Kind = LedgerEntry.Kind


@dataclass
class ReconcileResult:
    funds: int = 0
    allocations: int = 0
    entries: int = 0
    spends: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_funds(result: ReconcileResult) -> None:
    # Sums in Python: SQLite would add decimals in floating point.
    sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for fund_id, allocated in Allocation.objects.values_list("fund", "allocated"):
        sums[fund_id] += allocated
    contributed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for fund_id, amount in FundContribution.objects.values_list("fund", "amount"):
        contributed[fund_id] += amount
    for fund in Fund.objects.all():
        result.funds += 1
        # A fund filled by contributions equals their sum (funds from before the
        # contributions were recorded have none).
        if fund.pk in contributed and contributed[fund.pk] != fund.amount:
            result.problems.append(
                f"fonds {fund.pk} ({fund.name}): fonds {fund.amount} ≠ som bijdragen "
                f"{contributed[fund.pk]}"
            )
        total = sums.get(fund.pk, ZERO)
        if fund.allocated_at is None and total == ZERO:
            continue
        if total != fund.amount:
            result.problems.append(
                f"fonds {fund.pk} ({fund.name}): fonds {fund.amount} ≠ som toewijzingen {total}"
            )


@dataclass
class _Sums:
    per_allocation: dict[int, dict[str, Decimal]]
    per_spend: dict[int, dict[str, Decimal]]


def _check_chains(result: ReconcileResult) -> _Sums:
    """One pass over every entry in chain order: hashes, links, and the exact sums."""
    per_allocation: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    per_spend: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    heads = {a.pk: (a.last_seq, a.last_hash) for a in Allocation.objects.all()}
    current, seq, last_hash = None, 0, ""

    def close(allocation_id, seq, last_hash):
        if allocation_id is None:
            return
        if heads.pop(allocation_id, None) != (seq, last_hash):
            result.problems.append(
                f"toewijzing {allocation_id}: laatste boeking ontbreekt of keten-kop gewijzigd"
            )

    for entry in LedgerEntry.objects.order_by("allocation_id", "seq").iterator(chunk_size=5000):
        result.entries += 1
        if entry.allocation_id != current:
            close(current, seq, last_hash)
            current, seq, last_hash = entry.allocation_id, 0, ""
        if entry.seq != seq + 1:
            result.problems.append(
                f"toewijzing {current}: boeking {seq + 1} ontbreekt (gevonden {entry.seq})"
            )
        if entry.prev_hash != last_hash:
            result.problems.append(f"boeking {entry.pk}: verwijst niet naar de vorige boeking")
        if ledger.entry_hash(entry) != entry.hash:
            result.problems.append(f"boeking {entry.pk} (toewijzing {current}) is gewijzigd")
        seq, last_hash = entry.seq, entry.hash
        per_allocation[entry.allocation_id][entry.kind] += entry.amount
        if entry.spend_id is not None:
            per_spend[entry.spend_id][entry.kind] += entry.amount
    close(current, seq, last_hash)
    for allocation_id, (head_seq, _) in heads.items():
        if head_seq != 0:
            result.problems.append(f"toewijzing {allocation_id}: boekingen ontbreken geheel")
    return _Sums(per_allocation, per_spend)


def _check_balances(result: ReconcileResult, sums: _Sums) -> None:
    for a in Allocation.objects.all().order_by("pk"):
        result.allocations += 1
        expected = dict.fromkeys(("allocated", "pending", "approved", "paid"), ZERO)
        for kind, total in sums.per_allocation.get(a.pk, {}).items():
            for name, factor in zip(expected, ledger.EFFECTS[kind], strict=True):
                expected[name] += factor * total
        expected["available"] = expected["allocated"] - expected["pending"] - expected["approved"]
        for name, value in expected.items():
            actual = getattr(a, name)
            if actual != value:
                result.problems.append(
                    f"toewijzing {a.pk}: saldo {name} is {actual}, som van de boekingen {value}"
                )
        if a.available < 0:
            result.problems.append(f"toewijzing {a.pk}: beschikbaar saldo negatief ({a.available})")


def _check_spends(result: ReconcileResult, sums: _Sums) -> None:
    per = dict(sums.per_spend)
    status = Spend.Status
    rows = Spend.objects.values_list("pk", "status", "amount", "reversed_amount").iterator(5000)
    for pk, st, amount, reversed_amount in rows:
        result.spends += 1
        k = per.pop(pk, {})
        reserved = k.get(Kind.RESERVERING, ZERO)
        approved = k.get(Kind.GOEDKEURING, ZERO)
        released = k.get(Kind.VRIJGAVE, ZERO)
        paid = k.get(Kind.BETALING, ZERO)
        reversed_total = k.get(Kind.TERUGBOEKING, ZERO) + k.get(Kind.TERUGBETALING, ZERO)
        expected = {
            "reservering": amount,
            "goedkeuring": amount if st not in (status.AANGEVRAAGD, status.AFGEWEZEN) else ZERO,
            "vrijgave": amount if st == status.AFGEWEZEN else ZERO,
            "terugboeking": reversed_amount,
        }
        actual = {
            "reservering": reserved,
            "goedkeuring": approved,
            "vrijgave": released,
            "terugboeking": reversed_total,
        }
        for name, value in expected.items():
            if actual[name] != value:
                result.problems.append(
                    f"uitgave {pk} ({st}): {name} geboekt {actual[name]}, verwacht {value}"
                )
        if paid and st not in (status.BETAALD, status.TERUGGEDRAAID):
            result.problems.append(f"uitgave {pk} ({st}): betaling geboekt maar status {st}")
        if st == status.BETAALD and paid == ZERO:
            result.problems.append(f"uitgave {pk}: status betaald zonder betaling")
    for spend_id in per:
        result.problems.append(f"boekingen verwijzen naar onbekende uitgave {spend_id}")


def reconcile() -> ReconcileResult:
    result = ReconcileResult()
    _check_funds(result)
    sums = _check_chains(result)
    _check_balances(result, sums)
    _check_spends(result, sums)
    return result
