"""The bookkeeping core, shared by services, seeding and reconciliation.

Every entry kind has a fixed effect on the four balance columns of an allocation; the
balance row is therefore always the sum of its entries, which ``budget-reconcile``
checks. Entries are chained per allocation: each hash covers the previous one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from .models import Allocation, LedgerEntry

Kind = LedgerEntry.Kind

# kind -> effect on (allocated, pending, approved, paid), as multipliers of the amount.
EFFECTS: dict[str, tuple[int, int, int, int]] = {
    Kind.TOEWIJZING: (1, 0, 0, 0),
    Kind.TOEWIJZING_TERUG: (-1, 0, 0, 0),
    Kind.OVERHEVELING_IN: (1, 0, 0, 0),
    Kind.OVERHEVELING_UIT: (-1, 0, 0, 0),
    Kind.RESERVERING: (0, 1, 0, 0),
    Kind.GOEDKEURING: (0, -1, 1, 0),
    Kind.VRIJGAVE: (0, -1, 0, 0),
    Kind.BETALING: (0, 0, 0, 1),
    Kind.TERUGBOEKING: (0, 0, -1, 0),
    Kind.TERUGBETALING: (0, 0, -1, -1),
}
BALANCE_FIELDS = ("allocated", "pending", "approved", "paid", "available")


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def entry_hash(entry: LedgerEntry) -> str:
    """SHA-256 over every meaningful field and the previous hash (normalised to UTC)."""
    at = entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    parts = [
        str(entry.allocation_id),
        str(entry.seq),
        entry.kind,
        str(cents(entry.amount)),
        str(entry.spend_id or ""),
        str(entry.transfer_id or ""),
        str(entry.actor_id or ""),
        entry.reason,
        at,
        entry.prev_hash,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def apply_effect(allocation: Allocation, kind: str, amount: Decimal) -> None:
    d_alloc, d_pending, d_approved, d_paid = EFFECTS[kind]
    allocation.allocated += d_alloc * amount
    allocation.pending += d_pending * amount
    allocation.approved += d_approved * amount
    allocation.paid += d_paid * amount
    allocation.available = allocation.allocated - allocation.pending - allocation.approved


def post(
    allocation: Allocation,
    kind: str,
    amount: Decimal,
    *,
    at: datetime,
    spend_id: int | None = None,
    transfer_id: int | None = None,
    actor_id: int | None = None,
    reason: str = "",
) -> LedgerEntry:
    """Build the next entry of ``allocation`` and apply it to the in-memory balance.

    The caller holds the allocation's row lock (or is the single-threaded seeder), then
    inserts the returned entries and saves the allocation in the same transaction.
    """
    entry = LedgerEntry(
        allocation_id=allocation.pk,
        seq=allocation.last_seq + 1,
        kind=kind,
        amount=amount,
        spend_id=spend_id,
        transfer_id=transfer_id,
        actor_id=actor_id,
        reason=reason[:300],
        created_at=at,
        prev_hash=allocation.last_hash,
    )
    entry.hash = entry_hash(entry)
    allocation.last_seq = entry.seq
    allocation.last_hash = entry.hash
    apply_effect(allocation, kind, amount)
    return entry


def save_balance(allocation: Allocation) -> None:
    allocation.save(update_fields=[*BALANCE_FIELDS, "last_seq", "last_hash"])
