"""The remaining report sections, cached per scope and period: each writing service moves
the next figure to exactly what an uncached computation gives, an unrelated write costs no
recomputation, and no audience ever sees another's cached figure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maatpact.assessments import services as assessment_services
from maatpact.budget import services as budget_services
from maatpact.budget.models import Allocation
from maatpact.common import versions
from maatpact.households import services as household_services
from maatpact.households.models import Cohort
from maatpact.learning import services as learning_services
from maatpact.learning.models import Lesson, Reflection, Theme
from maatpact.obstacles import services as obstacle_services
from maatpact.obstacles.models import EscalationLevel, StructuralProposal
from maatpact.outcomes import services as outcome_services
from maatpact.outcomes.models import AchievedOutcome
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality
from maatpact.reports.context import build_context
from maatpact.reports.registry import get_section
from maatpact.reports.selectors import section_for
from maatpact.reports.suppression import protect
from tests.budget.helpers import fund_for
from tests.obstacles.helpers import at

from .conftest import PERIOD
from .wiring import add_wiring

START, END = PERIOD
CACHED = ["households", "first_help", "budget", "obstacles", "escalations", "proposals", "lessons"]


@pytest.fixture
def wired(report_data, coordinator, team_lead, regional):
    return add_wiring(report_data, coordinator, team_lead, regional)


def _cells(result):
    if result is None:
        return None
    figures = [(f.key, f.display, f.suppressed) for f in result.figures]
    tables = [[(c.display, c.suppressed) for c in row] for t in result.tables for row in t.rows]
    return figures, tables


def _shown(user, key):
    """What the page shows (through the cache)."""
    return _cells(section_for(build_context(user, START, END), key))


def _fresh(user, key):
    """The same section computed now, without any cache."""
    ctx = build_context(user, START, END)
    result = get_section(key).compute(ctx)
    return _cells(None if result is None else protect(result, exact=ctx.exact))


# Transaction and planner settings of the report's session (PostgreSQL), not data reads.
SESSION = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


def _queries(fn) -> int:
    """Queries that read data (a warm cached section: only the data versions)."""
    with CaptureQueriesContext(connection) as captured:
        fn()
    return sum(not q["sql"].startswith(SESSION) for q in captured.captured_queries)


def test_the_remaining_sections_declare_their_sources():
    for key in CACHED:
        assert get_section(key).sources, key
    assert get_section("escalations").cache_key is not None  # judged on today's date
    # SIB depends on the reader (visible contracts): only its outcome counts are cached.
    assert not get_section("sib").sources


@pytest.mark.parametrize("key", CACHED)
def test_a_warm_section_costs_one_query(key, wired, regional):
    cold = _queries(lambda: _shown(regional, key))
    assert _queries(lambda: _shown(regional, key)) == 1 < cold  # the data versions


# --- Each writing service: the next figure is the uncached one ------------------------


def _close(data, coordinator, **_):
    household_services.change_status(
        coordinator, data.tilburg[3], "afgesloten", reason="Doelen bereikt", on=date(2024, 6, 1)
    )


def _start(data, coordinator, team_lead, **_):
    household = data.tilburg[6]  # registered, never selected
    cohort = Cohort.objects.first()
    # The fixture household has no ZRM: a team lead selects it outside the criteria.
    # Back-dated steps keep their order (selection before the start).
    household_services.change_status(
        team_lead,
        household,
        "geselecteerd",
        cohort=cohort,
        override_reason="Test: vervolg",
        on=date(2024, 10, 1),
    )
    household_services.change_status(coordinator, household, "actief", on=date(2024, 11, 1))


def _register(data, coordinator, **_):
    from tests import factories

    factories.household(coordinator, registered_on=date(2024, 3, 1))  # intake in the period


def _cohort_phase(**_):
    cohort = Cohort.objects.first()
    cohort.phase = 2
    cohort.save()  # in the admin


def _rename_municipality(**_):
    tilburg = Municipality.objects.get(name="Tilburg")
    tilburg.name = "Tilburg (hernoemd)"
    tilburg.save()  # in the admin


# Budget writes are booked inside the period: the section counts a reversal, an
# allocation and a transfer on the day they were booked (a later one leaves it unchanged).
def _in_period():
    return time_machine.travel(at(2024, 8, 1), tick=False)


def _spend(data, coordinator, team_lead, wired, **_):
    with _in_period():
        budget_services.reverse_spend(team_lead, wired.spends[2], "20.00", "Teruggeboekt")


def _allocation(regional, **_):
    with _in_period():
        fund_for("Goirle", "3000.00", regional=regional)  # create_fund and apply_allocation


def _transfer(regional, **_):
    source = Allocation.objects.get(fund__name__startswith="Fonds", municipality__name="Tilburg")
    target = Allocation.objects.get(fund=source.fund, municipality__name="Goirle")
    with _in_period():
        budget_services.transfer(regional, source, target, "1000.00", "Meer vraag in Goirle")


def _raise(data, coordinator, **_):
    obstacle_services.raise_obstacle(
        coordinator,
        obstacle_services.ObstacleData(
            type="wet",
            description="Nieuw knelpunt",
            law=Law.objects.get(code="wmo"),
            delay_days=30,
            harm_euros=Decimal("100.00"),
        ),
        household=data.tilburg[4],
        now=at(2024, 8, 1),
    )


def _rename_law(**_):
    law = Law.objects.get(code="wmo")
    law.name = "Wmo (hernoemd)"
    law.save()  # in the admin


def _escalate(wired, team_lead, **_):
    # Open, on level 2 (the team lead's), in Tilburg.
    obstacle = next(o for o in wired.obstacles[6:] if o.municipality.name == "Tilburg")
    obstacle_services.escalate(team_lead, obstacle, note="Komt niet verder", now=at(2024, 6, 3))


def _escalate_overdue(**_):
    assert obstacle_services.escalate_overdue(now=at(2024, 6, 3))


def _breakthrough(wired, team_lead, **_):
    obstacle = next(o for o in wired.obstacles[6:] if o.municipality.name == "Tilburg")
    obstacle_services.record_breakthrough(
        team_lead, obstacle, what="Opgelost", broken_by="Wethouder", on=date(2024, 12, 1)
    )


def _rename_level(**_):
    level = EscalationLevel.objects.get(code="teamleider")
    level.name = "Teamleider (hernoemd)"
    level.save()  # in the admin


def _propose(wired, regional, **_):
    obstacle_services.create_proposal(
        regional,
        title="Nieuw voorstel",
        kind="beleid",
        proposal="Tekst",
        rationale="Onderbouwing",
        obstacle_ids=[o.pk for o in wired.obstacles[:3]],
        now=at(2024, 10, 1),
    )


def _submit(regional, **_):
    draft = StructuralProposal.objects.get(status="concept")
    obstacle_services.change_proposal_status(regional, draft, "ingediend", on=date(2024, 8, 1))


def _reflect(data, coordinator, **_):
    learning_services.write_reflection(
        coordinator,
        data.tilburg[3],
        what_happened="Gesprek",
        what_worked="Luisteren",
        now=at(2024, 9, 1),
    )


def _session(data, coordinator, team_lead, **_):
    learning_services.record_session(
        team_lead,
        held_on=date(2024, 9, 1),
        title="Intervisie",
        participants=[coordinator],
        households=data.tilburg[3:5],
    )


def _lesson(team_lead, **_):
    learning_services.add_lesson(
        team_lead,
        title="Les",
        body="Tekst",
        themes=list(Theme.objects.order_by("name")[:1]),
        now=at(2024, 9, 1),
    )


def _change(team_lead, **_):
    learning_services.log_change(
        team_lead,
        changed_on=date(2024, 10, 1),
        title="Anders werken",
        description="Omdat",
        lessons=list(Lesson.objects.all()[:1]),
    )


def _rename_theme(**_):
    theme = Theme.objects.order_by("name").first()
    theme.name = f"{theme.name} (hernoemd)"
    theme.save()


WRITES = [
    ("households", _close),
    ("households", _start),
    ("households", _register),
    ("households", _cohort_phase),
    ("households", _rename_municipality),
    ("first_help", _start),
    ("budget", _spend),
    ("budget", _allocation),
    ("budget", _transfer),
    ("budget", _rename_municipality),
    ("obstacles", _raise),
    ("obstacles", _rename_law),
    ("escalations", _raise),
    ("escalations", _escalate),
    ("escalations", _escalate_overdue),
    ("escalations", _breakthrough),
    ("escalations", _rename_level),
    ("proposals", _propose),
    ("proposals", _submit),
    ("lessons", _reflect),
    ("lessons", _session),
    ("lessons", _lesson),
    ("lessons", _change),
    ("lessons", _rename_theme),
]


@pytest.mark.parametrize(
    ("key", "write"), WRITES, ids=[f"{k}-{w.__name__.strip('_')}" for k, w in WRITES]
)
def test_each_writing_service_moves_the_cached_section(
    key, write, wired, report_data, coordinator, team_lead, regional
):
    before = _shown(regional, key)
    assert _queries(lambda: _shown(regional, key)) == 1  # cached
    write(
        data=report_data,
        coordinator=coordinator,
        team_lead=team_lead,
        regional=regional,
        wired=wired,
    )
    after = _shown(regional, key)
    assert after == _fresh(regional, key)  # exactly what an uncached computation gives
    assert after != before


def test_writes_without_a_visible_effect_still_move_their_source(wired, coordinator, regional):
    """The whole source moves on every write, so a section added later cannot go stale."""
    reflection = Reflection.objects.filter(author=coordinator).first()
    v = versions.data_versions([versions.LEARNING])
    learning_services.edit_reflection(
        coordinator, reflection, what_happened="Anders", what_worked="Ook anders"
    )
    assert versions.data_versions([versions.LEARNING]) > v
    v = versions.data_versions([versions.BUDGET])
    fund = budget_services.create_fund(regional, region_id=1, name="Leeg fonds", amount="10.00")
    assert fund.pk and versions.data_versions([versions.BUDGET]) > v


def test_an_overdue_run_that_moves_nothing_records_nothing(wired):
    obstacle_services.escalate_overdue(now=at(2024, 6, 3))
    v = versions.data_versions([versions.OBSTACLES])
    assert obstacle_services.escalate_overdue(now=at(2024, 6, 3)) == []
    assert versions.data_versions([versions.OBSTACLES]) == v


# --- Unrelated writes cost no recomputation ----------------------------------------------


def _assess(data, coordinator, **_):
    assessment_services.record_assessment(
        coordinator,
        data.tilburg[0],
        assessed_on=date(2024, 12, 1),
        scores={"hh_financien": 4},
        instrument=data.domains[0].instrument,
    )


def _hand_over(data, coordinator, team_lead, **_):
    from tests import factories

    household_services.hand_over(
        team_lead, data.tilburg[0], factories.user(), reason="Verlof van de regisseur"
    )


UNRELATED = [
    ("households", _assess),
    ("households", _raise),
    ("households", _lesson),
    ("households", _hand_over),
    ("first_help", _spend),
    ("budget", _raise),
    ("budget", _reflect),
    ("obstacles", _lesson),
    ("obstacles", _spend),
    ("obstacles", _close),  # obstacles are scoped by municipality, not by household
    ("escalations", _assess),
    ("proposals", _reflect),
    ("lessons", _raise),
    ("lessons", _spend),
    ("lessons", _assess),
]


@pytest.mark.parametrize(
    ("key", "write"), UNRELATED, ids=[f"{k}-{w.__name__.strip('_')}" for k, w in UNRELATED]
)
def test_an_unrelated_write_does_not_recompute(
    key, write, wired, report_data, coordinator, team_lead, regional
):
    before = _shown(regional, key)
    write(
        data=report_data,
        coordinator=coordinator,
        team_lead=team_lead,
        regional=regional,
        wired=wired,
    )
    assert _queries(lambda: _shown(regional, key)) == 1  # still the cached figure
    assert _shown(regional, key) == before == _fresh(regional, key)


# --- Audiences and the date ---------------------------------------------------------------


@pytest.mark.parametrize("key", CACHED)
def test_no_audience_sees_another_audiences_cached_figure(
    key, wired, regional, analyst, team_lead, goirle_team_lead
):
    audiences = get_section(key).audiences
    users = [regional, analyst, team_lead, goirle_team_lead]
    users = [u for u in users if build_context(u, START, END).audience in audiences]
    first = {u.pk: _shown(u, key) for u in users}
    for u in users:
        assert _shown(u, key) == first[u.pk] == _fresh(u, key)  # warm, and its own
    cache.clear()
    for u in reversed(users):
        assert _shown(u, key) == first[u.pk]
    if key in ("households", "budget", "obstacles", "escalations"):
        assert first[team_lead.pk] != first[regional.pk]  # Tilburg only / suppressed


def test_escalations_are_judged_on_today_while_the_period_runs(wired, regional):
    """A deadline that passes tomorrow must show as overdue tomorrow, cache or not."""
    from maatpact.common import dates
    from tests.clock import frozen

    today = dates.today()
    ctx_end = today + timedelta(days=400)
    section = get_section("escalations")
    key_today = section.cache_key(build_context(regional, START, ctx_end))
    with frozen(dates.local_moment(today + timedelta(days=1))):
        assert section.cache_key(build_context(regional, START, ctx_end)) != key_today
    assert section.cache_key(build_context(regional, START, END)) == END  # a closed period


# --- SIB: the outcome counts are cached, the payments stay the reader's own -----------------


def _sib(user):
    result = section_for(build_context(user, START, END), "sib")
    return [[(c.display, c.suppressed) for c in row] for t in result.tables for row in t.rows]


def _sib_fresh(user):
    from maatpact.outcomes import reports as outcome_reports

    ctx = build_context(user, START, END)
    original = outcome_reports.versions.cached_figure
    try:
        outcome_reports.versions.cached_figure = lambda name, params, sources, compute: compute()
        result = protect(get_section("sib").compute(ctx), exact=ctx.exact)
    finally:
        outcome_reports.versions.cached_figure = original
    return [[(c.display, c.suppressed) for c in row] for t in result.tables for row in t.rows]


def test_sib_outcome_counts_follow_verification_and_stay_per_reader(wired, regional, financier):
    before = {u.pk: _sib(u) for u in (regional, financier)}
    assert before[regional.pk] != before[financier.pk]  # the financier: its own part only
    outcome = AchievedOutcome.objects.get(status="te_verifieren")
    outcome_services.verify_outcome(regional, outcome)
    for user in (regional, financier):
        assert _sib(user) == _sib_fresh(user)
    assert _sib(regional) != before[regional.pk]


def test_sib_outcome_counts_not_recomputed_for_an_unrelated_write(wired, regional, team_lead):
    from maatpact.outcomes import reports as outcome_reports

    ctx = build_context(regional, START, END)
    outcome_reports.outcome_counts(ctx, None)
    _lesson(team_lead=team_lead)
    assert _queries(lambda: outcome_reports.outcome_counts(ctx, None)) == 1


def test_sib_financier_counts_follow_a_new_rate_card_line(wired, regional, financier, report_data):
    """The financier's definitions are read per request: a line added on the SIB pages
    shows at once, without any version to move."""
    from maatpact.outcomes.models import ContractPayer, OutcomeDefinition, RateCardLine

    before = _sib(financier)
    payer = ContractPayer.objects.get(contract=wired.contract, organisation=report_data.insurer)
    used = RateCardLine.objects.filter(payer=payer).values("definition_id")
    definition = (
        OutcomeDefinition.objects.filter(pk__in=AchievedOutcome.objects.values("definition_id"))
        .exclude(pk__in=used)
        .first()
    )
    outcome_services.add_rate_line(
        regional, wired.contract, definition=definition, payer=payer, price=Decimal("10.00")
    )
    assert _sib(financier) == _sib_fresh(financier) != before
