"""Every interim-report figure reconciled two ways (issue 13).

``reports/check.py`` recomputes each figure in plain Python over the plain rows. Here
that check is first held against numbers worked out by hand (so it is itself right), then
the report — exact figures, the JSON, the page and the PDF — against the check, for the
region and each municipality, several periods (households that start or stop inside
them, a period with no data, one running to today), and a financier's own part. A figure
changed on purpose must show up as a difference, for every section.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from maatpact.budget import services as budget_services
from maatpact.common import dates
from maatpact.learning.models import Reflection
from maatpact.obstacles.models import Obstacle
from maatpact.outcomes.models import AchievedOutcome, OutcomeDefinition, PaymentPeriod
from maatpact.reports import check
from maatpact.reports.context import build_context
from maatpact.reports.registry import get_section
from maatpact.reports.selectors import build_report, section_for
from maatpact.reports.views import render_pdf
from tests import factories
from tests.budget.helpers import goal_for, request
from tests.conftest import login

from .conftest import PERIOD
from .test_periods import YEAR_2024, budget, statuses  # noqa: F401 (fixtures)
from .test_system_cost import hand  # noqa: F401 (fixture)
from .wiring import add_wiring, dt

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def wired(report_data, coordinator, team_lead, regional):
    return add_wiring(report_data, coordinator, team_lead, regional)


def _ctx(user, period=PERIOD, municipality=None):
    return build_context(user, *period, municipality)


# --- The check against numbers worked out by hand ---------------------------------------


def test_check_first_help_by_hand(report_data, regional):
    """Waiting 10, 20, ..., 90 days (i = 0..8), household 6 never started."""
    out = check.check_first_help(_ctx(regional))
    # Sorted 10 20 30 40 50 60 80 90: median at position 3.5 = 45; P25 at 1.75 = 27.5;
    # P75 at 5.25 = 60 + 0.25 × 20 = 65.
    assert [out[k].exact for k in ("mediaan", "p25", "p75")] == [45, Fraction(55, 2), 65]
    assert out["verdeling[0–30 dagen].Huishoudens"] == 3
    assert out["verdeling[31–60 dagen].Huishoudens"] == 3
    assert out["verdeling[61–90 dagen].Huishoudens"] == 2
    assert out["verdeling[meer dan 180 dagen].Huishoudens"] == 0
    assert out["verdeling[Totaal].Huishoudens"] == 8


def test_check_obstacles_escalations_proposals_lessons_by_hand(wired, regional):
    ctx = _ctx(regional)
    out = check.check_obstacles(ctx)
    law, waiting = (Obstacle.Type(t).label for t in ("wet", "wachtlijst"))
    assert out["totaal"] == 9
    # Obstacle i: delay 10·i days, harm 100·i; "wet" for i < 6, "wachtlijst" for 6, 7, 8.
    assert out[f"soort[{law}].Knelpunten"] == 6
    assert out[f"soort[{law}].Vertraging (gem. dagen)"].exact == 25  # (0 + … + 50) / 6
    assert out[f"soort[{law}].Schade (totaal)"] == Decimal("1500.00")
    assert out[f"soort[{waiting}].Vertraging (gem. dagen)"].exact == 70
    assert out[f"soort[{waiting}].Schade (totaal)"] == Decimal("2100.00")
    assert out["wet[Geen wet].Knelpunten"] == 3

    out = check.check_escalations(ctx)
    # Breakthroughs after 10(i+1) + i² days for i = 0..5: 10 21 34 49 66 85.
    assert out["doorbraken"] == 6
    assert [out[k].exact for k in ("mediaan", "p25", "p75")] == [
        Fraction(83, 2),  # (34 + 49) / 2
        Fraction(97, 4),  # 21 + 0.25 × 13
        Fraction(247, 4),  # 49 + 0.75 × 17
    ]
    levels = [k for k in out if k.startswith("per_trede[") and k.endswith("Bereikt in periode")]
    assert len(levels) >= 2
    reached = [out[k] for k in levels[:2]]
    assert reached == [9, 4]  # every obstacle reached level 1; 5, 6, 7, 8 level 2
    second_level = levels[1].split("]")[0] + "]"
    assert out[f"{second_level}.Open nu"] == 3  # 6, 7, 8 never broke through
    assert out[f"{second_level}.Over de termijn"] == 2  # deadlines 20 Mar and 1 Apr 2024
    assert out[f"{second_level}.Huishoudens (open)"] == 3

    out = check.check_proposals(ctx)
    assert (out["voorstellen"], out["aangenomen"]) == (2, 1)
    assert out["voorstellen[Maatwerkartikel Wmo].Knelpunten"] == 6
    assert out["voorstellen[Maatwerkartikel Wmo].Huishoudens"] == 6
    assert out["voorstellen[Wachtlijst signaleren].Nieuw in periode"] == "ja"

    out = check.check_lessons(ctx)
    assert [out[k] for k in ("bijeenkomsten", "besproken", "reflecties", "wijzigingen")] == [
        1,
        3,
        2,
        1,
    ]
    assert out["wijzigingen[Eerder het budget inzetten].Onderbouwd met lessen"] == 2

    out = check.check_sib_outcomes(ctx)
    assert (out["bereikt"], out["geverifieerd"]) == (8, 7)


def test_check_system_cost_by_hand(hand, regional):  # noqa: F811
    """The hand figures of test_system_cost.py, now from the check."""
    out = check.check_system_cost(_ctx(regional, YEAR_2024, factories.municipality("Tilburg")))
    a = f"per_financier[{hand['a'].name}]."
    assert out[a + "Huishoudens"] == 3
    assert out[a + "Vóór (totaal)"] == Decimal("18120.00")
    assert out[a + "Tijdens (totaal in periode)"] == Decimal("13510.00")
    assert out[a + "Tijdens per huishouden per jaar"] == Decimal("8990.55")
    assert out[a + "Huishoudjaren in periode"].exact == Fraction(559, 31 * 12)
    assert out["per_financier[Totaal].Tijdens per huishouden per jaar"] == Decimal("9545.66")


def test_check_budget_and_statuses_by_hand(budget, statuses, regional):  # noqa: F811
    out = check.check_budget(_ctx(regional, YEAR_2024))
    assert out["per_gemeente[Tilburg].Toegewezen"] == Decimal("10000.00")
    assert out["per_gemeente[Tilburg].Besteed in periode"] == Decimal("400.00")
    assert out["per_gemeente[Tilburg].% van toewijzing"].exact == 4
    out = check.check_households(_ctx(regional, YEAR_2024))
    statuses_then = ("Aangemeld", "Geselecteerd", "Actief", "Afgesloten", "Totaal")
    assert [out[f"per_gemeente[Tilburg].{s}"] for s in statuses_then] == [1, 1, 1, 1, 4]


def test_t_quantile_from_the_density():
    """Against a printed t-table (two-sided 95 %)."""
    for df, t in {1: 12.706, 2: 4.303, 5: 2.571, 10: 2.228, 30: 2.042, 120: 1.980}.items():
        assert check.t_quantile_975(df) == pytest.approx(t, abs=0.0006)


# --- The report against the check -------------------------------------------------------

PERIODS = [
    PERIOD,
    (date(2024, 1, 1), date(2024, 6, 30)),  # households start and stop inside it
    (date(2024, 7, 1), date(2024, 9, 30)),
    YEAR_2024,
    (date(2019, 1, 1), date(2019, 12, 31)),  # no data at all
    (date(2025, 1, 1), dates.today()),  # running to today
]


LATE_2024 = datetime(2024, 12, 31, 23, 30, tzinfo=AMS)  # 22:30 UTC: still 2024
EARLY_2025 = datetime(2025, 1, 1, 0, 30, tzinfo=AMS)  # 23:30 UTC on 31 Dec: already 2025


@pytest.fixture
def around_new_year(report_data, coordinator, team_lead, regional):
    """Moments half an hour either side of midnight on 31 Dec 2024, Amsterdam time."""
    h = report_data.tilburg[0]
    for moment in (LATE_2024, EARLY_2025):
        Obstacle.objects.create(
            household=h,
            municipality=h.municipality,
            type="overig",
            description="Rond de jaarwisseling",
            raised_by=coordinator,
            raised_at=moment,
        )
        Reflection.objects.create(
            household=h, author=coordinator, what_happened="x", what_worked="y", written_at=moment
        )
    with time_machine.travel(EARLY_2025, tick=False):
        spend, _ = budget_services.request_spend(
            coordinator, h, request(goal_for(h), amount="80.00", category="vervoer")
        )
    with time_machine.travel(datetime(2025, 1, 31, 23, 30, tzinfo=AMS), tick=False):
        budget_services.reverse_spend(team_lead, spend, "30.00", "Deels terug")


@pytest.fixture
def region(wired, statuses, budget, hand, around_new_year):  # noqa: F811
    """Every fixture at once: the report region, the SIB, spends corrected later, households
    further along today than at the end of a period, the hand-costed households, and
    moments either side of midnight at the turn of the year."""


def test_local_days_at_the_turn_of_the_year(region, regional):
    """By hand: the moments at 23:30 count in 2024, those at 00:30 in 2025."""
    year = check.check_report(_ctx(regional, YEAR_2024), sections={"obstacles", "lessons"})
    assert year.differences == []
    other = Obstacle.Type("overig").label
    shown = check.flatten("obstacles", section_for(_ctx(regional, YEAR_2024), "obstacles"))
    assert shown[f"soort[{other}].Knelpunten"] == 1
    shown = check.flatten(
        "budget", section_for(_ctx(regional, (date(2025, 1, 1), date(2025, 1, 31))), "budget")
    )
    # Spends approved at 00:30 on 1 Jan 2025: 80, less 30 booked back on 31 Jan at 23:30.
    assert shown["per_soort[Vervoer].Bedrag (netto)"] == Decimal("50.00")


def test_report_equals_check_for_every_scope_and_period(region, regional):
    differences = []
    compared = 0
    for period in PERIODS:
        for municipality in (None, factories.municipality("Tilburg"), "Goirle"):
            if isinstance(municipality, str):
                municipality = factories.municipality(municipality)
            result = check.check_report(_ctx(regional, period, municipality))
            compared += result.compared
            differences += [f"{period} {municipality}: {d}" for d in result.differences]
    assert "\n".join(differences) == ""
    assert compared > 1000


def test_a_financiers_own_system_cost_equals_check(hand, financier):  # noqa: F811
    ctx = _ctx(financier, YEAR_2024)
    shown = check.flatten("system_cost", get_section("system_cost").compute(ctx))
    assert check.compare("system_cost", shown, check.check_system_cost(ctx)) == []
    assert f"per_financier[{hand['a'].name}].Huishoudens" not in shown


def test_a_financiers_report_equals_check(region, financier):
    """Its own provisions in the system cost, only its rate cards in the SIB outcomes."""
    for period in (PERIOD, YEAR_2024):
        result = check.check_report(_ctx(financier, period))
        assert result.differences == [] and result.compared > 20
    shown = check.flatten("sib", section_for(_ctx(financier), "sib"))
    assert {k for k in shown if k.startswith("resultaten[")} == {
        "resultaten[Huisuitzetting voorkomen].Bereikt",
        "resultaten[Huisuitzetting voorkomen].Geverifieerd",
    }


def _changed(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, Decimal):
        return value + Decimal("0.01")
    if isinstance(value, int):
        return value + 1
    return value + 0.1


@pytest.mark.parametrize("key", sorted(check.CHECKS))
def test_a_changed_figure_is_a_difference(key, region, regional, monkeypatch):
    """For each section: one figure changed in the result is reported, and only that one."""
    section = get_section(key)
    ctx = _ctx(regional)
    original = section.compute

    def wrong(c):
        result = original(c)
        cells = list(result.figures) + [
            cell for t in result.tables for row in t.rows for cell in row[1:]
        ]
        target = next(x for x in cells if _changed(x.value) is not None)
        target.value = _changed(target.value)
        return result

    monkeypatch.setattr(
        "maatpact.reports.registry._sections", {**_registry(), key: replace(section, compute=wrong)}
    )
    result = check.check_report(ctx, sections={key})
    assert len(result.differences) == 1, result.differences


def _registry():
    from maatpact.reports import registry

    return dict(registry._sections)


# --- JSON, page and PDF show the same figures --------------------------------------------


def _parse(text: str, expected):
    """A displayed value read back, strictly in the notation its kind needs: money as
    ``€ 1.234,56``, counts as ``1.234``, other numbers with a decimal comma, no euro."""
    text = text.strip()
    if expected is None:
        return None if text == "—" else text
    if isinstance(expected, str):
        return text
    if isinstance(expected, Decimal) or getattr(expected, "money", False):
        m = re.fullmatch(r"(-?)€ ([\d.]+),(\d\d)", text)
        return Decimal(f"{m[1]}{m[2].replace('.', '')}.{m[3]}") if m else f"weergave {text!r}"
    if isinstance(expected, int):
        m = re.fullmatch(r"-?[\d.]+", text)
        return int(text.replace(".", "")) if m else f"weergave {text!r}"
    m = re.fullmatch(r"(-?[\d.]*\d,\d+)( \S+)?", text)
    return Decimal(m[1].replace(".", "").replace(",", ".")) if m else f"weergave {text!r}"


class _Page(HTMLParser):
    """Sections of the report page: per h2 id the figures (label → text) and tables
    (caption → header and rows of cell texts)."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self._section: dict | None = None
        self._table: dict | None = None
        self._tag: tuple[str, str] | None = None
        self._text = ""
        self._row: list[str] | None = None
        self._label = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and (attrs.get("id") or "").startswith("sectie-"):
            self._section = {"figures": {}, "tables": {}}
            self.sections[attrs["id"].removeprefix("sectie-")] = self._section
        elif tag in ("h3", "p", "caption", "th", "td"):
            self._tag, self._text = (tag, attrs.get("class") or ""), ""
        elif tag == "tr":
            self._row = []

    def handle_data(self, data):
        self._text += data

    def handle_endtag(self, tag):
        if self._section is None:
            return
        if tag == "tr" and self._row is not None and self._table is not None:
            key = "rows" if self._table["columns"] else "columns"
            if key == "rows":
                self._table["rows"].append(self._row)
            else:
                self._table["columns"] = self._row
            self._row = None
            return
        if self._tag is None or tag != self._tag[0]:
            return
        kind, css = self._tag
        text = " ".join(self._text.split())
        if kind == "h3":
            self._label = text
        elif kind == "p" and css == "figure":
            self._section["figures"][self._label] = text
        elif kind == "caption":
            self._table = {"columns": [], "rows": []}
            self._section["tables"][text] = self._table
        elif kind in ("th", "td") and self._row is not None:
            self._row.append(text)
        self._tag = None


