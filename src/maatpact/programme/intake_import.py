"""Back-dated intake from an Excel workbook: households that were helped before Maatpact.

The workbook has one sheet per kind of row, tied together by the sheet's own ``ref``:

* **Huishoudens** (required): ref, gemeente (CBS-code or name), straat, huisnummer,
  postcode, woonplaats, regisseur (username; empty = the importer), aangemeld_op, cohort,
  geselecteerd_op, actief_sinds, reden_afwijking
* **Gezinsleden** (required): ref, voornaam, achternaam, geboortedatum, rol, bsn
* **ZRM** (optional): ref, datum, leefgebied (domain code of the household matrix), score
* **Voorzieningen** (optional): ref, wet (code), financier (organisation name),
  omschrijving, start, einde, soort (maandelijks / eenmalig), bedrag

Every household goes through the same services as a page would (intake, assessment,
provision, selection with its screening, start), in that order, with its own dates. The
whole file is one transaction: a dry run, or any row with an error, rolls everything back,
so the dry run reports exactly what the real run would do.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from maatpact.accounts import policies
from maatpact.accounts.models import User
from maatpact.assessments import services as assessment_services
from maatpact.common.money import parse_dutch_amount
from maatpact.households import services as household_services
from maatpact.households.models import Cohort
from maatpact.provisions import services as provision_services
from maatpact.provisions.models import Law
from maatpact.regions.models import Municipality, Organisation

MAX_HOUSEHOLDS = 2000
MAX_BYTES = 5 * 1024 * 1024
SHEETS = {
    "Huishoudens": (
        "ref",
        "gemeente",
        "straat",
        "huisnummer",
        "postcode",
        "woonplaats",
        "regisseur",
        "aangemeld_op",
        "cohort",
        "geselecteerd_op",
        "actief_sinds",
        "reden_afwijking",
    ),
    "Gezinsleden": ("ref", "voornaam", "achternaam", "geboortedatum", "rol", "bsn"),
    "ZRM": ("ref", "datum", "leefgebied", "score"),
    "Voorzieningen": (
        "ref",
        "wet",
        "financier",
        "omschrijving",
        "start",
        "einde",
        "soort",
        "bedrag",
    ),
}
REQUIRED_SHEETS = ("Huishoudens", "Gezinsleden")
# Dutch names of service fields, for messages that say which column is wrong.
COLUMN_OF = {
    "street": "straat",
    "house_number": "huisnummer",
    "postcode": "postcode",
    "city": "woonplaats",
    "municipality": "gemeente",
    "coordinator": "regisseur",
    "registered_on": "aangemeld_op",
    "members": "gezinsleden",
    "cohort": "cohort",
    "status": "geselecteerd_op",
    "override_reason": "reden_afwijking",
    "on": "datum",
    "assessed_on": "datum",
    "scores": "leefgebied",
    "amount": "bedrag",
    "starts_on": "start",
    "ends_on": "einde",
    "cost_kind": "soort",
    "description": "omschrijving",
    "law": "wet",
    "financier": "financier",
}


@dataclass
class RowError:
    sheet: str
    row: int
    ref: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}, rij {self.row} (ref {self.ref or '?'}): {self.message}"


@dataclass
class ImportReport:
    dry_run: bool
    households: list[dict[str, Any]] = field(default_factory=list)  # ref -> number, status
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> int:
        return 0 if (self.dry_run or self.errors) else len(self.households)


class _Rollback(Exception):
    """Raised to undo the whole file (dry run or any error)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError({column: f"'{text}' is geen datum (gebruik dd-mm-jjjj)."})


