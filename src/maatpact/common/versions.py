"""Data versions: explicit, transactional invalidation for cached figures.

A service that writes data a cached figure rests on calls ``data_changed("provisions")``
inside its transaction. A reader asks ``data_versions(...)`` and puts the numbers in its
cache key, so a figure is recomputed exactly when one of its sources changed: never a
stale number, and never a wasted recomputation for unrelated writes.

Why a log and not a counter row: ``UPDATE ... SET version = version + 1`` would make every
writer of a source (every spend of the whole country) queue on one row lock until commit.
Appending a row takes no lock. The version of a source is the number of its committed
changes (``DataVersion.base`` + remaining ``DataChange`` rows), read in one statement, so
one snapshot; it only grows, so equal versions mean the same committed changes. A write
that commits while a figure is being computed can only make that figure newer than its
key, never older. ``compact`` folds the log into ``base`` in one transaction, which keeps
the count cheap and the version unchanged.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection, models, transaction

from .models import DataChange, DataVersion

T = TypeVar("T")

# The sources in use; a writing service names the ones it changes.
ASSESSMENTS = "assessments"
BUDGET = "budget"
HOUSEHOLDS = "households"
LEARNING = "learning"
OBSTACLES = "obstacles"
OUTCOMES = "outcomes"
PROVISIONS = "provisions"
REGIONS = "regions"
ALL_SOURCES = (
    ASSESSMENTS,
    BUDGET,
    HOUSEHOLDS,
    LEARNING,
    OBSTACLES,
    OUTCOMES,
    PROVISIONS,
    REGIONS,
)

COMPACT_ABOVE = 2000  # log rows per source before a reader folds them into the base
CACHE_SECONDS = 7 * 24 * 3600  # keys change with the data; this only frees memory


def data_changed(*sources: str) -> None:
    """Record that ``sources`` changed; call inside the writing transaction."""
    DataChange.objects.bulk_create([DataChange(source=s) for s in sorted(set(sources))])


def changed_on_save(model: type, *sources: str) -> None:
    """Reference data edited in the admin (names, the ladder, cohorts) has no service: its
    save and delete are the writing path, so they record the change (same transaction)."""
    from django.db.models.signals import post_delete, post_save

    def receiver(sender, raw: bool = False, **kwargs) -> None:
        if not raw:  # loaddata (restore) replaces the versions themselves
            data_changed(*sources)

    uid = f"versions:{model._meta.label_lower}"
    post_save.connect(receiver, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(receiver, sender=model, dispatch_uid=uid + ":delete", weak=False)


def data_versions(sources: Iterable[str]) -> tuple[int, ...]:
    """The current version of each source (one query, one snapshot)."""
    names = list(sources)
    if not names:
        return ()
    parts = ", ".join(
        "(SELECT COALESCE(SUM(base), 0) FROM common_dataversion WHERE source = %s)"
        " + (SELECT COUNT(*) FROM common_datachange WHERE source = %s)"
        for _ in names
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}", [p for name in names for p in (name, name)])
        return tuple(int(v) for v in cursor.fetchone())


def compact(source: str) -> None:
    """Fold the source's log into its base; its version stays the same."""
    with transaction.atomic():
        DataVersion.objects.get_or_create(source=source)
        version = DataVersion.objects.select_for_update().get(source=source)
        last = DataChange.objects.filter(source=source).order_by("-id").values_list("id").first()
        if last is None:
            return
        deleted, _ = DataChange.objects.filter(source=source, id__lte=last[0]).delete()
        version.base += deleted
        version.save(update_fields=["base"])


def advance_past(seen: dict[str, int]) -> None:
    """Move each source's version beyond ``seen`` (and its own current value).

    For a restore: loading a backup puts the versions back to what they were then, and
    later writes would reach numbers that already key cached figures of other data. Read
    the versions before the restore, call this after it: every version is then new.
    """
    for source, before in seen.items():
        (now,) = data_versions([source])
        DataVersion.objects.get_or_create(source=source)
        DataVersion.objects.filter(source=source).update(
            base=models.F("base") + max(before, now) + 1 - now
        )


def _maybe_compact(sources: Iterable[str]) -> None:
    for source in sources:
        if DataChange.objects.filter(source=source)[COMPACT_ABOVE : COMPACT_ABOVE + 1].exists():
            compact(source)


def cache_key(name: str, params: Any, versions: tuple[int, ...]) -> str:
    digest = hashlib.sha256(pickle.dumps((params, versions), protocol=4)).hexdigest()[:32]
    return f"maatpact:figure:{name}:{digest}"


def cached_figure(name: str, params: Any, sources: Iterable[str], compute: Callable[[], T]) -> T:
    """``compute()`` once per combination of ``params`` and versions of ``sources``.

    ``params`` must hold everything else the figure depends on, including the audience
    scope when the figure is scoped (e.g. the SQL and parameters of the households in
    scope), so a cached figure never crosses scopes.
    """
    sources = tuple(sources)
    key = cache_key(name, params, data_versions(sources))
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(key, (value,), CACHE_SECONDS)
    _maybe_compact(sources)
    return value
