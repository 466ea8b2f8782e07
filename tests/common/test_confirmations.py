"""Consequential single clicks ask first (issue 15, "Lost input" 3): escalating (with its
reason), withdrawing a legal basis and closing a household show what will happen; only
the confirmation page's own button acts, "Annuleren" writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from maatpact.households import services as household_services
from maatpact.households.models import Cohort, Household, ProcessingBasis
from maatpact.obstacles.models import EscalationStep
from maatpact.regions.models import Region
from tests import factories
from tests.conftest import login
from tests.html_forms import page_forms
from tests.obstacles.helpers import raise_obstacle


def _confirm(client, response):
    """Press the "Ja, ..." button of a confirmation page, as a browser would."""
    assert response.status_code == 200
    (form,) = [f for f in page_forms(response.content.decode()) if f.button("Ja, ")]
    return client.post(form.action, form.data(press="Ja, "))


def test_escalation_asks_for_the_reason_and_then_for_confirmation(client, coordinator, household):
    obstacle = raise_obstacle(coordinator, household)
    url = reverse("obstacles:escalate", args=[obstacle.pk])
    before = EscalationStep.objects.filter(obstacle=obstacle).count()
    login(client, coordinator)

    without_reason = client.post(url, {"note": "  "}, follow=True)
    assert "reden" in without_reason.content.decode().lower()
    assert EscalationStep.objects.filter(obstacle=obstacle).count() == before

    asked = client.post(url, {"note": "De gemeente reageert al drie weken niet."})
    html = asked.content.decode()
    assert "Escaleren naar" in html and "De gemeente reageert al drie weken niet." in html
    assert EscalationStep.objects.filter(obstacle=obstacle).count() == before

    done = _confirm(client, asked)
    assert done.status_code == 302
    step = EscalationStep.objects.filter(obstacle=obstacle).latest("at")
    assert step.note == "De gemeente reageert al drie weken niet."
    assert EscalationStep.objects.filter(obstacle=obstacle).count() == before + 1


def test_withdrawing_a_legal_basis_asks_first(client, coordinator, household):
    basis = household_services.add_processing_basis(
        coordinator,
        household,
        partner=factories.organisation("Zorgverzekeraar Test (fictief)", "zorgverzekeraar"),
        kind=ProcessingBasis.Kind.DELEN,
        purpose="Inzicht in uitkomsten (fictief)",
        basis=ProcessingBasis.Basis.TOESTEMMING,
        law="",
        cross_domain=False,
        given_on=timezone.localdate() - timedelta(days=10),
    )
    login(client, coordinator)
    asked = client.post(reverse("households:withdraw_basis", args=[household.number, basis.pk]))
    assert "Zorgverzekeraar Test (fictief)" in asked.content.decode()
    basis.refresh_from_db()
    assert basis.withdrawn_on is None
    assert _confirm(client, asked).status_code == 302
    basis.refresh_from_db()
    assert basis.withdrawn_on is not None


def test_closing_a_household_asks_first_other_steps_do_not(client, coordinator, household):
    url = reverse("households:status", args=[household.number])
    login(client, coordinator)
    asked = client.post(url, {"status": "afgesloten", "reason": "Verhuisd naar Breda"})
    assert "Verhuisd naar Breda" in asked.content.decode()
    assert Household.objects.get(pk=household.pk).status == "aangemeld"
    assert _confirm(client, asked).status_code == 302
    closed = Household.objects.get(pk=household.pk)
    assert closed.status == "afgesloten" and closed.closure_reason == "Verhuisd naar Breda"


def test_a_plain_status_step_needs_no_confirmation(client, coordinator, household):
    cohort = Cohort.objects.create(
        name="Cohort test",
        region=Region.objects.first(),
        phase=1,
        capacity=5,
        starts_on=date(2019, 4, 1),
    )
    login(client, coordinator)
    response = client.post(
        reverse("households:status", args=[household.number]),
        {"status": "geselecteerd", "cohort": cohort.pk},
    )
    assert response.status_code == 302
