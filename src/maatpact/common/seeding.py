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

    def bar(self, iterable: Iterable, total: int | None = None, desc: str = "") -> Iterator:
        return iter(
            tqdm(
                iterable,
                total=total,
                desc=desc,
                disable=not self.progress,
                unit="hh",
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


def insert_rows(model: Any, columns: list[str], rows: list[tuple], size: int = 5000) -> None:
    """Plain INSERTs (executemany) for the largest seed tables.

    Creating millions of model instances is what makes ``bulk_create`` slow at 100,000
    households; rows here are tuples already in database form (ids, ISO date strings,
    decimal strings). Use only for rows whose primary keys nothing else needs.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    # Identifiers come from model metadata (quoted); values are always parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in chunks(rows, size):
            cursor.executemany(sql, batch)
