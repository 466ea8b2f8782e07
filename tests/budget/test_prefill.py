"""The *muddling on* pre-fill follows the costing rule: a provision's last day is costed,
so it is still running on that day; one-off costs of the 12 months up to the day count."""

from datetime import date
from decimal import Decimal

from maatpact.budget.selectors import current_provision_lines
from maatpact.provisions.models import Law, Provision
from tests import factories


def _provision(household, financier, amount, starts_on, ends_on=None, kind="maandelijks"):
    return Provision.objects.create(
        household=household,
        law=Law.objects.get(code="wmo"),
        financier=financier,
        description=f"{kind} {starts_on}",
        starts_on=starts_on,
        ends_on=ends_on,
        cost_kind=kind,
        amount=Decimal(amount),
    )


def test_prefill_counts_the_last_day_and_twelve_months_of_one_off_costs(household):
    org = factories.organisation("Gemeente Prefill (fictief)", "gemeente")
    on = date(2025, 2, 28)
    _provision(household, org, "100.00", date(2024, 1, 1), on)  # its last day: running
    _provision(household, org, "200.00", date(2024, 1, 1), date(2025, 2, 27))  # stopped
    _provision(household, org, "300.00", on, on)  # one day, today: running
    _provision(household, org, "400.00", date(2025, 3, 1))  # not started yet
    _provision(household, org, "50.00", date(2024, 3, 1), kind="eenmalig")  # first day in
    _provision(household, org, "70.00", date(2024, 2, 29), kind="eenmalig")  # 12 months + 1
    lines = current_provision_lines(household, on=on)
    assert sorted(line.annual_cost for line in lines) == [
        Decimal("50.00"),
        Decimal("1200.00"),
        Decimal("3600.00"),
    ]
    # The day after the last day it no longer runs.
    assert Decimal("1200.00") not in [
        line.annual_cost for line in current_provision_lines(household, on=date(2025, 3, 1))
    ]
