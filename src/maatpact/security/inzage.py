"""Subject access (inzage, AVG art. 15): everything stored about one household.

Generic over the app registry (see ``personal.household_links``): every row of every
model that reaches the household, plus the audit trail of who viewed or changed it.
Producing a report is itself audited (Action.EXPORT).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from maatpact.audit.selectors import events_for_household
from maatpact.audit.services import Action, record

from .personal import household_links


@dataclass
class Section:
    label: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class InzageReport:
    household_number: str
    produced_at: dt.datetime
    sections: list[Section]
    audit: Section

    def as_dict(self) -> dict[str, Any]:
        return {
            "huishouden": self.household_number,
            "opgesteld_op": self.produced_at.isoformat(),
            "gegevens": {
                s.label: {"omschrijving": s.title, "rijen": s.rows} for s in self.sections
            },
            "audittrail": {"omschrijving": self.audit.title, "rijen": self.audit.rows},
        }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _row(obj: models.Model, fields: list[models.Field]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in fields:
        if f.is_relation:
            related_id = getattr(obj, f.attname)
            row[f.name] = _plain(related_id)
            continue
        value = getattr(obj, f.attname)
        if f.choices and value not in (None, ""):
            value = f"{value} ({getattr(obj, f'get_{f.name}_display')()})"
        row[f.name] = _plain(value)
    return row


def build_report(household, *, actor=None, channel: str = "") -> InzageReport:
    """Collect every stored row about the household and record that it was handed out."""
    sections: list[Section] = []
    for link in household_links():
        meta = link.model._meta
        fields = list(meta.concrete_fields)
        rows = [_row(obj, fields) for obj in link.filter_for(household).order_by("pk")]
        sections.append(
            Section(
                label=link.label,
                title=str(meta.verbose_name_plural).capitalize(),
                columns=[f.name for f in fields],
                rows=rows,
            )
        )
    audit_rows = [
        {
            "tijdstip": _plain(e.at),
            "wie": (e.actor.get_full_name() or e.actor.username) if e.actor else "systeem",
            "rol": e.actor_role,
            "handeling": e.get_action_display(),
            "object": f"{e.object_type} {e.object_id}".strip(),
            "toelichting": e.detail,
        }
        for e in events_for_household(household.pk)
    ]
    audit = Section(
        label="audit.auditevent",
        title="Wie heeft deze gegevens ingezien of gewijzigd",
        columns=["tijdstip", "wie", "rol", "handeling", "object", "toelichting"],
        rows=audit_rows,
    )
    record(
        actor,
        Action.EXPORT,
        household,
        household_id=household.pk,
        detail=f"inzage {channel}".strip(),
    )
    return InzageReport(
        household_number=household.number,
        produced_at=timezone.now(),
        sections=sections,
        audit=audit,
    )
