"""The first/latest summary (SubjectProgress, ProgressScore) stays exact under every write:
the recording service, changes and deletions through the ORM, re-assessment, deleting a
member or household, and the set-based rebuild used after seeding."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from maatpact.assessments import services
from maatpact.assessments.models import (
    Assessment,
    Instrument,
    ProgressScore,
    Score,
    SubjectProgress,
)


def adult(household):
    return household.members.get(role="aanvrager")


def snapshot() -> tuple[set, set]:
    """The summary as plain tuples, to compare with a rebuild from scratch."""
    progress = {
        (
            p.household_id,
            p.member_id,
            p.instrument_id,
            p.first_assessment_id,
            p.first_on,
            p.latest_assessment_id,
            p.latest_on,
            p.assessments,
        )
        for p in SubjectProgress.objects.all()
    }
    pairs = {
        (s.progress.household_id, s.progress.member_id, s.domain_id, s.first_score, s.latest_score)
        for s in ProgressScore.objects.select_related("progress")
    }
    return progress, pairs


def assert_matches_rebuild() -> None:
    incremental = snapshot()
    services.rebuild_progress()
    assert snapshot() == incremental


def record(coordinator, household, on, financien, huisvesting=None, member=None):
    scores = (
        {"financien": financien}
        if member
        else {"hh_financien": financien, "hh_huisvesting": huisvesting}
    )
    return services.record_assessment(
        coordinator, household, assessed_on=on, scores=scores, member=member
    )


def test_service_keeps_first_and_latest_with_pairs(household, coordinator):
    a1 = record(coordinator, household, date(2024, 1, 10), 1, 2)
    p = SubjectProgress.objects.get(household=household, member=None)
    assert (p.first_assessment_id, p.latest_assessment_id, p.assessments) == (a1.pk, a1.pk, 1)
    assert not ProgressScore.objects.exists()  # one assessment: no change yet

    a2 = record(coordinator, household, date(2024, 6, 1), 3, None)  # huisvesting not scored
    p.refresh_from_db()
    assert (p.first_assessment_id, p.latest_assessment_id, p.assessments) == (a1.pk, a2.pk, 2)
    pairs = ProgressScore.objects.values_list("domain__code", "first_score", "latest_score")
    assert list(pairs) == [("hh_financien", 1, 3)]
    # A re-assessment dated before the first one becomes the new first.
    a0 = record(coordinator, household, date(2023, 12, 1), 2, 2)
    p.refresh_from_db()
    assert (p.first_assessment_id, p.first_on, p.latest_assessment_id) == (
        a0.pk,
        date(2023, 12, 1),
        a2.pk,
    )
    assert ProgressScore.objects.get().first_score == 2
    assert_matches_rebuild()


def test_member_is_its_own_subject(household, coordinator):
    member = adult(household)
    record(coordinator, household, date(2024, 1, 10), 1, 2)
    m1 = record(coordinator, household, date(2024, 1, 10), 2, member=member)
    m2 = record(coordinator, household, date(2024, 7, 10), 4, member=member)
    p = SubjectProgress.objects.get(member=member)
    assert (p.first_assessment_id, p.latest_assessment_id) == (m1.pk, m2.pk)
    assert SubjectProgress.objects.count() == 2
    assert ProgressScore.objects.get(progress=p).latest_score == 4
    assert_matches_rebuild()


def test_changes_and_deletions_through_the_orm(household, coordinator):
    a1 = record(coordinator, household, date(2024, 1, 10), 1, 2)
    a2 = record(coordinator, household, date(2024, 6, 1), 3, 3)
    a3 = record(coordinator, household, date(2024, 9, 1), 4, 4)
    # Moving the latest before the first swaps the roles.
    a3.assessed_on = date(2023, 1, 1)
    a3.save()
    p = SubjectProgress.objects.get()
    assert (p.first_assessment_id, p.latest_assessment_id) == (a3.pk, a2.pk)
    assert_matches_rebuild()
    # A changed score of the latest assessment changes its pair.
    score = Score.objects.get(assessment=a2, domain__code="hh_financien")
    score.score = 5
    score.save()
    assert ProgressScore.objects.get(domain__code="hh_financien").latest_score == 5
    # A deleted score leaves the domain without a pair.
    Score.objects.get(assessment=a2, domain__code="hh_huisvesting").delete()
    assert not ProgressScore.objects.filter(domain__code="hh_huisvesting").exists()
    assert_matches_rebuild()
    # Deleting the latest falls back to the one before; deleting all removes the subject.
    a2.delete()
    p = SubjectProgress.objects.get()  # (the rebuild above made new rows)
    assert (p.first_assessment_id, p.latest_assessment_id) == (a3.pk, a1.pk)
    assert_matches_rebuild()
    Assessment.objects.filter(household=household).delete()
    assert not SubjectProgress.objects.exists() and not ProgressScore.objects.exists()


def test_deleting_member_or_household_cascades(household, coordinator, goirle_household):
    member = adult(household)
    record(coordinator, household, date(2024, 1, 10), 1, 2)
    record(coordinator, household, date(2024, 6, 1), 3, 3)
    record(coordinator, household, date(2024, 1, 10), 2, member=member)
    record(coordinator, household, date(2024, 6, 10), 3, member=member)
    member_id = member.pk
    member.delete()
    assert not SubjectProgress.objects.filter(member_id=member_id).exists()
    assert SubjectProgress.objects.filter(household=household).count() == 1
    assert_matches_rebuild()
    household.delete()
    assert not SubjectProgress.objects.exists() and not ProgressScore.objects.exists()


def test_one_row_per_subject_is_a_constraint(household, coordinator):
    a = record(coordinator, household, date(2024, 1, 10), 1, 2)
    p = SubjectProgress.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectProgress.objects.create(
            household=household,
            member=None,
            instrument=p.instrument,
            first_assessment=a,
            first_on=a.assessed_on,
            latest_assessment=a,
            latest_on=a.assessed_on,
            assessments=1,
        )


def test_rebuild_after_bulk_load(household, coordinator):
    """Bulk inserts send no signals; the seeder's last step rebuilds the summary."""
    instrument = Instrument.objects.get(code="zrm-huishoudens")
    domain = instrument.domains.get(code="hh_financien")
    made = Assessment.objects.bulk_create(
        [
            Assessment(household=household, instrument=instrument, assessed_on=on)
            for on in (date(2024, 1, 1), date(2024, 4, 1))
        ]
    )
    Score.objects.bulk_create(
        [Score(assessment=a, domain=domain, score=s) for a, s in zip(made, (2, 4), strict=True)]
    )
    assert not SubjectProgress.objects.exists()
    assert services.rebuild_progress() == 1
    assert ProgressScore.objects.get().latest_score == 4


def test_seeding_fills_the_summary(db):
    """The seeder loads in bulk (no signals); its last step builds the summary, exactly."""
    import io

    from django.core.management import call_command

    from maatpact.common import versions

    call_command("seed", households=15, seed=5, no_progress=True, stdout=io.StringIO())
    assert SubjectProgress.objects.exists() and ProgressScore.objects.exists()
    assert all(v > 0 for v in versions.data_versions(versions.ALL_SOURCES))  # caches void
    assert_matches_rebuild()
