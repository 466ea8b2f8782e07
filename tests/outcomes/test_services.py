"""Services: bad input leaves nothing written; evaluation is idempotent; four eyes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maatpact.accounts.models import Role
from maatpact.outcomes import selectors, services
from maatpact.outcomes.models import (
    AchievedOutcome,
    EventType,
    HouseholdEvent,
    OutcomeDefinition,
    PaymentPeriod,
    RateCardLine,
)
from tests import factories

from . import helpers


def test_reference_data_is_loaded_by_migration(db):
    assert EventType.objects.filter(code="huisuitzetting").exists()
    rule = OutcomeDefinition.objects.get(code="financien-stabiel").rule
    assert rule == {
        "kind": "zrm_rise",
        "domain": "financien",
        "from_max": 2,
        "to_min": 3,
        "hold_months": 6,
    }


def test_event_in_future_is_refused_and_nothing_written(household, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.record_event(
            coordinator,
            household,
            event_type=EventType.objects.get(code="werk"),
            occurred_on=timezone.localdate() + timedelta(days=3),
        )
    assert "toekomst" in str(exc.value)
    assert not HouseholdEvent.objects.exists()


def test_other_coordinator_cannot_record_events(household, other_coordinator):
    with pytest.raises(PermissionDenied):
        services.record_event(
            other_coordinator,
            household,
            event_type=EventType.objects.get(code="werk"),
            occurred_on=timezone.localdate(),
        )


@pytest.mark.parametrize(
    "rule, field_message",
    [
        (
            {"kind": "zrm_rise", "domain": "geluk", "from_max": 2, "to_min": 3, "hold_months": 6},
            "Onbekend leefgebied 'geluk'.",
        ),
        ({"kind": "no_event", "event": "ruzie", "months": 12}, "Onbekende gebeurtenis 'ruzie'."),
    ],
)
def test_definition_with_unknown_domain_or_event_is_refused(regional, rule, field_message):
    helpers.financien_domain()
    before = OutcomeDefinition.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.save_definition(regional, code="nieuw", name="Nieuw", rule=rule)
    assert field_message in exc.value.message_dict["rule"]
    assert OutcomeDefinition.objects.count() == before


def test_definition_with_known_domain_is_saved(regional):
    helpers.financien_domain()
    rule = {"kind": "zrm_rise", "domain": "financien", "from_max": 1, "to_min": 4, "hold_months": 3}
    d = services.save_definition(regional, code="financien-sterk", name="Sterk", rule=rule)
    assert d.holding_months == 3


def test_evaluation_is_idempotent_and_withdraws_when_facts_change(household, coordinator):
    helpers.start(household, days_ago=400)
    first = services.evaluate_outcomes()
    assert first.created == 2  # no eviction, no placement of its child in 12 months
    outcome = AchievedOutcome.objects.get(
        household=household, definition__code="huisuitzetting-voorkomen"
    )
    assert outcome.definition.code == "huisuitzetting-voorkomen"
    assert outcome.evidence["gebeurtenissen_in_venster"] == 0
    again = services.evaluate_outcomes()
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    services.record_event(
        coordinator,
        household,
        event_type=EventType.objects.get(code="huisuitzetting"),
        occurred_on=household.started_on + timedelta(days=100),
    )
    services.evaluate_outcomes()
    assert not AchievedOutcome.objects.filter(
        household=household, definition__code="huisuitzetting-voorkomen"
    ).exists()
    # the event itself is now the evidence of nothing; a debt arrangement is an outcome
    services.record_event(
        coordinator,
        household,
        event_type=EventType.objects.get(code="schuldregeling"),
        occurred_on=household.started_on + timedelta(days=50),
    )
    services.evaluate_outcomes()
    got = AchievedOutcome.objects.get(
        household=household, definition__code="schuldregeling-gestart"
    )
    assert got.recorded_by_ids == [coordinator.pk]


def test_nobody_verifies_evidence_they_recorded(household, regional):
    helpers.start(household, days_ago=400)
    today = timezone.localdate()
    helpers.score(household, household.started_on - timedelta(days=5), 2, regional)
    helpers.score(household, today - timedelta(days=250), 3, regional)
    helpers.score(household, today - timedelta(days=30), 4, None)
    services.evaluate_outcomes()
    outcome = AchievedOutcome.objects.get(definition__code="financien-stabiel")
    assert outcome.recorded_by_ids == [regional.pk]
    with pytest.raises(ValidationError) as exc:
        services.verify_outcome(regional, outcome)
    assert "zelf hebt vastgelegd" in str(exc.value)
    outcome.refresh_from_db()
    assert outcome.status == "te_verifieren" and outcome.verified_by is None
    colleague = factories.user(Role.PROGRAMMATEAM, None)
    services.verify_outcome(colleague, outcome)
    outcome.refresh_from_db()
    assert outcome.status == "geverifieerd" and outcome.verified_by == colleague
    with pytest.raises(ValidationError):
        services.verify_outcome(colleague, outcome)  # already judged


def test_only_the_regional_team_verifies(household, coordinator, analyst):
    helpers.start(household, days_ago=400)
    services.evaluate_outcomes()
    outcome = AchievedOutcome.objects.first()
    for user in (coordinator, analyst):
        with pytest.raises(PermissionDenied):
            services.verify_outcome(user, outcome)


def test_overlapping_period_is_refused(regional):
    c = helpers.contract(payer_orgs=[helpers.org("Gemeente Test", "gemeente")])
    existing = c.periods.get()
    with pytest.raises(ValidationError) as exc:
        services.add_period(
            regional,
            c,
            name="Overlap",
            starts_on=existing.ends_on,
            ends_on=existing.ends_on + timedelta(days=180),
        )
    assert "overlapt met 'Alles'" in exc.value.message_dict["starts_on"][0]
    assert PaymentPeriod.objects.filter(contract=c).count() == 1
    services.add_period(
        regional,
        c,
        name="Daarna",
        starts_on=existing.ends_on + timedelta(days=1),
        ends_on=existing.ends_on + timedelta(days=180),
    )
    assert PaymentPeriod.objects.filter(contract=c).count() == 2


def test_negative_price_is_refused(regional):
    c = helpers.contract(payer_orgs=[helpers.org("Gemeente Test", "gemeente")])
    payer = c.payers.get()
    with pytest.raises(ValidationError) as exc:
        services.add_rate_line(
            regional,
            c,
            definition=OutcomeDefinition.objects.get(code="schuldregeling-gestart"),
            payer=payer,
            price=Decimal("-5.00"),
        )
    assert exc.value.message_dict["price"] == ["Een prijs kan niet negatief zijn."]
    assert RateCardLine.objects.filter(contract=c).count() == 1


def test_caps_that_do_not_add_up_are_refused_and_nothing_changes(regional):
    c = helpers.contract(
        payer_orgs=[
            helpers.org("Gemeente Test", "gemeente"),
            helpers.org("Woon", "woningcorporatie"),
        ]
    )
    a, b = c.payers.order_by("pk")
    with pytest.raises(ValidationError) as exc:
        services.set_caps(
            regional,
            c,
            cap_per_household=Decimal("50000"),
            cap_total=Decimal("40000"),
            max_return_rate=Decimal("0.10"),
            payer_caps={a.pk: Decimal("10000"), b.pk: Decimal("10000")},
        )
    errors = exc.value.message_dict
    assert "hoger dan het plafond van het hele contract" in errors["cap_per_household"][0]
    c.refresh_from_db()
    a.refresh_from_db()
    assert c.cap_total is None and a.cap is None
    with pytest.raises(ValidationError) as exc:
        services.set_caps(
            regional,
            c,
            cap_per_household=Decimal("5000"),
            cap_total=Decimal("40000"),
            max_return_rate=None,
            payer_caps={a.pk: Decimal("10000"), b.pk: Decimal("10000")},
        )
    assert "nooit te bereiken" in exc.value.message_dict["cap_total"][0]
    services.set_caps(
        regional,
        c,
        cap_per_household=Decimal("5000"),
        cap_total=Decimal("40000"),
        max_return_rate=Decimal("0.12"),
        payer_caps={a.pk: Decimal("25000"), b.pk: Decimal("25000")},
    )
    c.refresh_from_db()
    assert c.cap_total == Decimal("40000")


def test_statement_pays_verified_outcomes_only(household, goirle_household, regional):
    helpers.start(household, days_ago=400)
    helpers.start(goirle_household, days_ago=400)
    c = helpers.contract(payer_orgs=[helpers.org("Gemeente Test", "gemeente")])
    helpers.verified(household, regional)
    services.evaluate_outcomes()  # goirle's stays te_verifieren
    waiting = AchievedOutcome.objects.filter(status="te_verifieren")
    assert waiting.filter(definition__code="huisuitzetting-voorkomen").get().household == (
        goirle_household
    )
    st = selectors.statement(regional, c)
    assert st.households == 2
    assert st.payer_rows[0]["total"] == Decimal("1000.00")


def test_statement_pays_counterfactual_savings_from_the_evidence(household, regional):
    from maatpact.outcomes.models import ContractPayer

    helpers.start(household, days_ago=400)
    municipality = helpers.org("Gemeente Test", "gemeente")
    c = helpers.contract(payer_orgs=[municipality])
    RateCardLine.objects.create(
        contract=c,
        definition=OutcomeDefinition.objects.get(code="uitstroom-bijstand"),
        payer=ContractPayer.objects.get(contract=c),
        method="besparing",
        benchmark_months=Decimal(36),
        monthly_cost=Decimal("1000.00"),
        savings_share_percent=Decimal(50),
    )
    outcome = helpers.verified(household, regional, code="uitstroom-bijstand")
    outcome.evidence = {"soort": "voorziening beëindigd", "duur_maanden": "12.00"}
    outcome.save()
    st = selectors.statement(regional, c)
    # (36 - 12) months x 1,000 x 50 %
    assert st.payer_rows[0]["total"] == Decimal("12000.00")


def test_admin_refuses_a_definition_with_an_unknown_domain(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/beheer/outcomes/outcomedefinition/add/",
        {
            "code": "x",
            "name": "X",
            "rule": '{"kind": "zrm_rise", "domain": "geluk", "from_max": 2, "to_min": 3, '
            '"hold_months": 6}',
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "Onbekend leefgebied" in response.content.decode()
    assert not OutcomeDefinition.objects.filter(code="x").exists()


def test_evaluation_in_chunks_gives_the_same_outcomes_as_in_one_go(coordinator):
    households = [factories.household(coordinator) for _ in range(3)]
    for n, h in enumerate(households):
        helpers.start(h, days_ago=400 + n)
    services.record_event(
        coordinator,
        households[1],
        event_type=EventType.objects.get(code="huisuitzetting"),
        occurred_on=households[1].started_on + timedelta(days=100),
    )
    in_one = services.evaluate_outcomes(chunk_size=5000)
    rows = _outcome_rows()
    AchievedOutcome.objects.all().delete()
    in_chunks = services.evaluate_outcomes(chunk_size=1)
    assert (in_chunks.created, in_chunks.removed) == (in_one.created, 0)
    assert _outcome_rows() == rows
    # the eviction withdraws that household's outcome in a chunked re-run too
    assert not any(h == households[1].pk and c == "huisuitzetting-voorkomen" for h, c, _ in rows)


def _outcome_rows() -> set[tuple[int, str, str]]:
    return {
        (h, code, repr(sorted(evidence.items())))
        for h, code, evidence in AchievedOutcome.objects.values_list(
            "household_id", "definition__code", "evidence"
        )
    }
