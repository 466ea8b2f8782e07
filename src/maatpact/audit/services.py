"""Writing audit records. Call ``record`` inside the transaction of the change it logs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from .keys import LEGACY_KEY_ID, keyring
from .middleware import current_request_id
from .models import AuditChain, AuditEvent

Action = AuditEvent.Action


def chain_key(household_id: int | None) -> str:
    return f"hh:{household_id}" if household_id else "global"


def user_chain_key(user_id: int) -> str:
    """The chain of one account's own events (API tokens), so they queue on no shared lock."""
    return f"user:{user_id}"


def compute_hash(event: AuditEvent) -> str:
    """The record's hash: an HMAC under key ``event.key_id``; plain SHA-256 for legacy 0.

    Raises ``keys.UnknownKey`` when the key id is not in the key ring.
    """
    message = _message(event)
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(message).hexdigest()
    return keyring().mac(event.key_id, message + f"\x1f{event.key_id}".encode())


def _message(event: AuditEvent) -> bytes:
    parts = [
        event.chain,
        str(event.seq),
        event.at.isoformat(),
        str(event.actor_id or ""),
        event.actor_role,
        event.action,
        event.object_type,
        event.object_id,
        str(event.household_id or ""),
        event.request_id,
        event.detail,
        event.prev_hash,
    ]
    return "\x1f".join(parts).encode()


def _describe(obj: Any) -> tuple[str, str]:
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk or "")
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return str(obj), ""


def record(
    actor: Any,
    action: str,
    obj: Any,
    *,
    household_id: int | None = None,
    detail: str = "",
    chain: str | None = None,
) -> AuditEvent:
    """Append one record to the household's chain (locked briefly while appending).

    ``obj`` is a model instance or a ``(type, id)`` tuple. ``detail`` may name fields,
    never their values. ``chain`` overrides the chain (e.g. :func:`user_chain_key`).
    """
    object_type, object_id = _describe(obj)
    key = chain or chain_key(household_id)
    key_id = keyring().current_id
    with transaction.atomic():
        head = _locked_head(key)
        event = AuditEvent(
            chain=key,
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None) if actor is not None else None,
            actor_role=getattr(actor, "role", "") or "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            household_id=household_id,
            request_id=current_request_id(),
            detail=detail[:200],
            prev_hash=head.last_hash,
            key_id=key_id,
        )
        event.hash = compute_hash(event)
        _append(event)
    return event


def _locked_head(key: str) -> AuditChain:
    """The chain head, locked until the transaction ends; created on the chain's first use.

    One statement on the usual path (the head exists: a household's chain starts at its
    registration).
    """
    head = AuditChain.objects.select_for_update().filter(key=key).first()
    if head is None:
        AuditChain.objects.bulk_create([AuditChain(key=key)], ignore_conflicts=True)
        head = AuditChain.objects.select_for_update().get(key=key)
    return head


_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
# The event fields a chain head copies: its key, and the sequence number and hash it ends at.
_HEAD_FIELDS = ("chain", "seq", "hash")


def _append(event: AuditEvent) -> None:
    """Insert one record and move its (locked) chain head to it: see :func:`_append_many`."""
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        AuditChain.objects.filter(key=event.chain).update(last_seq=event.seq, last_hash=event.hash)
        return
    _append_many([event])


def _append_many(events: list[AuditEvent]) -> None:
    """PostgreSQL: insert the records and move their (locked) chain heads in one statement.

    The rows travel as one array per column (``unnest``), so the statement text is the
    same whatever the number of records, and a data-modifying CTE moves the heads in the
    same statement as the insert: every page view of household data writes records, and
    the ORM's insert machinery cost more than the statement itself. Callers hold the
    heads' row locks (``SELECT ... FOR UPDATE``) and pass at most one record per chain.
    """
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in _EVENT_FIELDS]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in _EVENT_FIELDS)
    chain, seq, last_hash = (quote(AuditEvent._meta.get_field(n).column) for n in _HEAD_FIELDS)
    sql = (
        f"WITH v ({', '.join(columns)}) AS (SELECT * FROM unnest({arrays})), "  # noqa: S608 (names from the model, values as parameters)
        f"moved AS (UPDATE {quote(AuditChain._meta.db_table)} h "
        f"SET last_seq = v.{seq}, last_hash = v.{last_hash} FROM v WHERE h.key = v.{chain}) "
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns)} FROM v RETURNING {quote(AuditEvent._meta.pk.column)}"
    )
    conn = connections[DEFAULT_DB_ALIAS]  # the proxy's per-attribute lookup adds up here
    params = [
        [f.get_db_prep_save(getattr(e, f.attname), conn) for e in events] for f in _EVENT_FIELDS
    ]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias


def record_many(
    actor: Any, action: str, object_type: str, household_ids: Iterable[int], *, detail: str = ""
) -> None:
    """One record per household in a constant number of queries (lists of households).

    Chain heads are locked in key order, so two lists never deadlock each other.
    """
    ids = sorted(set(household_ids))
    if not ids:
        return
    keys = [chain_key(i) for i in ids]
    now = timezone.now()
    request_id = current_request_id()
    key_id = keyring().current_id
    with transaction.atomic():
        heads = _locked_heads(keys)
        events = []
        for household_id, key in zip(ids, keys, strict=True):
            head = heads[key]
            event = AuditEvent(
                chain=key,
                seq=head.last_seq + 1,
                at=now,
                actor_id=getattr(actor, "pk", None),
                actor_role=getattr(actor, "role", "") or "",
                action=action,
                object_type=object_type,
                object_id=str(household_id),
                household_id=household_id,
                request_id=request_id,
                detail=detail[:200],
                prev_hash=head.last_hash,
                key_id=key_id,
            )
            event.hash = compute_hash(event)
            head.last_seq, head.last_hash = event.seq, event.hash
            events.append(event)
        if connection.vendor == "postgresql":
            _append_many(events)
        else:
            AuditEvent.objects.bulk_create(events)
            _update_heads(list(heads.values()))


def _locked_heads(keys: list[str]) -> dict[str, AuditChain]:
    """Lock the heads in key order; create the missing ones first (rare: new chains)."""
    locked = AuditChain.objects.select_for_update().order_by("key")
    heads = {h.key: h for h in locked.filter(key__in=keys)}
    missing = [k for k in keys if k not in heads]
    if missing:
        AuditChain.objects.bulk_create([AuditChain(key=k) for k in missing], ignore_conflicts=True)
        heads.update({h.key: h for h in locked.filter(key__in=missing)})
    return heads


def _update_heads(heads: list[AuditChain], batch: int = 500) -> None:
    """Move many chain heads in a few statements.

    ``bulk_update`` builds one CASE expression per column whose size grows with the
    number of rows, which PostgreSQL plans in quadratic time for large lists; an
    ``UPDATE ... FROM (VALUES ...)`` join stays linear (PostgreSQL and SQLite >= 3.33).
    """
    table = AuditChain._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(heads), batch):
            chunk = heads[start : start + batch]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for head in chunk:
                params += [head.key, head.last_seq, head.last_hash]
            cursor.execute(
                f'WITH v("key", seq, hash) AS (VALUES {values}) '  # noqa: S608 (placeholders only)
                f'UPDATE {table} SET last_seq = (SELECT seq FROM v WHERE v."key" = {table}."key"), '
                f'last_hash = (SELECT hash FROM v WHERE v."key" = {table}."key") '
                f'WHERE "key" IN (SELECT "key" FROM v)',
                params,
            )
