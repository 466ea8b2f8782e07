"""The interim report's screening and selection section, with hand-computed answers and
its plain-Python twin (reports/check.py)."""

from __future__ import annotations

from datetime import date

import pytest

from maatpact.households.models import Cohort
from maatpact.programme.models import Screening
from maatpact.regions.models import Region
from maatpact.reports import check
from maatpact.reports.context import build_context
from maatpact.reports.selectors import section_for
from tests import factories

pytestmark = pytest.mark.django_db

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def _screening(household, day, result, n=0):
    """A stored screening as the service writes it (found counts consistent with result)."""
    return Screening.objects.create(
        household=household,
        screened_on=day,
        min_domains=3,
        min_laws=2,
        domains_found=3 if result == "voldoet" else 1,
        laws_found=2,
        result=result,
        override_reason="Urgent" if result == "afwijking" else "",
    )


@pytest.fixture
def data(coordinator, goirle_coordinator):
    cohort = Cohort.objects.create(
        name="c", region=Region.objects.first(), phase=1, capacity=50, starts_on=date(2024, 1, 1)
    )
    t = [factories.household(coordinator, registered_on=date(2024, 6, 1)) for _ in range(4)]
    g = factories.household(goirle_coordinator, city="Goirle", registered_on=date(2024, 6, 1))
    # Tilburg: t0 screened twice in the period (voldoet_niet, then voldoet) and selected +
    # started in it; t1 override in the period, selected in it, started in 2026 (outside);
    # t2 screened in 2024 only (outside), selected in 2024; t3 nothing.
    _screening(t[0], date(2025, 2, 1), "voldoet_niet")
    _screening(t[0], date(2025, 3, 1), "voldoet")
    _screening(t[1], date(2025, 4, 1), "afwijking")
    _screening(t[2], date(2024, 12, 31), "voldoet")
    # Goirle: screened voldoet_niet in the period, nothing else.
    _screening(g, date(2025, 12, 31), "voldoet_niet")
    for h, selected, started in (
        (t[0], date(2025, 3, 2), date(2025, 3, 10)),
        (t[1], date(2025, 4, 2), date(2026, 1, 1)),
        (t[2], date(2024, 12, 31), date(2025, 1, 1)),
    ):
        h.cohort, h.selected_on, h.started_on, h.status = cohort, selected, started, "actief"
        h.save()
    return t, g


def test_selection_section_known_answers_and_twin(data, regional):
    ctx = build_context(regional, *PERIOD)
    result = section_for(ctx, "selection")
    shown = check.flatten("selection", result)
    # By hand: screened 3 (t0, t1, g), met 1 (t0's last), override 1 (t1), selected 2
    # (t0, t1), admitted 2 (t0 and t2, which was selected in 2024 and started on 1 Jan).
    assert {k: shown[k] for k in ("gescreend", "voldoet", "afwijking")} == {
        "gescreend": 3,
        "voldoet": 1,
        "afwijking": 1,
    }
    assert (shown["geselecteerd"], shown["toegelaten"]) == (2, 2)
    assert [shown[f"per_gemeente[Tilburg].{c}"] for c in check_columns()] == [2, 1, 1, 2, 2]
    assert [shown[f"per_gemeente[Goirle].{c}"] for c in check_columns()] == [1, 0, 0, 0, 0]
    assert check.compare("selection", shown, check.check_selection(ctx)) == []


def test_selection_section_for_one_municipality(data, team_lead):
    ctx = build_context(team_lead, *PERIOD)  # Tilburg's team lead: own municipality only
    shown = check.flatten("selection", section_for(ctx, "selection"))
    assert shown["gescreend"] == 2 and "per_gemeente[Goirle].Gescreend" not in shown
    assert check.compare("selection", shown, check.check_selection(ctx)) == []


def test_an_empty_period(data, regional):
    ctx = build_context(regional, date(2023, 1, 1), date(2023, 12, 31))
    shown = check.flatten("selection", section_for(ctx, "selection"))
    assert shown["gescreend"] == shown["geselecteerd"] == 0
    assert check.compare("selection", shown, check.check_selection(ctx)) == []


def check_columns():
    return ["Gescreend", "Voldoet", "Afwijking", "Geselecteerd", "Toegelaten"]
