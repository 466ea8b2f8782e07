"""Server-time benchmark of the main pages on a seeded database.

Usage (PostgreSQL with a seeded region, see `make bench`):
    DATABASE_URL=postgres://postgres@127.0.0.1/maatpact_bench python bench/pages.py [--repeat 50]
    python bench/pages.py --only worklist --only "household page"   # just those pages

For every page: p50/p95 server time over repeated requests through Django's test client
and the number of queries one request issues. Beside them the ceiling measured in the
same run: the raw SQL of the page's heaviest query alone, and a trivial view (the
framework's own floor). Results are also written as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatpact.settings")
os.environ.setdefault("MAATPACT_DEMO", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


@dataclass
class Page:
    name: str
    username: Callable[[], str]
    url: Callable[[], str]
    target_ms: float | None = None


@dataclass
class Result:
    page: str
    url: str
    requests: int
    p50_ms: float
    p95_ms: float
    queries: int
    heaviest_sql_ms: float
    target_ms: float | None
    status: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def busiest_coordinator() -> str:
    from django.db.models import Count

    from maatpact.households.models import CoordinatorAssignment

    row = (
        CoordinatorAssignment.objects.filter(ended_at__isnull=True)
        .values("coordinator__username")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["coordinator__username"]


def household_of(username: str) -> str:
    from maatpact.households.models import CoordinatorAssignment

    return (
        CoordinatorAssignment.objects.filter(coordinator__username=username, ended_at__isnull=True)
        .order_by("household__number")
        .values_list("household__number", flat=True)
        .first()
    )


def largest_team_lead() -> str:
    from django.db.models import Count

    from maatpact.accounts.models import User
    from maatpact.households.models import Household

    mun = (
        Household.objects.values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["municipality_id"]
    )
    return (
        User.objects.filter(role="teamleider", municipality_id=mun)
        .values_list("username", flat=True)
        .first()
    )


def report_url() -> str:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return f"/rapportage/?van={today - timedelta(days=365)}&tot={today}"


def pages() -> list[Page]:
    """The pages measured. Apps add theirs in bench/pages_extra.py (optional)."""
    coord = busiest_coordinator()
    lead = largest_team_lead()
    found = [
        Page("trivial view (framework floor)", lambda: coord, lambda: "/healthz"),
        Page("coordinator worklist", lambda: coord, lambda: "/mijn-huishoudens/", 50),
        Page("household page", lambda: coord, lambda: f"/huishoudens/{household_of(coord)}/", 50),
        Page("team lead overview", lambda: lead, lambda: "/gemeente/"),
        Page("budget overview (region)", lambda: "programmateam", lambda: "/budget/"),
        Page("obstacle analysis (region)", lambda: "programmateam", lambda: "/knelpunten/analyse/"),
        Page("interim report (region, 1 year)", lambda: "programmateam", report_url, 2000),
    ]
    try:
        from pages_extra import extra_pages  # type: ignore[import-not-found]
    except ImportError:
        return found
    return found + extra_pages(coord=coord, lead=lead)


def time_sql(sql: str, repeat: int) -> float:
    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(page: Page, repeat: int) -> Result:
    from maatpact.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=page.username()))
    url = page.url()
    client.get(url)  # warm-up: templates, caches, connection
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    captured = list(ctx.captured_queries)  # the next request resets the query log
    heaviest = 0.0
    selects = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    if selects:
        heaviest = max(time_sql(sql, 5) for sql in selects)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return Result(
        page.name,
        url,
        repeat,
        percentile(timings, 50),
        percentile(timings, 95),
        len(captured),
        heaviest,
        page.target_ms,
        response.status_code,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--report-repeat", type=int, default=5, help="repeats for the (slow) interim report"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="measure only pages whose name contains this (repeatable)",
    )
    args = parser.parse_args()
    from maatpact.households.models import Household

    households = Household.objects.count()
    vendor = connection.vendor
    results = [
        measure(page, args.report_repeat if page.target_ms == 2000 else args.repeat)
        for page in pages()
        if not args.only or any(o.lower() in page.name.lower() for o in args.only)
    ]
    print(
        f"\nMaatpact page benchmark — {households:,} households on {vendor}, "
        f"{args.repeat} requests per page\n"
    )
    columns = ("p50 ms", 9), ("p95 ms", 9), ("queries", 9), ("heaviest SQL ms", 17), ("target", 9)
    header = f"{'page':<34}" + "".join(f"{name:>{width}}" for name, width in columns) + "  ok"
    print(header)
    print("-" * len(header))
    failed = False
    for r in results:
        ok = r.status == 200 and (r.target_ms is None or r.p95_ms <= r.target_ms)
        failed |= not ok
        target = f"<{r.target_ms:.0f}" if r.target_ms else ""
        print(
            f"{r.page:<34}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{r.queries:>9}{r.heaviest_sql_ms:>17.2f}"
            f"{target:>9}  {'yes' if ok else 'NO'}"
        )
    out = ROOT / "bench" / "results" / f"pages-{time.strftime('%Y%m%d-%H%M%S')}-{households}.json"
    out.write_text(
        json.dumps(
            {
                "households": households,
                "vendor": vendor,
                "repeat": args.repeat,
                "results": [asdict(r) for r in results],
            },
            indent=2,
        )
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
