from datetime import date

import pytest
from django.core.exceptions import ValidationError

from maatpact.households import services
from maatpact.households.models import Cohort, Household, Member, StatusChange
from maatpact.households.validators import is_valid_bsn
from maatpact.regions.models import Region
from tests import factories


def test_bsn_elfproef():
    assert is_valid_bsn("111222333")
    assert is_valid_bsn("123456782")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("12345678a")


def test_intake_creates_household_plan_and_one_coordinator(coordinator):
    h = factories.household(coordinator)
    assert h.number.startswith("MP-")
    assert h.plan is not None
    assert list(h.assignments.values_list("coordinator_id", flat=True)) == [coordinator.pk]
    assert h.status == "aangemeld"
    assert h.members.count() == 2


def test_household_numbers_are_sequential(coordinator):
    a = factories.household(coordinator)
    b = factories.household(coordinator)
    assert int(b.number[3:]) == int(a.number[3:]) + 1


def test_intake_in_other_municipality_refused(coordinator):
    with pytest.raises(ValidationError):
        services.register_household(
            coordinator,
            municipality=factories.municipality("Goirle"),
            street="A",
            house_number="1",
            postcode="5051 AB",
            city="Goirle",
            members=[services.MemberData("A", "B", date(1980, 1, 1), "aanvrager")],
        )
    assert Household.objects.count() == 0


def test_invalid_bsn_writes_nothing(coordinator):
    with pytest.raises(ValidationError) as exc:
        factories.household(coordinator, bsn=factories.INVALID_BSN)
    assert "elfproef" in str(exc.value)
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0


def _cohort(capacity=50):
    return Cohort.objects.create(
        name=f"Cohort {capacity}",
        region=Region.objects.first(),
        phase=1,
        capacity=capacity,
        starts_on=date(2019, 4, 1),
    )


def test_status_machine_allows_only_forward_steps(coordinator, household):
    with pytest.raises(ValidationError) as exc:
        services.change_status(coordinator, household, "actief")
    assert "geen toegestane stap" in str(exc.value)
    factories.make_selectable(coordinator, household)
    services.change_status(coordinator, household, "geselecteerd", cohort=_cohort())
    services.change_status(coordinator, household, "actief")
    with pytest.raises(ValidationError):
        services.change_status(coordinator, household, "aangemeld")
    with pytest.raises(ValidationError) as exc:
        services.change_status(coordinator, household, "afgesloten")
    assert "reden" in str(exc.value)
    services.change_status(coordinator, household, "afgesloten", reason="Doelen bereikt")
    household.refresh_from_db()
    assert household.status == "afgesloten" and household.closed_on
    assert list(
        StatusChange.objects.filter(household=household).values_list("to_status", flat=True)
    ) == ["aangemeld", "geselecteerd", "actief", "afgesloten"]


def test_cohort_capacity_is_enforced(coordinator):
    cohort = _cohort(capacity=1)
    a, b = factories.household(coordinator), factories.household(coordinator)
    factories.make_selectable(coordinator, a)
    factories.make_selectable(coordinator, b)
    services.change_status(coordinator, a, "geselecteerd", cohort=cohort)
    with pytest.raises(ValidationError) as exc:
        services.change_status(coordinator, b, "geselecteerd", cohort=cohort)
    assert "vol" in str(exc.value)
    b.refresh_from_db()
    assert b.status == "aangemeld"


def test_handover_keeps_exactly_one_active(team_lead, household, other_coordinator, coordinator):
    services.hand_over(team_lead, household, other_coordinator, reason="Verlof")
    active = household.assignments.filter(ended_at__isnull=True)
    assert list(active.values_list("coordinator_id", flat=True)) == [other_coordinator.pk]
    assert household.assignments.count() == 2


def test_handover_only_by_team_lead_of_municipality(
    household, other_coordinator, coordinator, goirle_team_lead
):
    for actor in (coordinator, goirle_team_lead):
        with pytest.raises(ValidationError):
            services.hand_over(actor, household, other_coordinator, reason="x")
    assert household.assignments.count() == 1


def test_handover_to_coordinator_of_other_municipality_refused(
    team_lead, household, goirle_coordinator
):
    with pytest.raises(ValidationError):
        services.hand_over(team_lead, household, goirle_coordinator, reason="x")


def test_consent_cannot_carry_cross_domain_sharing(coordinator, household):
    with pytest.raises(ValidationError) as exc:
        services.add_processing_basis(
            coordinator,
            household,
            partner=factories.organisation(),
            kind="delen",
            purpose="Delen",
            basis="toestemming",
            cross_domain=True,
            given_on=date.today(),
        )
    assert "Toestemming alleen" in str(exc.value)
    assert household.processing_bases.count() == 0
