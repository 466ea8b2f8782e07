"""Issue 13, defect 5: a paid period never changes; a change of terms is a new, dated
contract version that applies to open periods only, and the statement names it."""

from datetime import datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from maatpact.outcomes import selectors, services
from maatpact.outcomes.models import PaidLine, PaidReceipt, PaymentPeriod

from . import helpers


def _two_period_contract(regional, household, goirle_household):
    """P1 closed 100 days ago with one outcome of 999.99; P2 open with another one."""
    helpers.start(household, days_ago=400)
    helpers.start(goirle_household, days_ago=400)
    municipality = helpers.org("Gemeente Test", "gemeente")
    investor = helpers.org("Impactfonds Test (fictief)", "investeerder")
    c = helpers.contract(payer_orgs=[municipality], investor=investor, price=D("999.99"))
    today = timezone.localdate()
    PaymentPeriod.objects.filter(contract=c).update(ends_on=today - timedelta(days=100))
    PaymentPeriod.objects.create(
        contract=c, name="P2", starts_on=today - timedelta(days=99), ends_on=today + timedelta(30)
    )
    first = helpers.verified(household, regional)
    first.verified_at = datetime.combine(today - timedelta(days=150), time(9), tzinfo=helpers.TZ)
    first.save()
    helpers.verified(goirle_household, regional)  # verified today: in P2
    return c, municipality, investor


def _paid(st, period_name):
    row = st.payer_rows[0]
    return next(p for p in row["periods"] if p["period"].name == period_name)


def test_changing_caps_after_payment_leaves_the_paid_period_alone(
    regional, household, goirle_household
):
    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1 = c.periods.get(name="Alles")
    services.pay_period(regional, p1)
    services.set_caps(
        regional,
        c,
        cap_per_household=None,
        cap_total=D("500.00"),
        max_return_rate=None,
        payer_caps={},
    )
    c.refresh_from_db()
    st = selectors.statement(regional, c)
    assert _paid(st, "Alles")["paid"] == D("999.99")  # not rewritten to 500.00
    assert _paid(st, "P2")["paid"] == D("0.00")  # the new cap applies from here on
    assert _paid(st, "Alles")["version"].startswith("versie 1 ")
    assert _paid(st, "P2")["version"].startswith("versie 2 ")
    assert [v.number for v in c.versions.all()] == [1, 2]
    assert c.versions.get(number=1).cap_total is None
    assert c.versions.get(number=2).cap_total == D("500.00")
    assert c.versions.get(number=2).valid_from == timezone.localdate()


def test_paid_period_keeps_its_lines_when_facts_change_later(regional, household, goirle_household):
    c, municipality, investor = _two_period_contract(regional, household, goirle_household)
    services.pay_period(regional, c.periods.get(name="Alles"))
    # The household is later moved out of the contract's window: P1 stays as paid.
    type(household).objects.filter(pk=household.pk).update(started_on=c.ends_on + timedelta(days=1))
    from maatpact.common.versions import HOUSEHOLDS, data_changed

    data_changed(HOUSEHOLDS)
    st = selectors.statement(regional, c)
    assert _paid(st, "Alles")["paid"] == D("999.99")
    receipts = st.investor_rows[0]["received"]
    assert receipts == D("999.99") + _paid(st, "P2")["paid"]


def test_paying_is_refused_twice_before_the_end_and_out_of_order(
    regional, household, goirle_household
):
    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1, p2 = c.periods.order_by("starts_on")
    with pytest.raises(ValidationError, match="loopt nog"):
        services.pay_period(regional, p2)
    PaymentPeriod.objects.filter(pk=p2.pk).update(ends_on=timezone.localdate() - timedelta(1))
    p2.refresh_from_db()
    with pytest.raises(ValidationError, match="Betaal eerst de eerdere periode 'Alles'"):
        services.pay_period(regional, p2)
    services.pay_period(regional, p1)
    with pytest.raises(ValidationError, match="al betaald"):
        services.pay_period(regional, p1)
    assert PaidLine.objects.filter(period=p1).count() == 1


def test_stored_lines_refuse_change_in_the_application(regional, household, goirle_household):
    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1 = services.pay_period(regional, c.periods.get(name="Alles"))
    line = PaidLine.objects.get(period=p1)
    line.paid = D("1.00")
    with pytest.raises(TypeError):
        line.save()
    with pytest.raises(TypeError):
        PaidLine.objects.filter(period=p1).update(paid=D("1.00"))
    with pytest.raises(TypeError):
        PaidReceipt.objects.filter(period=p1).delete()
    with pytest.raises(TypeError):
        p1.delete()
    assert PaidLine.objects.get(period=p1).paid == D("999.99")


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_a_paid_period(regional, household, goirle_household):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (trigger)")
    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1 = services.pay_period(regional, c.periods.get(name="Alles"))
    statements = [
        ("UPDATE outcomes_paidline SET paid = 1 WHERE period_id = %s", [p1.pk]),
        ("DELETE FROM outcomes_paidline WHERE period_id = %s", [p1.pk]),
        ("UPDATE outcomes_paidreceipt SET amount = 1 WHERE period_id = %s", [p1.pk]),
        ("DELETE FROM outcomes_paidreceipt WHERE period_id = %s", [p1.pk]),
        ("UPDATE outcomes_paymentperiod SET name = 'x' WHERE id = %s", [p1.pk]),
        ("DELETE FROM outcomes_paymentperiod WHERE id = %s", [p1.pk]),
        ("UPDATE outcomes_contractversion SET cap_total = 1 WHERE contract_id = %s", [c.pk]),
    ]
    for sql, params in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    # an open period can still be changed
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE outcomes_paymentperiod SET name = 'P2b' WHERE contract_id = %s "
            "AND paid_at IS NULL",
            [c.pk],
        )
    assert PaidLine.objects.get(period=p1).paid == D("999.99")


def test_pay_over_the_api_and_the_statement_names_paid_state_and_version(
    client, regional, financier, household, goirle_household
):
    from tests.conftest import login

    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1 = c.periods.get(name="Alles")
    url = f"/api/v1/sib-contracts/{c.pk}/periods/{p1.pk}/pay/"
    login(client, regional)
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 400 and "al betaald" in again.content.decode()
    data = client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").json()
    first, second = data["payers"][0]["periods"]
    assert first["paid_at"] is not None and first["version"].startswith("versie 1 ")
    assert second["paid_at"] is None and second["version"] == "versie 1 (vanaf " + (
        f"{c.starts_on:%d-%m-%Y})"
    )
    login(client, financier)  # not a manager: the contract is not even visible
    assert client.post(url).status_code == 404


def test_pay_on_the_page_then_the_page_shows_it_as_final(
    client, regional, household, goirle_household
):
    from django.urls import reverse

    from tests.conftest import login

    c, *_ = _two_period_contract(regional, household, goirle_household)
    p1 = c.periods.get(name="Alles")
    login(client, regional)
    page = reverse("outcomes:contract", args=[c.pk])
    assert "Vastzetten als betaald" in client.get(page).content.decode()
    response = client.post(reverse("outcomes:period_pay", args=[c.pk, p1.pk]), follow=True)
    html = response.content.decode()
    assert "is betaald en staat nu vast" in html
    assert "definitief" in html and "versie 1 (vanaf" in html
    again = client.post(reverse("outcomes:period_pay", args=[c.pk, p1.pk]), follow=True)
    assert "al betaald" in again.content.decode()
