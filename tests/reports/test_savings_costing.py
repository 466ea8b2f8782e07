"""The savings estimate costs provisions by the one costing rule (issue 13, defect 7):
the last day of a provision and of a stay counts, and a day of a month of n days costs
amount / n. With the discount rate at 0 every amount is worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from maatpact.reports.context import build_context
from maatpact.reports.selectors import section_for
from tests import factories

from .test_system_cost import _household, _provision

Q1_2024 = (date(2024, 1, 1), date(2024, 3, 31))


@pytest.fixture
def no_discount(settings):
    settings.MAATPACT = {**settings.MAATPACT, "DISCOUNT_RATE": 0.0}


@pytest.fixture
def stays(coordinator, financier):
    a = factories.organisation("Gemeente Spaarzaam (fictief)", "gemeente")
    b = financier.organisation
    # H1: in the programme 1–31 Jan 2024 (31 January is its last day).
    h1 = _household(coordinator, date(2023, 12, 1), date(2024, 1, 1), date(2024, 1, 31))
    _provision(h1, a, "310.00", date(2023, 6, 1), date(2024, 1, 31))  # running at entry
    _provision(h1, b, "310.00", date(2024, 1, 15), date(2024, 1, 15))  # one day
    # H2: started 1 Mar 2024, still running on 31 Mar (the end of the period).
    h2 = _household(coordinator, date(2024, 2, 1), date(2024, 3, 1))
    _provision(h2, a, "300.00", date(2024, 1, 1))
    # H3: started 1 Feb 2024, closed on 30 Jun 2024, after the period: only February and
    # March count, for muddling on as for the actual cost.
    h3 = _household(coordinator, date(2024, 1, 15), date(2024, 2, 1), date(2024, 6, 30))
    _provision(h3, a, "100.00", date(2023, 1, 1))
    return a, b


def _cells(result, name):
    table = result.table("boekhouding")
    row = next(r for r in table.rows if r[0].value == name)
    return dict(zip(table.columns, (c.value for c in row), strict=True))


def test_programme_accounting_by_hand(stays, no_discount, regional):
    a, b = stays
    result = section_for(build_context(regional, *Q1_2024), "savings")
    # A: muddling on = what ran at entry, for the whole stay: H1 January 310 (31 of 31
    # days), H2 March 300 (31 of 31 days, the last day of the period counts), H3 February
    # and March 200 = 810; actual: the same provisions in those stays = 810.
    assert _cells(result, a.name)["Doormodderen"] == Decimal("810.00")
    assert _cells(result, a.name)["Werkelijk"] == Decimal("810.00")
    # B: one day of January, 310 / 31 = 10; not running at entry, so nothing to muddle on.
    assert _cells(result, b.name)["Werkelijk"] == Decimal("10.00")
    assert _cells(result, b.name)["Besparing"] == Decimal("-10.00")
    assert _cells(result, "Totaal")["Besparing"] == Decimal("-10.00")


def test_discounting_only_lowers_the_amounts(stays, regional):
    """At 2.25 % a year, a month's cost at most a quarter of a year after entry is
    discounted by less than 0.6 %."""
    a, _ = stays
    row = _cells(section_for(build_context(regional, *Q1_2024), "savings"), a.name)
    assert Decimal("805.00") < row["Doormodderen"] < Decimal("810.00")


def test_comparison_group_as_of_the_end_date(stays, coordinator, regional):
    """Registered but never admitted: one by the end of Q1 2024, one after it (not yet
    there on 31 March, so not in the comparison group of that report)."""
    _household(coordinator, date(2024, 2, 1))
    _household(coordinator, date(2024, 5, 1))
    result = section_for(build_context(regional, *Q1_2024), "savings")
    figures = {f.key: f.value for f in result.figures}
    assert figures["deelnemers"] == 3  # H1, H2, H3 started by 31 March
    assert figures["vergelijking"] == 1


def test_the_plain_python_check_gives_the_hand_figures(stays, no_discount, regional):
    from maatpact.reports import check

    a, b = stays
    out = check.check_savings(build_context(regional, *Q1_2024))
    assert float(out[f"boekhouding[{a.name}].Doormodderen"].exact) == pytest.approx(810)
    assert float(out[f"boekhouding[{b.name}].Werkelijk"].exact) == pytest.approx(10)
    assert out["vergelijking[Totaal].Oordeel"] == "geen schatting"  # far fewer than 20
