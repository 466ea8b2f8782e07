"""Selection criteria checked at selection: boundaries, override by a team lead only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maatpact.assessments import services as assessment_services
from maatpact.common import dates
from maatpact.households import services as household_services
from maatpact.households.models import Cohort, Household
from maatpact.programme import selectors, services
from maatpact.programme.models import Programme, Screening
from maatpact.provisions.models import Law, Provision
from maatpact.regions.models import Region
from tests import factories

pytestmark = pytest.mark.django_db

LOW = ["hh_financien", "hh_huisvesting", "hh_organisatie", "hh_relaties"]


def _cohort(phase: int = 1, capacity: int = 10) -> Cohort:
    return Cohort.objects.create(
        name=f"Testcohort fase {phase}",
        region=Region.objects.first(),
        phase=phase,
        capacity=capacity,
        starts_on=date(2019, 1, 1),
    )


def _zrm(actor, household, n_low: int, *, on: date | None = None, member=None) -> None:
    """A household matrix with ``n_low`` domains at level 2 and the rest at level 4."""
    codes = (
        LOW
        if member is None
        else ["financien", "werk_opleiding", "huisvesting", "geestelijke_gezondheid"]
    )
    scores = {code: (2 if i < n_low else 4) for i, code in enumerate(codes)}
    assessment_services.record_assessment(
        actor, household, assessed_on=on or dates.today(), scores=scores, member=member
    )


def _provision(household, law: str, *, starts_on: date, ends_on: date | None = None) -> None:
    Provision.objects.create(
        household=household,
        law=Law.objects.get(code=law),
        financier=factories.organisation("Gemeente Tilburg", "gemeente"),
        description=f"Steun {law}",
        starts_on=starts_on,
        ends_on=ends_on,
        amount=Decimal("50.00"),
    )


def _select(actor, household, cohort, **kwargs):
    return household_services.change_status(
        actor, household, "geselecteerd", cohort=cohort, **kwargs
    )


@pytest.mark.parametrize(
    ("n_low", "laws", "selectable"),
    [(3, 2, True), (2, 2, False), (3, 1, False), (4, 3, True), (0, 0, False)],
)
def test_defaults_three_domains_two_laws(coordinator, household, n_low, laws, selectable):
    today = dates.today()
    _zrm(coordinator, household, n_low)
    for law in ["wmo", "jeugdwet", "participatiewet"][:laws]:
        _provision(household, law, starts_on=today - timedelta(days=30))
    cohort = _cohort()
    if selectable:
        _select(coordinator, household, cohort)
        screening = Screening.objects.get(household=household)
        assert screening.result == "voldoet"
        assert (screening.domains_found, screening.laws_found) == (n_low, laws)
        assert (screening.min_domains, screening.min_laws) == (3, 2)
    else:
        with pytest.raises(ValidationError) as exc:
            _select(coordinator, household, cohort)
        assert "voldoet niet aan de selectiecriteria" in str(exc.value)
        household.refresh_from_db()
        assert household.status == "aangemeld" and household.cohort_id is None
        assert not Screening.objects.filter(household=household).exists()  # nothing half-written


def test_only_the_latest_assessment_counts(coordinator, household):
    today = dates.today()
    _zrm(coordinator, household, 4, on=today - timedelta(days=100))
    _zrm(coordinator, household, 2, on=today - timedelta(days=10))
    found = selectors.findings(household, today)
    assert found.domains_found == 2
    assert found.assessment_on == today - timedelta(days=10)
    # As of a day before the second assessment, the first one is the latest.
    assert selectors.findings(household, today - timedelta(days=11)).domains_found == 4


def test_matrices_are_not_added_up(coordinator, household):
    """Household matrix with 2 low, an adult's matrix with 2 low: 2 found, not 4."""
    adult = household.members.get(role="aanvrager")
    earlier = dates.today() - timedelta(days=5)
    _zrm(coordinator, household, 2, on=earlier)
    _zrm(coordinator, household, 2, member=adult, on=earlier)
    assert selectors.findings(household, dates.today()).domains_found == 2
    _zrm(coordinator, household, 3, member=adult, on=dates.today())
    assert selectors.findings(household, dates.today()).domains_found == 3


