"""The sections, exports and tiles contributed by budget, obstacles, learning and outcomes:
figures against plain-Python computations, suppression, PDF and page headings, queries."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maatpact.budget.models import Allocation, Spend
from maatpact.learning.models import ApproachChange, Lesson, ReflectionSession, Theme
from maatpact.obstacles.models import Obstacle, StructuralProposal
from maatpact.outcomes import savings
from maatpact.outcomes.models import AchievedOutcome
from maatpact.outcomes.selectors import savings_report
from maatpact.reports.context import build_context
from maatpact.reports.registry import RESERVED_SECTIONS, get_section
from maatpact.reports.selectors import build_report, section_for
from maatpact.reports.views import render_pdf
from tests.conftest import login

from .conftest import PERIOD
from .wiring import add_wiring

START, END = PERIOD
NEW = ("budget", "escalations", "proposals", "savings", "sib", "lessons")


@pytest.fixture
def wired(report_data, coordinator, team_lead, regional):
    return add_wiring(report_data, coordinator, team_lead, regional)


def _ctx(user):
    return build_context(user, *PERIOD)


def _row(table, first):
    return next(r for r in table.rows if r[0].value == first)


def _local(d):
    return timezone.localtime(d).date()


# --- Budget -----------------------------------------------------------------------------


def test_budget_section_against_python(wired, regional):
    result = section_for(_ctx(regional), "budget")
    granted = [
        s
        for s in Spend.objects.all()
        if s.status in ("goedgekeurd", "betaald", "teruggedraaid") and _local(s.decided_at) <= END
    ]
    in_period = [s for s in granted if _local(s.decided_at) >= START]
    net = sum((s.amount - s.reversed_amount for s in in_period), Decimal(0))
    assert net == Decimal("100.00") + 110 + 120 + 130 + 140 + 150 - 40
    row = _row(result.table("per_gemeente"), "Tilburg")
    allocated = sum(a.allocated for a in Allocation.objects.filter(municipality__name="Tilburg"))
    assert row[1].value == allocated == Decimal("10000.00")
    assert row[2].value == net
    assert row[3].value == net  # the spend approved after the period does not count
    assert row[4].value == pytest.approx(float(net / allocated * 100), abs=0.05)
    assert row[5].value == len({s.household_id for s in in_period}) == 6
    per_cat = defaultdict(lambda: [0, Decimal(0), set()])
    for s in in_period:
        per_cat[s.get_category_display()][0] += 1
        per_cat[s.get_category_display()][1] += s.amount - s.reversed_amount
        per_cat[s.get_category_display()][2].add(s.household_id)
    table = result.table("per_soort")
    assert len(table.rows) == len(per_cat) == 2
    for name, (n, total, households) in per_cat.items():
        r = _row(table, name)
        assert (r[1].value, r[2].value, r[3].value) == (n, total, len(households))
    assert {f.key: f.value for f in result.figures}["besteed"] == net


def test_budget_small_cells_hidden_for_team_lead(wired, team_lead, regional):
    lead = section_for(_ctx(team_lead), "budget").table("per_soort")
    exact = section_for(_ctx(regional), "budget").table("per_soort")
    for r_lead, r_exact in zip(lead.rows, exact.rows, strict=True):
        # three households per category: below five, so hidden outside the regional team
        assert r_exact[3].value == 3 and not r_exact[2].suppressed
        assert r_lead[2].suppressed and r_lead[2].display == "<5"
    tilburg = _row(section_for(_ctx(team_lead), "budget").table("per_gemeente"), "Tilburg")
    assert not tilburg[2].suppressed  # six households behind the municipality's amount


# --- Escalations and proposals -----------------------------------------------------------


def test_escalations_against_python(wired, regional):
    result = section_for(_ctx(regional), "escalations")
    obstacles = list(Obstacle.objects.select_related("breakthrough", "current_level"))
    days = [
        (o.breakthrough.on - _local(o.raised_at)).days
        for o in obstacles
        if hasattr(o, "breakthrough") and START <= o.breakthrough.on <= END
    ]
    figures = {f.key: f for f in result.figures}
    assert figures["doorbraken"].value == len(days) == 6
    for key, p in (("mediaan", 50), ("p25", 25), ("p75", 75)):
        assert figures[key].value == pytest.approx(float(np.percentile(days, p)), abs=0.06)
    table = result.table("per_trede")
    open_ = [o for o in obstacles if not hasattr(o, "breakthrough")]
    for level_name in ("Regisseur", "Teamleider"):
        row = next(r for r in table.rows if level_name.lower() in r[0].value.lower())
        here = [o for o in open_ if o.current_level and o.current_level.name == row[0].value]
        reached = {
            s.obstacle_id
            for o in obstacles
            for s in o.steps.all()
            if s.level.name == row[0].value and START <= _local(s.at) <= END
        }
        assert row[1].value == len(reached)
        assert row[2].value == len(here)
        assert row[3].value == sum(1 for o in here if o.deadline and o.deadline < END)
    second = next(r for r in table.rows if "teamleider" in r[0].value.lower())
    assert (second[1].value, second[2].value, second[3].value) == (4, 3, 2)


def test_proposals_with_evidence(wired, regional, team_lead):
    result = section_for(_ctx(regional), "proposals")
    table = result.table("voorstellen")
    for p in StructuralProposal.objects.all():
        row = _row(table, p.title)
        assert row[2].value == p.get_status_display()
        assert row[4].value == p.obstacles.count()
        assert row[5].value == len({o.household_id for o in p.obstacles.all()})
    status = {r[0].value: r[1].value for r in result.table("per_status").rows}
    assert status["Aangenomen"] == 1 and status["Concept"] == 1
    # Outside the regional team the evidence of the two-household proposal is hidden.
    lead = section_for(_ctx(team_lead), "proposals").table("voorstellen")
    assert _row(lead, "Wachtlijst signaleren")[5].display == "<5"
    assert _row(lead, "Maatwerkartikel Wmo")[5].display == "6"


# --- Lessons -------------------------------------------------------------------------------


def test_lessons_per_theme(wired, regional):
    result = section_for(_ctx(regional), "lessons")
    table = result.table("per_thema")
    for theme in Theme.objects.all():
        lessons = Lesson.objects.filter(themes=theme)
        row = _row(table, theme.name)
        assert row[1].value == sum(1 for x in lessons if START <= _local(x.created_at) <= END)
        assert row[2].value == sum(1 for x in lessons if _local(x.created_at) <= END)
    figures = {f.key: f.value for f in result.figures}
    held = [s for s in ReflectionSession.objects.all() if START <= s.held_on <= END]
    assert figures["bijeenkomsten"] == len(held) == 1
    assert figures["besproken"] == 3 and figures["reflecties"] == 2
    changes = [c for c in ApproachChange.objects.all() if START <= c.changed_on <= END]
    assert figures["wijzigingen"] == len(changes) == 1
    assert result.table("wijzigingen").rows[0][2].value == 2


# --- Savings and SIB -------------------------------------------------------------------------


def test_savings_section_reuses_the_estimate_with_budget_as_financier(wired, regional):
    result = section_for(_ctx(regional), "savings")
    report = savings_report(as_of=END)
    names = [r[0].value for r in result.table("boekhouding").rows]
    assert savings.SPEND_FINANCIER in names
    for fin in report.accounting:
        row = _row(result.table("boekhouding"), fin.name)
        assert float(row[3].value) == pytest.approx(fin.saved, abs=0.01)
    # Too few households for the comparison group: the reason is printed, no number.
    assert report.did_total.effect is None
    assert any("Te weinig huishoudens" in n for n in result.notes)
    assert any("selectie" in n for n in result.notes)


def test_sib_outcomes_and_payments_regional(wired, regional, report_data):
    result = section_for(_ctx(regional), "sib")
    outcomes = [o for o in AchievedOutcome.objects.all() if START <= o.achieved_on <= END]
    figures = {f.key: f.value for f in result.figures}
    assert figures["bereikt"] == len(outcomes) == 8
    assert figures["geverifieerd"] == sum(1 for o in outcomes if o.status == "geverifieerd") == 7
    payments = {r[0].value: r for r in result.table("betalingen").rows}
    insurer = payments[f"{report_data.insurer.name} (SIB rapport-test)"]
    municipality = payments[f"{report_data.municipality_org.name} (SIB rapport-test)"]
    # Verified in the period, paid per outcome by the rate card (no deadweight, caps).
    evicted_verified = sum(
        1
        for o in outcomes
        if o.status == "geverifieerd" and o.definition.code == "huisuitzetting-voorkomen"
    )
    assert insurer[3].value == Decimal("1000.00") * evicted_verified
    assert municipality[3].value == Decimal("400.00") * evicted_verified + Decimal("250.00") * 1


def test_sib_financier_sees_only_its_own_organisation(wired, financier, report_data):
    result = section_for(_ctx(financier), "sib")
    rows = result.table("betalingen").rows
    assert [r[0].value for r in rows] == [f"{report_data.insurer.name} (SIB rapport-test)"]
    # Only outcomes on the insurer's rate card: the other definition is not listed.
    assert len(result.table("resultaten").rows) == 1


def test_financier_dashboard_tiles(client, wired, financier):
    login(client, financier)
    tiles = {t.title: t for t in client.get(reverse("reports:dashboard")).context["tiles"]}
    assert tiles["Resultaten voor uw organisatie"].value == "7"
    statement = tiles["Uw SIB-afrekeningen"]
    assert statement.value == 1
    assert statement.rows == [("SIB rapport-test: betaald", "€ 6.000,00")]


# --- Exports ---------------------------------------------------------------------------------


def test_exports_hold_no_free_text(client, wired, analyst):
    import zipfile

    login(client, analyst)
    response = client.post(
        reverse("reports:export"), {"soort": "csv", "gegevens": ["bestedingen", "uitkomsten"]}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    spends = archive.read("bestedingen.csv").decode("utf-8-sig")
    outcomes = archive.read("uitkomsten.csv").decode("utf-8-sig")
    assert len(spends.strip().splitlines()) == 1 + Spend.objects.count()
    assert len(outcomes.strip().splitlines()) == 1 + AchievedOutcome.objects.count()
    for text in ("Huurachterstand", "huisuitzetting", "Deels terugbetaald"):
        assert text not in spends
    assert "P-" in spends and "huisuitzetting-voorkomen" in outcomes


# --- The whole report --------------------------------------------------------------------------


def test_every_reserved_section_on_the_regional_page(client, wired, regional):
    login(client, regional)
    html = client.get(reverse("reports:interim"), {"van": START, "tot": END}).content.decode()
    for key in RESERVED_SECTIONS:
        assert get_section(key) is not None, key
        assert get_section(key).title in html, key


def test_reserved_sections_appear_even_without_data(client, report_data, regional):
    login(client, regional)
    html = client.get(reverse("reports:interim"), {"van": START, "tot": END}).content.decode()
    for key in RESERVED_SECTIONS:
        assert get_section(key).title in html, key


def test_pdf_contains_the_new_headings(wired, regional):
    pdf = render_pdf(_ctx(regional))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for key in NEW:
        assert get_section(key).title in text, key


@pytest.mark.parametrize("key", NEW)
def test_section_runs_a_constant_number_of_queries(key, wired, regional, coordinator):
    from django.core.cache import cache

    from tests import factories

    with CaptureQueriesContext(connection) as few:
        section_for(_ctx(regional), key)
    with CaptureQueriesContext(connection) as few_warm:
        section_for(_ctx(regional), key)
    for _ in range(3):
        h = factories.household(coordinator)
        AchievedOutcome.objects.create(
            household=h,
            definition=AchievedOutcome.objects.first().definition,
            achieved_on=START,
            evidence={},
            evaluated_at=timezone.now(),
        )
    cache.clear()  # cold again (the new data moved the versions anyway)
    with CaptureQueriesContext(connection) as many:
        section_for(_ctx(regional), key)
    with CaptureQueriesContext(connection) as many_warm:
        section_for(_ctx(regional), key)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_warm.captured_queries) == len(few_warm.captured_queries)


def test_report_for_every_audience(wired, regional, analyst, team_lead, financier):
    seen = {}
    for user in (regional, analyst, team_lead, financier):
        seen[user.role] = {s.section.key for s in build_report(_ctx(user)).sections}
    assert set(NEW) <= seen["programmateam"]
    assert {"budget", "escalations", "proposals", "lessons"} <= seen["teamleider"]
    assert {"savings", "sib"} <= seen["financier"]
    assert "budget" not in seen["financier"]


def test_report_json_hides_small_cells_of_new_sections(client, wired, team_lead):
    login(client, team_lead)
    response = client.get("/api/v1/reports/interim/", {"van": START, "tot": END})
    assert response.status_code == 200
    sections = {s["key"]: s for s in response.json()["sections"]}
    assert {"budget", "escalations", "proposals", "lessons"} <= set(sections)
    per_soort = next(t for t in sections["budget"]["tables"] if t["key"] == "per_soort")
    for row in per_soort["rows"]:
        assert row[2] == {"display": "<5", "value": None, "suppressed": True}
    assert "Huurachterstand" not in response.content.decode()
