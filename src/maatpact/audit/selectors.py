"""Reading and verifying the audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from .anchors import AnchorLog, anchor_dir, load_anchors, staleness_warning
from .keys import LEGACY_KEY_ID, UnknownKey, keyring
from .models import AuditChain, AuditEvent
from .services import compute_hash


@dataclass
class VerificationResult:
    chains: int
    events: int
    problems: list[str]
    warnings: list[str] = field(default_factory=list)
    anchors: int = 0
    legacy: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def events_for_household(household_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(household_id=household_id)
        .select_related("actor")
        .order_by("at", "seq")
    )


class _ChainCheck:
    """One chain's records, in order: linked, keyed, matching its head and its anchor.

    ``resume`` starts the check at an anchored record instead of the chain's first
    (incremental verification before the next anchor); ``sealed`` is the last sequence
    number at which the legacy (unkeyed) recipe is still accepted, None before any seal.
    """

    def __init__(
        self,
        key: str,
        problems: list[str],
        *,
        anchored: tuple[int, str] | None,
        sealed: int | None,
        resume: int | None = None,
    ):
        self.key, self.problems = key, problems
        self.anchored, self.sealed = anchored, sealed
        self.prev_seq = resume - 1 if resume else 0
        self.prev_hash: str | None = None if resume else ""
        self.events = self.legacy = 0

    def _problem(self, text: str) -> None:
        self.problems.append(f"keten {self.key}: {text}")

    def feed(self, event: AuditEvent) -> None:
        self.events += 1
        if event.seq != self.prev_seq + 1:
            self._problem(f"regel {self.prev_seq + 1} ontbreekt")
        if self.prev_hash is not None and event.prev_hash != self.prev_hash:
            self._problem(f"regel {event.seq} sluit niet aan")
        try:
            if compute_hash(event) != event.hash:
                self._problem(f"regel {event.seq} is gewijzigd")
        except UnknownKey:
            self._problem(f"regel {event.seq} noemt onbekende sleutel {event.key_id}")
        if event.key_id == LEGACY_KEY_ID:
            self.legacy += 1
            if self.sealed is not None and event.seq > self.sealed:
                self._problem(
                    f"regel {event.seq} heeft het oude recept zonder sleutel, "
                    "maar staat na het zegel (eerste anker)"
                )
        if self.anchored and event.seq == self.anchored[0] and event.hash != self.anchored[1]:
            self._problem(f"regel {event.seq} wijkt af van het anker")
        self.prev_seq, self.prev_hash = event.seq, event.hash

    def close(self, head: tuple[int, str] | None) -> None:
        if head is None:
            self._problem("geen kop gevonden")
        elif head != (self.prev_seq, self.prev_hash):
            self._problem(
                f"laatste regel ontbreekt of is gewijzigd (kop {head[0]}, gevonden {self.prev_seq})"
            )
        if self.anchored and self.prev_seq < self.anchored[0]:
            self._problem(
                f"eindigt bij regel {self.prev_seq}, het anker heeft regel {self.anchored[0]} "
                "(regels verwijderd en kop teruggezet?)"
            )


def _check_stream(
    events: Iterable[AuditEvent],
    heads: dict[str, tuple[int, str]],
    log: AnchorLog,
    problems: list[str],
    resume: dict[str, int] | None = None,
) -> tuple[set[str], int, int]:
    """Feed records ordered by (chain, seq) to one check per chain; returns chains seen."""
    seen: set[str] = set()
    count = legacy = 0
    check: _ChainCheck | None = None
    for event in events:
        if check is None or event.chain != check.key:
            if check is not None:
                check.close(heads.get(check.key))
                legacy += check.legacy
            seen.add(event.chain)
            check = _ChainCheck(
                event.chain,
                problems,
                anchored=log.heads.get(event.chain),
                sealed=None if log.sealed is None else log.sealed.get(event.chain, 0),
                resume=(resume or {}).get(event.chain),
            )
        check.feed(event)
        count += 1
    if check is not None:
        check.close(heads.get(check.key))
        legacy += check.legacy
    return seen, count, legacy


@contextmanager
def snapshot() -> Iterator[None]:
    """One consistent view of heads and records while a live system keeps appending.

    A head moves in the same transaction as its record; read at different moments, a
    new record would look like one missing from its head. SQLite's read transaction is a
    snapshot already; PostgreSQL needs REPEATABLE READ, settable only as the first
    statement (inside an outer transaction, e.g. a test, that one's view is used).
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _heads() -> dict[str, tuple[int, str]]:
    return {
        key: (seq, hash_)
        for key, seq, hash_ in AuditChain.objects.values_list("key", "last_seq", "last_hash")
    }


def verify_chains(log: AnchorLog | None = None) -> VerificationResult:
    """Recompute every chain; check it against its head and the anchors outside the DB.

    Reports changed, removed or inserted records, records under unknown keys, legacy
    records after the seal, and chains that were cut short or dropped after an anchor.
    """
    log = log if log is not None else load_anchors()
    problems = list(log.problems)
    with snapshot():
        heads = _heads()
        events = AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=5000)
        seen, count, legacy = _check_stream(events, heads, log, problems)
    for key, (seq, _) in heads.items():
        if key not in seen and seq:
            problems.append(f"keten {key}: alle regels ontbreken")
    for key, (seq, _) in log.heads.items():
        if key not in seen and key not in heads:
            problems.append(
                f"keten {key}: ontbreekt met kop en al, het anker heeft regel {seq} "
                "(hele keten verwijderd?)"
            )
    return VerificationResult(
        chains=len(seen),
        events=count,
        problems=problems,
        warnings=_warnings(log, legacy),
        anchors=len(log.files),
        legacy=legacy,
    )


