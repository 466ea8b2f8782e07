"""Backup and restore in Django's portable JSON (optionally gzip), on SQLite and PostgreSQL.

Primary keys are kept (audit hashes include actor ids); natural foreign keys for content
types and permissions make a backup loadable into a freshly
migrated database of either engine. Sessions and lockout counters are left out: they
are short-lived and restoring them would only resurrect old logins and lockouts.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


def backup(path: str | os.PathLike) -> Path:
    """Write everything to ``path`` (``.json`` or ``.json.gz``); atomic via a temp file."""
    target = Path(path)
    if not target.name.endswith((".json", ".json.gz")):
        raise ValueError("Gebruik een bestandsnaam op .json of .json.gz.")
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = ".json.gz" if target.name.endswith(".gz") else ".json"
    tmp = target.with_name(f".{target.name}.tmp{suffix}")
    call_command(
        "dumpdata",
        format="maatpact-json",
        natural_foreign=True,
        exclude=EXCLUDE,
        output=str(tmp),
        verbosity=0,
    )
    os.replace(tmp, target)
    return target


@transaction.atomic
def restore(path: str | os.PathLike) -> None:
    """Replace all data by the backup, all or nothing."""
    from maatpact.common import versions

    source = Path(path)
    if not source.exists():
        raise FileNotFoundError(str(source))
    seen = dict(
        zip(versions.ALL_SOURCES, versions.data_versions(versions.ALL_SOURCES), strict=True)
    )
    postgres = connection.vendor == "postgresql"
    if postgres:
        # TRUNCATE refuses while deferred foreign-key checks are pending in this
        # transaction; settle them first, then defer again for loading in any order.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("loaddata", str(source), verbosity=0)
    # The backup brings its own (older) data versions: move them past every version a
    # cached figure may be keyed on, so no figure of the old data is ever served.
    versions.advance_past(seen)
