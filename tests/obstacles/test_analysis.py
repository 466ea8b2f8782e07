"""The analysis numbers against a hand-built register."""

from datetime import date
from decimal import Decimal

import pytest

from maatpact.obstacles import selectors, services
from maatpact.provisions.models import Law
from tests import factories
from tests.conftest import login
from tests.obstacles.helpers import at, raise_obstacle


@pytest.fixture
def register(coordinator, household, goirle_coordinator, goirle_household):
    insurer = factories.organisation("Verzekeraar A (fictief)")
    corporation = factories.organisation("Corporatie B (fictief)", "woningcorporatie")
    second = factories.household(coordinator)
    o1 = raise_obstacle(
        coordinator,
        household,
        now=at(2026, 9, 1),
        organisation=insurer,
        delay_days=10,
        harm_euros=Decimal("250.00"),
    )
    o2 = raise_obstacle(
        coordinator,
        second,
        now=at(2026, 10, 5),
        rule="  participatiewet ART. 18 ",
        organisation=insurer,
        delay_days=20,
        harm_euros=Decimal("100.00"),
    )
    o3 = raise_obstacle(
        goirle_coordinator,
        goirle_household,
        now=at(2026, 10, 20),
        type="financier",
        rule="Polisvoorwaarden art. 12",
        law=Law.objects.get(code="zvw"),
        organisation=corporation,
        delay_days=5,
        harm_euros=Decimal("0.00"),
    )
    for obstacle, on in ((o1, date(2026, 9, 11)), (o2, date(2026, 12, 4))):
        services.record_breakthrough(
            coordinator, obstacle, what="x", broken_by="y", on=on, now=at(2026, 12, 5)
        )
    return o1, o2, o3


def test_analysis_numbers(register, analyst):
    a = selectors.analysis(analyst)
    assert a["totals"] == {
        "n": 3,
        "open": 1,
        "broken": 2,
        "delay": 35,
        "harm": Decimal("350.00"),
        "median_days": 35.0,
    }
    by_type = dict(a["by_type"])
    assert by_type["Wet- of regelgeving"] == 2 and by_type["Criterium van een financier"] == 1
    assert sum(by_type.values()) == 3
    assert dict(a["by_law"]) == {"Participatiewet": 2, "Zorgverzekeringswet (Zvw)": 1}
    orgs = {r["organisation__name"]: (r["n"], r["harm"]) for r in a["by_organisation"]}
    assert orgs == {
        "Verzekeraar A (fictief)": (2, Decimal("350.00")),
        "Corporatie B (fictief)": (1, Decimal("0.00")),
    }
    mun = {r["municipality__name"]: (r["n"], r["open"], r["delay"]) for r in a["by_municipality"]}
    assert mun == {"Goirle": (1, 1, 5), "Tilburg": (2, 0, 30)}
    assert [(m.strftime("%Y-%m"), n, b) for m, n, b in a["by_month"]] == [
        ("2026-09", 1, 1),
        ("2026-10", 2, 1),
    ]
    assert a["durations"] == [10, 60]
    buckets = dict(a["time_to_breakthrough"])
    assert buckets["8–30 dagen"] == 1 and buckets["31–90 dagen"] == 1
    assert sum(buckets.values()) == 2
    assert [(r["rule"], r["n"], r["households"]) for r in a["top_rules"]] == [
        ("participatiewet art. 18", 2, 2)
    ]


def test_team_lead_analysis_is_own_municipality(register, team_lead, goirle_team_lead):
    assert selectors.analysis(team_lead)["totals"]["n"] == 2
    assert selectors.analysis(goirle_team_lead)["totals"]["n"] == 1


def test_analysis_api_and_charts(client, register, analyst, regional, coordinator):
    login(client, analyst)
    data = client.get("/api/v1/obstacle-analysis/").json()
    assert data["total"] == 3 and data["harm"] == "350.00"
    assert {"label": "participatiewet art. 18", "n": 2} in data["top_rules"]
    for name in ("obstacles:chart_month", "obstacles:chart_duration"):
        from django.urls import reverse

        response = client.get(reverse(name))
        assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"
    login(client, coordinator)
    assert client.get("/api/v1/obstacle-analysis/").status_code == 404


def test_days_to_breakthrough_count_local_calendar_days(coordinator, household, analyst):
    """Raised at 00:30 in the Netherlands (still the previous day in UTC)."""
    obstacle = raise_obstacle(
        coordinator, household, now=at(2026, 10, 1, hour=0).replace(minute=30)
    )
    services.record_breakthrough(
        coordinator, obstacle, what="x", broken_by="y", on=date(2026, 10, 3), now=at(2026, 10, 3)
    )
    assert selectors.analysis(analyst)["durations"] == [2]


def test_cached_analysis_follows_every_write(register, analyst, coordinator, household):
    """Cached per scope and data version: a new obstacle or breakthrough shows at once."""
    before = selectors.analysis(analyst)["totals"]
    assert selectors.analysis(analyst)["totals"] == before  # served from the cache
    obstacle = raise_obstacle(coordinator, household, now=at(2026, 11, 2))
    after_raise = selectors.analysis(analyst)["totals"]
    assert (after_raise["n"], after_raise["open"]) == (before["n"] + 1, before["open"] + 1)
    services.record_breakthrough(
        coordinator, obstacle, what="x", broken_by="y", on=date(2026, 11, 9), now=at(2026, 11, 9)
    )
    assert selectors.analysis(analyst)["totals"]["broken"] == before["broken"] + 1
    law = Law.objects.get(code="zvw")
    law.name = "Zorgverzekeringswet (hernoemd)"
    law.save()
    assert "Zorgverzekeringswet (hernoemd)" in dict(selectors.analysis(analyst)["by_law"])
