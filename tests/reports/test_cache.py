"""Cached report figures (savings estimate, SIB payments): recomputed on the first request
after any writing service changed their inputs, never stale, never across audiences."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maatpact.assessments import services as assessment_services
from maatpact.budget import services as budget_services
from maatpact.common import versions
from maatpact.households import services as household_services
from maatpact.outcomes import selectors as outcome_selectors
from maatpact.outcomes import services as outcome_services
from maatpact.outcomes.models import AchievedOutcome
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law, Provision
from maatpact.reports.context import build_context
from maatpact.reports.selectors import section_for
from tests.budget.helpers import goal_for, request

from .conftest import PERIOD
from .wiring import add_wiring

START, END = PERIOD
TODAY = timezone.localdate()
AS_OF = TODAY + timedelta(days=1)  # so a spend made today counts in the estimate


@pytest.fixture
def wired(report_data, coordinator, team_lead, regional):
    return add_wiring(report_data, coordinator, team_lead, regional)


def _fresh_savings():
    """The estimate computed now, bypassing the cache."""
    return outcome_selectors._savings_report(
        AS_OF,
        float(settings.MAATPACT.get("DISCOUNT_RATE", 0.0225)),
        int(settings.MAATPACT.get("SAVINGS_MIN_GROUP", 20)),
    )


def _savings_table(user):
    result = section_for(build_context(user, START, TODAY), "savings")
    return [[c.display for c in row] for row in result.table("boekhouding").rows]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_savings_is_computed_once_until_its_data_changes(wired, regional):
    cold = _queries(lambda: outcome_selectors.savings_report(as_of=AS_OF))
    warm = _queries(lambda: outcome_selectors.savings_report(as_of=AS_OF))
    assert warm == 1 < cold  # one query: the data versions
    assert outcome_selectors.savings_report(as_of=AS_OF) == _fresh_savings()


def _write_provision(data, coordinator, **_):
    household = data.tilburg[0]
    provision_services.add_provision(
        coordinator,
        household,
        law=Law.objects.get(code="wmo"),
        financier=data.insurer,
        description="Extra begeleiding",
        starts_on=household.started_on + timedelta(days=5),
        amount="900.00",
    )


def _update_provision(data, coordinator, **_):
    provision = Provision.objects.filter(household=data.tilburg[1], ends_on__isnull=True).first()
    provision_services.update_provision(coordinator, provision, amount="999.00")


def _spend(data, coordinator, **_):
    household = data.tilburg[2]
    budget_services.request_spend(
        coordinator, household, request(goal_for(household), amount="75.00", category="wonen")
    )


def _reverse(data, team_lead, wired, **_):
    budget_services.reverse_spend(team_lead, wired.spends[1], "10.00", "Teruggeboekt")


def _close(data, coordinator, **_):
    household_services.change_status(
        coordinator, data.tilburg[3], "afgesloten", reason="Doelen bereikt", on=date(2024, 6, 1)
    )


def _rename(data, **_):
    data.insurer.name = "Zorgverzekeraar Hernoemd (fictief)"
    data.insurer.save()


@pytest.mark.parametrize(
    "write", [_write_provision, _update_provision, _spend, _reverse, _close, _rename]
)
def test_each_writing_service_invalidates_the_savings_estimate(
    write, wired, report_data, coordinator, team_lead, regional
):
    before = outcome_selectors.savings_report(as_of=AS_OF)
    shown = _savings_table(regional)
    write(data=report_data, coordinator=coordinator, team_lead=team_lead, wired=wired)
    after = outcome_selectors.savings_report(as_of=AS_OF)
    assert after == _fresh_savings()  # exactly what an uncached computation gives
    assert after != before
    if write is not _spend:  # (the page's estimate is as of today: a spend of today is day 0)
        assert _savings_table(regional) != shown  # and the page shows it


def test_sib_payments_follow_a_verification(wired, regional):
    def paid():
        result = section_for(build_context(regional, *PERIOD), "sib")
        return [[c.value for c in row] for t in result.tables for row in t.rows]

    before = paid()
    outcome = AchievedOutcome.objects.get(status="te_verifieren")
    outcome_services.verify_outcome(regional, outcome)
    assert paid() != before


def test_assessment_writes_move_the_data_version(report_data, coordinator):
    version = versions.data_versions([versions.ASSESSMENTS])
    household = report_data.tilburg[0]
    assessment_services.record_assessment(
        coordinator,
        household,
        assessed_on=date(2025, 1, 5),
        scores={"hh_financien": 4},
        instrument=report_data.domains[0].instrument,
    )
    assert versions.data_versions([versions.ASSESSMENTS]) > version


def test_cached_figures_keep_each_audience_its_own_suppression(wired, regional, financier):
    """The cache holds exact figures; the small-cell rule is applied per reader after it."""
    exact = section_for(build_context(regional, *PERIOD), "savings")
    protected = section_for(build_context(financier, *PERIOD), "savings")
    assert not any(f.suppressed for f in exact.figures)
    assert all(f.suppressed for f in protected.figures if f.households < 5)
    again = section_for(build_context(regional, *PERIOD), "savings")
    assert [f.display for f in again.figures] == [f.display for f in exact.figures]


def test_versions_survive_compaction(db):
    versions.data_changed(versions.PROVISIONS)
    versions.data_changed(versions.PROVISIONS, versions.BUDGET)
    before = versions.data_versions([versions.PROVISIONS, versions.BUDGET])
    assert before == (2, 1)
    versions.compact(versions.PROVISIONS)
    assert versions.data_versions([versions.PROVISIONS, versions.BUDGET]) == before
    versions.data_changed(versions.PROVISIONS)
    assert versions.data_versions([versions.PROVISIONS]) == (3,)


def _table(user, key, end=END):
    result = section_for(build_context(user, START, end), key)
    return [[(c.display, c.suppressed) for c in row] for t in result.tables for row in t.rows]


def test_cached_sections_follow_assessment_and_provision_writes(report_data, coordinator, regional):
    from maatpact.reports.registry import get_section

    assert get_section("zrm").sources and get_section("system_cost").sources
    zrm, own, cost = (_table(regional, k, TODAY) for k in ("zrm", "own_rating", "system_cost"))
    household = report_data.tilburg[1]
    assessment_services.record_assessment(
        coordinator,
        household,
        assessed_on=TODAY,
        scores={"hh_financien": 5, "hh_huisvesting": 5},
        own_rating=10,
        instrument=report_data.domains[0].instrument,
    )
    assert _table(regional, "zrm", TODAY) != zrm
    assert _table(regional, "own_rating", TODAY) != own
    _write_provision(report_data, coordinator)
    assert _table(regional, "system_cost", TODAY) != cost


def test_cached_sections_never_cross_scopes(report_data, regional, team_lead):
    """The regional team's region-wide table, then the Tilburg team lead's: each gets its
    own households and its own small-cell rule, cached or not."""
    from django.core.cache import cache

    regional_zrm = _table(regional, "zrm")
    lead_zrm = _table(team_lead, "zrm")
    assert lead_zrm != regional_zrm  # Tilburg only: fewer households
    assert _table(team_lead, "zrm") == lead_zrm  # warm, from the cache
    assert _table(regional, "zrm") == regional_zrm
    cache.clear()
    assert _table(team_lead, "zrm") == lead_zrm  # the same as computed without the cache
