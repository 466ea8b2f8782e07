"""Which stored fields are personal, and how each model reaches a household.

Used by subject access (inzage) and by retention (anonymisation). Both work on every
model in the app registry that has a foreign-key path to ``households.Household``, so
tables that later apps add are covered without changes here.

A model declares its personal free-text fields with a class attribute::

    class Reflection(models.Model):
        PERSONAL_FIELDS = ("text",)

or, for a model an app does not own, with ``register_personal_fields(label, fields)``.
A household-related model that declares nothing is treated as *all its text fields
are personal* (privacy by default). Identifying fields of the household and its
members (names, BSN, date of birth, address) have their own rules in ``retention``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from django.apps import apps
from django.db import models

HOUSEHOLD_LABEL = "households.household"

# Contract models on main whose personal fields are known (label -> field names).
_registry: dict[str, tuple[str, ...]] = {
    "households.household": ("street", "house_number", "postcode", "city", "closure_reason"),
    "households.member": ("first_name", "last_name", "date_of_birth", "bsn"),
    "households.coordinatorassignment": ("reason",),
    "households.statuschange": ("reason",),
    "assessments.assessment": ("own_words",),
    "assessments.score": ("note",),
    "plans.goal": ("description",),
    "provisions.provision": ("description",),
    "obstacles.obstacle": ("description",),
}


def register_personal_fields(label: str, fields: tuple[str, ...] | list[str]) -> None:
    """Declare the personal fields of a model (``app_label.modelname``)."""
    _registry[label.lower()] = tuple(fields)


def personal_fields(model: type[models.Model]) -> tuple[str, ...]:
    declared = getattr(model, "PERSONAL_FIELDS", None)
    if declared is not None:
        return tuple(declared)
    label = model._meta.label_lower
    if label in _registry:
        return _registry[label]
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField) and not f.primary_key
    )


@dataclass(frozen=True)
class HouseholdLink:
    """A model and the ORM lookup from it to its household (``""`` for Household)."""

    model: type[models.Model]
    path: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def filter_for(self, household) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.path or "pk": household.pk})


def household_links(max_depth: int = 4) -> list[HouseholdLink]:
    """Every model with a foreign-key path to Household, shortest path first.

    Breadth-first over reverse foreign keys, starting at Household: a model that points
    at Household (or at a model that does) is reached with the lookup to follow.
    """
    household = apps.get_model("households", "Household")
    found: dict[type[models.Model], str] = {household: ""}
    queue: deque[tuple[type[models.Model], str, int]] = deque([(household, "", 0)])
    all_models = apps.get_models(include_auto_created=True)
    while queue:
        target, path, depth = queue.popleft()
        if depth >= max_depth:
            continue
        for model in all_models:
            if model in found:
                continue
            for field in model._meta.concrete_fields:
                remote = getattr(field, "remote_field", None)
                if not (field.many_to_one or field.one_to_one):
                    continue
                if remote is None or remote.model is not target:
                    continue
                lookup = field.name if not path else f"{field.name}__{path}"
                found[model] = lookup
                queue.append((model, lookup, depth + 1))
                break
    links = [HouseholdLink(m, p) for m, p in found.items()]
    return sorted(links, key=lambda link: (bool(link.path), link.path.count("__"), link.label))
