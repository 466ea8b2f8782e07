"""Keep ``SubjectProgress`` and ``ProgressScore`` in step with every ORM write of an
assessment or score, in the writer's transaction.

Wired to the models' signals rather than only to ``services.record_assessment`` so that
changes and deletions of single assessments or scores, and any later change service,
keep the summary exact. Writes that send no signals (``bulk_create``, ``QuerySet.update``,
raw SQL, COPY) must call ``services.refresh_progress`` or ``services.rebuild_progress()``.
Deletions cascading from a household or member need nothing: the subject's summary rows
cascade with it.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Assessment, Score


def _origin_model(origin) -> type[Model] | None:
    if isinstance(origin, QuerySet):
        return origin.model
    return type(origin) if isinstance(origin, Model) else None


def _refresh(household_id: int, member_id: int | None, instrument_id: int) -> None:
    from .services import refresh_progress

    refresh_progress(household_id, member_id, instrument_id)


def _subject(a: Assessment) -> tuple[int, int | None, int]:
    return (a.household_id, a.member_id, a.instrument_id)


@receiver(pre_save, sender=Assessment, dispatch_uid="progress_pre_save")
def _remember_subject(sender, instance: Assessment, raw=False, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._progress_old_subject = (
        Assessment.objects.filter(pk=instance.pk)
        .values_list("household_id", "member_id", "instrument_id")
        .first()
    )


@receiver(post_save, sender=Assessment, dispatch_uid="progress_post_save")
def _saved(sender, instance: Assessment, raw=False, **kwargs) -> None:
    if raw:
        return
    old = getattr(instance, "_progress_old_subject", None)
    if old is not None and old != _subject(instance):
        _refresh(*old)
    _refresh(*_subject(instance))


@receiver(post_delete, sender=Assessment, dispatch_uid="progress_post_delete")
def _deleted(sender, instance: Assessment, origin=None, **kwargs) -> None:
    # Deleted along with its household or member (the only cascading parents): the
    # subject's summary rows cascade too, nothing to recompute.
    if _origin_model(origin) is not Assessment:
        return
    _refresh(*_subject(instance))


@receiver(post_save, sender=Score, dispatch_uid="progress_score_saved")
@receiver(post_delete, sender=Score, dispatch_uid="progress_score_deleted")
def _score_changed(sender, instance: Score, raw=False, origin=None, **kwargs) -> None:
    """A score of a subject's first or latest assessment changes its pairs."""
    if raw or (kwargs["signal"] is post_delete and _origin_model(origin) is not Score):
        return  # raw fixture load, or deleted with its assessment (which refreshes)
    subject = (
        Assessment.objects.filter(pk=instance.assessment_id)
        .values_list("household_id", "member_id", "instrument_id")
        .first()
    )
    if subject is not None:
        _refresh(*subject)
