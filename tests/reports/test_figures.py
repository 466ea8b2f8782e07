"""Report figures against an independent plain-Python computation over the fixture."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from maatpact.assessments.models import Assessment
from maatpact.households.models import Household
from maatpact.obstacles.models import Obstacle
from maatpact.provisions.models import Provision
from maatpact.reports.context import build_context
from maatpact.reports.sections.assessments import t975
from maatpact.reports.selectors import build_report

from . import reference
from .conftest import PERIOD

T_TABLE = {5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306}  # from a printed t-table


def _section(report, key):
    return next(s.result for s in report.sections if s.section.key == key)


def _row(table, first):
    return next(r for r in table.rows if r[0].value == first)


@pytest.fixture
def report(report_data, regional):
    return build_report(build_context(regional, *PERIOD))


def test_households_per_municipality_and_status(report, report_data):
    start, end = PERIOD
    expected = Counter()
    for h in Household.objects.select_related("municipality"):
        if h.registered_on <= end and (h.closed_on is None or h.closed_on >= start):
            expected[(h.municipality.name, h.status)] += 1
    table = _section(report, "households").table("per_gemeente")
    statuses = ["aangemeld", "geselecteerd", "actief", "afgesloten"]
    for name in ("Tilburg", "Goirle"):
        row = _row(table, name)
        assert [c.value for c in row[1:5]] == [expected[(name, s)] for s in statuses]
        assert row[5].value == sum(expected[(name, s)] for s in statuses)
    assert _row(table, "Totaal")[5].value == sum(expected.values()) == 9


def test_time_to_first_help_percentiles(report):
    start, end = PERIOD
    days = [
        (h.started_on - h.registered_on).days
        for h in Household.objects.all()
        if h.started_on and start <= h.started_on <= end
    ]
    assert len(days) >= 5
    figures = {f.key: f for f in _section(report, "first_help").figures}
    assert figures["mediaan"].value == pytest.approx(float(np.percentile(days, 50)), abs=0.05)
    assert figures["p25"].value == pytest.approx(float(np.percentile(days, 25)), abs=0.05)
    assert figures["p75"].value == pytest.approx(float(np.percentile(days, 75)), abs=0.05)
    assert figures["mediaan"].households == len(days)


def test_zrm_change_with_confidence_interval(report, report_data):
    _, end = PERIOD
    table = _section(report, "zrm").table("zrm")
    for domain in report_data.domains:
        diffs = []
        for h in report_data.households:
            measured = sorted(
                Assessment.objects.filter(household=h, assessed_on__lte=end),
                key=lambda a: (a.assessed_on, a.pk),
            )
            if len(measured) < 2:
                continue
            first = {sc.domain_id: sc.score for sc in measured[0].scores.all()}
            last = {sc.domain_id: sc.score for sc in measured[-1].scores.all()}
            if domain.pk in first and domain.pk in last:
                diffs.append(last[domain.pk] - first[domain.pk])
        n = len(diffs)
        mean = statistics.mean(diffs)
        half = T_TABLE[n - 1] * statistics.stdev(diffs) / n**0.5
        row = _row(table, domain.name)
        assert row[2].value == n  # households (one unit per household here)
        assert row[6].value == pytest.approx(mean, abs=0.005)
        assert row[7].value == pytest.approx(mean - half, abs=0.01)
        assert row[8].value == pytest.approx(mean + half, abs=0.01)


@pytest.mark.parametrize(
    "end",
    [
        PERIOD[1],  # after every assessment: the summary alone
        PERIOD[0] + timedelta(days=380),  # between assessments: latest looked up per subject
        PERIOD[0] + timedelta(days=30),  # before most second assessments
        PERIOD[0] - timedelta(days=1),  # before any assessment
    ],
)
def test_zrm_summary_gives_the_same_figures_as_the_assessments(
    report_data, regional, team_lead, end
):
    """The maintained first/latest summary against the window query over the assessments."""
    from maatpact.reports.sections.assessments import zrm_change_rows

    for user in (regional, team_lead):
        ctx = build_context(user, PERIOD[0] - timedelta(days=400), end)
        assert zrm_change_rows(ctx) == zrm_change_rows(ctx, reference=True)


def test_zrm_summary_after_a_new_assessment_and_a_deleted_one(report_data, regional):
    from maatpact.assessments.models import Score
    from maatpact.reports.sections.assessments import zrm_change_rows

    h = report_data.households[1]
    latest = Assessment.objects.filter(household=h).order_by("assessed_on").last()
    new = Assessment.objects.create(
        household=h,
        instrument=latest.instrument,
        assessed_on=latest.assessed_on + timedelta(days=30),
    )
    Score.objects.create(assessment=new, domain=report_data.domains[0], score=5)
    ctx = build_context(regional, *PERIOD)
    before = zrm_change_rows(ctx)
    assert before == zrm_change_rows(ctx, reference=True)
    latest.delete()
    new.delete()
    assert zrm_change_rows(ctx) == zrm_change_rows(ctx, reference=True) != before


def test_t_quantile_above_table():
    assert t975(60) == pytest.approx(2.000, abs=0.002)
    assert t975(120) == pytest.approx(1.980, abs=0.002)


def test_own_rating_per_quarter(report):
    start, end = PERIOD
    per_quarter: dict[str, list[int]] = {}
    for a in Assessment.objects.filter(assessed_on__gte=start, assessed_on__lte=end):
        key = f"{a.assessed_on.year}-K{(a.assessed_on.month - 1) // 3 + 1}"
        per_quarter.setdefault(key, []).append(a.own_rating)
    table = _section(report, "own_rating").table("eigen_cijfer")
    assert [r[0].value for r in table.rows] == sorted(per_quarter)
    for row in table.rows:
        assert row[3].value == pytest.approx(statistics.mean(per_quarter[row[0].value]), abs=0.005)


def test_obstacles_by_type(report):
    expected = Counter(o.get_type_display() for o in Obstacle.objects.all())
    table = _section(report, "obstacles").table("soort")
    assert {r[0].value: r[1].value for r in table.rows} == dict(expected)


def test_system_cost_before_and_during_per_financier(report, report_data):
    """Against the day-by-day plain-Python reference (tests/reports/reference.py)."""
    start, end = PERIOD
    expected = reference.system_cost(
        Household.objects.all(), Provision.objects.all(), start, min(end, date.today())
    )
    table = _section(report, "system_cost").table("per_financier")
    rows = [(org.name, org.pk) for org in (report_data.insurer, report_data.municipality_org)]
    for name, key in [*rows, ("Totaal", "total")]:
        row, want = _row(table, name), expected[key]
        assert row[1].value == want.households
        assert row[3].value == want.before
        assert row[4].value == want.during
        assert row[5].value == want.before_per_household
        assert row[6].value == want.during_per_year
        assert row[7].value == want.during_per_year - want.before_per_household


def test_report_query_count_is_constant(report_data, regional, coordinator):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    with CaptureQueriesContext(connection) as few:
        build_report(build_context(regional, *PERIOD))
    with CaptureQueriesContext(connection) as few_warm:
        build_report(build_context(regional, *PERIOD))
    for _ in range(4):
        factories.household(coordinator)
    cache.clear()  # cold again (the new data moved the versions anyway)
    with CaptureQueriesContext(connection) as many:
        build_report(build_context(regional, *PERIOD))
    with CaptureQueriesContext(connection) as many_warm:
        build_report(build_context(regional, *PERIOD))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_warm.captured_queries) == len(few_warm.captured_queries)
    assert len(few_warm.captured_queries) < len(few.captured_queries)
