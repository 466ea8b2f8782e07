"""Budget ledger throughput against PostgreSQL, next to the database's own ceiling.

Usage (a scratch PostgreSQL database; it is migrated and filled by this script)::

    createdb -h 127.0.0.1 -U postgres maatpact_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maatpact_bench \\
        python bench/ledger.py --clients 8 --seconds 20

N client processes (each its own connection) post spends through the real service
(``budget.services.request_spend``: validation, row lock, ledger entries, balance row,
audit record) for a fixed time; the script prints spends/s with p50/p95 latency. In
the same run it measures the server's ceiling with ``pgbench`` (built-in simple-update
script, same N clients, same duration; ``pgbench -i`` creates its ``pgbench_*`` tables in
the same scratch database) on the same server, and prints the ratio.
Afterwards it checks for overspend: every balance >= 0 and ``budget-reconcile`` passes.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatpact.settings")
os.environ.setdefault("MAATPACT_DEMO", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

HOUSEHOLDS_PER_MUNICIPALITY = 20
ALLOCATION_PER_MUNICIPALITY = Decimal("60000.00")


def setup_data() -> dict:
    """Migrate, then a fund, coordinators, households with a goal (idempotent enough)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from datetime import date

    from maatpact.accounts.models import Role, User
    from maatpact.budget import services
    from maatpact.budget.models import Fund
    from maatpact.households.services import MemberData, register_household
    from maatpact.plans.models import Goal
    from maatpact.regions.models import Municipality

    municipalities = list(Municipality.objects.order_by("cbs_code"))
    regional = User.objects.create_user(
        f"bench-regio-{uuid.uuid4().hex[:6]}",
        role=Role.PROGRAMMATEAM,
        region_id=municipalities[0].region_id,
    )
    fund = services.create_fund(
        regional,
        region_id=municipalities[0].region_id,
        name=f"Benchmarkfonds {uuid.uuid4().hex[:8]}",
        amount=ALLOCATION_PER_MUNICIPALITY * len(municipalities),
    )
    services.apply_allocation(regional, fund, Fund.Formula.GELIJK)
    plan: dict[int, list[tuple[int, int, int]]] = {}
    for m in municipalities:
        coordinator = User.objects.create_user(
            f"bench-{m.cbs_code}-{uuid.uuid4().hex[:6]}", role=Role.REGISSEUR, municipality=m
        )
        rows = []
        for i in range(HOUSEHOLDS_PER_MUNICIPALITY):
            household = register_household(
                coordinator,
                municipality=m,
                street="Benchstraat",
                house_number=str(i + 1),
                postcode="5000 AA",
                city=m.name,
                members=[MemberData("Bench", f"Huishouden{i}", date(1980, 1, 1), "aanvrager")],
            )
            goal = Goal.objects.create(
                plan=household.plan, domain_code="financien", description="Benchmarkdoel"
            )
            rows.append((coordinator.pk, household.pk, goal.pk))
        plan[m.pk] = rows
    return {"fund_id": fund.pk, "plan": plan}


def client(index: int, rows, deadline: float, out: mp.Queue) -> None:
    import random

    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from maatpact.accounts.models import User
    from maatpact.budget import services
    from maatpact.households.models import Household

    rng = random.Random(index)
    actors = {pk: User.objects.get(pk=pk) for pk, _, _ in rows}
    households = {pk: Household.objects.get(pk=pk) for _, pk, _ in rows}
    latencies: list[float] = []
    refused = errors = 0
    while time.monotonic() < deadline:
        coordinator_id, household_id, goal_id = rng.choice(rows)
        data = services.SpendRequest(
            amount=f"{rng.randint(500, 5000) / 100:.2f}",
            category="overig",
            purpose="Benchmark",
            goal_id=goal_id,
            justification="Benchmark",
            value_legitimate=True,
            value_involved=True,
            value_return=True,
            idempotency_key=uuid.uuid4().hex,
        )
        started = time.perf_counter()
        try:
            services.request_spend(actors[coordinator_id], households[household_id], data)
        except ValidationError:
            refused += 1
            continue
        except Exception:  # noqa: BLE001 - counted and reported, never hidden
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    out.put((latencies, refused, errors))


def run_clients(n: int, seconds: float, plan: dict, one_allocation: bool) -> dict:
    from django.db import connections

    connections.close_all()  # never share a connection with the forked clients
    groups = list(plan.values())
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    deadline = time.monotonic() + 2 + seconds  # two seconds to start every client
    procs = [
        ctx.Process(
            target=client,
            args=(i, groups[0] if one_allocation else groups[i % len(groups)], deadline, out),
        )
        for i in range(n)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    latencies = sorted(x for r in results for x in r[0])
    return {
        "spends": len(latencies),
        "refused": sum(r[1] for r in results),
        "errors": sum(r[2] for r in results),
        "latencies": latencies,
    }


def pgbench(url: str, n: int, seconds: int) -> float:
    """pgbench in the benchmark's own scratch database (its ``pgbench_*`` tables).

    No separate database is created or dropped: DROP DATABASE waits for every backend
    of the server to acknowledge a barrier, which on a shared, busy server can hang.
    """
    parts = urlparse(url)
    env = {
        **os.environ,
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": parts.username or "postgres",
        "PGDATABASE": parts.path.lstrip("/"),
    }
    if parts.password:
        env["PGPASSWORD"] = parts.password
    subprocess.run(["pgbench", "-i", "-q"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        ["pgbench", "-b", "simple-update", "-c", str(n), "-j", str(n), "-T", str(seconds)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout)
    if not match:
        raise SystemExit(f"pgbench gaf geen tps:\n{result.stdout}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--one-allocation",
        action="store_true",
        help="alle clients op één gemeente (één rij-lock): het slechtste geval",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Zet DATABASE_URL op een (lege) PostgreSQL-database.")

    print(f"Opzetten op {urlparse(url).path.lstrip('/')} ...", flush=True)
    data = setup_data()
    print(
        f"Ledger: {args.clients} clients, {args.seconds} s"
        f"{' op één toewijzing' if args.one_allocation else ' over de gemeenten'} ...",
        flush=True,
    )
    ours = run_clients(args.clients, args.seconds, data["plan"], args.one_allocation)
    print(f"pgbench simple-update: {args.clients} clients, {args.seconds} s ...", flush=True)
    ceiling = pgbench(url, args.clients, args.seconds)

    import django

    django.setup()
    from maatpact.budget.models import Allocation
    from maatpact.budget.reconcile import reconcile

    lat = ours["latencies"]
    rate = ours["spends"] / args.seconds
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p95 = lat[int(len(lat) * 0.95) - 1] * 1000 if lat else float("nan")
    negative = Allocation.objects.filter(available__lt=0).count()
    check = reconcile()
    print()
    print(
        f"ledger      : {rate:8.1f} uitgaven/s  (p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
        f"{ours['spends']} geboekt, {ours['refused']} geweigerd, {ours['errors']} fouten)"
    )
    print(f"pgbench     : {ceiling:8.1f} tps (simple-update)")
    print(f"verhouding  : {rate / ceiling:8.2f}  (doel >= 0.50)")
    print(
        f"overbesteding: {'geen' if negative == 0 and check.ok else 'JA'} "
        f"(negatieve saldi: {negative}; reconcile: {'klopt' if check.ok else check.problems[:3]})"
    )
    if negative or not check.ok or ours["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
