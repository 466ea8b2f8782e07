"""A deterministic synthetic region, built by every app in turn.

``maatpact seed`` creates a :class:`SeedContext` and calls ``seed(ctx)`` in the module
``<app>.seeding`` of every installed Maatpact app, in INSTALLED_APPS order. Each app
adds its own history (assessments, provisions, spends...) with bulk inserts and may
leave facts on the context for apps later in the order.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from tqdm import tqdm

DEMO_PASSWORD = "demo-maatpact"  # noqa: S105  (synthetic demo accounts only)


@dataclass
class SeedHousehold:
    pk: int
    number: str
    municipality_id: int
    status: str
    registered_on: date
    started_on: date | None
    closed_on: date | None
    coordinator_id: int
    adult_member_ids: list[int] = field(default_factory=list)
    child_count: int = 0


@dataclass
class SeedContext:
    households_wanted: int
    seed: int
    years: int
    today: date
    progress: bool = True
    rng: random.Random = field(init=False)
    households: list[SeedHousehold] = field(default_factory=list)
    # username -> role, printed as demo logins
    logins: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def bar(
        self, iterable: Iterable, total: int | None = None, desc: str = "", unit: str = "blok"
    ) -> Iterator:
        """A progress bar; most seeders iterate over blocks of households, hence the unit."""
        return iter(
            tqdm(
                iterable,
                total=total,
                desc=desc,
                disable=not self.progress,
                unit=unit,
                mininterval=0.5,
                leave=False,
            )
        )

    def sub_rng(self, name: str) -> random.Random:
        """An independent stream per app, so adding one app does not reshuffle another."""
        return random.Random(f"{self.seed}:{name}")


def seeders() -> list[tuple[str, Any]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("maatpact."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.seeding")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.seeding":
                raise
            continue
        if hasattr(module, "seed") and module.__name__ != __name__:
            found.append((config.label, module.seed))
    return found


def chunks(items: list, size: int = 5000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: Any, columns: list[str], rows: Iterable[tuple], size: int = 5000) -> None:
    """Bulk-load rows (tuples in database form) into the table of ``model``.

    Creating millions of model instances is what makes ``bulk_create`` slow at 100,000
    households; rows here are tuples already in database form (ids, dates, decimal strings).
    On PostgreSQL they stream through ``COPY``, several times faster than INSERTs;
    elsewhere (the SQLite demo) through ``executemany``. Use only for rows whose primary
    keys nothing else needs, or whose keys came from :func:`reserve_ids`.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # Identifiers come from model metadata (quoted); values never enter the SQL.
        copy_sql = f"COPY {table} ({names}) FROM STDIN"  # noqa: S608
        with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in chunks(list(rows), size):
            cursor.executemany(sql, batch)


def reserve_ids(model: Any, count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, so rows can be copied with their ids.

    PostgreSQL hands them out from the table's own sequence (safe beside other writers);
    on SQLite, where the seed runs alone, they follow the current maximum.
    """
    from django.db import connection
    from django.db.models import Max

    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(start, start + count))


@contextmanager
def bulk_load(*models: Any) -> Iterator[None]:
    """Load into ``models``' tables without per-row constraint and index upkeep.

    PostgreSQL's own advice for populating a database: drop foreign keys, unique
    constraints and secondary indexes, load, then re-create them — one validating pass and
    one sorted index build per constraint instead of a trigger and an index insert per row.
    Everything runs in the caller's transaction, so a failed load leaves the schema as it
    was; every constraint is validated again when it is re-created. Elsewhere: a no-op.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    assert connection.in_atomic_block, "bulk_load needs a transaction to fall back on"  # noqa: S101
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        # Checks still pending from earlier inserts in this transaction must run first: a
        # table with pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint
            WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            ORDER BY contype, conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        # Foreign keys ('f') before unique constraints ('u'), as ordered by the query: a
        # unique constraint may be what another table's key uses. Re-created in reverse.
        for table, name, _definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in reversed(constraints):
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
