"""System cost against hand-computed figures: partial months, overlaps, one-off costs."""

from datetime import date
from decimal import Decimal

import pytest

from maatpact.households.models import Household
from maatpact.provisions import selectors
from maatpact.provisions.models import Law, Provision
from tests import factories


@pytest.fixture
def orgs(db):
    return {
        "gemeente": factories.organisation("Gemeente Tilburg", "gemeente"),
        "zvk": factories.organisation("Zorgverzekeraar Test (fictief)", "zorgverzekeraar"),
        "woco": factories.organisation("Woonstichting Test (fictief)", "woningcorporatie"),
    }


def provision(household, financier, amount, starts_on, ends_on=None, kind="maandelijks"):
    return Provision.objects.create(
        household=household,
        law=Law.objects.get(code="wmo"),
        financier=financier,
        description="Test",
        starts_on=starts_on,
        ends_on=ends_on,
        cost_kind=kind,
        amount=Decimal(amount),
    )


def test_partial_months_pro_rata_by_days(household, orgs):
    # 15 Jan - 10 Mar 2025: 17/31 of January, all of February, 10/31 of March.
    provision(household, orgs["gemeente"], "300.00", date(2025, 1, 15), date(2025, 3, 10))
    # 300*17/31 + 300 + 300*10/31 = 164.516.. + 300 + 96.774.. = 561.290.. -> 561.29
    cost = selectors.system_cost(household, date(2025, 1, 1), date(2026, 1, 1))
    assert cost == {orgs["gemeente"].pk: Decimal("561.29")}


def test_overlapping_provisions_of_one_financier_both_count(household, orgs):
    provision(household, orgs["gemeente"], "300.00", date(2025, 1, 15), date(2025, 3, 10))
    provision(household, orgs["gemeente"], "100.00", date(2025, 2, 1))  # open-ended
    provision(household, orgs["zvk"], "1234.56", date(2025, 3, 31), kind="eenmalig")
    provision(household, orgs["woco"], "50.00", date(2024, 1, 1), date(2024, 12, 31))  # before
    cost = selectors.system_cost(household, date(2025, 1, 1), date(2025, 4, 1))
    # 561.290.. + 100 (Feb) + 100 (Mar) = 761.29; the one-off counts on its date in full.
    assert cost == {orgs["gemeente"].pk: Decimal("761.29"), orgs["zvk"].pk: Decimal("1234.56")}
    assert selectors.total(cost) == Decimal("1995.85")


def test_period_starting_mid_month_and_leap_february(household, orgs):
    provision(household, orgs["gemeente"], "280.00", date(2025, 1, 1))
    # [15 Feb, 1 Mar) covers 14 of 28 days.
    assert selectors.system_cost(household, date(2025, 2, 15), date(2025, 3, 1)) == {
        orgs["gemeente"].pk: Decimal("140.00")
    }
    provision(household, orgs["zvk"], "290.00", date(2024, 2, 20), date(2024, 2, 29))
    # 10 of 29 days in leap-year February: 100.00 exactly.
    assert selectors.system_cost(household, date(2024, 1, 1), date(2025, 1, 1)) == {
        orgs["zvk"].pk: Decimal("100.00")
    }


def test_one_off_outside_period_and_end_on_first_day(household, orgs):
    provision(household, orgs["zvk"], "500.00", date(2025, 6, 1), kind="eenmalig")
    # ends on its first day: one day of June (1/30 of 600 = 20.00)
    provision(household, orgs["gemeente"], "600.00", date(2025, 6, 1), date(2025, 6, 1))
    assert selectors.system_cost(household, date(2025, 6, 2), date(2025, 7, 1)) == {}
    assert selectors.system_cost(household, date(2025, 6, 1), date(2025, 6, 2)) == {
        orgs["zvk"].pk: Decimal("500.00"),
        orgs["gemeente"].pk: Decimal("20.00"),
    }


