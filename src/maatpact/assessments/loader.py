"""Load an assessment instrument (one version) from a JSON data file.

Used by the data migration (with historical models) and by ``maatpact load-instrument``
(with the real ones), so an administrator adds an instrument or a new version without code.
A version that exists is never changed once it has measurements: a score keeps pointing at
the domain of its own version, so old measurements stay exactly as they were taken.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN_FILES = ("zrm.json", "zrm-huishoudens.json")
LEVEL_NAMES = {
    1: "acute problematiek",
    2: "niet zelfredzaam",
    3: "beperkt zelfredzaam",
    4: "voldoende zelfredzaam",
    5: "volledig zelfredzaam",
}
KINDS = ("individueel", "huishouden")
_SLUG = re.compile(r"^[a-z0-9_-]+$")


def read_file(path: str | Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ValidationError(f"Bestand niet gevonden: {path}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(f"Geen geldige JSON (regel {exc.lineno}): {exc.msg}") from exc


def validate(data: dict[str, Any]) -> None:
    """Refuse an incomplete instrument before anything is written (Dutch messages)."""
    if not isinstance(data, dict):
        raise ValidationError("Het bestand moet één instrument (een JSON-object) bevatten.")
    for key in ("code", "version", "name", "kind", "domains"):
        if not data.get(key):
            raise ValidationError(f"Het veld '{key}' ontbreekt of is leeg.")
    if not _SLUG.match(str(data["code"])):
        raise ValidationError("De code mag alleen kleine letters, cijfers, - en _ bevatten.")
    if data["kind"] not in KINDS:
        raise ValidationError("Soort moet 'individueel' of 'huishouden' zijn.")
    seen: set[str] = set()
    for position, domain in enumerate(data["domains"], start=1):
        code = domain.get("code", "")
        if not code or not _SLUG.match(code):
            raise ValidationError(f"Leefgebied {position} heeft geen geldige code.")
        if code in seen:
            raise ValidationError(f"Leefgebied '{code}' staat twee keer in het instrument.")
        seen.add(code)
        if not domain.get("name"):
            raise ValidationError(f"Leefgebied '{code}' heeft geen naam.")
        levels = domain.get("levels")
        if not isinstance(levels, list) or len(levels) != 5 or not all(levels):
            raise ValidationError(
                f"Leefgebied '{code}' moet precies vijf niveauomschrijvingen hebben "
                "(1 tot en met 5)."
            )


def _same(instrument, data: dict[str, Any], Domain, LevelDescription) -> bool:  # noqa: N803
    domains = {d.code: d for d in Domain.objects.filter(instrument=instrument)}
    if set(domains) != {d["code"] for d in data["domains"]}:
        return False
    texts = {
        (lv.domain.code, lv.level): lv.description
        for lv in LevelDescription.objects.filter(domain__instrument=instrument).select_related(
            "domain"
        )
    }
    return all(
        texts.get((d["code"], n)) == text
        for d in data["domains"]
        for n, text in enumerate(d["levels"], start=1)
    )


def load_instrument(
    data: dict[str, Any],
    *,
    Instrument=None,  # noqa: N803  (historical models in a migration)
    Domain=None,  # noqa: N803
    LevelDescription=None,  # noqa: N803
    Assessment=None,  # noqa: N803
    retire_older: bool = True,
) -> tuple[Any, bool]:
    """Create one instrument version with its domains and levels; returns (instrument, created).

    Loading the same version again with the same content changes nothing. Loading it with
    different content is refused when measurements exist (make a new version instead);
    without measurements the version is replaced. With ``retire_older`` the other versions
    of the same code are marked not in use, so new assessments take the new version.
    """
    if Instrument is None:
        from .models import Assessment, Domain, Instrument, LevelDescription
    validate(data)
    with transaction.atomic():
        existing = Instrument.objects.filter(
            code=data["code"], version=str(data["version"])
        ).first()
        if existing is not None:
            if _same(existing, data, Domain, LevelDescription):
                return existing, False
            if Assessment.objects.filter(instrument=existing).exists():
                raise ValidationError(
                    f"Versie {data['version']} van '{data['code']}' heeft al metingen en wordt "
                    "niet gewijzigd. Laad de wijziging als nieuwe versie."
                )
            LevelDescription.objects.filter(domain__instrument=existing).delete()
            Domain.objects.filter(instrument=existing).delete()
            existing.delete()
        instrument = Instrument.objects.create(
            code=data["code"],
            version=str(data["version"]),
            name=data["name"],
            kind=data["kind"],
            active=True,
        )
        levels = []
        for order, item in enumerate(data["domains"], start=1):
            domain = Domain.objects.create(
                instrument=instrument,
                code=item["code"],
                name=item["name"],
                order=order,
                children_supplement=bool(
                    item.get("children_supplement", item["code"].startswith("kind_"))
                ),
            )
            levels.extend(
                LevelDescription(domain=domain, level=n, description=text)
                for n, text in enumerate(item["levels"], start=1)
            )
        LevelDescription.objects.bulk_create(levels)
        if retire_older:
            Instrument.objects.filter(code=instrument.code).exclude(pk=instrument.pk).update(
                active=False
            )
    return instrument, True