def _amount(value: Any) -> Decimal:
    """A cell's amount: a number cell exactly as shown (2 decimals), or Dutch text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return Decimal(repr(value)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise ValidationError({"bedrag": "Geen geldig bedrag."}) from exc
    try:
        amount = parse_dutch_amount(_text(value))
    except ValueError as exc:
        raise ValidationError({"amount": str(exc)}) from exc
    return provision_services.parse_amount(amount)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out = []
        for name, errors in exc.error_dict.items():
            column = COLUMN_OF.get(name, name)
            for error in errors:
                for message in error.messages:
                    out.append(message if name == "__all__" else f"{column}: {message}")
        return out
    return list(exc.messages)


def _read(workbook_bytes: bytes) -> tuple[dict[str, list[tuple[int, dict]]], list[RowError]]:
    errors: list[RowError] = []
    try:
        book = load_workbook(io.BytesIO(workbook_bytes), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError({"file": "Dit is geen leesbaar Excel-bestand (.xlsx)."}) from exc
    sheets: dict[str, list[tuple[int, dict]]] = {}
    for name, columns in SHEETS.items():
        if name not in book.sheetnames:
            if name in REQUIRED_SHEETS:
                errors.append(RowError(name, 0, "", f"het tabblad '{name}' ontbreekt."))
            sheets[name] = []
            continue
        rows = book[name].iter_rows(values_only=True)
        header = [(_text(c) or "").lower() for c in next(rows, ())]
        missing = [c for c in columns if c not in header]
        if missing:
            errors.append(RowError(name, 1, "", "kolommen ontbreken: " + ", ".join(missing) + "."))
            sheets[name] = []
            continue
        index = {c: header.index(c) for c in columns}
        found = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            found.append(
                (
                    number,
                    {c: (values[i] if i < len(values) else None) for c, i in index.items()},
                )
            )
        sheets[name] = found
    return sheets, errors


def run_import(actor: User, workbook_bytes: bytes, *, dry_run: bool = True) -> ImportReport:
    """Check (dry run) or import a workbook of back-dated households: all or nothing."""
    if not policies.can_register_household(actor):
        raise PermissionDenied("Alleen regisseurs en teamleiders melden huishoudens aan.")
    if len(workbook_bytes) > MAX_BYTES:
        raise ValidationError({"file": "Het bestand is groter dan 5 MB."})
    report = ImportReport(dry_run=dry_run)
    sheets, report.errors = _read(workbook_bytes)
    households = sheets["Huishoudens"]
    if len(households) > MAX_HOUSEHOLDS:
        raise ValidationError(
            {"file": f"Hoogstens {MAX_HOUSEHOLDS} huishoudens per bestand; splits het bestand."}
        )
    if not households and not report.errors:
        report.errors.append(RowError("Huishoudens", 0, "", "er staan geen huishoudens in."))
    by_ref: dict[str, dict[str, list[tuple[int, dict]]]] = defaultdict(lambda: defaultdict(list))
    refs = [_text(row["ref"]) for _, row in households]
    for sheet in ("Gezinsleden", "ZRM", "Voorzieningen"):
        for number, row in sheets[sheet]:
            ref = _text(row["ref"])
            if ref not in refs:
                report.errors.append(
                    RowError(sheet, number, ref, "deze ref staat niet op het tabblad Huishoudens.")
                )
            by_ref[ref][sheet].append((number, row))
    seen: set[str] = set()
    try:
        with transaction.atomic():
            for number, row in households:
                ref = _text(row["ref"])
                if not ref or ref in seen:
                    report.errors.append(
                        RowError(
                            "Huishoudens",
                            number,
                            ref,
                            "elke rij heeft een eigen ref." if ref else "vul de ref in.",
                        )
                    )
                    continue
                seen.add(ref)
                _import_household(actor, number, row, by_ref[ref], report)
            if dry_run or report.errors:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _import_household(actor, number, row, related, report: ImportReport) -> None:
    ref = _text(row["ref"])
    errors_before = len(report.errors)

    def fail(sheet: str, row_number: int, exc: ValidationError) -> None:
        for message in _messages(exc):
            report.errors.append(RowError(sheet, row_number, ref, message))

    try:
        with transaction.atomic():
            municipality = _municipality(_text(row["gemeente"]))
            coordinator = None
            username = _text(row["regisseur"])
            if username:
                coordinator = User.objects.filter(username=username, is_active=True).first()
                if coordinator is None:
                    raise ValidationError({"coordinator": f"Onbekende regisseur '{username}'."})
            members = []
            for member_row_number, member in related["Gezinsleden"]:
                try:
                    members.append(
                        household_services.MemberData(
                            first_name=_text(member["voornaam"]),
                            last_name=_text(member["achternaam"]),
                            date_of_birth=_date(member["geboortedatum"], "geboortedatum"),
                            role=_text(member["rol"]).lower(),
                            bsn=_text(member["bsn"]),
                        )
                    )
                except ValidationError as exc:
                    fail("Gezinsleden", member_row_number, exc)
            if not related["Gezinsleden"]:
                raise ValidationError({"members": "geen gezinsleden op het tabblad Gezinsleden."})
            registered_on = _date(row["aangemeld_op"], "aangemeld_op")
            selected_on = _date(row["geselecteerd_op"], "geselecteerd_op")
            started_on = _date(row["actief_sinds"], "actief_sinds")
            household = household_services.register_household(
                actor,
                municipality=municipality,
                street=_text(row["straat"]),
                house_number=_text(row["huisnummer"]),
                postcode=_text(row["postcode"]),
                city=_text(row["woonplaats"]),
                members=members,
                coordinator=coordinator,
                registered_on=registered_on,
            )
            _assessments(actor, household, related["ZRM"], fail)
            _provisions(actor, household, related["Voorzieningen"], fail)
            if started_on and not selected_on:
                raise ValidationError(
                    {
                        "actief_sinds": "Een huishouden start pas na de selectie: vul "
                        "geselecteerd_op in."
                    }
                )
            if selected_on:
                cohort = _cohort(_text(row["cohort"]))
                household_services.change_status(
                    actor,
                    household,
                    "geselecteerd",
                    cohort=cohort,
                    on=selected_on,
                    override_reason=_text(row["reden_afwijking"]),
                )
            if started_on:
                household_services.change_status(actor, household, "actief", on=started_on)
            if len(report.errors) > errors_before:
                raise _RowFailed
            household.refresh_from_db()
            report.households.append(
                {"ref": ref, "number": household.number, "status": household.get_status_display()}
            )
    except _RowFailed:
        pass
    except ValidationError as exc:
        fail("Huishoudens", number, exc)


class _RowFailed(Exception):
    """A related row failed: undo this household's savepoint, keep its messages."""


