"""Spends, approvals, reversals and allocations through the services."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maatpact.budget import services
from maatpact.budget.models import Allocation, LedgerEntry, Spend
from maatpact.budget.reconcile import reconcile
from tests import factories
from tests.budget.helpers import fund_for, goal_for, request


@pytest.fixture
def funded(db):
    return fund_for("Tilburg", "10000.00")


@pytest.fixture
def goal(household):
    return goal_for(household)


def _ledger_snapshot():
    return list(LedgerEntry.objects.order_by("pk").values_list("pk", "hash"))


def test_small_spend_is_approved_at_once(funded, coordinator, household, goal):
    spend, created = services.request_spend(coordinator, household, request(goal, "450.00"))
    assert created and spend.status == Spend.Status.GOEDGEKEURD and spend.decided_by is None
    funded.refresh_from_db()
    assert funded.approved == Decimal("450.00") and funded.available == Decimal("9550.00")
    assert reconcile().ok


def test_threshold_is_inclusive(funded, coordinator, household, goal):
    at, _ = services.request_spend(coordinator, household, request(goal, "2500.00"))
    above, _ = services.request_spend(coordinator, household, request(goal, "2500.01"))
    assert at.status == Spend.Status.GOEDGEKEURD
    assert above.status == Spend.Status.AANGEVRAAGD and above.needs_approval


def test_large_spend_waits_for_team_lead_then_paid(funded, coordinator, household, goal, team_lead):
    spend, _ = services.request_spend(coordinator, household, request(goal, "4000.00"))
    funded.refresh_from_db()
    assert funded.pending == Decimal("4000.00") and funded.available == Decimal("6000.00")
    services.approve_spend(team_lead, spend)
    services.mark_paid(team_lead, spend)
    funded.refresh_from_db()
    assert (funded.pending, funded.approved, funded.paid) == (
        Decimal("0.00"),
        Decimal("4000.00"),
        Decimal("4000.00"),
    )
    spend.refresh_from_db()
    assert spend.status == Spend.Status.BETAALD and spend.decided_by == team_lead
    assert reconcile().ok


def test_team_lead_cannot_approve_own_request(funded, household, goal, team_lead):
    """A team lead who requested (as if coordinator) is refused; DB also forbids it."""
    spend, _ = services.request_spend(
        household.assignments.get().coordinator, household, request(goal, "3000.00")
    )
    Spend.objects.filter(pk=spend.pk).update(requested_by=team_lead)
    spend.refresh_from_db()
    before = _ledger_snapshot()
    with pytest.raises(PermissionDenied, match="eigen aanvraag"):
        services.approve_spend(team_lead, spend)
    spend.refresh_from_db()
    assert spend.status == Spend.Status.AANGEVRAAGD and _ledger_snapshot() == before


def test_team_lead_of_other_municipality_cannot_approve(
    funded, coordinator, household, goal, goirle_team_lead
):
    spend, _ = services.request_spend(coordinator, household, request(goal, "3000.00"))
    with pytest.raises(PermissionDenied):
        services.approve_spend(goirle_team_lead, spend)


def test_approving_twice_is_refused(funded, coordinator, household, goal, team_lead):
    spend, _ = services.request_spend(coordinator, household, request(goal, "3000.00"))
    services.approve_spend(team_lead, spend)
    before = _ledger_snapshot()
    with pytest.raises(ValidationError, match="al beoordeeld"):
        services.approve_spend(team_lead, spend)
    assert _ledger_snapshot() == before


def test_rejection_needs_reason_and_releases(funded, coordinator, household, goal, team_lead):
    spend, _ = services.request_spend(coordinator, household, request(goal, "3000.00"))
    with pytest.raises(ValidationError):
        services.reject_spend(team_lead, spend, "  ")
    services.reject_spend(team_lead, spend, "Past niet bij het plan")
    funded.refresh_from_db()
    assert funded.pending == 0 and funded.available == Decimal("10000.00")
    assert reconcile().ok


@pytest.mark.parametrize(
    "amount,message",
    [
        ("0", "groter zijn dan nul"),
        ("-5", "groter zijn dan nul"),
        ("10.001", "twee decimalen"),
        ("abc", "Geen geldig bedrag"),
        ("10000.01", "beschikbaar"),
    ],
)
def test_bad_amounts_write_nothing(funded, coordinator, household, goal, amount, message):
    before = _ledger_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.request_spend(coordinator, household, request(goal, amount))
    assert message in str(exc.value.message_dict["amount"])
    assert _ledger_snapshot() == before and Spend.objects.count() == 0


def test_three_values_required(funded, coordinator, household, goal):
    with pytest.raises(ValidationError) as exc:
        services.request_spend(coordinator, household, request(goal, value_return=False))
    assert "value_return" in exc.value.message_dict
    assert Spend.objects.count() == 0


def test_goal_of_another_household_is_refused(funded, coordinator, household):
    other = factories.household(coordinator)
    with pytest.raises(ValidationError) as exc:
        services.request_spend(coordinator, household, request(goal_for(other)))
    assert "goal" in exc.value.message_dict


def test_coordinator_of_another_household_cannot_spend(funded, other_coordinator, household, goal):
    with pytest.raises(PermissionDenied):
        services.request_spend(other_coordinator, household, request(goal))
    assert Spend.objects.count() == 0


def test_same_idempotency_key_spends_once(funded, coordinator, household, goal):
    first, created = services.request_spend(coordinator, household, request(goal, key="k-1"))
    again, created_again = services.request_spend(coordinator, household, request(goal, key="k-1"))
    assert created and not created_again and again.pk == first.pk
    assert Spend.objects.count() == 1
    funded.refresh_from_db()
    assert funded.approved == Decimal("100.00")


def test_reversal_limits(funded, coordinator, household, goal, team_lead):
    spend, _ = services.request_spend(coordinator, household, request(goal, "1000.00"))
    before = _ledger_snapshot()
    with pytest.raises(ValidationError, match="niet meer terugboeken"):
        services.reverse_spend(team_lead, spend, "1000.01", "Te veel betaald")
    assert _ledger_snapshot() == before
    services.reverse_spend(team_lead, spend, "400.00", "Deel niet nodig")
    services.mark_paid(team_lead, spend)
    services.reverse_spend(team_lead, spend, "600.00", "Geld teruggestort")
    spend.refresh_from_db()
    funded.refresh_from_db()
    assert spend.status == Spend.Status.TERUGGEDRAAID and spend.net_amount == 0
    assert funded.approved == 0 and funded.paid == 0 and funded.available == Decimal("10000.00")
    assert reconcile().ok


def test_ledger_entries_refuse_changes_in_the_model(funded):
    entry = LedgerEntry.objects.first()
    entry.amount = Decimal("1.00")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()


def test_reconcile_detects_a_tampered_balance(funded):
    Allocation.objects.filter(pk=funded.pk).update(
        allocated=funded.allocated + 1, available=funded.available + 1
    )
    result = reconcile()
    assert not result.ok and any("saldo allocated" in p for p in result.problems)
