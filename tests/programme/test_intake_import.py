"""Back-dated intake: pages, API and the Excel import (dry run, all or nothing)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from maatpact.assessments.models import Assessment
from maatpact.common import dates
from maatpact.households.models import Cohort, Household
from maatpact.programme.intake_import import SHEETS, run_import
from maatpact.programme.models import Screening
from maatpact.provisions.models import Provision
from maatpact.regions.models import Region
from tests import factories
from tests.conftest import login

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def cohort(db):
    return Cohort.objects.create(
        name="Fase 1 — eerste 50",
        region=Region.objects.first(),
        phase=1,
        capacity=50,
        starts_on=date(2018, 1, 1),
    )


def _rows(n: int = 10, *, broken: dict[int, dict] | None = None) -> dict[str, list[list]]:
    """n Tilburg households helped since 2019, each selectable (3 low domains, 2 laws)."""
    factories.organisation("Gemeente Tilburg", "gemeente")
    sheets: dict[str, list[list]] = {name: [] for name in SHEETS}
    for i in range(n):
        ref = f"H{i + 1}"
        row = {
            "ref": ref,
            "gemeente": "GM0855",
            "straat": "Oude Markt",
            "huisnummer": str(i + 1),
            "postcode": "5038 AB",
            "woonplaats": "Tilburg",
            "regisseur": "",
            "aangemeld_op": "01-03-2019",
            "cohort": "Fase 1 — eerste 50",
            "geselecteerd_op": date(2019, 4, 1),
            "actief_sinds": "2019-04-15",
            "reden_afwijking": "",
        }
        row.update((broken or {}).get(i, {}))
        sheets["Huishoudens"].append([row[c] for c in SHEETS["Huishoudens"]])
        sheets["Gezinsleden"].append(
            [ref, f"Fictief{i}", "Terugwerk", "12-05-1980", "aanvrager", ""]
        )
        for code, score in (("hh_financien", 1), ("hh_huisvesting", 2), ("hh_organisatie", 2)):
            sheets["ZRM"].append([ref, "15-03-2019", code, score])
        sheets["Voorzieningen"].append(
            [ref, "wmo", "Gemeente Tilburg", "Begeleiding", "01-01-2019", "", "maandelijks", 412.5]
        )
        sheets["Voorzieningen"].append(
            [
                ref,
                "participatiewet",
                "Gemeente Tilburg",
                "Bijstand",
                "01-06-2018",
                "",
                "maandelijks",
                "1.234,56",
            ]
        )
    return sheets


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(SHEETS[name]))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_ten_back_dated_households_are_imported_with_their_own_dates(coordinator, cohort):
    report = run_import(coordinator, _xlsx(_rows()), dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 10
    imported = Household.objects.filter(street="Oude Markt")
    assert imported.count() == 10
    for household in imported:
        assert household.registered_on == date(2019, 3, 1)
        assert household.selected_on == date(2019, 4, 1)
        assert household.started_on == date(2019, 4, 15)
        assert household.status == "actief" and household.cohort == cohort
    assert (
        Assessment.objects.filter(household__in=imported, assessed_on=date(2019, 3, 15)).count()
        == 10
    )
    amounts = sorted({p.amount for p in Provision.objects.filter(household__in=imported)})
    assert [str(a) for a in amounts] == ["412.50", "1234.56"]
    screenings = Screening.objects.filter(household__in=imported)
    assert screenings.count() == 10
    assert {(s.screened_on, s.result, s.domains_found, s.laws_found) for s in screenings} == {
        (date(2019, 4, 1), "voldoet", 3, 2)
    }


def test_dry_run_stores_nothing_and_reports_the_same(coordinator, cohort):
    before = Household.objects.count()
    report = run_import(coordinator, _xlsx(_rows()), dry_run=True)
    assert report.ok and report.dry_run and report.imported == 0
    assert len(report.households) == 10
    assert Household.objects.count() == before
    assert not Assessment.objects.exists() and not Provision.objects.exists()
    assert not Screening.objects.exists()


def test_mixed_good_and_bad_rows_import_nothing_and_name_every_error(coordinator, cohort):
    future = (dates.today() + timedelta(days=3)).strftime("%d-%m-%Y")
    sheets = _rows(
        broken={
            1: {"aangemeld_op": future},
            3: {"postcode": "ABCDE"},
            5: {"actief_sinds": "2019-03-20"},  # before the selection
            7: {"gemeente": "Atlantis"},
            8: {"cohort": ""},
        }
    )
    sheets["Gezinsleden"].append(["H10", "Kind", "Terugwerk", "31-02-2015", "kind", ""])
    sheets["Voorzieningen"].append(
        ["H99", "wmo", "Gemeente Tilburg", "x", "01-01-2019", "", "maandelijks", 1]
    )
    report = run_import(coordinator, _xlsx(sheets), dry_run=False)
    assert not report.ok and report.imported == 0
    assert Household.objects.count() == 0 and not Provision.objects.exists()
    by_ref = {}
    for error in report.errors:
        by_ref.setdefault(error.ref, []).append(f"{error.sheet}: {error.message}")
    assert set(by_ref) == {"H2", "H4", "H6", "H8", "H9", "H10", "H99"}
    assert "niet in de toekomst" in " ".join(by_ref["H2"])
    assert "postcode" in " ".join(by_ref["H4"]).lower()
    assert "vóór de selectie" in " ".join(by_ref["H6"])
    assert "Onbekende gemeente 'Atlantis'" in " ".join(by_ref["H8"])
    assert "Vul het cohort in" in " ".join(by_ref["H9"])
    assert "geen datum" in " ".join(by_ref["H10"])
    assert "niet op het tabblad Huishoudens" in " ".join(by_ref["H99"])


def test_selection_as_of_the_back_dated_day(coordinator, cohort, team_lead):
    """The ZRM of 2019-03-15 counts for a selection on 2019-04-01, not for one before it."""
    sheets = _rows(1, broken={0: {"geselecteerd_op": "10-03-2019", "actief_sinds": ""}})
    report = run_import(coordinator, _xlsx(sheets), dry_run=True)
    assert not report.ok
    assert "voldoet niet aan de selectiecriteria" in report.errors[0].message
    # A team lead of Tilburg may override with a reason, as on the page.
    sheets = _rows(
        1,
        broken={
            0: {
                "geselecteerd_op": "10-03-2019",
                "actief_sinds": "",
                "regisseur": coordinator.username,
                "reden_afwijking": "Acute nood",
            }
        },
    )
    report = run_import(team_lead, _xlsx(sheets), dry_run=False)
    assert report.ok, [str(e) for e in report.errors]
    assert Screening.objects.get().result == "afwijking"


def test_missing_sheet_or_columns_and_not_a_workbook(coordinator):
    report = run_import(coordinator, _xlsx({"Huishoudens": []}), dry_run=True)
    assert any("Gezinsleden" in e.message for e in report.errors)
    with pytest.raises(ValidationError) as exc:
        run_import(coordinator, b"this is not a workbook", dry_run=True)
    assert "geen leesbaar Excel-bestand" in str(exc.value)


def test_import_is_scoped_to_the_importers_municipality(goirle_coordinator, cohort):
    report = run_import(goirle_coordinator, _xlsx(_rows(2)), dry_run=False)
    assert not report.ok and "eigen gemeente" in report.errors[0].message
    assert not Household.objects.exists()


def test_back_dating_on_the_status_form_and_api(client, coordinator, household, cohort):
    factories.make_selectable(coordinator, household, on=date(2024, 1, 10))
    household.registered_on = date(2024, 1, 1)
    household.save()
    login(client, coordinator)
    response = client.post(
        f"/huishoudens/{household.number}/status/",
        {"status": "geselecteerd", "cohort": cohort.pk, "on": "2024-02-01"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.selected_on == date(2024, 2, 1)
    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/households/{household.number}/status/"
    future = (dates.today() + timedelta(days=1)).isoformat()
    assert api.post(url, {"status": "actief", "on": future}, format="json").status_code == 400
    early = api.post(url, {"status": "actief", "on": "2024-01-15"}, format="json")
    assert early.status_code == 400 and "vóór de selectie" in str(early.json())
    ok = api.post(url, {"status": "actief", "on": "2024-02-10"}, format="json")
    assert ok.status_code == 200 and ok.json()["started_on"] == "2024-02-10"


def test_intake_in_the_future_is_refused(coordinator):
    with pytest.raises(ValidationError) as exc:
        factories.household(coordinator, registered_on=dates.today() + timedelta(days=1))
    assert "niet in de toekomst" in str(exc.value)


def test_import_page_and_api(client, coordinator, analyst, cohort):
    login(client, coordinator)
    assert client.get("/huishoudens/inlezen/").status_code == 200
    template = client.get("/huishoudens/inlezen/sjabloon.xlsx")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    upload = SimpleUploadedFile("h.xlsx", _xlsx(_rows(2)), content_type=XLSX)
    response = client.post("/huishoudens/inlezen/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and "Proefimport geslaagd" in response.content.decode()
    assert not Household.objects.exists()
    upload = SimpleUploadedFile("h.xlsx", _xlsx(_rows(2)), content_type=XLSX)
    response = client.post("/huishoudens/inlezen/", {"file": upload})
    assert response.status_code == 200 and Household.objects.count() == 2
    api = APIClient()
    api.force_authenticate(coordinator)
    bad = _rows(1, broken={0: {"postcode": "??"}})
    result = api.post(
        "/api/v1/intake-imports/",
        {"file": SimpleUploadedFile("h.xlsx", _xlsx(bad), content_type=XLSX), "dry_run": "false"},
        format="multipart",
    )
    assert result.status_code == 400 and result.json()["errors"][0]["ref"] == "H1"
    assert Household.objects.count() == 2
    login(client, analyst)
    assert client.get("/huishoudens/inlezen/").status_code == 404
    outsider = APIClient()
    outsider.force_authenticate(analyst)
    refused = outsider.post(
        "/api/v1/intake-imports/",
        {"file": SimpleUploadedFile("h.xlsx", _xlsx(_rows(1)), content_type=XLSX)},
        format="multipart",
    )
    assert refused.status_code == 403
