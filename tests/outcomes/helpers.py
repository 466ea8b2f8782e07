"""Small builders for outcome tests: reference rows are created here, not assumed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from maatpact.assessments.models import Assessment, Domain, Instrument, Score
from maatpact.households.models import Household
from maatpact.outcomes.models import (
    AchievedOutcome,
    Contract,
    ContractPayer,
    Drawdown,
    Investment,
    OutcomeDefinition,
    PaymentPeriod,
    RateCardLine,
)
from tests import factories

TZ = ZoneInfo("Europe/Amsterdam")


def financien_domain() -> Domain:
    instrument, _ = Instrument.objects.get_or_create(
        code="zrm", version="2017", defaults={"name": "ZRM", "kind": "individueel"}
    )
    return Domain.objects.get_or_create(
        instrument=instrument, code="financien", defaults={"name": "Financiën", "order": 1}
    )[0]


def start(household: Household, days_ago: int) -> Household:
    started = timezone.localdate() - timedelta(days=days_ago)
    Household.objects.filter(pk=household.pk).update(
        status="actief",
        registered_on=started - timedelta(days=30),
        selected_on=started - timedelta(days=10),
        started_on=started,
    )
    household.refresh_from_db()
    return household


def score(household: Household, on: date, value: int, by) -> None:
    a = Assessment.objects.create(
        household=household,
        instrument=financien_domain().instrument,
        member=household.members.first(),
        assessed_on=on,
        assessed_by=by,
    )
    Score.objects.create(assessment=a, domain=financien_domain(), score=value)


def contract(*, payer_orgs, investor=None, price=Decimal("1000.00"), **fields) -> Contract:
    today = timezone.localdate()
    fields.setdefault("status", Contract.Status.GETEKEND)
    fields.setdefault("signed_at", timezone.now())
    c = Contract.objects.create(
        name=f"SIB test {Contract.objects.count() + 1}",
        starts_on=today - timedelta(days=800),
        ends_on=today + timedelta(days=1000),
        **fields,
    )
    definition = OutcomeDefinition.objects.get(code="huisuitzetting-voorkomen")
    for org in payer_orgs:
        payer = ContractPayer.objects.create(contract=c, organisation=org)
        RateCardLine.objects.create(contract=c, definition=definition, payer=payer, price=price)
    PaymentPeriod.objects.create(
        contract=c, name="Alles", starts_on=c.starts_on, ends_on=today + timedelta(days=30)
    )
    if investor is not None:
        inv = Investment.objects.create(contract=c, investor=investor, committed=Decimal("50000"))
        Drawdown.objects.create(investment=inv, drawn_on=c.starts_on, amount=Decimal("20000"))
    return c


def verified(household: Household, verifier, code="huisuitzetting-voorkomen") -> AchievedOutcome:
    now = timezone.now()
    return AchievedOutcome.objects.create(
        household=household,
        definition=OutcomeDefinition.objects.get(code=code),
        achieved_on=timezone.localdate() - timedelta(days=20),
        evidence={"soort": "test"},
        evaluated_at=now,
        status="geverifieerd",
        verified_by=verifier,
        verified_at=datetime.combine(timezone.localdate(), time(9), tzinfo=TZ),
    )


def org(name: str, kind: str):
    return factories.organisation(name, kind)