def _page_figures(html: str, report) -> dict[str, dict]:
    parser = _Page()
    parser.feed(html)
    out = {}
    for rs in report.sections:
        page = parser.sections[rs.section.key]
        flat = {f.key: page["figures"][f.label] for f in rs.result.figures}
        for t in rs.result.tables:
            if (rs.section.key, t.key) in check.SKIPPED_TABLES:
                continue
            shown = page["tables"][t.caption]
            assert shown["columns"] == [c or "" for c in t.columns]
            keys = check.KEY_COLUMNS.get(t.key, 1)
            seen: dict[str, int] = {}
            for row in shown["rows"]:
                name = " / ".join(row[:keys])
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    name = f"{name} #{seen[name]}"
                for column, text in zip(t.columns[keys:], row[keys:], strict=True):
                    flat[f"{t.key}[{name}].{column}"] = text
        out[rs.section.key] = flat
    return out


def _against_check(shown_by_section: dict[str, dict], ctx) -> list:
    differences = []
    for key, shown in shown_by_section.items():
        if key not in check.CHECKS:
            continue
        expected = check.CHECKS[key](ctx) or {}
        parsed = {k: _parse(v, expected.get(k)) for k, v in shown.items()}
        differences += check.compare(key, parsed, expected)
    return differences


@pytest.mark.parametrize("period", [PERIOD, YEAR_2024, (date(2019, 1, 1), date(2019, 12, 31))])
def test_the_page_shows_the_checked_figures(period, region, regional, client):
    login(client, regional)
    response = client.get(
        reverse("reports:interim"), {"van": period[0], "tot": period[1], "gemeente": ""}
    )
    assert response.status_code == 200
    ctx = _ctx(regional, period)
    report = build_report(ctx)
    shown = _page_figures(response.content.decode(), report)
    assert _against_check(shown, ctx) == []


