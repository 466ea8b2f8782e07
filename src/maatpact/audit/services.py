"""Writing audit records. Call ``record`` inside the transaction of the change it logs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .middleware import current_request_id
from .models import AuditChain, AuditEvent

Action = AuditEvent.Action


def chain_key(household_id: int | None) -> str:
    return f"hh:{household_id}" if household_id else "global"


def compute_hash(event: AuditEvent) -> str:
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
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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
) -> AuditEvent:
    """Append one record to the household's chain (locked briefly while appending).

    ``obj`` is a model instance or a ``(type, id)`` tuple. ``detail`` may name fields,
    never their values.
    """
    object_type, object_id = _describe(obj)
    key = chain_key(household_id)
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


def _append(event: AuditEvent) -> None:
    """Insert the record and move its (locked) chain head to it.

    On PostgreSQL one statement (a data-modifying CTE moves the head), elsewhere two.
    Every page view of household data writes a record, so the statement count matters.
    """
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        AuditChain.objects.filter(key=event.chain).update(last_seq=event.seq, last_hash=event.hash)
        return
    chain_table = connection.ops.quote_name(AuditChain._meta.db_table)
    event_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _EVENT_FIELDS)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _EVENT_FIELDS]
    placeholders = ", ".join(["%s"] * len(values))
    pk = connection.ops.quote_name(AuditEvent._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH head AS (UPDATE {chain_table} SET last_seq = %s, last_hash = %s "  # noqa: S608 (names from the model, values as parameters)
            f'WHERE "key" = %s) '
            f"INSERT INTO {event_table} ({columns}) VALUES ({placeholders}) RETURNING {pk}",
            [event.seq, event.hash, event.chain, *values],
        )
        event.pk = cursor.fetchone()[0]
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
            )
            event.hash = compute_hash(event)
            head.last_seq, head.last_hash = event.seq, event.hash
            events.append(event)
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
