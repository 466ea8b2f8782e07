"""Consent withdrawal stops sharing with that partner at once, on pages and in the API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from maatpact.households import services
from maatpact.households.models import ProcessingBasis
from tests import factories
from tests.conftest import login


def _consent(actor, household, partner):
    return services.add_processing_basis(
        actor,
        household,
        partner=partner,
        kind=ProcessingBasis.Kind.DELEN,
        purpose="Inzicht in uitkomsten (fictief)",
        basis=ProcessingBasis.Basis.TOESTEMMING,
        law="",
        cross_domain=False,
        given_on=timezone.localdate() - timedelta(days=10),
    )


def test_financier_loses_access_immediately_after_withdrawal(
    client, household, coordinator, financier
):
    basis = _consent(coordinator, household, financier.organisation)
    detail = reverse("households:detail", args=[household.number])
    api = f"/api/v1/households/{household.number}/"
    auth = {"HTTP_AUTHORIZATION": f"Token {factories.api_token(financier)}"}

    login(client, financier)
    assert client.get(detail).status_code == 200
    client_class = type(client)
    api_client = client_class()
    assert api_client.get(api, **auth).status_code == 200
    assert api_client.get("/api/v1/households/", **auth).json()["count"] == 1

    # The coordinator withdraws consent through the page.
    coordinator_client = client_class()
    login(coordinator_client, coordinator)
    url = reverse("households:withdraw_basis", args=[household.number, basis.pk])
    asked = coordinator_client.post(url)  # first the confirmation page, nothing withdrawn
    assert asked.status_code == 200 and api_client.get(api, **auth).status_code == 200
    response = coordinator_client.post(url, {"bevestigd": "ja"})
    assert response.status_code == 302

    # Same session, same token, next request: gone.
    assert client.get(detail).status_code == 404
    assert api_client.get(api, **auth).status_code == 404
    assert api_client.get("/api/v1/households/", **auth).json()["count"] == 0


def test_consent_for_another_partner_gives_this_financier_nothing(
    client, household, coordinator, financier
):
    from tests import factories

    other = factories.organisation("Woningcorporatie Test (fictief)", "woningcorporatie")
    _consent(coordinator, household, other)
    login(client, financier)
    assert client.get(reverse("households:detail", args=[household.number])).status_code == 404