def test_the_json_has_the_checked_figures(region, regional):
    client = APIClient()
    client.force_authenticate(regional)
    body = client.get("/api/v1/reports/interim/", {"van": PERIOD[0], "tot": PERIOD[1]}).json()
    ctx = _ctx(regional)
    differences = []
    for section in body["sections"]:
        if section["key"] not in check.CHECKS:
            continue
        expected = check.CHECKS[section["key"]](ctx) or {}
        shown = {f["key"]: f["value"] for f in section["figures"]}
        for t in section["tables"]:
            if (section["key"], t["key"]) in check.SKIPPED_TABLES:
                continue
            keys = check.KEY_COLUMNS.get(t["key"], 1)
            seen: dict[str, int] = {}
            for row in t["rows"]:
                name = " / ".join(str(c["value"]) for c in row[:keys])
                seen[name] = seen.get(name, 0) + 1
                if seen[name] > 1:
                    name = f"{name} #{seen[name]}"
                for column, cell in zip(t["columns"][keys:], row[keys:], strict=True):
                    shown[f"{t['key']}[{name}].{column}"] = cell["value"]
        # JSON money is a string with two decimals, counts are integers.
        for k, v in shown.items():
            if isinstance(expected.get(k), Decimal) or getattr(expected.get(k), "money", False):
                assert isinstance(v, str) and re.fullmatch(r"-?\d+\.\d\d", v), (k, v)
                shown[k] = Decimal(v)
        differences += check.compare(section["key"], shown, expected)
    assert differences == []


