"""Invariants the database itself refuses, also when the ORM writes directly."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from maatpact.households.models import CoordinatorAssignment, Household, ProcessingBasis
from maatpact.plans.models import Plan
from tests import factories


def test_second_active_coordinator_refused_by_database(household, other_coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorAssignment.objects.create(
            household=household, coordinator=other_coordinator, started_at=timezone.now()
        )
    assert household.assignments.filter(ended_at__isnull=True).count() == 1


def test_ended_assignments_may_accumulate(household, other_coordinator):
    now = timezone.now()
    CoordinatorAssignment.objects.create(
        household=household, coordinator=other_coordinator, started_at=now, ended_at=now
    )
    assert household.assignments.count() == 2


def test_second_plan_refused_by_database(household):
    assert Plan.objects.filter(household=household).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(household=household)


def test_closing_without_reason_refused_by_database(household):
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(
            status="afgesloten", closed_on=date.today()
        )


def test_consent_as_basis_for_cross_domain_sharing_refused_by_database(household):
    partner = factories.organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingBasis.objects.create(
            household=household,
            partner=partner,
            purpose="x",
            basis="toestemming",
            cross_domain=True,
            given_on=date.today(),
        )


def test_legal_task_must_name_law(household):
    partner = factories.organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingBasis.objects.create(
            household=household,
            partner=partner,
            purpose="x",
            basis="wettelijke_taak",
            law="",
            given_on=date.today(),
        )


def test_bsn_unique_across_households(coordinator, household):
    with pytest.raises(Exception) as exc:
        factories.household(coordinator, bsn=factories.VALID_BSN)
    assert "BSN" in str(exc.value)
    assert Household.objects.count() == 1
