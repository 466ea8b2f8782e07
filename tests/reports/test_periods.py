"""A past period's figures do not change afterwards (issue 13): figures computed by hand
for households and spends that start, stop or are corrected inside and after a period.

Every expected number is worked out in the comment next to it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from maatpact.budget import services as budget_services
from maatpact.households.models import Household
from maatpact.reports.context import build_context
from maatpact.reports.selectors import section_for
from tests import factories
from tests.budget.helpers import fund_for, goal_for, request

AMS = ZoneInfo("Europe/Amsterdam")
YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))
H1_2025 = (date(2025, 1, 1), date(2025, 6, 30))


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMS), tick=False)


def _cells(result, table_key, name):
    table = result.table(table_key)
    row = next(r for r in table.rows if r[0].value == name)
    return dict(zip(table.columns, (c.value for c in row), strict=True))


# --- Budget: grants on their approval day, reversals and allocations on their booking day


@pytest.fixture
def budget(coordinator, team_lead, regional):
    """Tilburg gets 10,000 on 2 Jan 2023 and 2,000 more on 15 Jan 2025. Spend A (300,
    housing) approved 1 Feb 2024, B (200, debts) 1 Mar 2024; 100 of A booked back on
    1 May 2024, 50 of B on 1 Feb 2025."""
    with at(date(2023, 1, 2)):
        fund_for("Tilburg", "10000.00", regional=regional)
    households = [factories.household(coordinator) for _ in range(2)]
    spends = []
    for h, (day, amount, category) in zip(
        households,
        [(date(2024, 2, 1), "300.00", "wonen"), (date(2024, 3, 1), "200.00", "schulden")],
        strict=True,
    ):
        with at(day):
            spend, _ = budget_services.request_spend(
                coordinator, h, request(goal_for(h), amount=amount, category=category)
            )
        assert spend.status == "goedgekeurd"
        spends.append(spend)
    with at(date(2024, 5, 1)):
        budget_services.reverse_spend(team_lead, spends[0], "100.00", "Deels terug")
    with at(date(2025, 1, 15)):
        fund_for("Tilburg", "2000.00", regional=regional)
    with at(date(2025, 2, 1)):
        spends[1].refresh_from_db()
        budget_services.reverse_spend(team_lead, spends[1], "50.00", "Deels terug")
    return spends


def test_budget_2024_is_not_changed_by_what_happened_in_2025(budget, regional):
    result = section_for(build_context(regional, *YEAR_2024), "budget")
    row = _cells(result, "per_gemeente", "Tilburg")
    assert row["Toegewezen"] == Decimal("10000.00")  # the 2,000 came in 2025
    assert row["Besteed in periode"] == Decimal("400.00")  # 300 + 200 − 100
    assert row["Besteed t/m einddatum"] == Decimal("400.00")  # B's 50 came back in 2025
    assert row["% van toewijzing"] == 4.0  # 400 / 10,000
    housing = _cells(result, "per_soort", "Wonen (huur, achterstand, borg)")
    assert housing["Bedrag (netto)"] == Decimal("200.00")  # 300 − 100 (May 2024)
    debts = _cells(result, "per_soort", "Schulden en geldzaken")
    assert debts["Bedrag (netto)"] == Decimal("200.00")


def test_budget_a_reversal_counts_in_the_period_it_was_booked(budget, regional):
    result = section_for(build_context(regional, *H1_2025), "budget")
    row = _cells(result, "per_gemeente", "Tilburg")
    assert row["Toegewezen"] == Decimal("12000.00")
    assert row["Besteed in periode"] == Decimal("-50.00")  # only B's reversal
    assert row["Besteed t/m einddatum"] == Decimal("350.00")  # 400 − 50
    assert row["% van toewijzing"] == pytest.approx(2.9)  # 350 / 12,000 = 2.92 %
    assert row["Huishoudens (periode)"] == 0  # no spend approved in the period
    debts = _cells(result, "per_soort", "Schulden en geldzaken")
    assert (debts["Uitgaven"], debts["Bedrag (netto)"]) == (0, Decimal("-50.00"))


def test_budget_periods_add_up(budget, regional):
    """Spent up to the end of H1 2025 = spent in 2023, in 2024 and in H1 2025."""
    parts = [
        _cells(section_for(build_context(regional, *p), "budget"), "per_gemeente", "Tilburg")
        for p in [(date(2023, 1, 1), date(2023, 12, 31)), YEAR_2024, H1_2025]
    ]
    assert sum(p["Besteed in periode"] for p in parts) == parts[-1]["Besteed t/m einddatum"]


def test_budget_before_the_first_allocation(budget, regional):
    result = section_for(build_context(regional, date(2022, 1, 1), date(2022, 12, 31)), "budget")
    row = _cells(result, "per_gemeente", "Totaal")
    assert (row["Toegewezen"], row["Besteed t/m einddatum"]) == (Decimal("0"), Decimal("0"))
    assert row["% van toewijzing"] is None


# --- Households: the status each household had at the end of the period


def _household(coordinator, **dates_and_status):
    h = factories.household(coordinator)
    Household.objects.filter(pk=h.pk).update(**dates_and_status)
    return h


@pytest.fixture
def statuses(coordinator):
    """Five households registered in 2024, each further along today than on 31 Dec 2024."""
    reg = date(2024, 3, 1)
    # Closed on 1 Mar 2025, active since 1 Apr 2024: "Actief" at the end of 2024.
    _household(
        coordinator,
        registered_on=reg,
        selected_on=date(2024, 3, 10),
        started_on=date(2024, 4, 1),
        closed_on=date(2025, 3, 1),
        status="afgesloten",
        closure_reason="Doelen bereikt",
    )
    # Selected 1 Nov 2024, started 10 Jan 2025: "Geselecteerd" at the end of 2024.
    _household(
        coordinator,
        registered_on=reg,
        selected_on=date(2024, 11, 1),
        started_on=date(2025, 1, 10),
        status="actief",
    )
    # Selected on 2 Jan 2025: "Aangemeld" at the end of 2024.
    _household(coordinator, registered_on=reg, selected_on=date(2025, 1, 2), status="geselecteerd")
    # Closed inside 2024 (1 Oct): "Afgesloten".
    _household(
        coordinator,
        registered_on=reg,
        selected_on=date(2024, 3, 5),
        started_on=date(2024, 3, 20),
        closed_on=date(2024, 10, 1),
        status="afgesloten",
        closure_reason="Verhuisd",
    )
    # Registered in 2025: not in the 2024 report.
    _household(coordinator, registered_on=date(2025, 2, 1), status="aangemeld")


def test_households_per_status_at_the_end_of_the_period(statuses, regional):
    result = section_for(build_context(regional, *YEAR_2024), "households")
    row = _cells(result, "per_gemeente", "Tilburg")
    assert [row[s] for s in ("Aangemeld", "Geselecteerd", "Actief", "Afgesloten", "Totaal")] == [
        1,
        1,
        1,
        1,
        4,
    ]
    assert result.figures[0].value == 4


def test_households_per_status_today(statuses, regional):
    """A period up to today shows today's status (all five are in the programme)."""
    with at(date(2025, 6, 1)):
        result = section_for(build_context(regional, *H1_2025), "households")
    row = _cells(result, "per_gemeente", "Tilburg")
    # Closed on 1 Mar 2025 (closed in the period counts), active, selected, and the new one;
    # the household closed in Oct 2024 is not in the 2025 period.
    assert [row[s] for s in ("Aangemeld", "Geselecteerd", "Actief", "Afgesloten", "Totaal")] == [
        1,
        1,
        1,
        1,
        4,
    ]
