"""System checks for settings the code relies on without reading them again."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from maatpact.common.dates import LOCAL_TZ_NAME


@checks.register(checks.Tags.compatibility)
def local_time_zone(app_configs, **kwargs):
    """The database turns moments into days with ``TIME_ZONE`` (``__date`` lookups),
    Python with ``dates.LOCAL_TZ``: both must be Europe/Amsterdam, or a report period
    and the worklist would disagree about what happened on a day."""
    errors = []
    if not settings.USE_TZ:
        errors.append(checks.Error("USE_TZ moet aan staan.", id="maatpact.E001"))
    if settings.TIME_ZONE != LOCAL_TZ_NAME:
        errors.append(
            checks.Error(
                f"TIME_ZONE moet {LOCAL_TZ_NAME} zijn (nu {settings.TIME_ZONE}).",
                id="maatpact.E002",
            )
        )
    return errors
