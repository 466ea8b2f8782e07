"""Issue 13 invariants through the services and the statement, on the database (run it
on SQLite and on PostgreSQL): any sequence of verifications, payments and changes of
caps keeps the paid periods as paid, payers = investors to the cent, and the caps."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from maatpact.outcomes import engine, selectors, services
from maatpact.outcomes.models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    Drawdown,
    Investment,
    OutcomeDefinition,
    PaidLine,
    PaymentPeriod,
    RateCardLine,
)
from tests import factories

from . import helpers

CODES = ("huisuitzetting-voorkomen", "uitstroom-bijstand")


@pytest.fixture
def households(coordinator):
    out = []
    for i in range(4):
        h = factories.household(coordinator)
        out.append(helpers.start(h, days_ago=1000 - 150 * i))
    return out


def _contract(today):
    c = Contract.objects.create(
        status=Contract.Status.GETEKEND,
        signed_at=timezone.now(),
        name="SIB eigenschappen",
        starts_on=today - timedelta(days=1100),
        ends_on=today + timedelta(400),
    )
    payers = [
        ContractPayer.objects.create(
            contract=c, organisation=helpers.org(name, kind), attachment_fee=D(fee)
        )
        for name, kind, fee in (
            ("Gemeente P", "gemeente", "300.00"),
            ("Zorg P", "zorgverzekeraar", "0"),
        )
    ]
    for code, prices in zip(CODES, (("1000.00", "500.00"), ("700.00", "333.33")), strict=True):
        definition = OutcomeDefinition.objects.get(code=code)
        for payer, price in zip(payers, prices, strict=True):
            RateCardLine.objects.create(
                contract=c, definition=definition, payer=payer, price=D(price)
            )
    for name, days in (("Fonds P", 1100), ("Fonds Q", 700)):
        inv = Investment.objects.create(
            contract=c, investor=helpers.org(name, "investeerder"), committed=D(20000)
        )
        Drawdown.objects.create(
            investment=inv, drawn_on=today - timedelta(days), amount=D("3000.00")
        )
    for i in range(6):
        start = c.starts_on + timedelta(days=182 * i)
        end = start + timedelta(days=181) if i < 5 else today + timedelta(days=30)
        PaymentPeriod.objects.create(contract=c, name=f"P{i + 1}", starts_on=start, ends_on=end)
    return c


operation = st.one_of(
    st.tuples(st.just("verify"), st.integers(0, 3), st.sampled_from(CODES), st.integers(0, 1050)),
    st.tuples(st.just("pay")),
    st.tuples(
        st.just("caps"),
        st.none() | st.integers(0, 300_000).map(lambda c: D(c) / 100),
        st.none() | st.integers(0, 900_000).map(lambda c: D(c) / 100),
        st.none() | st.sampled_from([D("0.05"), D("0.10")]),
    ),
)


def _check(regional, c, households, frozen):
    c.refresh_from_db()
    st_ = selectors.statement(regional, c)
    paid = sum((row["total"] for row in st_.payer_rows), D(0))
    received = sum((row["received"] for row in st_.investor_rows), D(0))
    assert paid == received  # payers = investors, to the cent
    per_period = {
        p["period"].id: sum((r["periods"][i]["paid"] for r in st_.payer_rows), D(0))
        for i, p in enumerate(st_.payer_rows[0]["periods"])
    }
    # paid periods: exactly the stored lines, unchanged since they were paid
    for period_id, lines in frozen.items():
        now = list(PaidLine.objects.filter(period_id=period_id).values_list("payer_id", "paid"))
        assert now == lines
        assert per_period[period_id] == sum((amount for _, amount in lines), D(0))
    # caps in force hold on the open periods' payments (paid ones cannot be undone)
    frozen_total = sum((a for lines in frozen.values() for _, a in lines), D(0))
    if c.cap_total is not None:
        assert paid <= max(c.cap_total, frozen_total)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operation, min_size=1, max_size=8))
def test_any_sequence_keeps_paid_periods_sums_and_caps(regional, households, operations):
    cache.clear()
    sid = transaction.savepoint()
    try:
        today = timezone.localdate()
        c = _contract(today)
        frozen: dict[int, list] = {}
        for op in operations:
            if op[0] == "verify":
                _, h, code, days_ago = op
                household = households[h]
                if AchievedOutcome.objects.filter(
                    household=household, definition__code=code
                ).exists():
                    continue
                outcome = helpers.verified(household, regional, code=code)
                on = max(household.started_on, today - timedelta(days=days_ago))
                outcome.verified_at = datetime.combine(on, time(9), tzinfo=helpers.TZ)
                outcome.save()
                from maatpact.common.versions import OUTCOMES, data_changed

                data_changed(OUTCOMES)
            elif op[0] == "pay":
                period = c.periods.filter(paid_at__isnull=True).order_by("starts_on").first()
                if period is None or period.ends_on >= today:
                    continue
                services.pay_period(regional, period)
                event("a period paid")
                frozen[period.pk] = list(
                    PaidLine.objects.filter(period=period).values_list("payer_id", "paid")
                )
            else:
                _, per_household, total, rate = op
                if per_household is not None and total is not None and per_household > total:
                    per_household = total
                services.set_caps(
                    regional,
                    c,
                    cap_per_household=per_household,
                    cap_total=total,
                    max_return_rate=rate,
                    payer_caps={},
                )
            _check(regional, c, households, frozen)
        event(f"{len(frozen)} periods paid, {c.versions.count()} versions")
        # and every investor within the return cap in force, if it never changed
        c.refresh_from_db()
        if c.max_return_rate is not None and c.versions.count() <= 1:
            st_ = selectors.statement(regional, c)
            for row in st_.investor_rows:
                assert engine.xnpv(float(c.max_return_rate), row["flows"]) <= 0.01
    finally:
        transaction.savepoint_rollback(sid)
        cache.clear()