def _municipality(value: str) -> Municipality:
    found = (
        Municipality.objects.filter(cbs_code=value.upper()).first()
        or Municipality.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise ValidationError({"municipality": f"Onbekende gemeente '{value}'."})
    return found


def _cohort(value: str) -> Cohort:
    if not value:
        raise ValidationError({"cohort": "Vul het cohort in voor een geselecteerd huishouden."})
    found = Cohort.objects.filter(name=value).first()
    if found is None:
        raise ValidationError({"cohort": f"Onbekend cohort '{value}'."})
    return found


def _assessments(actor, household, rows, fail) -> None:
    by_day: dict[date, dict[str, Any]] = defaultdict(dict)
    first_row: dict[date, int] = {}
    for row_number, row in rows:
        try:
            day = _date(row["datum"], "datum")
            if day is None:
                raise ValidationError({"datum": "Vul de datum van de meting in."})
            by_day[day][_text(row["leefgebied"])] = _text(row["score"])
            first_row.setdefault(day, row_number)
        except ValidationError as exc:
            fail("ZRM", row_number, exc)
    for day, scores in sorted(by_day.items()):
        try:
            assessment_services.record_assessment(actor, household, assessed_on=day, scores=scores)
        except ValidationError as exc:
            fail("ZRM", first_row[day], exc)


def _provisions(actor, household, rows, fail) -> None:
    for row_number, row in rows:
        try:
            law = Law.objects.filter(code=_text(row["wet"]).lower()).first()
            if law is None:
                raise ValidationError({"law": f"Onbekende wet '{_text(row['wet'])}'."})
            financier = Organisation.objects.filter(name=_text(row["financier"])).first()
            if financier is None:
                raise ValidationError(
                    {"financier": f"Onbekende financier '{_text(row['financier'])}'."}
                )
            provision_services.add_provision(
                actor,
                household,
                law=law,
                financier=financier,
                description=_text(row["omschrijving"]),
                starts_on=_date(row["start"], "start"),
                ends_on=_date(row["einde"], "einde"),
                cost_kind=_text(row["soort"]).lower() or "maandelijks",
                amount=_amount(row["bedrag"]),
            )
        except ValidationError as exc:
            fail("Voorzieningen", row_number, exc)


def template_workbook() -> bytes:
    """An empty workbook with the sheets and columns, for the download link."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
