"""PostgreSQL only: concurrent spends, a killed worker, and the immutability trigger.

Each worker is a thread with its own database connection (Django gives every thread
its own), so the allocation row lock is really contended. These tests commit, hence
``transaction=True``; ``serialized_rollback`` restores the reference data afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, transaction

from maatpact.accounts.models import Role
from maatpact.budget import services
from maatpact.budget.models import Allocation, LedgerEntry, Spend
from maatpact.budget.reconcile import reconcile
from tests import factories
from tests.budget.helpers import fund_for, goal_for, request

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKERS = 32


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, trigger, a second process)")


def _run_workers(coordinator, household, goal, keys, amount):
    barrier = threading.Barrier(len(keys))
    results: list = [None] * len(keys)

    def work(i: int) -> None:
        try:
            barrier.wait()
            spend, created = services.request_spend(
                coordinator, household, request(goal, amount, key=keys[i])
            )
            results[i] = ("ok", spend.pk, created)
        except ValidationError as exc:
            results[i] = ("refused", str(exc), None)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = ("error", repr(exc), None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_32_workers_never_overspend_and_retries_spend_nothing():
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    household = factories.household(coordinator)
    goal = goal_for(household)
    allocation = fund_for("Tilburg", "10000.00")
    keys = [f"conc-{i}-{uuid.uuid4().hex[:8]}" for i in range(WORKERS)]

    results = _run_workers(coordinator, household, goal, keys, "1000.00")
    assert not [r for r in results if r[0] == "error"], results
    succeeded = [r for r in results if r[0] == "ok"]
    assert len(succeeded) == 10  # exactly what 10,000.00 affords at 1,000.00 each
    assert all(r[2] for r in succeeded)
    allocation.refresh_from_db()
    assert allocation.available == Decimal("0.00") >= 0
    assert allocation.approved == Decimal("10000.00")
    assert Spend.objects.count() == 10
    assert reconcile().ok, reconcile().problems

    entries = LedgerEntry.objects.count()
    again = _run_workers(coordinator, household, goal, keys, "1000.00")
    assert not [r for r in again if r[0] == "error"], again
    replayed = {r[1] for r in again if r[0] == "ok"}
    assert replayed == {r[1] for r in succeeded}
    assert all(r[2] is False for r in again if r[0] == "ok")
    assert Spend.objects.count() == 10 and LedgerEntry.objects.count() == entries
    allocation.refresh_from_db()
    assert allocation.available == Decimal("0.00")
    assert reconcile().ok


def test_pending_requests_also_reserve_under_concurrency():
    """Above the threshold nothing is approved yet, but the reservations still fit."""
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    household = factories.household(coordinator)
    goal = goal_for(household)
    allocation = fund_for("Tilburg", "10000.00")
    keys = [f"pend-{i}-{uuid.uuid4().hex[:8]}" for i in range(WORKERS)]
    results = _run_workers(coordinator, household, goal, keys, "3000.00")
    assert not [r for r in results if r[0] == "error"], results
    assert len([r for r in results if r[0] == "ok"]) == 3
    allocation.refresh_from_db()
    assert allocation.pending == Decimal("9000.00") and allocation.available == Decimal("1000.00")
    assert reconcile().ok


KILLED_WORKER = r"""
import sys, time
import django
django.setup()
from django.db import connection
from maatpact.accounts.models import User
from maatpact.households.models import Household
from maatpact.budget import services
from maatpact.plans.models import Goal

def pause_mid_spend(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if 'INSERT INTO "budget_ledgerentry"' in sql:
        print("MIDSPEND", flush=True)  # lock held, spend and entries written, not committed
        time.sleep(600)
    return result

user = User.objects.get(pk=int(sys.argv[1]))
household = Household.objects.get(pk=int(sys.argv[2]))
goal = Goal.objects.get(pk=int(sys.argv[3]))
data = services.SpendRequest(
    amount="750.00", category="wonen", purpose="Borg", goal_id=goal.pk,
    justification="Woning", value_legitimate=True, value_involved=True, value_return=True,
    idempotency_key=sys.argv[4],
)
with connection.execute_wrapper(pause_mid_spend):
    services.request_spend(user, household, data)
print("COMMITTED", flush=True)
"""


def test_sigkill_mid_spend_loses_nothing_and_duplicates_nothing():
    coordinator = factories.user(Role.REGISSEUR, "Tilburg")
    household = factories.household(coordinator)
    goal = goal_for(household)
    allocation = fund_for("Tilburg", "1000.00")
    key = f"kill-{uuid.uuid4().hex}"
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "maatpact.settings_test",
        "PYTHONPATH": str(root / "src") + os.pathsep + str(root),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_WORKER,
            str(coordinator.pk),
            str(household.pk),
            str(goal.pk),
            key,
        ],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip() == "MIDSPEND"
        # While the worker holds the lock, a retry with the same key waits for it.
        outcome: dict = {}

        def retry() -> None:
            try:
                outcome["result"] = services.request_spend(
                    coordinator, household, request(goal, "750.00", key=key)
                )
            finally:
                connections.close_all()

        waiting = threading.Thread(target=retry)
        waiting.start()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        waiting.join(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL
    spend, created = outcome["result"]
    assert created  # the killed transaction left nothing behind
    assert Spend.objects.filter(idempotency_key=key).count() == 1
    allocation.refresh_from_db()
    assert allocation.approved == Decimal("750.00") and allocation.available == Decimal("250.00")
    assert reconcile().ok, reconcile().problems
    again, created_again = services.request_spend(
        coordinator, household, request(goal, "750.00", key=key)
    )
    assert again.pk == spend.pk and not created_again
    assert Spend.objects.count() == 1 and reconcile().ok


def test_database_refuses_to_change_or_delete_ledger_entries():
    fund_for("Tilburg", "500.00")
    entry = LedgerEntry.objects.first()
    sql = "UPDATE budget_ledgerentry SET amount = amount + 1 WHERE id = %s"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM budget_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).hash == entry.hash
    assert reconcile().ok


def test_database_refuses_a_negative_balance():
    allocation = fund_for("Tilburg", "500.00")
    with pytest.raises(DatabaseError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(
            approved=Decimal("600.00"), available=Decimal("-100.00")
        )
