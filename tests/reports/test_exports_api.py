"""Exports carry no direct identifier; API permission matrix; docs render."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook
from rest_framework.test import APIClient

from maatpact.audit.models import AuditEvent
from maatpact.households.models import Household, Member
from maatpact.reports.exports import run_export

from .conftest import PERIOD

ALL = ["huishoudens", "metingen", "voorzieningen", "knelpunten"]


def _identifiers() -> set[str]:
    found = set()
    for m in Member.objects.all():
        found |= {m.first_name, m.last_name, m.date_of_birth.isoformat()}
        found.add(m.date_of_birth.strftime("%d-%m-%Y"))
        if m.bsn:
            found.add(m.bsn)
    for h in Household.objects.all():
        found |= {h.street, h.postcode, h.number}
    return found


def _xlsx_text(content: bytes) -> tuple[str, dict]:
    wb = load_workbook(io.BytesIO(content))
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    text = "\n".join(str(v) for rows in sheets.values() for r in rows for v in r)
    return text, sheets


def test_xlsx_export_has_no_identifiers_and_is_audited(report_data, analyst):
    result = run_export(analyst, ALL, "xlsx")
    text, sheets = _xlsx_text(result.content)
    for identifier in _identifiers():
        assert identifier not in text, identifier
    households = sheets["Huishoudens"]
    assert len(households) == 1 + len(report_data.households)
    # Pseudonyms are stable across sheets of one export.
    pseudonyms = {r[0] for r in households[1:]}
    assert {r[0] for r in sheets["Metingen (ZRM)"][1:]} <= pseudonyms
    assert {r[0] for r in sheets["Voorzieningen"][1:]} <= pseudonyms
    assert households[1][10] in ("30-39", "40-49")  # age band, not a date of birth
    events = AuditEvent.objects.filter(action="export", actor=analyst)
    assert events.count() == len(report_data.households)
    assert set(events.values_list("household_id", flat=True)) == {
        h.pk for h in report_data.households
    }


def test_csv_export_has_no_identifiers_and_new_pseudonyms(report_data, regional):
    first = run_export(regional, ALL, "csv")
    second = run_export(regional, ["huishoudens"], "csv")
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{k}.csv" for k in ALL)
        text = "\n".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
        one = {
            line.split(";")[0] for line in archive.read("huishoudens.csv").decode().splitlines()[1:]
        }
    for identifier in _identifiers():
        assert identifier not in text, identifier
    with zipfile.ZipFile(io.BytesIO(second.content)) as archive:
        two = {
            line.split(";")[0] for line in archive.read("huishoudens.csv").decode().splitlines()[1:]
        }
    assert len(one) == len(two) == len(report_data.households)
    assert not one & two


@pytest.mark.parametrize("who", ["coordinator", "team_lead", "financier", "admin_user"])
def test_export_refused_outside_analysts_and_regional_team(report_data, request, who):
    with pytest.raises(PermissionError):
        run_export(request.getfixturevalue(who), ALL, "xlsx")
    assert not AuditEvent.objects.filter(action="export").exists()


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


REPORT = f"/api/v1/reports/interim/?van={PERIOD[0]}&tot={PERIOD[1]}"

# endpoint -> roles that get 200 (everyone else authenticated: 404; anonymous: 401/403)
MATRIX = {
    "/api/v1/regions/": "all",
    "/api/v1/municipalities/": "all",
    "/api/v1/municipalities/GM0855/": "all",
    "/api/v1/organisations/?kind=zorgverzekeraar": "all",
    "/api/v1/cohorts/": "all",
    "/api/v1/users/me/": "all",
    REPORT: {"regional", "analyst", "team_lead", "financier"},
    "/api/v1/exports/": {"regional", "analyst"},
}
ROLES = ["coordinator", "team_lead", "regional", "analyst", "financier", "admin_user"]


@pytest.mark.parametrize("url", list(MATRIX))
def test_api_permission_matrix(report_data, request, url):
    allowed = MATRIX[url]
    assert api(None).get(url).status_code in (401, 403)
    for role in ROLES:
        user = request.getfixturevalue(role)
        status = api(user).get(url).status_code
        expected = 200 if allowed == "all" or role in allowed else 404
        assert status == expected, (role, url, status)


def test_api_report_is_suppressed_for_analyst(report_data, analyst, regional):
    exact = api(regional).get(REPORT).json()
    hidden = api(analyst).get(REPORT).json()
    assert exact["exact"] is True and hidden["exact"] is False
    text = str(hidden)
    assert "'display': '<5'" in text
    first = hidden["sections"][0]["figures"][0]
    assert set(first["provenance"]) == {"selector", "query", "households"}


def test_api_report_bad_input_is_400(regional, team_lead):
    response = api(regional).get("/api/v1/reports/interim/?van=2024-05-01&tot=2024-01-01")
    assert response.status_code == 400 and "tot" in response.json()
    response = api(regional).get(REPORT + "&gemeente=GM9999")
    assert response.status_code == 400 and "gemeente" in response.json()
    assert api(team_lead).get(REPORT + "&gemeente=GM0785").status_code == 404


def test_api_export_download_and_validation(report_data, analyst):
    response = api(analyst).post(
        "/api/v1/exports/", {"soort": "xlsx", "gegevens": ["huishoudens"]}, format="json"
    )
    assert response.status_code == 200
    assert response["X-Export-Households"] == str(len(report_data.households))
    bad = api(analyst).post("/api/v1/exports/", {"soort": "pdf", "gegevens": ["x"]}, format="json")
    assert bad.status_code == 400 and {"soort", "gegevens"} <= set(bad.json())


def test_users_me(analyst):
    data = api(analyst).get("/api/v1/users/me/").json()
    assert data["role"] == "analist" and data["username"] == analyst.username


def test_docs_render_with_sidecar_static(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    # No inline script (strict CSP): the initialiser is served from the same view.
    assert "<script>" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
