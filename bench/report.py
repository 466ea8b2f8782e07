"""Benchmark: the regional interim report on PostgreSQL against the SQL it rests on.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> PYTHONPATH=src \
        python bench/report.py [--households 100000] [--years 5]

On an empty database it migrates and seeds (``maatpact seed``); when the assessments,
provisions and obstacles tables are empty (their apps' seeders are not installed) it adds
a synthetic history with set-based INSERT ... SELECT statements. Then it computes the
regional report (best of three) and, in the same run, replays the exact SQL statements the
report issued (captured) directly on a cursor, and prints both times and their ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatpact.settings")
os.environ.setdefault("MAATPACT_DEMO", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

HISTORY_SQL = [
    # Household ZRM: five domains, two to four measurements per active household.
    """
    INSERT INTO assessments_instrument (code, version, name, kind, active)
    VALUES ('zrm-huishoudens', 'bench', 'ZRM huishoudens (bench)', 'huishouden', true)
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO assessments_domain (instrument_id, code, name, "order", children_supplement)
    SELECT i.id, d.code, d.code, d.n, false
    FROM assessments_instrument i,
         (VALUES ('hh_financien', 1), ('hh_huisvesting', 2), ('hh_organisatie', 3),
                 ('hh_relaties', 4), ('hh_sociale_omgeving', 5)) AS d(code, n)
    WHERE i.code = 'zrm-huishoudens' AND i.version = 'bench'
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO assessments_assessment (household_id, instrument_id, assessed_on, own_rating,
                                        own_words, created_at)
    SELECT h.id, i.id, h.started_on + k * 120, 3 + k + (h.id % 3), '', now()
    FROM households_household h
    CROSS JOIN generate_series(0, 3) AS k
    JOIN assessments_instrument i ON i.code = 'zrm-huishoudens' AND i.version = 'bench'
    WHERE h.started_on IS NOT NULL AND k <= 1 + h.id % 3
      AND h.started_on + k * 120 <= CURRENT_DATE
    """,
    """
    INSERT INTO assessments_score (assessment_id, domain_id, score, note)
    SELECT a.id, d.id,
           LEAST(5, 1 + ((a.id + d.id) % 3) + (a.assessed_on - h.started_on) / 240), ''
    FROM assessments_assessment a
    JOIN households_household h ON h.id = a.household_id
    JOIN assessments_domain d ON d.instrument_id = a.instrument_id
    """,
    # Three provisions per household: a monthly one before and during, a monthly one that
    # starts during, and a one-off cost.
    """
    INSERT INTO provisions_provision (household_id, law_id, financier_id, provider_id,
        description, starts_on, ends_on, cost_kind, amount, created_at)
    SELECT h.id, l.id, f.id, NULL, 'bench', s.starts_on, s.ends_on, s.kind, s.amount, now()
    FROM households_household h
    CROSS JOIN LATERAL (VALUES
        (h.registered_on - 400, h.registered_on + 200, 'maandelijks', 200 + h.id % 300, 0),
        (h.registered_on + 30, NULL::date, 'maandelijks', 80 + h.id % 100, 1),
        (h.registered_on + 60, NULL::date, 'eenmalig', 1500, 2)
    ) AS s(starts_on, ends_on, kind, amount, n)
    JOIN provisions_law l ON l.code = (ARRAY['wmo', 'zvw', 'participatiewet'])[s.n + 1]
    JOIN regions_organisation f ON f.id = (
        SELECT o.id FROM regions_organisation o
        WHERE o.kind IN ('gemeente', 'zorgverzekeraar', 'woningcorporatie')
        ORDER BY o.id OFFSET (h.id + s.n) % 5 LIMIT 1)
    """,
    """
    INSERT INTO obstacles_obstacle (household_id, municipality_id, type, description,
        rule_text, rule_url, law_id, organisation_id, delay_days, harm_euros, raised_by_id,
        raised_at)
    SELECT h.id, h.municipality_id,
           (ARRAY['wet', 'financier', 'organisatie', 'gegevens', 'wachtlijst'])[1 + h.id % 5],
           'bench', '', '', l.id, NULL, h.id % 90, (h.id % 50) * 10,
           (SELECT id FROM accounts_user ORDER BY id LIMIT 1),
           (h.registered_on + 20)::timestamp AT TIME ZONE 'Europe/Amsterdam'
    FROM households_household h
    JOIN provisions_law l ON l.code = (ARRAY['wmo', 'jeugdwet', 'zvw'])[1 + h.id % 3]
    WHERE h.id % 2 = 0
    """,
]


def prepare(households: int, years: int) -> None:
    from maatpact.households.models import Household
    from maatpact.provisions.models import Provision

    call_command("migrate", verbosity=0)
    if not Household.objects.exists():
        started = time.monotonic()
        call_command(
            "seed",
            households=households,
            years=years,
            no_progress=True,
            stdout=io.StringIO(),
        )
        print(f"seeded {households} households in {time.monotonic() - started:.0f} s")
    if not Provision.objects.exists():
        started = time.monotonic()
        with connection.cursor() as cursor:
            for sql in HISTORY_SQL:
                cursor.execute(sql)
        from maatpact.assessments.services import rebuild_progress

        rebuild_progress()  # the raw INSERTs above bypass the summary's upkeep
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"added synthetic history in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Zet DATABASE_URL op een PostgreSQL-database.")
    prepare(args.households, args.years)

    from maatpact.accounts.models import Role, User
    from maatpact.households.models import Household
    from maatpact.reports.context import build_context
    from maatpact.reports.selectors import build_report

    user = User.objects.filter(role=Role.PROGRAMMATEAM).first()
    today = timezone.localdate()
    date_from = today - timedelta(days=365 * args.years)
    print(f"households: {Household.objects.count()}, period {date_from} .. {today}")

    from django.core.cache import cache

    def timed(cold: bool) -> float:
        if cold:
            cache.clear()  # as on the first request after every source changed
        started = time.perf_counter()
        build_report(build_context(user, date_from, today))
        return time.perf_counter() - started

    cold = [timed(True) for _ in range(3)]
    warm = [timed(False) for _ in range(3)]
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        report = build_report(build_context(user, date_from, today))
    queries = [q["sql"] for q in captured.captured_queries]
    report_time = min(cold)

    raw = []
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in queries:
                sql = sql.strip()
                if sql.upper().startswith("DECLARE "):  # a server-side cursor (.iterator())
                    sql = sql[sql.upper().index(" FOR ") + 5 :]
                if not sql.upper().startswith(("SELECT", "WITH")):
                    continue  # BEGIN, SET LOCAL, SAVEPOINT, FETCH, CLOSE
                cursor.execute(sql)
                cursor.fetchall()
        raw.append(time.perf_counter() - started)
    raw_time = min(raw)
    page_cold, page_warm = page_with_charts(user, date_from, today)
    print(f"sections: {', '.join(s.section.key for s in report.sections)}")
    print(f"report cold (cache emptied; ORM + Python, best of 3): {report_time * 1000:8.1f} ms")
    print(f"report warm (cached figures, best of 3):               {min(warm) * 1000:8.1f} ms")
    print(f"raw SQL, same {len(queries)} queries (cold path):          {raw_time * 1000:8.1f} ms")
    print(f"page + all chart images, cold:                         {page_cold * 1000:8.1f} ms")
    print(f"page + all chart images, warm:                         {page_warm * 1000:8.1f} ms")
    print(
        f"target < 2 s: cold {'OK' if report_time < 2 else 'TOO SLOW'}, "
        f"warm {'OK' if min(warm) < 2 else 'TOO SLOW'}"
    )


def page_with_charts(user, date_from, date_to) -> tuple[float, float]:
    """What a reader waits for: the page, then every chart image on it (one after the
    other, as on one worker), through Django's test client. Cold and warm."""
    import re

    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = f"/rapportage/?van={date_from}&tot={date_to}"

    def once() -> float:
        started = time.perf_counter()
        html = client.get(url).content.decode()
        for src in re.findall(r'src="(/rapportage/grafiek/[^"]+)"', html):
            client.get(src.replace("&amp;", "&"))
        return time.perf_counter() - started

    cache.clear()
    cold = once()
    return cold, min(once() for _ in range(2))


if __name__ == "__main__":
    main()
