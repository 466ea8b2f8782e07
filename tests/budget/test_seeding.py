import io
from decimal import Decimal

from django.core.management import call_command

from maatpact.budget.models import Allocation, Fund, Spend
from maatpact.budget.reconcile import reconcile


def test_seed_books_a_consistent_ledger(db):
    call_command("seed", households=150, seed=11, years=3, no_progress=True, stdout=io.StringIO())
    fund = Fund.objects.get()
    assert fund.amount == Decimal("10000000.00")
    allocations = list(Allocation.objects.select_related("municipality"))
    assert sum(a.allocated for a in allocations) == fund.amount
    tilburg = next(a for a in allocations if a.municipality.name == "Tilburg")
    goirle = next(a for a in allocations if a.municipality.name == "Goirle")
    assert tilburg.allocated > goirle.allocated  # by population
    statuses = set(Spend.objects.values_list("status", flat=True))
    assert {"goedgekeurd", "betaald"} <= statuses or {"betaald"} <= statuses
    big = Spend.objects.filter(needs_approval=True).exclude(status="aangevraagd")
    assert big.exists()
    assert not big.filter(decided_by__role__in=["regisseur"]).exists()
    assert (
        not Spend.objects.filter(needs_approval=True, decided_by=None)
        .exclude(status="aangevraagd")
        .exists()
    )
    result = reconcile()
    assert result.ok, result.problems[:5]
    out = io.StringIO()
    call_command("budget-reconcile", stdout=out)
    assert "Budget klopt" in out.getvalue()


def test_reconcile_command_fails_on_difference(db):
    call_command("seed", households=30, seed=5, no_progress=True, stdout=io.StringIO())
    Fund.objects.update(amount=Decimal("9999999.99"))
    import pytest
    from django.core.management.base import CommandError

    err = io.StringIO()
    with pytest.raises(CommandError, match="NIET"):
        call_command("budget-reconcile", stdout=io.StringIO(), stderr=err)
    assert "som toewijzingen" in err.getvalue()
