"""A small synthetic region for report tests: 9 households in two municipalities with
assessments, provisions and obstacles, all with known dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from maatpact.assessments.models import Assessment, Domain, Instrument, Score
from maatpact.households.models import Cohort, Household
from maatpact.obstacles.models import Obstacle
from maatpact.provisions.models import Law, Provision
from maatpact.regions.models import Organisation
from tests import factories

PERIOD = (date(2023, 6, 1), date(2024, 12, 31))


@dataclass
class ReportData:
    tilburg: list[Household]
    goirle: list[Household]
    domains: list[Domain]
    insurer: Organisation
    municipality_org: Organisation

    @property
    def households(self) -> list[Household]:
        return self.tilburg + self.goirle


@pytest.fixture
def report_data(coordinator, goirle_coordinator, financier) -> ReportData:
    instrument = Instrument.objects.create(
        code="zrm-test", version="1", name="ZRM test", kind="huishouden"
    )
    domains = [
        Domain.objects.create(
            instrument=instrument, code="hh_financien", name="Financiën", order=1
        ),
        Domain.objects.create(
            instrument=instrument, code="hh_huisvesting", name="Huisvesting", order=2
        ),
    ]
    cohort = Cohort.objects.create(
        name="Fase 1 test",
        region=factories.municipality().region,
        phase=1,
        capacity=50,
        starts_on=date(2023, 1, 1),
    )
    insurer = financier.organisation
    municipality_org = factories.organisation("Gemeente Testdorp (fictief)", "gemeente")
    wmo = Law.objects.get(code="wmo")
    zvw = Law.objects.get(code="zvw")
    tilburg = [
        factories.household(coordinator, bsn=bsn)
        for bsn in ("111222333", "123456782", "", "", "", "", "")
    ]
    goirle = [factories.household(goirle_coordinator, city="Goirle") for _ in range(2)]
    # Registration and start dates: waiting 10, 20, ..., days; one never started.
    for i, h in enumerate(tilburg + goirle):
        registered = date(2023, 6, 1) + timedelta(days=20 * i)
        started = registered + timedelta(days=10 * (i + 1)) if i != 6 else None
        Household.objects.filter(pk=h.pk).update(
            registered_on=registered,
            selected_on=registered + timedelta(days=5) if started else None,
            started_on=started,
            status="actief" if started else "aangemeld",
            cohort=cohort if started else None,
        )
        h.refresh_from_db()
        # Three assessments (two for odd i) with scores that rise by a known amount.
        days = [0, 200, 400] if i % 2 == 0 else [0, 300]
        for k, offset in enumerate(days):
            a = Assessment.objects.create(
                household=h,
                instrument=instrument,
                assessed_on=registered + timedelta(days=offset + 1),
                own_rating=min(10, 3 + i % 3 + k),
            )
            Score.objects.create(assessment=a, domain=domains[0], score=min(5, 1 + k + i % 2))
            Score.objects.create(
                assessment=a, domain=domains[1], score=min(5, 2 + (k * (i % 3)) // 2)
            )
        if started:
            Provision.objects.create(
                household=h,
                law=wmo,
                financier=municipality_org,
                description="Begeleiding",
                starts_on=started - timedelta(days=300),
                ends_on=started + timedelta(days=60),
                amount=Decimal("400.00"),
            )
            Provision.objects.create(
                household=h,
                law=zvw,
                financier=insurer,
                description="GGZ",
                starts_on=started - timedelta(days=100),
                ends_on=None,
                amount=Decimal("150.00") + i,
            )
            Provision.objects.create(
                household=h,
                law=wmo,
                financier=municipality_org,
                description="Inrichting",
                starts_on=started + timedelta(days=30),
                cost_kind="eenmalig",
                amount=Decimal("1000.00"),
            )
        Obstacle.objects.create(
            household=h,
            municipality=h.municipality,
            type="wet" if i < 6 else "wachtlijst",
            description=f"Knelpunt {i}",
            law=wmo if i < 6 else None,
            organisation=insurer if i % 2 else None,
            delay_days=10 * i,
            harm_euros=Decimal("100.00") * i,
            raised_by=coordinator,
            raised_at=datetime(2024, 3, 1 + i, 10, tzinfo=UTC),
        )
    return ReportData(tilburg, goirle, domains, insurer, municipality_org)
