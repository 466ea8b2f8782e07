"""Pseudonymised exports (CSV in a zip, or one Excel workbook) for analysts and the
regional team.

No names, BSNs, addresses, dates of birth or free text ever leave: households appear as
a pseudonym, ``HMAC-SHA256(per-export random key, household id)``, so the same household
has the same pseudonym in every sheet of one export and a different one in the next
export (exports cannot be linked to each other or back to the household number).
Ages leave as bands (``common.dates.age_band``).

Audit: one ``Action.EXPORT`` record per exported household, written with ``record_many``
in the household's own hash chain. A single summary record would be cheaper, but then a
household's data subject access request (inzage) could not show that its data left the
system, and the per-household chains would not cover the export.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from maatpact.accounts import policies
from maatpact.audit.services import Action, record_many
from maatpact.common import dates
from maatpact.common.dates import age_band

from .registry import ExportDataset, export_datasets, register_export_dataset


@dataclass
class ExportContext:
    user: Any
    households: QuerySet
    today: date
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    exported: set[int] = field(default_factory=set)

    def pseudonym(self, household_id: int | None) -> str:
        if household_id is None:
            return ""
        self.exported.add(household_id)
        digest = hmac.new(self.key, f"hh:{household_id}".encode(), hashlib.sha256).hexdigest()
        return "P-" + digest[:16].upper()

    def member_pseudonym(self, member_id: int | None) -> str:
        if member_id is None:
            return ""
        digest = hmac.new(self.key, f"lid:{member_id}".encode(), hashlib.sha256).hexdigest()
        return "L-" + digest[:12].upper()


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    households: int


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run_export(user, dataset_keys: Iterable[str], fmt: str) -> ExportFile:
    """Build the export and audit it; ``PermissionError`` outside analysts/regional team."""
    if not policies.can_export(user):
        raise PermissionError("Geen exportrechten.")
    if fmt not in ("csv", "xlsx"):
        raise ValueError("Onbekend bestandsformaat.")
    wanted = set(dataset_keys)
    datasets = [d for d in export_datasets() if d.key in wanted]
    if not datasets:
        raise ValueError("Kies ten minste één gegevensset.")
    ctx = ExportContext(user, policies.report_households(user), dates.today())
    tables = [(d, list(d.rows(ctx))) for d in datasets]
    stamp = ctx.today.isoformat()
    if fmt == "xlsx":
        content = _xlsx(tables)
        result = ExportFile(f"maatpact-export-{stamp}.xlsx", XLSX, content, len(ctx.exported))
    else:
        content = _csv_zip(tables)
        result = ExportFile(
            f"maatpact-export-{stamp}.zip", "application/zip", content, len(ctx.exported)
        )
    record_many(
        user,
        Action.EXPORT,
        "households.household",
        ctx.exported,
        detail=f"export {fmt}: {','.join(d.key for d in datasets)}",
    )
    return result


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _csv_zip(tables) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for dataset, rows in tables:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";")
            writer.writerow(dataset.columns)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
            archive.writestr(f"{dataset.key}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def _xlsx(tables) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for dataset, rows in tables:
        sheet = workbook.create_sheet(title=dataset.title[:31])
        sheet.append(dataset.columns)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The datasets of the apps on every installation ------------------------------------


def household_rows(ctx: ExportContext):
    from maatpact.households.models import Member

    members: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for household_id, role, born in (
        Member.objects.filter(household__in=ctx.households.order_by().values("pk"))
        .order_by()
        .values_list("household_id", "role", "date_of_birth")
        .iterator(chunk_size=5000)
    ):
        members[household_id].append((role, born))
    for h in (
        ctx.households.order_by("pk")
        .values(
            "pk",
            "municipality__cbs_code",
            "status",
            "cohort__phase",
            "registered_on",
            "selected_on",
            "started_on",
            "closed_on",
        )
        .iterator(chunk_size=5000)
    ):
        people = members.get(h["pk"], [])
        applicant = next((born for role, born in people if role == "aanvrager"), None)
        yield [
            ctx.pseudonym(h["pk"]),
            h["municipality__cbs_code"],
            h["status"],
            h["cohort__phase"],
            h["registered_on"],
            h["selected_on"],
            h["started_on"],
            h["closed_on"],
            sum(1 for role, _ in people if role != "kind"),
            sum(1 for role, _ in people if role == "kind"),
            age_band(applicant, ctx.today) if applicant else "onbekend",
            ";".join(sorted(age_band(born, ctx.today) for _, born in people)),
        ]


def assessment_rows(ctx: ExportContext):
    from maatpact.assessments.models import Score

    for row in (
        Score.objects.filter(assessment__household__in=ctx.households.order_by().values("pk"))
        .order_by("assessment__household_id", "assessment__assessed_on", "assessment_id")
        .values_list(
            "assessment__household_id",
            "assessment__member_id",
            "assessment_id",
            "assessment__instrument__code",
            "assessment__instrument__version",
            "assessment__assessed_on",
            "domain__code",
            "score",
            "assessment__own_rating",
        )
        .iterator(chunk_size=5000)
    ):
        hid, mid, aid, code, version, on, domain, score, rating = row
        yield [
            ctx.pseudonym(hid),
            ctx.member_pseudonym(mid),
            aid,
            f"{code} {version}",
            on,
            domain,
            score,
            rating,
        ]


def provision_rows(ctx: ExportContext):
    from maatpact.provisions.models import Provision

    for row in (
        Provision.objects.filter(household__in=ctx.households.order_by().values("pk"))
        .order_by("household_id", "starts_on", "pk")
        .values_list(
            "household_id",
            "law__code",
            "financier__name",
            "financier__kind",
            "provider__name",
            "starts_on",
            "ends_on",
            "cost_kind",
            "amount",
        )
        .iterator(chunk_size=5000)
    ):
        yield [ctx.pseudonym(row[0]), *row[1:]]


def obstacle_rows(ctx: ExportContext):
    from maatpact.obstacles.models import Obstacle
    from maatpact.regions.models import Municipality

    municipalities = Municipality.objects.filter(
        pk__in=ctx.households.order_by().values("municipality_id")
    )
    for row in (
        Obstacle.objects.filter(municipality__in=municipalities)
        .order_by("raised_at", "pk")
        .values_list(
            "household_id",
            "municipality__cbs_code",
            "type",
            "law__code",
            "organisation__name",
            "delay_days",
            "harm_euros",
            "raised_at",
        )
        .iterator(chunk_size=5000)
    ):
        hid, cbs, kind, law, org, delay, harm, raised = row
        yield [
            ctx.pseudonym(hid),
            cbs,
            kind,
            law,
            org,
            delay,
            harm,
            dates.local_day(raised),
        ]


register_export_dataset(
    ExportDataset(
        "huishoudens",
        10,
        "Huishoudens",
        [
            "pseudoniem",
            "gemeente_cbs",
            "status",
            "fase",
            "aangemeld_op",
            "geselecteerd_op",
            "actief_sinds",
            "afgesloten_op",
            "volwassenen",
            "kinderen",
            "leeftijd_aanvrager",
            "leeftijden_leden",
        ],
        household_rows,
    )
)
register_export_dataset(
    ExportDataset(
        "metingen",
        20,
        "Metingen (ZRM)",
        [
            "pseudoniem",
            "lid",
            "meting",
            "instrument",
            "datum",
            "leefgebied",
            "score",
            "eigen_cijfer",
        ],
        assessment_rows,
    )
)
register_export_dataset(
    ExportDataset(
        "voorzieningen",
        30,
        "Voorzieningen",
        [
            "pseudoniem",
            "wet",
            "financier",
            "soort_financier",
            "aanbieder",
            "start",
            "einde",
            "soort_kosten",
            "bedrag",
        ],
        provision_rows,
    )
)
register_export_dataset(
    ExportDataset(
        "knelpunten",
        50,
        "Knelpunten",
        [
            "pseudoniem",
            "gemeente_cbs",
            "soort",
            "wet",
            "organisatie",
            "vertraging_dagen",
            "schade_euro",
            "gemeld_op",
        ],
        obstacle_rows,
    )
)
