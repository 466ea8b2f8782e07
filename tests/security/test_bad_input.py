"""Hostile input on every page and form of the project (iterates the URL patterns).

Forms are discovered by rendering every page as the roles that work with households
and parsing their POST forms, so forms that later apps add are covered automatically.
Each hostile submission must give a 4xx or the form again with a clear message: never
a 500, never a write; HTML and script typed into text fields are shown escaped.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from maatpact.households import services
from maatpact.households.models import Household, ProcessingBasis
from tests import factories

from .catalogue import HtmlForm, all_routes, post_forms, row_counts

SCRIPT = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
SQL = "' OR 1=1; DROP TABLE households_household; --"
# Values that are never valid anywhere: nothing may be written with them.
INVALID = {
    "te-lang": "A" * 10_000,
    "nul-teken": "abc\x00def",
    "enorm-getal": "9" * 40,
    "negatief-getal": "-" + "9" * 30,
    "verre-verleden": "0001-01-01",
    "verre-toekomst": "9999-12-31",
}
# Invalid even in free prose; the others are only invalid where a number or date is meant.
TEXT_INVALID = ("te-lang", "nul-teken")
# Text that is valid but hostile: may be stored, must be shown escaped.
TEXTUAL = {"html-script": SCRIPT, "sql": SQL}
ERROR_MARKERS = ("field-error", "error-summary", "message-error", 'role="alert"')
SKIP_ACTIONS = ("/i18n/", "/uitloggen/")


@pytest.fixture
def world(coordinator, team_lead, household, goirle_household, goirle_coordinator):
    basis = services.add_processing_basis(
        coordinator,
        household,
        partner=factories.organisation(),
        kind=ProcessingBasis.Kind.DELEN,
        purpose="Uitkomsten (fictief)",
        basis=ProcessingBasis.Basis.TOESTEMMING,
        law="",
        cross_domain=False,
        given_on=household.registered_on,
    )
    other_basis = services.add_processing_basis(
        goirle_coordinator,
        goirle_household,
        partner=factories.organisation(),
        kind=ProcessingBasis.Kind.DELEN,
        purpose="Uitkomsten (fictief)",
        basis=ProcessingBasis.Basis.TOESTEMMING,
        law="",
        cross_domain=False,
        given_on=goirle_household.registered_on,
    )
    return {
        "users": [coordinator, team_lead],
        "own": {"number": household.number, "pk": basis.pk},
        "forged": [
            {"number": goirle_household.number, "pk": basis.pk},
            {"number": household.number, "pk": other_basis.pk},
        ],
        "household": household,
    }


def _client(user, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    client.force_login(user)
    return client


def _discover(world) -> list[tuple[object, str, HtmlForm]]:
    """(user, action url, form) for every POST form on every page a role can open."""
    found: dict[tuple[int, str], tuple[object, str, HtmlForm]] = {}
    for user in world["users"]:
        client = _client(user)
        for route in all_routes():
            url = route.url(**world["own"])
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for form in post_forms(response.content.decode()):
                action = form.action or url
                if action.startswith(SKIP_ACTIONS):
                    continue
                found.setdefault(
                    (user.pk, action, tuple(sorted(form.fields))), (user, action, form)
                )
    return list(found.values())


def _editable(form: HtmlForm) -> list[str]:
    return [n for n in form.fields if n != "csrfmiddlewaretoken"] + [
        n for n, k in form.kinds.items() if k == "checkbox" and n not in form.fields
    ]


def _shows_error(client: Client, response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    if response.status_code == 302:
        response = client.get(response["Location"])
    return any(marker in response.content.decode() for marker in ERROR_MARKERS)


def test_catalogue_reaches_the_forms_of_the_project(world):
    forms = _discover(world)
    actions = {resolve(action.split("?")[0]).url_name for _, action, _ in forms}
    # The foundation's forms; later apps' forms join this list by themselves.
    assert {"intake", "status", "handover", "add_basis", "withdraw_basis", "login"} <= actions


def test_invalid_values_in_every_field_never_500_never_write(world):
    forms = _discover(world)
    for kind, value in INVALID.items():
        for user, action, form in forms:
            fields = _editable(form)
            if not fields:
                continue  # a bare button (e.g. withdraw): nothing to fill in
            if kind not in TEXT_INVALID and all(form.kinds.get(n) == "textarea" for n in fields):
                continue  # "999..." or a date is valid prose in a form of free text only
            client = _client(user)
            before = row_counts()
            data = dict.fromkeys(fields, value)
            response = client.post(action, data)
            assert response.status_code < 500, (kind, action, response.status_code)
            assert row_counts() == before, (kind, action)
            assert _shows_error(client, response), (kind, action)


def test_html_and_sql_in_text_fields_are_harmless_and_escaped(world):
    forms = _discover(world)
    for kind, value in TEXTUAL.items():
        for user, action, form in forms:
            client = _client(user)
            data = dict(form.fields)
            for name, field_kind in form.kinds.items():
                if field_kind in ("text", "textarea", "search", "email", "url") and name in data:
                    data[name] = value
            response = client.post(action, data)
            assert response.status_code < 500, (kind, action, response.status_code)
            assert Household.objects.exists()  # the table is still there
            pages = [response]
            if response.status_code == 302:
                pages.append(client.get(response["Location"]))
            for page in pages:
                assert SCRIPT not in page.content.decode(), action


def test_intake_with_script_in_names_is_stored_and_shown_escaped(client, coordinator):
    client.force_login(coordinator)
    data = {
        "municipality": coordinator.municipality_id,
        "street": SCRIPT[:120],
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "Tilburg",
        "lid-TOTAL_FORMS": "1",
        "lid-INITIAL_FORMS": "0",
        "lid-MIN_NUM_FORMS": "1",
        "lid-MAX_NUM_FORMS": "20",
        "lid-0-first_name": "<b>Fictief</b>",
        "lid-0-last_name": SQL[:120],
        "lid-0-date_of_birth": "1980-01-01",
        "lid-0-role": "aanvrager",
        "lid-0-bsn": "",
    }
    response = client.post("/huishoudens/nieuw/", data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert SCRIPT[:40] not in page and "<b>Fictief</b>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Fictief&lt;/b&gt;" in page
    assert "DROP TABLE" in page  # stored as plain text, nothing executed
    assert Household.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("street", "S" * 121, "niet meer dan 120"),
        ("lid-0-date_of_birth", "0001-01-01", "geboortedatum"),
        ("lid-0-date_of_birth", "9999-12-31", "geboortedatum"),
        ("lid-0-date_of_birth", "31-31-2020", "geldige datum"),
        ("lid-0-bsn", "9" * 40, "niet meer dan 9"),
        ("lid-TOTAL_FORMS", "9" * 40, "maximaal 20 formulieren"),
        ("municipality", "9" * 40, "Onbekende gemeente"),
        ("coordinator", "9" * 40, "geldige keuze"),
        ("lid-0-first_name", "a\x00b", "Null-tekens"),
    ],
)
def test_intake_field_by_field(client, coordinator, field, value, message):
    client.force_login(coordinator)
    data = {
        "municipality": coordinator.municipality_id,
        "street": "Heuvel",
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "Tilburg",
        "lid-TOTAL_FORMS": "1",
        "lid-INITIAL_FORMS": "0",
        "lid-MIN_NUM_FORMS": "1",
        "lid-MAX_NUM_FORMS": "20",
        "lid-0-first_name": "Fictief",
        "lid-0-last_name": "Voorbeeld",
        "lid-0-date_of_birth": "1980-01-01",
        "lid-0-role": "aanvrager",
        "lid-0-bsn": "",
        field: value,
    }
    before = row_counts()
    response = client.post("/huishoudens/nieuw/", data)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert row_counts() == before


def test_other_coordinators_candidate_is_refused(client, coordinator, goirle_coordinator):
    client.force_login(coordinator)
    data = {
        "municipality": coordinator.municipality_id,
        "street": "Heuvel",
        "house_number": "1",
        "postcode": "5038 AB",
        "city": "Tilburg",
        "coordinator": goirle_coordinator.pk,
        "lid-TOTAL_FORMS": "1",
        "lid-INITIAL_FORMS": "0",
        "lid-0-first_name": "Fictief",
        "lid-0-last_name": "Voorbeeld",
        "lid-0-date_of_birth": "1980-01-01",
        "lid-0-role": "aanvrager",
    }
    response = client.post("/huishoudens/nieuw/", data)
    assert "geldige keuze" in response.content.decode()
    assert not Household.objects.exists()


def test_invalid_utf8_in_bodies_and_paths(world):
    for user, action, form in _discover(world):
        client = _client(user)
        before = row_counts()
        body = urlencode(form.fields).encode() + b"&street=%FF%FE%C0"
        body += b"&" + b"\xff\xfe=\xc0\xaf"
        response = client.post(action, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, action
        if _editable(form):
            assert row_counts() == before or response.status_code == 302, action
    client = _client(world["users"][0])
    for path in ("/huishoudens/%FF%FE/", "/huishoudens/%C0%AF/status/", "/%FF/"):
        assert client.get(path).status_code in (400, 404, 405)


def test_forged_ids_of_other_households_answer_404_and_write_nothing(world):
    routes = [r for r in all_routes() if {"number", "pk"} & set(r.params)]
    assert routes
    for user in world["users"]:
        client = _client(user)
        for route in routes:
            for forged in world["forged"]:
                if "pk" not in route.params and forged["number"] == world["own"]["number"]:
                    continue
                url = route.url(**forged)
                before = row_counts()
                get = client.get(url)
                post = client.post(url, {"reason": "x", "status": "afgesloten"})
                assert get.status_code in (404, 405), (url, get.status_code)
                assert post.status_code in (404, 405), (url, post.status_code)
                assert row_counts() == before, url


def test_huge_ids_in_urls_are_404(world):
    client = _client(world["users"][0])
    for route in all_routes():
        if "pk" in route.params or "number" in route.params:
            url = route.url(number="MP-" + "9" * 40, pk="9" * 40)
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {}).status_code in (404, 405), url


def test_missing_csrf_token_is_refused_without_write(world):
    for user, action, form in _discover(world):
        client = _client(user, enforce_csrf_checks=True)
        data = {k: v for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
        before = row_counts()
        response = client.post(action, data)
        assert response.status_code == 403, action
        assert row_counts() == before, action


def test_every_route_survives_a_get_as_each_role(world, regional, analyst, financier, admin_user):
    """No page answers 500 to any role, whatever it may see."""
    for user in (*world["users"], regional, analyst, financier, admin_user):
        client = _client(user)
        for route in all_routes():
            for values in (world["own"], *world["forged"]):
                response = client.get(route.url(**values))
                assert response.status_code < 500, (user.role, route.route)


def test_catalogue_routes_resolve():
    for route in all_routes():
        try:
            resolve(route.url(number="MP-0001", pk=1))
        except Resolver404:  # pragma: no cover - a broken pattern
            pytest.fail(route.route)


def test_nul_bytes_in_paths_and_query_strings_are_400(world):
    client = _client(world["users"][0])
    for route in all_routes():
        if "number" in route.params:
            url = route.url(number="MP-%00", pk="1")
            assert client.get(url).status_code in (400, 404, 405), url
            assert client.post(url, {}).status_code in (400, 404, 405), url
    response = client.get("/gemeente/?status=%00")
    assert response.status_code in (400, 404)
    api = client.get("/api/v1/households/?municipality=GM%00")
    assert api.status_code == 400 and "Null-tekens" in api.json()["detail"]
    assert client.get("/api/v1/households/MP-%00/").status_code == 400


def test_a_value_the_database_refuses_is_a_400_not_a_500(world):
    from unittest import mock

    from django.db import DataError

    client = _client(world["users"][0])
    with mock.patch(
        "maatpact.households.selectors.my_households", side_effect=DataError("out of range")
    ):
        response = client.get("/mijn-huishoudens/")
    assert response.status_code == 400
    assert "niet kan worden opgeslagen" in response.content.decode()
