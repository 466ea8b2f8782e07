"""Property tests: random sequences of allocate / transfer / spend / approve / reject /
pay / reverse keep every invariant, on SQLite and on PostgreSQL.

A plain Python model predicts every balance; after each step the database must agree
with it, the available balance is never negative, the fund equals its allocations and
reconciliation passes. Each example runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatpact.accounts.models import Role
from maatpact.budget import services
from maatpact.budget.models import Allocation, Fund, Spend
from maatpact.budget.reconcile import reconcile
from maatpact.regions.models import Municipality
from tests import factories
from tests.budget.helpers import goal_for, request

CENT = Decimal("0.01")
FUND = Decimal("20000.00")

money = st.integers(min_value=-100, max_value=900_000).map(lambda c: Decimal(c) * CENT)
operation = st.one_of(
    st.tuples(st.just("allocate"), st.integers(0, 2_000_000)),
    st.tuples(st.just("transfer"), money, st.booleans()),
    st.tuples(st.just("spend"), money, st.booleans()),
    st.tuples(st.just("approve"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("reject"), st.integers(0, 20)),
    st.tuples(st.just("pay"), st.integers(0, 20)),
    st.tuples(st.just("reverse"), st.integers(0, 20), money),
)


@pytest.fixture
def world(db):
    regional = factories.user(Role.PROGRAMMATEAM, None)
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    lead = factories.user(Role.TEAMLEIDER, "Tilburg")
    household = factories.household(coordinator)
    return {
        "regional": regional,
        "coordinator": coordinator,
        "lead": lead,
        "household": household,
        "goal": goal_for(household),
        "tilburg": Municipality.objects.get(name="Tilburg"),
        "goirle": Municipality.objects.get(name="Goirle"),
    }


def _run(world, ops) -> None:
    tilburg, goirle = world["tilburg"], world["goirle"]
    regional, lead = world["regional"], world["lead"]
    fund = services.create_fund(
        regional, region_id=tilburg.region_id, name=f"P {uuid.uuid4().hex[:10]}", amount=FUND
    )
    others = {m.pk: Decimal("0.00") for m in Municipality.objects.filter(region=tilburg.region)}
    # model: allocated per municipality, spends: [amount, status, reversed]
    allocated = {tilburg.pk: Decimal("0.00"), goirle.pk: Decimal("0.00")}
    spends: list[list] = []

    def committed(spend_state) -> Decimal:
        amount, status, reversed_amount = spend_state
        if status == "aangevraagd":
            return amount
        if status in ("goedgekeurd", "betaald", "teruggedraaid"):
            return amount - reversed_amount
        return Decimal("0.00")

    def available_tilburg() -> Decimal:
        return allocated[tilburg.pk] - sum((committed(s[1:]) for s in spends), Decimal("0.00"))

    def attempt(expected_ok: bool, action) -> bool:
        """Run one step; it must succeed exactly when the model says it may."""
        try:
            action()
        except (ValidationError, PermissionDenied):
            assert not expected_ok, f"{kind} refused although allowed"
            return False
        assert expected_ok, f"{kind} accepted although it must be refused"
        return True

    for op in ops:
        kind = op[0]
        exists = Allocation.objects.filter(fund=fund).exists()
        if kind == "allocate":
            share = min(Decimal(op[1]) * CENT, FUND)
            manual = {**others, tilburg.pk: share, goirle.pk: FUND - share}
            tilburg_committed = allocated[tilburg.pk] - available_tilburg()
            if attempt(
                share >= tilburg_committed,
                lambda: services.apply_allocation(regional, fund, Fund.Formula.HANDMATIG, manual),
            ):
                allocated[tilburg.pk], allocated[goirle.pk] = share, FUND - share
        elif kind == "transfer":
            amount, to_goirle = op[1], op[2]
            src, dst = (tilburg.pk, goirle.pk) if to_goirle else (goirle.pk, tilburg.pk)
            src_available = available_tilburg() if to_goirle else allocated[goirle.pk]

            def move():
                a = {x.municipality_id: x for x in Allocation.objects.filter(fund=fund)}
                if not a:
                    raise ValidationError("nog niet verdeeld")
                services.transfer(regional, a[src], a[dst], amount, "eigenschapstest")

            if attempt(exists and 0 < amount <= src_available, move):
                allocated[src] -= amount
                allocated[dst] += amount
        elif kind == "spend":
            amount = op[1]
            created: list = []

            def spend_now():
                created.append(
                    services.request_spend(
                        world["coordinator"], world["household"], request(world["goal"], amount)
                    )[0]
                )

            if attempt(exists and 0 < amount <= available_tilburg(), spend_now):
                spend = created[0]
                expected = "aangevraagd" if amount > Decimal("2500.00") else "goedgekeurd"
                assert spend.status == expected
                spends.append([spend.pk, spend.amount, spend.status, Decimal("0.00")])
        elif spends:
            state = spends[op[1] % len(spends)]
            spend_obj = Spend.objects.get(pk=state[0])
            status = state[2]
            if kind == "approve":
                actor = world["coordinator"] if op[2] else lead
                if attempt(
                    actor == lead and status == "aangevraagd",
                    lambda: services.approve_spend(actor, spend_obj),
                ):
                    state[2] = "goedgekeurd"
            elif kind == "reject":
                if attempt(
                    status == "aangevraagd",
                    lambda: services.reject_spend(lead, spend_obj, "past niet"),
                ):
                    state[2] = "afgewezen"
            elif kind == "pay":
                if attempt(status == "goedgekeurd", lambda: services.mark_paid(lead, spend_obj)):
                    state[2] = "betaald"
            elif kind == "reverse":
                amount = op[2]
                net = state[1] - state[3]
                if attempt(
                    status in ("goedgekeurd", "betaald") and 0 < amount <= net,
                    lambda: services.reverse_spend(lead, spend_obj, amount, "correctie"),
                ):
                    state[3] += amount
                    if state[3] == state[1]:
                        state[2] = "teruggedraaid"
        # invariants after every step
        rows = {a.municipality_id: a for a in Allocation.objects.filter(fund=fund)}
        for a in rows.values():
            assert a.available >= 0
            assert a.available == a.allocated - a.pending - a.approved
        if rows:
            assert sum(a.allocated for a in rows.values()) == FUND
            assert rows[tilburg.pk].allocated == allocated[tilburg.pk]
            assert rows[tilburg.pk].available == available_tilburg()
        for pk, amount, status, reversed_amount in spends:
            db = Spend.objects.get(pk=pk)
            assert (db.status, db.reversed_amount) == (status, reversed_amount)
        result = reconcile()
        assert result.ok, result.problems


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.integers(0, 2_000_000), ops=st.lists(operation, min_size=1, max_size=12))
def test_random_ledger_operations_keep_invariants(world, first, ops):
    sid = transaction.savepoint()
    try:
        _run(world, [("allocate", first), *ops])
    finally:
        transaction.savepoint_rollback(sid)