def test_law_lookback_boundary(coordinator, household):
    today = dates.today()
    _provision(
        household, "wmo", starts_on=today - timedelta(days=800), ends_on=today - timedelta(days=365)
    )
    _provision(
        household,
        "jeugdwet",
        starts_on=today - timedelta(days=800),
        ends_on=today - timedelta(days=366),
    )
    _provision(household, "zvw", starts_on=today + timedelta(days=1))  # not yet started
    _provision(household, "wgs", starts_on=today)  # starts today: counts
    assert selectors.findings(household, today).laws == ("wgs", "wmo")


def test_same_law_twice_counts_once(coordinator, household):
    today = dates.today()
    _provision(household, "wmo", starts_on=today - timedelta(days=20))
    _provision(household, "wmo", starts_on=today - timedelta(days=10))
    assert selectors.findings(household, today).laws_found == 1


def test_team_lead_overrides_with_a_reason(coordinator, team_lead, household):
    cohort = _cohort()
    _zrm(coordinator, household, 1)
    with pytest.raises(ValidationError) as exc:
        _select(coordinator, household, cohort, override_reason="Ik wil het graag")
    assert "Alleen een teamleider" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _select(team_lead, household, cohort)  # no reason
    assert "Vul de reden van afwijking in" in str(exc.value)
    _select(team_lead, household, cohort, override_reason="  Acute dakloosheid dreigt  ")
    household.refresh_from_db()
    assert household.status == "geselecteerd"
    screening = Screening.objects.get(household=household)
    assert screening.result == "afwijking"
    assert screening.override_reason == "Acute dakloosheid dreigt"
    assert screening.screened_by == team_lead
    assert (screening.domains_found, screening.laws_found) == (1, 0)


def test_override_reason_is_dropped_when_criteria_are_met(team_lead, coordinator, household):
    factories.make_selectable(coordinator, household)
    _select(team_lead, household, _cohort(), override_reason="overbodig")
    screening = Screening.objects.get(household=household)
    assert screening.result == "voldoet" and screening.override_reason == ""


def test_team_lead_of_other_municipality_cannot_select(goirle_team_lead, household):
    with pytest.raises(ValidationError):
        _select(goirle_team_lead, household, _cohort(), override_reason="Reden")
    assert Household.objects.get(pk=household.pk).status == "aangemeld"


def test_phase_criteria_replace_the_settings(coordinator, household, regional):
    programme = Programme.objects.create(
        region=Region.objects.first(), name="P", starts_on=date(2019, 1, 1), planned_households=9
    )
    services.save_phase(
        regional,
        programme,
        number=2,
        name="Groei",
        goal="Opschalen",
        starts_on=date(2020, 1, 1),
        planned_households=100,
        min_domains=1,
        min_laws=0,
    )
    _zrm(coordinator, household, 1)
    phase1, phase2 = _cohort(phase=1), _cohort(phase=2)
    assert selectors.criteria_for(phase1).phase is None  # no phase 1 on record: settings
    assert selectors.criteria_for(phase2).min_domains == 1
    with pytest.raises(ValidationError):
        _select(coordinator, household, phase1)
    _select(coordinator, household, phase2)
    screening = Screening.objects.get(household=household)
    assert screening.phase.number == 2 and screening.result == "voldoet"
    assert (screening.min_domains, screening.min_laws) == (1, 0)


def test_explicit_screening_is_stored_and_changes_nothing_else(coordinator, household):
    _zrm(coordinator, household, 2)
    screening = services.screen(coordinator, household, cohort=_cohort())
    assert screening.result == "voldoet_niet"
    household.refresh_from_db()
    assert household.status == "aangemeld"


def test_screening_outside_scope_is_refused(other_coordinator, household, analyst):
    for user in (other_coordinator, analyst):
        with pytest.raises(PermissionDenied):
            services.screen(user, household)
    assert not Screening.objects.exists()


def test_database_refuses_inconsistent_screenings(coordinator, household):
    from django.db import IntegrityError, transaction

    base = dict(
        household=household,
        screened_on=date(2026, 1, 1),
        min_domains=3,
        min_laws=2,
        assessment_on=None,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(**base, domains_found=1, laws_found=2, result="voldoet")
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.create(**base, domains_found=1, laws_found=2, result="afwijking")