def test_the_pdf_shows_the_page_figures(region, regional):
    ctx = _ctx(regional)
    report = build_report(ctx)
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_pdf(ctx))).pages
    )
    missing = [
        (rs.section.key, f.key, f.display)
        for rs in report.sections
        for f in rs.result.figures
        if f.display not in text
    ]
    missing += [
        (rs.section.key, t.key, cell.display)
        for rs in report.sections
        for t in rs.result.tables
        for row in t.rows
        for cell in row[1:]
        if cell.display not in text
    ]
    assert missing == []


# --- SIB payments against the statement through the API -----------------------------------


def test_sib_payments_equal_the_statement_per_payment_period(wired, regional, report_data):
    """A second payment period (2025) with one outcome verified in it: each report period
    shows the payment periods it overlaps, as the statement (REST API) lists them."""
    contract = wired.contract
    PaymentPeriod.objects.create(
        contract=contract, name="2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    AchievedOutcome.objects.create(
        household=report_data.goirle[1],  # started; its first outcome was another one
        definition=OutcomeDefinition.objects.get(code="huisuitzetting-voorkomen"),
        achieved_on=date(2025, 2, 1),
        evidence={"soort": "test"},
        evaluated_at=dt(date(2025, 2, 10)),
        status="geverifieerd",
        verified_by=regional,
        verified_at=dt(date(2025, 3, 1)),
    )
    client = APIClient()
    client.force_authenticate(regional)
    statement = client.get(f"/api/v1/sib-contracts/{contract.pk}/statement/").json()
    for period in [(date(2024, 1, 1), date(2024, 6, 30)), (date(2025, 1, 1), date(2025, 6, 30))]:
        result = section_for(_ctx(regional, period), "sib")
        rows = {r[0].value: r[3].value for r in result.table("betalingen").rows}
        for payer in statement["payers"]:
            paid = sum(
                (
                    Decimal(p["paid"])
                    for p in payer["periods"]
                    if date.fromisoformat(p["starts_on"]) <= period[1]
                    and date.fromisoformat(p["ends_on"]) >= period[0]
                ),
                Decimal(0),
            )
            assert rows[f"{payer['organisation']} ({contract.name})"] == paid
    # By hand: the insurer pays 1,000 for the eviction prevented in 2025.
    result = section_for(_ctx(regional, (date(2025, 1, 1), date(2025, 6, 30))), "sib")
    rows = {r[0].value: r[3].value for r in result.table("betalingen").rows}
    assert rows[f"{report_data.insurer.name} ({contract.name})"] == Decimal("1000.00")