def test_many_households_in_one_query_equals_one_by_one(household, coordinator, orgs):
    other = factories.household(coordinator)
    provision(household, orgs["gemeente"], "300.00", date(2025, 1, 15), date(2025, 3, 10))
    provision(other, orgs["zvk"], "99.99", date(2024, 12, 20))
    start, end = date(2025, 1, 1), date(2026, 1, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        many = selectors.system_cost_many([household.pk, other.pk], start, end)
    assert len(ctx.captured_queries) == 1
    assert many == {
        household.pk: selectors.system_cost(household, start, end),
        other.pk: selectors.system_cost(other, start, end),
    }
    assert many[other.pk] == {orgs["zvk"].pk: Decimal("1199.88")}


def test_before_and_during_the_programme(household, orgs):
    Household.objects.filter(pk=household.pk).update(
        started_on=date(2025, 7, 1), status="actief", registered_on=date(2025, 6, 1)
    )
    household.refresh_from_db()
    provision(household, orgs["gemeente"], "1000.00", date(2024, 1, 1), date(2025, 9, 30))
    provision(household, orgs["woco"], "250.00", date(2025, 8, 1), kind="eenmalig")
    result = selectors.cost_before_and_during(household, date(2025, 12, 31))
    assert result.entry == date(2025, 7, 1)
    assert result.before == {orgs["gemeente"].pk: Decimal("12000.00")}  # 12 full months
    assert result.during == {
        orgs["gemeente"].pk: Decimal("3000.00"),
        orgs["woco"].pk: Decimal("250.00"),
    }
    assert result.during_days == 184  # 1 Jul - 31 Dec
    # 1 Jul - 31 Dec is 6 household-months: per year = during * 12 / 6
    assert result.during_per_year == {
        orgs["gemeente"].pk: Decimal("6000.00"),
        orgs["woco"].pk: Decimal("500.00"),
    }
    assert selectors.annual_cost_by_financier(household, date(2025, 6, 30)) == {
        orgs["gemeente"].pk: Decimal("12000.00")
    }


def test_active_provisions(household, orgs):
    running = provision(household, orgs["gemeente"], "10.00", date(2025, 1, 1))
    provision(household, orgs["gemeente"], "10.00", date(2024, 1, 1), date(2024, 12, 31))
    today_once = provision(household, orgs["zvk"], "5.00", date(2025, 3, 3), kind="eenmalig")
    assert set(selectors.active_provisions(household, date(2025, 3, 3))) == {running, today_once}
    assert list(selectors.active_provisions(household, date(2025, 3, 4))) == [running]


def test_organisations_overview_lists_financiers_and_providers(household, orgs):
    provider = factories.organisation("GGZ Test (fictief)", "aanbieder")
    p = provision(household, orgs["zvk"], "100.00", date(2024, 1, 1))
    p.provider = provider
    p.save()
    rows = selectors.organisations_overview(
        selectors.household_provisions(household), date(2025, 6, 30)
    )
    by_name = {r.organisation.name: r for r in rows}
    assert by_name[orgs["zvk"].name].as_financier == Decimal("1200.00")
    assert by_name[provider.name].as_provider == Decimal("1200.00")
    assert by_name[provider.name].role_label == "aanbieder"


# --- Defect 7: the last day (ends_on) is costed, everywhere ---------------------------


def test_one_day_provision_costs_one_day(household, orgs):
    # start = end: one day of a 31-day month, 310 / 31 = 10.00
    provision(household, orgs["gemeente"], "310.00", date(2025, 7, 14), date(2025, 7, 14))
    assert selectors.system_cost(household, date(2025, 7, 14), date(2025, 7, 15)) == {
        orgs["gemeente"].pk: Decimal("10.00")
    }
    assert selectors.system_cost(household, date(2025, 7, 15), date(2025, 8, 1)) == {}
    assert selectors.system_cost(household, date(2025, 7, 1), date(2025, 7, 14)) == {}


def test_last_day_is_costed_at_month_and_period_boundaries(household, orgs):
    # Ends on the last day of February 2024 (a leap year): all of February, 29 of 29 days.
    provision(household, orgs["gemeente"], "290.00", date(2024, 2, 1), date(2024, 2, 29))
    # Starts inside the period and stops inside it: 10 - 20 March = 11 of 31 days.
    provision(household, orgs["zvk"], "310.00", date(2024, 3, 10), date(2024, 3, 20))
    assert selectors.system_cost(household, date(2024, 1, 1), date(2025, 1, 1)) == {
        orgs["gemeente"].pk: Decimal("290.00"),
        orgs["zvk"].pk: Decimal("110.00"),
    }
    # A period ending on the provision's last day still covers it (period [.., 21 Mar)).
    assert selectors.system_cost(household, date(2024, 3, 20), date(2024, 3, 21)) == {
        orgs["zvk"].pk: Decimal("10.00")
    }
    # The leap day alone: 1/29 of 290.
    assert selectors.system_cost(household, date(2024, 2, 29), date(2024, 3, 1)) == {
        orgs["gemeente"].pk: Decimal("10.00")
    }


def test_the_twelve_months_up_to_a_date_in_leap_years():
    # 12 months up to and including 28 Feb 2024 start on 1 Mar 2023 (365 days) ...
    assert selectors.year_before(date(2024, 2, 28)) == (date(2023, 3, 1), date(2024, 2, 29))
    # ... and up to 29 Feb 2024 too (366 days, the leap day included).
    assert selectors.year_before(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 3, 1))
    assert selectors.year_before(date(2025, 2, 28)) == (date(2024, 3, 1), date(2025, 3, 1))
    assert selectors.year_before(date(2025, 6, 30)) == (date(2024, 7, 1), date(2025, 7, 1))


def test_provision_stopping_on_the_day_before_entry_is_all_before(household, orgs):
    Household.objects.filter(pk=household.pk).update(
        started_on=date(2024, 3, 1), status="actief", registered_on=date(2024, 2, 1)
    )
    household.refresh_from_db()
    provision(household, orgs["gemeente"], "290.00", date(2023, 3, 1), date(2024, 2, 29))
    provision(household, orgs["zvk"], "310.00", date(2024, 3, 1), date(2024, 3, 1))
    result = selectors.cost_before_and_during(household, date(2024, 3, 31))
    # Before = 1 Mar 2023 - 29 Feb 2024: 12 full months.
    assert result.before == {orgs["gemeente"].pk: Decimal("3480.00")}
    # During = March 2024 (one month): the one-day provision on entry day, 1/31 of 310.
    assert result.during == {orgs["zvk"].pk: Decimal("10.00")}
    assert result.during_per_year == {orgs["zvk"].pk: Decimal("120.00")}
