"""Phases, their closing decision and cohorts: managed by the programme team only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maatpact.audit.models import AuditEvent
from maatpact.households import services as household_services
from maatpact.households.models import Cohort
from maatpact.programme import selectors, services
from maatpact.programme.models import Phase
from maatpact.regions.models import Region
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% synthetisch besluit\n"


@pytest.fixture
def programme(regional):
    return services.create_programme(
        regional,
        region=Region.objects.first(),
        name="Maatpact Hart van Brabant",
        starts_on=date(2019, 1, 1),
        planned_households=2600,
    )


def _phase(actor, programme, number=1, **overrides):
    values = dict(
        name="Leren",
        goal="De eerste 50 huishoudens",
        starts_on=date(2019, 4, 1),
        ends_on=date(2020, 12, 31),
        planned_households=50,
        min_domains=3,
        min_laws=2,
    )
    values.update(overrides)
    return services.save_phase(actor, programme, number=number, **values)


def test_only_the_programme_team_manages(programme, team_lead, analyst, coordinator):
    for user in (team_lead, analyst, coordinator):
        with pytest.raises(PermissionDenied):
            _phase(user, programme)
        with pytest.raises(PermissionDenied):
            services.save_cohort(
                user,
                region=programme.region,
                name="X",
                phase=1,
                capacity=5,
                starts_on=date(2020, 1, 1),
            )
    assert not Phase.objects.exists()


def test_second_programme_for_a_region_is_refused(programme, regional):
    with pytest.raises(ValidationError) as exc:
        services.create_programme(
            regional,
            region=programme.region,
            name="Nog een",
            starts_on=date(2020, 1, 1),
            planned_households=1,
        )
    assert "al een programma" in str(exc.value)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": 4}, "number", "1, 2 of 3"),
        ({"starts_on": date(2018, 12, 31)}, "starts_on", "niet voor de start"),
        ({"ends_on": date(2019, 3, 31)}, "ends_on", "voor de start"),
        ({"planned_households": 0}, "planned_households", "minstens 1"),
        ({"min_domains": 31}, "min_domains", "tussen 0 en 30"),
        ({"name": "  "}, "name", "naam"),
        ({"goal": ""}, "goal", "doel"),
    ],
)
def test_bad_phase_input_gets_a_dutch_message_and_stores_nothing(
    programme, regional, overrides, field, message
):
    number = overrides.pop("number", 1)
    with pytest.raises(ValidationError) as exc:
        _phase(regional, programme, number, **overrides)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Phase.objects.exists()


def test_duplicate_phase_number(programme, regional):
    _phase(regional, programme, 1)
    with pytest.raises(ValidationError) as exc:
        _phase(regional, programme, 1)
    assert "bestaat al" in str(exc.value)


def test_saving_unchanged_writes_no_audit_change(programme, regional):
    phase = _phase(regional, programme)
    before = AuditEvent.objects.filter(action="update").count()
    same = {f: getattr(phase, f) for f in services.PHASE_FIELDS}
    services.save_phase(regional, programme, phase=phase, number=1, **same)
    assert AuditEvent.objects.filter(action="update").count() == before
    services.save_phase(regional, programme, phase=phase, number=1, **{**same, "min_laws": 3})
    assert AuditEvent.objects.filter(action="update").count() == before + 1
    assert Phase.objects.get(pk=phase.pk).min_laws == 3


def test_close_phase_needs_the_whole_decision(programme, regional):
    phase = _phase(regional, programme)
    with pytest.raises(ValidationError) as exc:
        services.close_phase(
            regional,
            phase,
            closed_on=date(2021, 1, 15),
            decided_by="",
            decision="",
            decision_basis="",
        )
    assert set(exc.value.message_dict) == {"decided_by", "decision", "decision_basis"}
    with pytest.raises(ValidationError) as exc:
        services.close_phase(
            regional,
            phase,
            closed_on=date(2019, 3, 1),
            decided_by="Stuurgroep",
            decision="Door naar fase 2",
            decision_basis="Tussentijdse rapportage",
        )
    assert "voor haar start" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.close_phase(
            regional,
            phase,
            closed_on=date(2021, 1, 15),
            decided_by="Stuurgroep",
            decision="Door naar fase 2",
            decision_basis="Tussentijdse rapportage",
            document_name="besluit.pdf",
            document_type="application/pdf",
            document=b"geen pdf",
        )
    assert "geen PDF" in str(exc.value)
    assert Phase.objects.get(pk=phase.pk).closed_on is None


def test_closed_phase_is_frozen(programme, regional):
    phase = _phase(regional, programme)
    services.close_phase(
        regional,
        phase,
        closed_on=date(2021, 1, 15),
        decided_by="Stuurgroep Maatpact",
        decision="Fase 1 afgerond; door naar fase 2.",
        decision_basis="Tussentijdse rapportage 2020",
        document_name="besluit.pdf",
        document_type="application/pdf",
        document=PDF,
    )
    phase.refresh_from_db()
    assert phase.closed_by == regional and bytes(phase.document) == PDF
    assert len(phase.document_sha256) == 64
    with pytest.raises(ValidationError):
        services.save_phase(regional, programme, phase=phase, number=1, name="Anders")
    with pytest.raises(ValidationError):
        services.close_phase(
            regional,
            phase,
            closed_on=date(2021, 2, 1),
            decided_by="X",
            decision="Y",
            decision_basis="Z",
        )
    # And the database refuses a closed phase without its decision.
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.filter(pk=phase.pk).update(decision="")


def test_cohort_capacity_never_below_the_households_in_it(regional, coordinator):
    cohort = services.save_cohort(
        regional,
        region=Region.objects.first(),
        name="Fase 2 voorjaar",
        phase=2,
        capacity=2,
        starts_on=date(2021, 3, 1),
    )
    a, b = factories.household(coordinator), factories.household(coordinator)
    for h in (a, b):
        factories.make_selectable(coordinator, h)
        household_services.change_status(coordinator, h, "geselecteerd", cohort=cohort)
    with pytest.raises(ValidationError) as exc:
        services.save_cohort(regional, cohort=cohort, capacity=1)
    assert "al 2 geselecteerde" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.save_cohort(regional, cohort=cohort, phase=3)
    assert "wisselt niet van fase" in str(exc.value)
    services.save_cohort(regional, cohort=cohort, capacity=5, name="Fase 2 voorjaar 2021")
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.name) == (5, "Fase 2 voorjaar 2021")


def test_cohort_name_is_unique_with_a_dutch_message(regional):
    values = dict(region=Region.objects.first(), phase=1, capacity=5, starts_on=date(2020, 1, 1))
    services.save_cohort(regional, name="Eerste 50", **values)
    with pytest.raises(ValidationError) as exc:
        services.save_cohort(regional, name="Eerste 50", **values)
    assert "al een cohort met deze naam" in str(exc.value)


def test_reach_against_plan_by_phase_and_municipality(programme, regional, team_lead):
    """Known answers, counted by hand: 3 selected in phase 1 (2 Tilburg, 1 Goirle; one of
    them active, one closed after selection), 1 in phase 2, 1 registered only."""
    _phase(regional, programme, 1, planned_households=50)
    _phase(regional, programme, 2, planned_households=4, starts_on=date(2021, 1, 1), ends_on=None)
    region = programme.region
    c1 = Cohort.objects.create(
        name="c1", region=region, phase=1, capacity=3, starts_on=date(2019, 4, 1)
    )
    c1b = Cohort.objects.create(
        name="c1b", region=region, phase=1, capacity=2, starts_on=date(2019, 9, 1)
    )
    c2 = Cohort.objects.create(
        name="c2", region=region, phase=2, capacity=4, starts_on=date(2021, 1, 1)
    )
    tilburg = factories.user("regisseur", "Tilburg")
    goirle = factories.user("regisseur", "Goirle")
    t1, t2, t3, t4 = (factories.household(tilburg) for _ in range(4))
    g1 = factories.household(goirle, city="Goirle")
    for h, who in ((t1, tilburg), (t2, tilburg), (t3, tilburg), (g1, goirle)):
        factories.make_selectable(who, h)
    household_services.change_status(tilburg, t1, "geselecteerd", cohort=c1)
    household_services.change_status(tilburg, t1, "actief")
    household_services.change_status(tilburg, t2, "geselecteerd", cohort=c1b)
    household_services.change_status(tilburg, t2, "afgesloten", reason="Verhuisd")
    household_services.change_status(goirle, g1, "geselecteerd", cohort=c1)
    household_services.change_status(tilburg, t3, "geselecteerd", cohort=c2)
    services.screen(tilburg, t4)  # voldoet niet, stays registered
    household_services.change_status(
        team_lead, t4, "geselecteerd", cohort=c2, override_reason="Urgent"
    )
    household_services.change_status(tilburg, t4, "afgesloten", reason="Weigert")
    # A household closed after its selection still counts as reached (t2, t4).
    rows = {r.phase.number: r for r in selectors.reach(programme)}
    assert (rows[1].planned, rows[1].capacity, rows[1].selected, rows[1].active) == (50, 5, 3, 1)
    assert (rows[2].planned, rows[2].capacity, rows[2].selected, rows[2].active) == (4, 4, 2, 0)
    assert rows[2].percentage == 50 and rows[1].percentage == 6
    # Every selection stored a screening under the phase of its cohort.
    assert (rows[1].screened, rows[1].screened_passed, rows[1].overrides) == (3, 3, 0)
    # t3 passed; t4 screened twice (voldoet niet, then afwijking): 2 households, 1 override.
    assert (rows[2].screened, rows[2].screened_passed, rows[2].overrides) == (2, 1, 1)
    by_mun = {
        m["municipality"]: (m["per_phase"], m["total"])
        for m in selectors.reach_by_municipality(programme)
    }
    assert by_mun == {"Goirle": ([1, 0], 1), "Tilburg": ([2, 2], 4)}


def test_a_cohort_open_to_some_municipalities_only(regional, coordinator, goirle_coordinator):
    tilburg = factories.municipality("Tilburg")
    cohort = services.save_cohort(
        regional,
        region=Region.objects.first(),
        name="Alleen Tilburg",
        phase=2,
        capacity=5,
        starts_on=date(2021, 1, 1),
        municipalities=[tilburg],
    )
    assert list(cohort.municipalities.all()) == [tilburg]
    goirle = factories.household(goirle_coordinator, city="Goirle")
    factories.make_selectable(goirle_coordinator, goirle)
    with pytest.raises(ValidationError) as exc:
        household_services.change_status(goirle_coordinator, goirle, "geselecteerd", cohort=cohort)
    assert "niet open voor deze gemeente" in str(exc.value)
    mine = factories.household(coordinator)
    factories.make_selectable(coordinator, mine)
    household_services.change_status(coordinator, mine, "geselecteerd", cohort=cohort)
    # Tilburg cannot be dropped while its households are in the cohort.
    with pytest.raises(ValidationError) as exc:
        services.save_cohort(
            regional, cohort=cohort, municipalities=[factories.municipality("Goirle")]
        )
    assert "Tilburg" in exc.value.message_dict["municipalities"][0]
    # Opening it to every municipality (empty) is a change that is audited.
    services.save_cohort(regional, cohort=cohort, municipalities=[])
    assert not cohort.municipalities.exists()
    household_services.change_status(goirle_coordinator, goirle, "geselecteerd", cohort=cohort)
