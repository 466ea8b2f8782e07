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


@checks.register(checks.Tags.models)
def every_field_classified(app_configs, **kwargs):
    """A household's records are fully classified (``common.classification``): a new
    column on a model that reaches a household has to be given a category before the
    project starts, or a pseudonymised view could not tell whether to show it."""
    from maatpact.common import classification
    from maatpact.security.personal import household_links

    errors = []
    for link in household_links():
        if link.model._meta.auto_created:
            continue  # many-to-many tables: two foreign keys, nothing to show
        if not classification.is_classified(link.model):
            errors.append(
                checks.Error(
                    f"{link.model._meta.label} is niet geclassificeerd "
                    "(voeg het model toe aan classification.py van zijn app).",
                    id="maatpact.E003",
                )
            )
            continue
        for name in classification.unclassified_fields(link.model):
            errors.append(
                checks.Error(
                    f"{link.model._meta.label}.{name} is niet geclassificeerd.",
                    id="maatpact.E004",
                )
            )
    return errors