# --- maatpact report-check ---------------------------------------------------------------


def test_report_check_command_passes_and_lists_what_it_did_not_recompute(region, capsys):
    call_command("report-check", "--period", f"{PERIOD[0]}:{PERIOD[1]}", "--gemeente", "alle")
    out = capsys.readouterr().out
    assert "Rapportage klopt" in out
    assert "Tilburg" in out and "Goirle" in out
    assert "Niet nagerekend: savings" in out


def test_report_check_command_fails_on_a_difference(region, capsys, monkeypatch):
    section = get_section("households")
    original = section.compute

    def wrong(ctx):
        result = original(ctx)
        result.figures[0].value += 1
        return result

    monkeypatch.setattr(
        "maatpact.reports.registry._sections",
        {**_registry(), "households": replace(section, compute=wrong)},
    )
    with pytest.raises(CommandError, match="klopt NIET: 1 verschil"):
        call_command("report-check", "--period", f"{PERIOD[0]}:{PERIOD[1]}")
    assert "VERSCHIL households: totaal" in capsys.readouterr().err


def test_a_stale_cached_figure_is_a_difference(region, regional):
    """A write that bypasses the services (no ``data_changed``) leaves the cached section
    stale: the page would show it, so the check reports it."""
    from maatpact.households.models import Household

    ctx = _ctx(regional)
    assert check.check_report(ctx, sections={"households"}).differences == []  # now cached
    Household.objects.filter(
        pk__in=[h.pk for h in factories.municipality("Goirle").households.all()]
    ).update(registered_on=date(2030, 1, 1))
    differences = check.check_report(_ctx(regional), sections={"households"}).differences
    assert any(d.where == "totaal" for d in differences)


def test_a_section_without_a_check_is_a_difference(report_data, regional, monkeypatch):
    from maatpact.reports.registry import ReportSection, SectionResult

    new = ReportSection("nieuw", 999, "Nieuw", lambda ctx: SectionResult())
    monkeypatch.setattr("maatpact.reports.registry._sections", {**_registry(), "nieuw": new})
    result = check.check_report(_ctx(regional), sections={"nieuw"})
    assert [str(d) for d in result.differences] == [
        "nieuw: hele sectie: rapport 'getoond', controle geen controle"
    ]


def test_report_check_command_refuses_bad_input(region):
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("report-check", "--period", "2024-01-01")
    with pytest.raises(CommandError, match="Onbekende gemeente"):
        call_command("report-check", "--gemeente", "GM9999")


def test_report_check_default_period_is_the_pages(region, capsys):
    """No --period: the year up to today, as the report page opens."""
    call_command("report-check")
    today = dates.today()
    assert f"{today - timedelta(days=365):%d-%m-%Y} t/m {today:%d-%m-%Y}" in capsys.readouterr().out
