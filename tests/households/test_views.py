from django.urls import reverse

from maatpact.households.models import Household, Member
from tests import factories
from tests.conftest import login
from tests.html_forms import page_forms


def _intake_data(municipality_id, **overrides):
    data = {
        "municipality": municipality_id,
        "street": "Heuvelring",
        "house_number": "12",
        "postcode": "5038 CD",
        "city": "Tilburg",
        "coordinator": "",
        "lid-TOTAL_FORMS": "2",
        "lid-INITIAL_FORMS": "0",
        "lid-MIN_NUM_FORMS": "1",
        "lid-MAX_NUM_FORMS": "20",
        "lid-0-first_name": "Fictief",
        "lid-0-last_name": "Voorbeeld",
        "lid-0-date_of_birth": "1984-02-03",
        "lid-0-role": "aanvrager",
        "lid-0-bsn": factories.VALID_BSN_2,
        "lid-1-first_name": "Kind",
        "lid-1-last_name": "Voorbeeld",
        "lid-1-date_of_birth": "2016-05-06",
        "lid-1-role": "kind",
        "lid-1-bsn": "",
    }
    data.update(overrides)
    return data


def test_intake_page_creates_household(client, coordinator):
    login(client, coordinator)
    response = client.post(reverse("households:intake"), _intake_data(coordinator.municipality_id))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.number])
    assert household.members.count() == 2


def test_intake_invalid_bsn_shows_dutch_error_and_writes_nothing(client, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("households:intake"),
        _intake_data(coordinator.municipality_id, **{"lid-1-bsn": "123456789"}),
    )
    assert response.status_code == 200
    assert "elfproef" in response.content.decode()
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def test_intake_missing_required_field(client, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("households:intake"), _intake_data(coordinator.municipality_id, street="")
    )
    assert "Dit veld is vereist" in response.content.decode()
    assert Household.objects.count() == 0


def test_intake_unknown_municipality(client, coordinator):
    login(client, coordinator)
    response = client.post(reverse("households:intake"), _intake_data(999999))
    assert "Onbekende gemeente" in response.content.decode()
    assert Household.objects.count() == 0


def test_intake_other_municipality_is_unknown(client, coordinator):
    goirle = factories.municipality("Goirle")
    login(client, coordinator)
    response = client.post(reverse("households:intake"), _intake_data(goirle.pk))
    assert "Onbekende gemeente" in response.content.decode()
    assert Household.objects.count() == 0


def test_disallowed_status_transition_shows_message(client, coordinator, household):
    login(client, coordinator)
    response = client.post(
        reverse("households:status", args=[household.number]), {"status": "actief"}, follow=True
    )
    assert "geen toegestane stap" in response.content.decode()
    household.refresh_from_db()
    assert household.status == "aangemeld"


def test_handover_page(client, team_lead, household, other_coordinator):
    login(client, team_lead)
    response = client.post(
        reverse("households:handover", args=[household.number]),
        {"coordinator": other_coordinator.pk, "reason": "Zwangerschapsverlof"},
    )
    assert response.status_code == 302
    assert household.assignments.get(ended_at__isnull=True).coordinator == other_coordinator


def test_handover_without_reason_shows_error(client, team_lead, household, other_coordinator):
    login(client, team_lead)
    response = client.post(
        reverse("households:handover", args=[household.number]),
        {"coordinator": other_coordinator.pk, "reason": ""},
    )
    assert "Dit veld is vereist" in response.content.decode()
    assert household.assignments.count() == 1


def test_login_page_is_dutch(client):
    html = client.get(reverse("login")).content.decode()
    assert "Inloggen" in html and 'lang="nl"' in html


def test_english_available(client, coordinator):
    from django.utils import translation

    with translation.override("en"):
        assert translation.get_language() == "en"


def test_intake_rows_can_be_chosen_without_javascript(client, coordinator):
    login(client, coordinator)
    html = client.get(reverse("households:intake") + "?leden=4").content.decode()
    assert 'name="lid-3-first_name"' in html and 'name="lid-4-first_name"' not in html
    html = client.get(reverse("households:intake") + "?leden=abc").content.decode()
    assert 'name="lid-1-first_name"' in html


def test_intake_empty_extra_rows_are_ignored(client, coordinator):
    login(client, coordinator)
    data = _intake_data(coordinator.municipality_id)
    data.update(
        {
            "lid-TOTAL_FORMS": "3",
            "lid-2-first_name": "",
            "lid-2-last_name": "",
            "lid-2-date_of_birth": "",
            "lid-2-role": "",
            "lid-2-bsn": "",
        }
    )
    response = client.post(reverse("households:intake") + "?leden=3", data)
    assert response.status_code == 302
    assert Household.objects.get().members.count() == 2


def test_team_lead_worklist_is_the_paginated_overview(client, team_lead):
    login(client, team_lead)
    response = client.get(reverse("households:worklist"))
    assert response.status_code == 302 and response["Location"] == reverse("households:overview")
    assert "Te doen" in client.get(reverse("households:overview")).content.decode()


def test_changing_the_number_of_members_keeps_what_was_typed(client, coordinator):
    """Issue 15: "Pas aantal aan" was a separate GET form and wiped the address and the
    members already typed. It is now a button of the intake form: the form comes back
    with the new number of rows, every typed value in place, no error and no write."""
    login(client, coordinator)
    url = reverse("households:intake")
    (form,) = [f for f in page_forms(client.get(url).content.decode()) if "street" in f.types]
    assert form.button("Pas aantal aan"), "the row count belongs to the form with the rows"
    typed = {
        "street": "Heuvelring",
        "house_number": "12",
        "lid-0-first_name": "Fictief",
        "lid-0-date_of_birth": "1984-02-03",
        "lid-1-first_name": "Kind",
        "leden": "3",
    }
    page = client.post(form.action or url, form.data(press="Pas aantal aan", **typed))
    assert page.status_code == 200 and Household.objects.count() == 0
    html = page.content.decode()
    (again,) = [f for f in page_forms(html) if "street" in f.types]
    values = again.data()
    for name, value in typed.items():
        if name != "leden":
            assert values[name] == [value], name
    assert "lid-2-first_name" in again.types  # a third member row
    assert values["lid-TOTAL_FORMS"] == ["3"]
    assert "field-error" not in html
    complete = {
        "postcode": "5038 CD",
        "city": "Tilburg",
        "lid-0-last_name": "Voorbeeld",
        "lid-0-role": "aanvrager",
        "lid-1-last_name": "Voorbeeld",
        "lid-1-date_of_birth": "2016-05-06",
        "lid-1-role": "kind",
    }
    saved = client.post(form.action or url, again.data(press="Aanmelden", **complete))
    assert saved.status_code == 302
    household = Household.objects.get()
    assert household.street == "Heuvelring" and household.members.count() == 2