def _warnings(log: AnchorLog, legacy: int) -> list[str]:
    warnings = []
    if keyring().derived:
        warnings.append(
            "geen auditsleutel ingesteld: de sleutel is afgeleid van SECRET_KEY (alleen voor "
            "demo en lokaal gebruik; zet MAATPACT_AUDIT_KEYS of MAATPACT_AUDIT_KEY_FILE)"
        )
    if anchor_dir() is None:
        warnings.append(
            "geen ankermap ingesteld (MAATPACT_AUDIT_ANCHOR_DIR): ankers niet gecontroleerd"
        )
    elif not log.anchored:
        warnings.append("nog geen ankers: draai maatpact audit-anchor")
    if legacy and log.sealed is None:
        warnings.append(
            f"{legacy} regels in het oude recept zonder sleutel, nog niet verzegeld: "
            "draai maatpact audit-anchor"
        )
    stale = staleness_warning(log)
    if stale:
        warnings.append(stale)
    return warnings


def verify_since(log: AnchorLog, heads: dict[str, tuple[int, str]], batch: int = 200) -> list[str]:
    """Check only what changed since the anchors: the records after each anchored head.

    Used before writing the next anchor, so anchoring stays cheap on a large trail; the
    first anchor verifies everything (it also seals the legacy records).
    """
    if not log.anchored:
        return verify_chains(log).problems
    problems: list[str] = []
    resume: dict[str, int] = {}
    for key, (seq, hash_) in log.heads.items():
        head = heads.get(key)
        if head is None:
            problems.append(f"keten {key}: ontbreekt, het anker heeft regel {seq}")
        elif head[0] < seq:
            problems.append(
                f"keten {key}: eindigt bij regel {head[0]}, het anker heeft regel {seq}"
            )
        elif head != (seq, hash_):
            resume[key] = seq
    new = [key for key in heads if key not in log.heads]
    for start in range(0, len(resume), batch):
        keys = list(resume)[start : start + batch]
        query = reduce(or_, (Q(chain=k, seq__gte=resume[k]) for k in keys))
        events = AuditEvent.objects.filter(query).order_by("chain", "seq").iterator(chunk_size=5000)
        _check_stream(events, heads, log, problems, resume)
    for start in range(0, len(new), batch):
        keys = new[start : start + batch]
        events = AuditEvent.objects.filter(chain__in=keys).order_by("chain", "seq")
        _check_stream(events.iterator(chunk_size=5000), heads, log, problems)
    return problems
