"""System checks for the audit keys: configured, and not readable by others."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register


@register()
def audit_keys(app_configs, **kwargs):
    from .keys import keyring

    found = []
    config = settings.MAATPACT_AUDIT
    if keyring().derived and not (settings.DEBUG or getattr(settings, "DEMO_MODE", False)):
        found.append(
            Warning(
                "Geen auditsleutel ingesteld; de sleutel wordt afgeleid van SECRET_KEY.",
                hint="Zet MAATPACT_AUDIT_KEYS of MAATPACT_AUDIT_KEY_FILE (docs/security.md).",
                id="maatpact.audit.W001",
            )
        )
    key_file = config.get("KEY_FILE") or ""
    if key_file and Path(key_file).exists() and os.stat(key_file).st_mode & 0o077:
        found.append(
            Warning(
                f"Het sleutelbestand {key_file} is leesbaar voor anderen dan de eigenaar.",
                hint="chmod 0400 of 0600.",
                id="maatpact.audit.W002",
            )
        )
    return found
