"""Pages and API from the outside: who sees what, and bad input over HTTP."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maatpact.accounts.models import Role
from maatpact.outcomes import services
from maatpact.outcomes.models import AchievedOutcome, EventType, HouseholdEvent, PaymentPeriod
from tests import factories
from tests.conftest import login

from . import helpers


def _contract_for(financier, regional, household):
    """A contract paid by the financier's insurer and a housing corporation."""
    corporation = helpers.org("Woonstichting Test (fictief)", "woningcorporatie")
    investor = helpers.org("Impactfonds Test (fictief)", "investeerder")
    helpers.start(household, days_ago=400)
    c = helpers.contract(payer_orgs=[financier.organisation, corporation], investor=investor)
    helpers.verified(household, regional)
    return c, corporation, investor


def test_financier_sees_only_its_own_statement(client, financier, regional, household):
    c, corporation, investor = _contract_for(financier, regional, household)
    login(client, financier)
    html = client.get(reverse("outcomes:contract", args=[c.pk])).content.decode()
    assert f"Afrekening {financier.organisation}" in html
    assert f"Afrekening {corporation}" not in html
    assert "Investeerder" not in html
    data = client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").json()
    assert [p["organisation"] for p in data["payers"]] == [str(financier.organisation)]
    assert data["payers"][0]["total"] == "1000.00"
    assert data["investors"] == []


def test_investor_sees_cash_flows_and_regional_team_sees_all(
    client, financier, regional, household
):
    c, corporation, investor = _contract_for(financier, regional, household)
    investor_user = factories.user(Role.FINANCIER, None, organisation=investor)
    login(client, investor_user)
    data = client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").json()
    assert data["payers"] == [] and data["investors"][0]["drawn"] == "20000.00"
    assert data["investors"][0]["received"] == "2000.00"
    login(client, regional)
    data = client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").json()
    assert len(data["payers"]) == 2 and len(data["investors"]) == 1


def test_financier_of_another_organisation_gets_404(client, financier, regional, household):
    c, *_ = _contract_for(financier, regional, household)
    stranger = factories.user(
        Role.FINANCIER, None, organisation=helpers.org("Ander Fonds (fictief)", "investeerder")
    )
    login(client, stranger)
    assert client.get(reverse("outcomes:contract", args=[c.pk])).status_code == 404
    assert client.get(f"/api/v1/sib-contracts/{c.pk}/statement/").status_code == 404
    assert client.get(f"/api/v1/sib-contracts/{c.pk}/projection/").status_code == 404
    assert client.get("/api/v1/sib-contracts/").json()["count"] == 0


