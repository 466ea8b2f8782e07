"""Building a funded municipality and valid spend requests for the budget tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from maatpact.accounts.models import Role
from maatpact.budget import services
from maatpact.budget.models import Allocation, Fund
from maatpact.plans.models import Goal
from maatpact.regions.models import Municipality
from tests import factories


def fund_for(
    municipality_name: str = "Tilburg", amount: str = "10000.00", regional=None
) -> Allocation:
    """A fund whose whole amount goes to one municipality (manual formula, via services)."""
    regional = regional or factories.user(Role.PROGRAMMATEAM, None)
    target = Municipality.objects.get(name=municipality_name)
    fund = services.create_fund(
        regional,
        region_id=target.region_id,
        name=f"Fonds {uuid.uuid4().hex[:8]}",
        amount=amount,
    )
    manual = {
        m.pk: Decimal("0.00") for m in Municipality.objects.filter(region_id=target.region_id)
    }
    manual[target.pk] = Decimal(amount)
    services.apply_allocation(regional, fund, Fund.Formula.HANDMATIG, manual)
    return Allocation.objects.get(fund=fund, municipality=target)


def goal_for(household) -> Goal:
    return Goal.objects.create(
        plan=household.plan, domain_code="financien", description="Rust in de geldzaken"
    )


def request(goal: Goal, amount="100.00", key: str | None = None, **overrides):
    data = dict(
        amount=amount,
        category="wonen",
        purpose="Huurachterstand aflossen",
        goal_id=goal.pk,
        justification="Voorkomt een huisuitzetting",
        value_legitimate=True,
        value_involved=True,
        value_return=True,
        idempotency_key=key or uuid.uuid4().hex,
    )
    data.update(overrides)
    return services.SpendRequest(**data)
