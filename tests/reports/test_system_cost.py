"""Defect 1 (issue 13): "Systeemkosten vóór en tijdens, per financier" against figures
computed by hand.

Before = the 12 months before entry, divided by the financier's *own* households (those
with a cost of that financier before or during); during = the cost inside the report
window, divided by the household-years those same households spent in the window. Every
expected number below is worked out in the comment next to it, from the costing rule in
docs/reports.md (a day of a month with n days costs amount/n; the last day is costed).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from rest_framework.test import APIClient

from maatpact.households.models import Household
from maatpact.provisions.models import Law, Provision
from maatpact.reports.context import build_context
from maatpact.reports.selectors import build_report, section_for
from tests import factories

YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


def _household(coordinator, registered, started=None, closed=None, **fields):
    h = factories.household(coordinator, **fields)
    status = "afgesloten" if closed else ("actief" if started else "aangemeld")
    Household.objects.filter(pk=h.pk).update(
        registered_on=registered,
        started_on=started,
        closed_on=closed,
        status=status,
        closure_reason="Doelen bereikt" if closed else "",
    )
    h.refresh_from_db()
    return h


def _provision(h, financier, amount, starts_on, ends_on=None, kind="maandelijks"):
    Provision.objects.create(
        household=h,
        law=Law.objects.get(code="wmo"),
        financier=financier,
        description="Test",
        starts_on=starts_on,
        ends_on=ends_on,
        cost_kind=kind,
        amount=Decimal(amount),
    )


@pytest.fixture
def hand(coordinator, goirle_coordinator, financier):
    """Financier A (a municipality) and B (the financier user's insurer)."""
    a = factories.organisation("Gemeente Handwerk (fictief)", "gemeente")
    b = financier.organisation
    hh = {}
    # H1: in the whole of 2024. A 1,000/month since 2023, one-off 120 in June 2023.
    hh[1] = _household(coordinator, date(2023, 12, 1), date(2024, 1, 1))
    _provision(hh[1], a, "1000.00", date(2023, 1, 1))
    _provision(hh[1], a, "120.00", date(2023, 6, 1), kind="eenmalig")
    # H2: starts 1 July 2024. A 500/month until 30 Sep 2024; B 300/month from entry;
    # B one-off 240 in August.
    hh[2] = _household(coordinator, date(2024, 6, 1), date(2024, 7, 1))
    _provision(hh[2], a, "500.00", date(2023, 7, 1), date(2024, 9, 30))
    _provision(hh[2], b, "300.00", date(2024, 7, 1))
    _provision(hh[2], b, "240.00", date(2024, 8, 15), kind="eenmalig")
    # H3: started 1 Mar 2023, closed 15 Mar 2024 (its last day); B 310/month to that day.
    hh[3] = _household(coordinator, date(2023, 2, 1), date(2023, 3, 1), date(2024, 3, 15))
    _provision(hh[3], b, "310.00", date(2022, 1, 1), date(2024, 3, 15))
    # H4: registered, never started: no system cost at all.
    hh[4] = _household(coordinator, date(2024, 2, 1))
    _provision(hh[4], a, "999.00", date(2024, 1, 1))
    # H5: starts on the last day of the period; A one-day provision (start = end) that day.
    hh[5] = _household(coordinator, date(2024, 12, 1), date(2024, 12, 31))
    _provision(hh[5], a, "310.00", date(2024, 12, 31), date(2024, 12, 31))
    # H6: registered in the period, starts after it; H7: closed before it.
    hh[6] = _household(coordinator, date(2024, 12, 15), date(2025, 1, 2))
    _provision(hh[6], a, "777.00", date(2024, 1, 1))
    hh[7] = _household(coordinator, date(2022, 6, 1), date(2023, 1, 1), date(2023, 12, 31))
    _provision(hh[7], a, "100.00", date(2022, 1, 1))
    # H8 (Goirle): starts 1 Apr 2024; A 200/month since 1 Jan 2024.
    hh[8] = _household(goirle_coordinator, date(2024, 3, 1), date(2024, 4, 1), city="Goirle")
    _provision(hh[8], a, "200.00", date(2024, 1, 1))
    return {"a": a, "b": b, "hh": hh}


def _cells(result, name):
    table = result.table("per_financier")
    row = next(r for r in table.rows if r[0].value == name)
    return dict(zip(table.columns, (c.value for c in row), strict=True))


def _system_cost(user, period, municipality=None):
    return section_for(build_context(user, *period, municipality), "system_cost")


def test_tilburg_2024_per_financier_by_hand(hand, regional):
    result = _system_cost(regional, YEAR_2024, factories.municipality("Tilburg"))
    a = _cells(result, hand["a"].name)
    # A's own households: H1, H2, H5 (H4 never started, H6 starts after, H7 closed before).
    assert a["Huishoudens"] == 3
    # Before: H1 12 x 1,000 + 120 one-off; H2 12 x 500 (1 Jul 2023 - 30 Jun 2024); H5 none.
    assert a["Vóór (totaal)"] == Decimal("18120.00")
    assert a["Vóór per huishouden per jaar"] == Decimal("6040.00")  # 18,120 / 3
    # During: H1 12,000; H2 Jul-Sep 1,500; H5 one day of December, 310 / 31 = 10.
    assert a["Tijdens (totaal in periode)"] == Decimal("13510.00")
    # Household-months: 12 + 6 + 1/31 = 559/31; per year 13,510 x 12 x 31 / 559 = 8,990.554..
    assert a["Tijdens per huishouden per jaar"] == Decimal("8990.55")
    assert a["Verschil per huishouden per jaar"] == Decimal("2950.55")
    assert a["Huishoudjaren in periode"] == Decimal("1.50")  # 559 / 372

    b = _cells(result, hand["b"].name)
    # B's own households: H2 (during only) and H3 (before, and during until its closure).
    assert b["Huishoudens"] == 2
    assert b["Vóór (totaal)"] == Decimal("3720.00")  # H3: 12 x 310 (Mar 2022 - Feb 2023)
    assert b["Vóór per huishouden per jaar"] == Decimal("1860.00")
    # H2 Jul-Dec 6 x 300 + 240; H3 Jan + Feb (29 days, whole) + 15/31 of March = 770.
    assert b["Tijdens (totaal in periode)"] == Decimal("2810.00")
    # Household-months 6 + 2 + 15/31 = 263/31; 2,810 x 12 x 31 / 263 = 3,974.600..
    assert b["Tijdens per huishouden per jaar"] == Decimal("3974.60")

    total = _cells(result, "Totaal")
    assert total["Huishoudens"] == 4  # H1, H2, H3, H5
    assert total["Vóór (totaal)"] == Decimal("21840.00")  # the rows add up
    assert total["Vóór per huishouden per jaar"] == Decimal("5460.00")  # 21,840 / 4
    assert total["Tijdens (totaal in periode)"] == Decimal("16320.00")
    # Household-months 559/31 + 77/31 = 636/31; 16,320 x 12 x 31 / 636 = 9,545.660..
    assert total["Tijdens per huishouden per jaar"] == Decimal("9545.66")
    assert result.figures[0].value == 4


def test_region_adds_goirle(hand, regional):
    result = _system_cost(regional, YEAR_2024)
    a = _cells(result, hand["a"].name)
    # H8: before 1 Apr 2023 - 31 Mar 2024 = Jan-Mar 2024, 600; during Apr-Dec 1,800.
    assert a["Huishoudens"] == 4
    assert a["Vóór (totaal)"] == Decimal("18720.00")
    assert a["Vóór per huishouden per jaar"] == Decimal("4680.00")
    assert a["Tijdens (totaal in periode)"] == Decimal("15310.00")
    # months 559/31 + 9 = 838/31; 15,310 x 372 / 838 = 6,796.324..
    assert a["Tijdens per huishouden per jaar"] == Decimal("6796.32")
    total = _cells(result, "Totaal")
    assert total["Huishoudens"] == 5
    assert total["Vóór per huishouden per jaar"] == Decimal("4488.00")  # 22,440 / 5
    # 18,120 x 372 / 915 = 7,366.819..
    assert total["Tijdens per huishouden per jaar"] == Decimal("7366.82")
    goirle = _system_cost(regional, YEAR_2024, factories.municipality("Goirle"))
    assert _cells(goirle, hand["a"].name)["Tijdens per huishouden per jaar"] == Decimal("2400.00")
    assert _cells(goirle, "Totaal")["Huishoudens"] == 1


def test_one_quarter(hand, regional):
    result = _system_cost(regional, (date(2024, 7, 1), date(2024, 9, 30)))
    # In the period and started by its end: H1, H2, H8 (H3 closed before, H5 registered after).
    a = _cells(result, hand["a"].name)
    assert a["Huishoudens"] == 3
    assert a["Vóór per huishouden per jaar"] == Decimal("6240.00")  # (12,120 + 6,000 + 600) / 3
    # 3,000 + 1,500 + 600 over 9 household-months: 5,100 x 12 / 9
    assert a["Tijdens per huishouden per jaar"] == Decimal("6800.00")
    b = _cells(result, hand["b"].name)
    assert (b["Huishoudens"], b["Tijdens (totaal in periode)"]) == (1, Decimal("1140.00"))
    assert b["Tijdens per huishouden per jaar"] == Decimal("4560.00")  # 1,140 x 12 / 3
    assert _cells(result, "Totaal")["Tijdens per huishouden per jaar"] == Decimal("8320.00")


def test_period_without_data_says_so(hand, regional):
    result = _system_cost(regional, (date(2019, 1, 1), date(2019, 12, 31)))
    assert result.tables == [] and result.figures[0].value == 0
    assert any("geen huishoudens" in note.lower() for note in result.notes)


def test_financier_sees_only_its_own_part_suppressed(hand, financier, regional):
    report = build_report(build_context(financier, *YEAR_2024))
    result = next(s.result for s in report.sections if s.section.key == "system_cost")
    names = [r[0].value for r in result.table("per_financier").rows]
    assert hand["a"].name not in names and hand["b"].name in names
    row = result.table("per_financier").rows[0]
    assert all(c.display == "<5" for c in row[1:]) and not any(
        c.value for c in row[1:] if c.suppressed is False
    )
    data = report.to_dict()
    json_rows = next(s for s in data["sections"] if s["key"] == "system_cost")["tables"][0]["rows"]
    assert all(cell["value"] is None for cell in json_rows[0][1:])


def _months(first: date, last: date) -> Fraction:
    """Household-months from ``first`` to ``last`` inclusive, day by day (1/n per day)."""
    import calendar
    from datetime import timedelta

    total, day = Fraction(0), first
    while day <= last:
        total += Fraction(1, calendar.monthrange(day.year, day.month)[1])
        day += timedelta(days=1)
    return total


def test_report_agrees_with_the_household_pages_through_the_api(hand, regional, coordinator):
    """Each household's page (the REST API per household) summed by hand gives the
    report's figures, for a period that covers every household from its entry."""
    period = (date(2022, 1, 1), date(2024, 12, 31))
    result = _system_cost(regional, period, factories.municipality("Tilburg"))
    client = APIClient()
    client.force_authenticate(coordinator)
    per_financier: dict[int, dict] = {}
    for h in Household.objects.filter(municipality__name="Tilburg", started_on__lte=period[1]):
        body = client.get(f"/api/v1/system-cost/{h.number}/?on={period[1]}").json()
        last = min(h.closed_on or period[1], period[1])
        months = _months(h.started_on, last)
        for line in body["by_financier"]:
            if Decimal(line["before"]) or Decimal(line["during"]):
                f = per_financier.setdefault(
                    line["financier"], {"n": 0, "before": 0, "during": 0, "months": 0}
                )
                f["n"] += 1
                f["before"] += Decimal(line["before"])
                f["during"] += Decimal(line["during"])
                f["months"] += months
    for org in (hand["a"], hand["b"]):
        f = per_financier[org.pk]
        cells = _cells(result, org.name)
        assert cells["Huishoudens"] == f["n"]
        assert cells["Vóór (totaal)"] == f["before"]
        assert cells["Tijdens (totaal in periode)"] == f["during"]
        per_year = Fraction(f["during"]) * 12 / f["months"]
        assert abs(Fraction(cells["Tijdens per huishouden per jaar"]) - per_year) <= Fraction(
            1, 200
        )


def test_the_plain_python_reference_gives_the_hand_figures(hand):
    from .reference import system_cost

    rows = system_cost(Household.objects.all(), Provision.objects.all(), *YEAR_2024)
    a = rows[hand["a"].pk]
    assert (a.households, a.before, a.during) == (4, Decimal("18720.00"), Decimal("15310.00"))
    assert a.during_per_year == Decimal("6796.32")
    assert rows["total"].during_per_year == Decimal("7366.82")