def test_coordinator_of_another_household_gets_404(client, household, other_coordinator):
    login(client, other_coordinator)
    url = reverse("outcomes:event_create", args=[household.number])
    assert client.get(url).status_code == 404
    response = client.post(
        "/api/v1/household-events/",
        {"household": household.number, "event_type": "werk", "occurred_on": "2025-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not HouseholdEvent.objects.exists()


def test_coordinator_records_event_on_page_and_bad_date_in_api(client, household, coordinator):
    login(client, coordinator)
    url = reverse("outcomes:event_create", args=[household.number])
    response = client.post(
        url,
        {
            "event_type": EventType.objects.get(code="schuldregeling").pk,
            "occurred_on": "2025-03-01",
        },
    )
    assert response.status_code == 302
    assert HouseholdEvent.objects.get().recorded_by == coordinator
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        "/api/v1/household-events/",
        {"household": household.number, "event_type": "werk", "occurred_on": future},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "toekomst" in response.json()["occurred_on"][0]
    assert HouseholdEvent.objects.count() == 1
    page = client.get(reverse("households:detail", args=[household.number])).content.decode()
    assert "Schuldregeling gestart" in page


def test_regional_team_verifies_on_the_page(client, household, regional):
    helpers.start(household, days_ago=400)
    services.evaluate_outcomes()
    outcome = AchievedOutcome.objects.filter(definition__code="huisuitzetting-voorkomen").get()
    login(client, regional)
    listing = client.get(reverse("outcomes:list")).content.decode()
    assert household.number in listing and "Huisuitzetting voorkomen" in listing
    detail = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert "gebeurtenissen_in_venster" in detail
    response = client.post(reverse("outcomes:detail", args=[outcome.pk]), {"decision": "verifieer"})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.status == "geverifieerd" and outcome.verified_by == regional


def test_verifying_own_evidence_via_api_is_400(client, household, regional):
    helpers.start(household, days_ago=400)
    helpers.score(household, household.started_on, 1, regional)
    helpers.score(household, timezone.localdate() - timedelta(days=200), 3, regional)
    helpers.score(household, timezone.localdate() - timedelta(days=10), 3, regional)
    services.evaluate_outcomes()
    outcome = AchievedOutcome.objects.get(definition__code="financien-stabiel")
    login(client, regional)
    response = client.post(f"/api/v1/achieved-outcomes/{outcome.pk}/verify/", {"approve": True})
    assert response.status_code == 400
    assert "zelf hebt vastgelegd" in response.json()["non_field_errors"][0]
    outcome.refresh_from_db()
    assert outcome.status == "te_verifieren"


def test_analyst_sees_outcomes_but_cannot_verify(client, household, analyst):
    helpers.start(household, days_ago=400)
    services.evaluate_outcomes()
    outcome = AchievedOutcome.objects.first()
    login(client, analyst)
    assert client.get(reverse("outcomes:list")).status_code == 200
    response = client.post(reverse("outcomes:detail", args=[outcome.pk]), {"decision": "verifieer"})
    # The analyst sees the outcome: verifying it is a forbidden action, 403 (issue 14).
    assert response.status_code == 403
    assert client.post(f"/api/v1/achieved-outcomes/{outcome.pk}/verify/").status_code == 403


def test_coordinator_has_no_regional_outcome_list_or_savings(client, coordinator):
    login(client, coordinator)
    assert client.get(reverse("outcomes:list")).status_code == 404
    assert client.get(reverse("outcomes:savings")).status_code == 404
    assert client.get("/api/v1/savings/").status_code == 404


def test_overlapping_period_via_api_and_page(client, regional, financier, household):
    c, *_ = _contract_for(financier, regional, household)
    existing = c.periods.get()
    login(client, regional)
    body = {
        "name": "Overlap",
        "starts_on": existing.starts_on.isoformat(),
        "ends_on": (existing.starts_on + timedelta(days=10)).isoformat(),
    }
    response = client.post(
        f"/api/v1/sib-contracts/{c.pk}/periods/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "overlapt" in response.json()["starts_on"][0]
    response = client.post(reverse("outcomes:period_add", args=[c.pk]), body, follow=True)
    assert "overlapt" in response.content.decode()
    assert PaymentPeriod.objects.filter(contract=c).count() == 1


def test_negative_price_via_api(client, regional, financier, household):
    c, *_ = _contract_for(financier, regional, household)
    login(client, regional)
    response = client.post(
        f"/api/v1/sib-contracts/{c.pk}/rate-card/",
        {"definition": "werk-gevonden", "payer": financier.organisation_id, "price": "-1.00"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/v1/sib-contracts/{c.pk}/rate-card/",
        {
            "definition": "schuldregeling-gestart",
            "payer": financier.organisation_id,
            "price": "-1.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["price"] == ["Een prijs kan niet negatief zijn."]
    # financiers read their contract but cannot change it: 403 (issue 14)
    login(client, financier)
    response = client.post(
        f"/api/v1/sib-contracts/{c.pk}/caps/",
        {"cap_per_household": "1.00", "cap_total": "1.00", "max_return_rate": None},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_projection_is_reproducible_over_the_api(client, regional, financier, household):
    c, *_ = _contract_for(financier, regional, household)
    login(client, regional)
    url = f"/api/v1/sib-contracts/{c.pk}/projection/?runs=2000&seed=5&households=1000"
    first, second = client.get(url).json(), client.get(url).json()
    assert first == second and first["households"] == 1000
    assert first["outcomes"][0]["achieved"] == 1
    other = client.get(url.replace("seed=5", "seed=6")).json()
    assert other["payments"] != first["payments"]
    page = client.get(reverse("outcomes:projection", args=[c.pk]) + "?runs=1000")
    assert page.status_code == 200 and "P50" in page.content.decode()


def test_savings_page_says_when_data_cannot_support_an_estimate(client, financier, household):
    helpers.start(household, days_ago=400)
    login(client, financier)
    html = client.get(reverse("outcomes:savings")).content.decode()
    assert "Daarom staat hier geen bedrag" in html
    data = client.get("/api/v1/savings/").json()
    assert data["did_total"]["effect"] is None and data["did_total"]["reason"]


def test_savings_estimate_with_enough_households(client, regional, coordinator):
    from maatpact.households.models import Household
    from maatpact.provisions.models import Law, Provision

    insurer = helpers.org("Zorgverzekeraar Test (fictief)", "zorgverzekeraar")
    law = Law.objects.get(code="zvw")
    today = timezone.localdate()
    for i in range(50):
        h = factories.household(coordinator)
        treated = i < 25
        ref = today - timedelta(days=500)
        if treated:
            helpers.start(h, days_ago=500)
        else:
            Household.objects.filter(pk=h.pk).update(registered_on=ref)
        # 1,000 a month before; after: participants 400, comparison 900 a month
        Provision.objects.create(
            household=h,
            law=law,
            financier=insurer,
            description="zorg",
            starts_on=ref - timedelta(days=400),
            ends_on=ref,
            amount=Decimal("1000.00"),
        )
        Provision.objects.create(
            household=h,
            law=law,
            financier=insurer,
            description="zorg",
            starts_on=ref + timedelta(days=1),
            amount=Decimal("400.00" if treated else "900.00"),
        )
    login(client, regional)
    data = client.get("/api/v1/savings/").json()
    total = data["did_total"]
    assert total["n_treated"] == 25 and total["n_comparison"] == 25
    # about 12 x -500 = -6,000 a year less for participants (present value)
    assert -6_300 < total["effect"] < -5_600
    assert total["ci_low"] - 1e-6 <= total["effect"] <= total["ci_high"] + 1e-6
    html = client.get(reverse("outcomes:savings")).content.decode()
    assert "bespaart" in html


def test_household_panels_use_constant_queries(client, household, coordinator):
    login(client, coordinator)
    url = reverse("households:detail", args=[household.number])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    kind = EventType.objects.get(code="werk")
    for d in range(5):
        HouseholdEvent.objects.create(
            household=household,
            event_type=kind,
            occurred_on=timezone.localdate() - timedelta(days=d),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
