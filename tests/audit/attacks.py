"""What an informed insider with database access can do to the audit trail.

Each function works on the tables directly, as someone with SQL access would, and
knows the hash recipe; only ``stolen_key`` variants also hold the audit key. The
recipe is written out here independently of ``maatpact.audit.services``.
"""

from __future__ import annotations

import hashlib
import hmac

from maatpact.audit.models import AuditChain, AuditEvent

FIELDS = (
    "chain",
    "seq",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "household_id",
    "request_id",
    "detail",
    "prev_hash",
)


def message(event: AuditEvent) -> bytes:
    values = []
    for name in FIELDS:
        value = getattr(event, name)
        if name == "at":
            value = value.isoformat()
        values.append("" if value is None else str(value))
    return "\x1f".join(values).encode()


def legacy_hash(event: AuditEvent) -> str:
    """The published recipe before keys: SHA-256 over the fields."""
    return hashlib.sha256(message(event)).hexdigest()


def keyed_hash(event: AuditEvent, key: bytes) -> str:
    return hmac.new(key, message(event) + f"\x1f{event.key_id}".encode(), "sha256").hexdigest()


def rehash(event: AuditEvent, key: bytes | None) -> str:
    """The attacker's best guess: the real key if stolen, else the keyless recipe."""
    return keyed_hash(event, key) if key is not None else legacy_hash(event)


def chain_events(chain: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=chain).order_by("seq"))


def delete_newest_and_rewind_head(chain: str) -> None:
    events = chain_events(chain)
    events[-1].delete()
    AuditChain.objects.filter(key=chain).update(last_seq=events[-2].seq, last_hash=events[-2].hash)


def rewrite_and_recompute(chain: str, seq: int, *, key: bytes | None = None, **changes) -> None:
    """Change one record and recompute it and every later record, and the head."""
    prev = ""
    for event in chain_events(chain):
        if event.seq == seq:
            for name, value in changes.items():
                setattr(event, name, value)
        if event.seq >= seq:
            event.prev_hash = prev
            event.hash = rehash(event, key)
            event.save()
        prev = event.hash
    AuditChain.objects.filter(key=chain).update(last_hash=prev)


def drop_chain(chain: str) -> None:
    AuditEvent.objects.filter(chain=chain).delete()
    AuditChain.objects.filter(key=chain).delete()


def append_forged(chain: str, *, key_id: int, key: bytes | None = None, **values) -> AuditEvent:
    last = chain_events(chain)[-1]
    forged = AuditEvent(
        chain=chain,
        seq=last.seq + 1,
        at=last.at,
        actor_id=values.get("actor_id", last.actor_id),
        actor_role=values.get("actor_role", last.actor_role),
        action=values.get("action", "view"),
        object_type=last.object_type,
        object_id=last.object_id,
        household_id=last.household_id,
        request_id="",
        detail="",
        prev_hash=last.hash,
        key_id=key_id,
    )
    forged.hash = rehash(forged, key)
    forged.save()
    AuditChain.objects.filter(key=chain).update(last_seq=forged.seq, last_hash=forged.hash)
    return forged


def convert_to_legacy(chain: str) -> None:
    """Make a chain look as it did before keys existed (key id 0, SHA-256)."""
    prev = ""
    for event in chain_events(chain):
        event.key_id = 0
        event.prev_hash = prev
        event.hash = legacy_hash(event)
        event.save()
        prev = event.hash
    AuditChain.objects.filter(key=chain).update(last_hash=prev)
