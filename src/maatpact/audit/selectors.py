"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import AuditChain, AuditEvent
from .services import compute_hash


@dataclass
class VerificationResult:
    chains: int
    events: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def events_for_household(household_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(household_id=household_id)
        .select_related("actor")
        .order_by("at", "seq")
    )


def verify_chains() -> VerificationResult:
    """Recompute every chain; report changed, removed or inserted records."""
    problems: list[str] = []
    heads = {c.key: c for c in AuditChain.objects.all()}
    count = 0
    chains = 0
    prev_key, prev_seq, prev_hash = None, 0, ""

    def close_chain(key: str | None, seq: int, last_hash: str) -> None:
        if key is None:
            return
        head = heads.pop(key, None)
        if head is None:
            problems.append(f"keten {key}: geen kop gevonden")
        elif head.last_seq != seq or head.last_hash != last_hash:
            problems.append(
                f"keten {key}: laatste regel ontbreekt of is gewijzigd "
                f"(kop {head.last_seq}, gevonden {seq})"
            )

    for event in AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=5000):
        count += 1
        if event.chain != prev_key:
            close_chain(prev_key, prev_seq, prev_hash)
            chains += 1
            prev_key, prev_seq, prev_hash = event.chain, 0, ""
        if event.seq != prev_seq + 1:
            problems.append(f"keten {event.chain}: regel {prev_seq + 1} ontbreekt")
        if event.prev_hash != prev_hash:
            problems.append(f"keten {event.chain}: regel {event.seq} sluit niet aan")
        if compute_hash(event) != event.hash:
            problems.append(f"keten {event.chain}: regel {event.seq} is gewijzigd")
        prev_seq, prev_hash = event.seq, event.hash
    close_chain(prev_key, prev_seq, prev_hash)
    for key, head in heads.items():
        if head.last_seq:
            problems.append(f"keten {key}: alle regels ontbreken")
    return VerificationResult(chains=chains, events=count, problems=problems)
