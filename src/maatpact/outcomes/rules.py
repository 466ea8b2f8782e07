"""Outcome rules: a small declarative JSON form, validated on save and evaluated here.

Kinds (all windows count from the household's entry, ``started_on``):

* ``{"kind": "no_event", "event": "huisuitzetting", "months": 12}`` - no such event in
  the months after entry; achieved when the window has passed. With
  ``"with_children": true`` only households with children count (placement of a child).
* ``{"kind": "zrm_rise", "domain": "financien", "from_max": 2, "to_min": 3,
  "hold_months": 6}`` - a baseline score (last one on or before entry, else the first
  after it) of at most ``from_max``, later a score of at least ``to_min`` and a
  measurement at least ``hold_months`` later with every score in between still at least
  ``to_min``. Per measurement date the lowest score over the members counts.
* ``{"kind": "event_occurs", "event": "schuldregeling"}`` - such an event after entry.
* ``{"kind": "provision_ends", "law": "jeugdwet", "months": 6}`` - a provision under the
  law that ran at entry ended after entry, and none under that law started in the
  ``months`` after it ended (0: no hold).

Evaluation is pure (plain data in, :class:`Achievement` out), so it is testable
without a database and fast for 100,000 households.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

KINDS = {
    "no_event": {"event", "months"},
    "zrm_rise": {"domain", "from_max", "to_min", "hold_months"},
    "event_occurs": {"event"},
    "provision_ends": {"law"},
}
OPTIONAL = {
    "no_event": {"with_children"},
    "event_occurs": {"within_months"},
    "provision_ends": {"months"},
}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_running(start: date, last_day: date) -> int:
    """Days a provision ran, both its first and its last day included (``ends_on`` is the
    provision's last day, as in the costing rule)."""
    return (last_day - start).days + 1


def months_between(start: date, last_day: date) -> Decimal:
    """Whole-and-fractional months (30.4375 days) a provision ran, from its days."""
    return (Decimal(days_running(start, last_day)) / Decimal("30.4375")).quantize(Decimal("0.01"))


def _int(rule: dict, key: str, low: int, high: int, errors: list[str], label: str) -> None:
    value = rule.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.append(f"{label} moet een geheel getal van {low} tot en met {high} zijn.")


def validate_rule(
    rule: Any,
    *,
    domain_codes: Iterable[str],
    event_codes: Iterable[str],
    law_codes: Iterable[str],
) -> int:
    """Check a rule against the known reference data; returns its holding period (months).

    Raises ValidationError with Dutch messages under the key ``rule``.
    """
    if not isinstance(rule, dict):
        raise ValidationError({"rule": "De regel moet een JSON-object zijn."})
    kind = rule.get("kind")
    if kind not in KINDS:
        raise ValidationError(
            {"rule": f"Onbekende soort regel '{kind}'. Kies uit: {', '.join(sorted(KINDS))}."}
        )
    errors: list[str] = []
    missing = KINDS[kind] - rule.keys()
    if missing:
        errors.append(f"Deze regel mist: {', '.join(sorted(missing))}.")
    unknown = rule.keys() - KINDS[kind] - OPTIONAL.get(kind, set()) - {"kind"}
    if unknown:
        errors.append(f"Onbekende onderdelen in de regel: {', '.join(sorted(unknown))}.")
    if errors:
        raise ValidationError({"rule": errors})
    if "event" in rule and rule["event"] not in set(event_codes):
        errors.append(f"Onbekende gebeurtenis '{rule['event']}'.")
    if "domain" in rule and rule["domain"] not in set(domain_codes):
        errors.append(f"Onbekend leefgebied '{rule['domain']}'.")
    if "law" in rule and rule["law"] not in set(law_codes):
        errors.append(f"Onbekende wet '{rule['law']}'.")
    if kind == "no_event":
        _int(rule, "months", 1, 120, errors, "Het aantal maanden")
    if kind == "zrm_rise":
        _int(rule, "from_max", 1, 4, errors, "'Van ten hoogste'")
        _int(rule, "to_min", 2, 5, errors, "'Naar ten minste'")
        _int(rule, "hold_months", 0, 60, errors, "De vasthoudperiode")
        if not errors and rule["to_min"] <= rule["from_max"]:
            errors.append("'Naar ten minste' moet hoger zijn dan 'van ten hoogste'.")
    if "with_children" in rule and not isinstance(rule["with_children"], bool):
        errors.append("'with_children' is true of false.")
    if "within_months" in rule:
        _int(rule, "within_months", 1, 120, errors, "Het aantal maanden")
    if kind == "provision_ends" and "months" in rule:
        _int(rule, "months", 0, 60, errors, "De vasthoudperiode")
    if errors:
        raise ValidationError({"rule": errors})
    return int(rule.get("months") or rule.get("hold_months") or 0)


# --- Evaluation -----------------------------------------------------------------


@dataclass(frozen=True)
class EventFact:
    code: str
    on: date
    recorded_by: int | None = None


@dataclass(frozen=True)
class ScoreFact:
    domain: str
    on: date
    score: int
    recorded_by: int | None = None


@dataclass(frozen=True)
class ProvisionFact:
    law: str
    starts_on: date
    ends_on: date | None
    recorded_by: int | None = None


@dataclass
class HouseholdFacts:
    household_id: int
    started_on: date
    events: list[EventFact] = field(default_factory=list)
    scores: list[ScoreFact] = field(default_factory=list)
    provisions: list[ProvisionFact] = field(default_factory=list)
    children: int = 0


@dataclass(frozen=True)
class Achievement:
    achieved_on: date
    evidence: dict
    recorded_by: frozenset[int]


def evaluate(rule: dict, facts: HouseholdFacts, as_of: date) -> Achievement | None:
    """The achievement of ``rule`` by ``facts`` on or before ``as_of``, else None."""
    kind = rule["kind"]
    if kind == "no_event":
        return _no_event(rule, facts, as_of)
    if kind == "zrm_rise":
        return _zrm_rise(rule, facts, as_of)
    if kind == "event_occurs":
        return _event_occurs(rule, facts, as_of)
    if kind == "provision_ends":
        return _provision_ends(rule, facts, as_of)
    raise ValueError(kind)


def _no_event(rule: dict, f: HouseholdFacts, as_of: date) -> Achievement | None:
    if rule.get("with_children") and not f.children:
        return None
    end = add_months(f.started_on, rule["months"])
    if end > as_of:
        return None
    hits = [e for e in f.events if e.code == rule["event"] and f.started_on <= e.on <= end]
    if hits:
        return None
    return Achievement(
        end,
        {
            "soort": "geen gebeurtenis",
            "gebeurtenis": rule["event"],
            "venster_van": f.started_on.isoformat(),
            "venster_tot": end.isoformat(),
            "gebeurtenissen_in_venster": 0,
        },
        frozenset(),
    )


def _household_scores(f: HouseholdFacts, domain: str) -> list[tuple[date, int, set[int]]]:
    by_day: dict[date, tuple[int, set[int]]] = {}
    for s in f.scores:
        if s.domain != domain:
            continue
        low, who = by_day.get(s.on, (99, set()))
        who = who | ({s.recorded_by} if s.recorded_by else set())
        by_day[s.on] = (min(low, s.score), who)
    return sorted((d, v[0], v[1]) for d, v in by_day.items())


def _zrm_rise(rule: dict, f: HouseholdFacts, as_of: date) -> Achievement | None:
    series = [x for x in _household_scores(f, rule["domain"]) if x[0] <= as_of]
    if not series:
        return None
    before = [x for x in series if x[0] <= f.started_on]
    baseline = before[-1] if before else series[0]
    if baseline[1] > rule["from_max"]:
        return None
    later = [x for x in series if x[0] > baseline[0]]
    for i, (day, score, _who) in enumerate(later):
        if score < rule["to_min"]:
            continue
        hold_until = add_months(day, rule["hold_months"])
        run = [day]
        for day2, score2, _ in later[i + 1 :]:
            if score2 < rule["to_min"]:
                break
            run.append(day2)
            if day2 >= hold_until:
                used = [baseline, *later[i : i + len(run)]]
                return Achievement(
                    day2,
                    {
                        "soort": "ZRM-stijging",
                        "leefgebied": rule["domain"],
                        "metingen": [{"datum": d.isoformat(), "score": s} for d, s, _ in used],
                    },
                    frozenset().union(*(w for _, _, w in used)),
                )
        if rule["hold_months"] == 0:
            used = [baseline, later[i]]
            return Achievement(
                day,
                {
                    "soort": "ZRM-stijging",
                    "leefgebied": rule["domain"],
                    "metingen": [{"datum": d.isoformat(), "score": s} for d, s, _ in used],
                },
                frozenset().union(*(w for _, _, w in used)),
            )
    return None


def _event_occurs(rule: dict, f: HouseholdFacts, as_of: date) -> Achievement | None:
    end = add_months(f.started_on, rule["within_months"]) if "within_months" in rule else as_of
    hits = sorted(
        (
            e
            for e in f.events
            if e.code == rule["event"] and f.started_on <= e.on <= min(end, as_of)
        ),
        key=lambda e: e.on,
    )
    if not hits:
        return None
    first = hits[0]
    return Achievement(
        first.on,
        {"soort": "gebeurtenis", "gebeurtenis": rule["event"], "datum": first.on.isoformat()},
        frozenset({first.recorded_by} if first.recorded_by else ()),
    )


def _provision_ends(rule: dict, f: HouseholdFacts, as_of: date) -> Achievement | None:
    hold = int(rule.get("months", 0))
    same_law = [p for p in f.provisions if p.law == rule["law"]]
    running = [
        p
        for p in same_law
        if p.starts_on <= f.started_on and (p.ends_on is None or p.ends_on > f.started_on)
    ]
    if not running or any(p.ends_on is None for p in running):
        return None
    ended = max(p.ends_on for p in running)  # type: ignore[type-var]
    if ended > as_of:
        return None
    until = add_months(ended, hold)
    if until > as_of:
        return None
    if any(ended < p.starts_on <= until for p in same_law):
        return None
    first_start = min(p.starts_on for p in running)
    return Achievement(
        until,
        {
            "soort": "voorziening beëindigd",
            "wet": rule["law"],
            "gestart": first_start.isoformat(),
            "beeindigd": ended.isoformat(),
            "duur_dagen": days_running(first_start, ended),
            "duur_maanden": str(months_between(first_start, ended)),
            "geen_nieuwe_tot": until.isoformat(),
        },
        frozenset(p.recorded_by for p in running if p.recorded_by),
    )
