"""The pages: interim report, PDF, charts, dashboards; permissions and bad input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maatpact.audit.models import AuditEvent
from maatpact.reports.context import build_context
from maatpact.reports.views import render_pdf
from tests.conftest import login

from .conftest import PERIOD

QUERY = {"van": PERIOD[0].isoformat(), "tot": PERIOD[1].isoformat()}


def test_regional_team_opens_report_with_provenance(client, report_data, regional):
    login(client, regional)
    response = client.get(reverse("reports:interim"), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Huishoudens per gemeente, fase en status",
        "Tijd van aanmelding tot eerste hulp",
        "Verandering in zelfredzaamheid (ZRM)",
        "Knelpunten naar soort, wet en organisatie",
        "Systeemkosten vóór en tijdens, per financier",
    ):
        assert heading in html
    assert "<details" in html and "Hoe berekend" in html
    assert "maatpact.reports.sections.households.compute_households" in html
    assert "<script" not in html and "onclick" not in html
    assert AuditEvent.objects.filter(object_type="reports.interim", actor=regional).exists()


def test_default_period_without_parameters(client, report_data, regional):
    login(client, regional)
    assert client.get(reverse("reports:interim")).status_code == 200


def test_bad_period_is_a_dutch_message(client, regional):
    login(client, regional)
    response = client.get(reverse("reports:interim"), {"van": "2024-05-01", "tot": "2024-01-01"})
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()
    response = client.get(reverse("reports:interim"), {"van": "gisteren", "tot": "2024-01-01"})
    assert response.status_code == 400 and "geldige datum" in response.content.decode()


def test_team_lead_cannot_choose_other_municipality(client, report_data, team_lead):
    login(client, team_lead)
    goirle = report_data.goirle[0].municipality_id
    response = client.get(reverse("reports:interim"), {**QUERY, "gemeente": goirle})
    assert response.status_code == 400
    assert "Kies een gemeente uit de lijst." in response.content.decode()
    ok = client.get(reverse("reports:interim"), QUERY)
    assert ok.status_code == 200 and "Tilburg" in ok.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "admin_user"])
def test_roles_without_report_get_404(client, db, request, who):
    login(client, request.getfixturevalue(who))
    for name in ("reports:interim", "reports:interim_pdf", "reports:export"):
        assert client.get(reverse(name)).status_code == 404


def test_chart_is_png(client, report_data, regional):
    login(client, regional)
    url = reverse("reports:chart", args=["zrm", "zrm"])
    response = client.get(url, QUERY)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(reverse("reports:chart", args=["zrm", "nope"]), QUERY).status_code == 404


def test_financier_cannot_fetch_obstacle_chart(client, report_data, financier):
    login(client, financier)
    url = reverse("reports:chart", args=["obstacles", "soort"])
    assert client.get(url, QUERY).status_code == 404


def test_pdf_download_contains_headings_and_figures(client, report_data, regional):
    login(client, regional)
    response = client.get(reverse("reports:interim_pdf"), QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for heading in (
        "Tussentijdse rapportage",
        "Huishoudens per gemeente",
        "Verandering in zelfredzaamheid",
        "Systeemkosten",
    ):
        assert heading in text
    assert "Goirle" in text and "Tilburg" in text
    # Charts are embedded as images.
    assert sum(len(page.images) for page in reader.pages) >= 4


def test_pdf_for_analyst_has_suppressed_cells(report_data, analyst):
    pdf = render_pdf(build_context(analyst, *PERIOD))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "<5" in text


@pytest.mark.parametrize(
    "who, expected",
    [
        ("coordinator", "Mijn huishoudens"),
        ("team_lead", "Regisseurs"),
        ("regional", "Huishoudens in de regio"),
        ("analyst", "Gepseudonimiseerde export"),
        ("financier", "huishoudens met toestemming om met u te delen"),
    ],
)
def test_dashboard_per_role(client, request, report_data, who, expected):
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_coordinator_dashboard_counts_own_households(client, report_data, coordinator):
    login(client, coordinator)
    response = client.get(reverse("reports:dashboard"))
    tiles = {t.title: t for t in response.context["tiles"]}
    assert tiles["Mijn huishoudens"].value == len(report_data.tilburg)


def test_financier_dashboard_suppresses_small_counts(client, report_data, financier):
    login(client, financier)
    tiles = {t.title: t for t in client.get(reverse("reports:dashboard")).context["tiles"]}
    tile = tiles["Uw organisatie in het programma"]
    assert tile.value == "<5"  # no consent recorded in the fixture: 0 households
    assert dict(tile.rows)["Huishoudens met een lopende voorziening van u"] == "8"


@pytest.mark.parametrize(
    "who, target",
    [("regional", "/dashboard/"), ("analyst", "/dashboard/"), ("financier", "/dashboard/")],
)
def test_home_is_dashboard(client, db, request, who, target):
    login(client, request.getfixturevalue(who))
    assert client.get("/").url == target


def test_admin_has_no_dashboard(client, admin_user):
    login(client, admin_user)
    assert client.get(reverse("reports:dashboard")).status_code == 404
