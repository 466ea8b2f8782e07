"""The seed's bulk-load helpers: COPY/INSERT, reserved keys, dropped and restored constraints."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from maatpact.assessments.models import Assessment, Instrument, Score
from maatpact.common.seeding import bulk_load, insert_rows, reserve_ids
from tests import factories

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="constraints are dropped on PostgreSQL only"
)


def _schema(table: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return constraints | set(cursor.fetchall())


@pytest.mark.django_db
def test_rows_with_reserved_keys_land_with_those_keys():
    household = factories.household(factories.user())
    instrument = Instrument.objects.filter(kind="huishouden").first()
    domain = instrument.domains.first()
    ids = reserve_ids(Assessment, 3)
    assert len(set(ids)) == 3
    with transaction.atomic():
        insert_rows(
            Assessment,
            ["id", "household_id", "instrument_id", "assessed_on", "own_words", "created_at"],
            [
                (pk, household.pk, instrument.pk, f"2026-0{n}-01", "", "2026-01-01 09:00:00+00")
                for n, pk in enumerate(ids, start=1)
            ],
        )
        insert_rows(
            Score, ["assessment_id", "domain_id", "score", "note"], [(ids[0], domain.pk, 3, "")]
        )
    assert sorted(Assessment.objects.values_list("pk", flat=True)) == sorted(ids)
    assert Score.objects.get().assessment_id == ids[0]
    # the next key handed out by the database does not collide with the copied ones
    assert reserve_ids(Assessment, 1)[0] not in ids


@postgres_only
@pytest.mark.django_db
def test_bulk_load_restores_every_constraint_and_index():
    before = _schema("assessments_score"), _schema("assessments_assessment")
    with transaction.atomic(), bulk_load(Assessment, Score):
        assert not any("FOREIGN KEY" in d for _, d in _schema("assessments_score"))
    assert (_schema("assessments_score"), _schema("assessments_assessment")) == before


@postgres_only
@pytest.mark.django_db
def test_bulk_load_refuses_rows_that_break_a_foreign_key_and_keeps_the_schema():
    before = _schema("assessments_score")
    domain = Instrument.objects.first().domains.first()
    with pytest.raises(IntegrityError), transaction.atomic(), bulk_load(Score):
        insert_rows(
            Score, ["assessment_id", "domain_id", "score", "note"], [(987654321, domain.pk, 3, "")]
        )
    assert _schema("assessments_score") == before
    assert not Score.objects.exists()
