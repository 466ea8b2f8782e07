"""Edit forms show stored dates in the ISO value a browser's date input can show, so
saving a form unchanged keeps them (issue 15, "Lost input" 1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from maatpact.plans import selectors as plan_selectors
from maatpact.plans import services as plan_services
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from tests import factories
from tests.conftest import login
from tests.html_forms import page_forms


def _submit_unchanged(client, url):
    """GET the edit page, then POST its one form exactly as a browser would."""
    page = client.get(url)
    assert page.status_code == 200
    forms = page_forms(page.content.decode())
    (form,) = [f for f in forms if f.method == "post" and f.action in ("", url)]
    return client.post(form.action or url, form.data()), form


@pytest.fixture
def plan(household):
    return plan_selectors.plan_for(household)


def test_plan_agreed_date_survives_an_unchanged_save(client, coordinator, household, plan):
    plan_services.update_plan(
        coordinator, plan, future_in_own_words="Rust in huis.", agreed_on=date(2025, 3, 1)
    )
    login(client, coordinator)
    response, form = _submit_unchanged(client, reverse("plans:edit", args=[household.number]))
    assert ("agreed_on", "2025-03-01") in form.fields
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.agreed_on == date(2025, 3, 1)


def test_action_due_date_survives_an_unchanged_save(client, coordinator, household, plan):
    action = plan_services.add_action(
        coordinator,
        plan,
        what="Bellen met de woningcorporatie",
        who_kind="regisseur",
        due_on=date(2025, 5, 12),
    )
    login(client, coordinator)
    url = reverse("plans:action_edit", args=[household.number, action.pk])
    response, form = _submit_unchanged(client, url)
    assert ("due_on", "2025-05-12") in form.fields
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == date(2025, 5, 12)


def test_provision_start_and_end_survive_an_unchanged_save(client, coordinator, household):
    provision = provision_services.add_provision(
        coordinator,
        household,
        description="Schuldhulpverlening",
        law=Law.objects.get(code="wmo"),
        financier=factories.organisation("Gemeente Tilburg", "gemeente"),
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 12, 31),
        amount=Decimal("3200.50"),
    )
    login(client, coordinator)
    url = reverse("provisions:edit", args=[household.number, provision.pk])
    response, form = _submit_unchanged(client, url)
    assert ("starts_on", "2025-01-06") in form.fields
    assert ("ends_on", "2025-12-31") in form.fields
    assert response.status_code == 302
    provision.refresh_from_db()
    assert (provision.starts_on, provision.ends_on, provision.amount) == (
        date(2025, 1, 6),
        date(2025, 12, 31),
        Decimal("3200.50"),
    )
