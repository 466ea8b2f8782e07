"""What kind of data every field of a household's records is, declared once per app.

Each app classifies the fields of its own models in ``<app>/classification.py`` (found by
``autodiscover_modules`` when the common app is ready). The pseudonymised view of a
record - pages, API, exports - is *derived* from this: only pseudonymous and aggregate
fields are shown, so a free-text field added next year is withheld until someone
decides otherwise, instead of leaking until someone notices.

Categories:

* **identifying** - names, BSN, address, date of birth: who the person is.
* **special** - special categories of personal data (health, youth care, benefits).
* **free text** - anything a person typed; it can hold all of the above.
* **pseudonymous** - numbers, dates, codes and facts that do not identify by themselves.
* **aggregate** - figures computed over more than one household.

A system check (``maatpact.C001``) fails when a classified model has a concrete field
that is not classified, so a new column cannot slip through unclassified.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Category(StrEnum):
    IDENTIFYING = "identificerend"
    SPECIAL = "bijzonder"
    FREE_TEXT = "vrije tekst"
    PSEUDONYMOUS = "pseudoniem"
    AGGREGATE = "geaggregeerd"


#: What a pseudonymised view may show.
PSEUDONYMISED = frozenset({Category.PSEUDONYMOUS, Category.AGGREGATE})

_fields: dict[str, dict[str, Category]] = {}


def classify(
    model: type[models.Model],
    *,
    identifying: tuple[str, ...] = (),
    special: tuple[str, ...] = (),
    free_text: tuple[str, ...] = (),
    pseudonymous: tuple[str, ...] = (),
    aggregate: tuple[str, ...] = (),
) -> None:
    """Declare the category of each field of ``model`` (each field exactly once).

    A property that shows stored data (``Household.address``) is classified like a field.
    """
    mapping: dict[str, Category] = {}
    for category, names in (
        (Category.IDENTIFYING, identifying),
        (Category.SPECIAL, special),
        (Category.FREE_TEXT, free_text),
        (Category.PSEUDONYMOUS, pseudonymous),
        (Category.AGGREGATE, aggregate),
    ):
        for name in names:
            if name in mapping:
                raise ImproperlyConfigured(f"{model._meta.label}.{name} is twice classified.")
            if not isinstance(getattr(model, name, None), property):
                model._meta.get_field(name)  # FieldDoesNotExist for a typo
            mapping[name] = category
    _fields[model._meta.label_lower] = mapping


def is_classified(model: type[models.Model]) -> bool:
    return model._meta.label_lower in _fields


def category(model: type[models.Model], field: str) -> Category:
    """The field's category; an unclassified field counts as free text (withheld)."""
    return _fields.get(model._meta.label_lower, {}).get(field, Category.FREE_TEXT)


def shown_pseudonymised(model: type[models.Model], field: str) -> bool:
    return category(model, field) in PSEUDONYMISED


def withheld_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields a pseudonymised view leaves out."""
    declared = _fields.get(model._meta.label_lower, {})
    names = {f.name for f in model._meta.get_fields()} | set(declared)
    return frozenset(n for n in names if declared.get(n, Category.FREE_TEXT) not in PSEUDONYMISED)


def unclassified_fields(model: type[models.Model]) -> list[str]:
    declared = _fields.get(model._meta.label_lower, {})
    return [f.name for f in model._meta.concrete_fields if f.name not in declared]


def classified_models() -> list[str]:
    return sorted(_fields)


class Pseudonymised:
    """A record as a pseudonymised page sees it: withheld fields read as ``""``.

    The empty string renders as nothing and is false in ``{% if %}``, so a template
    needs no second condition.

    Everything else (methods, related objects, ``pk``) passes through, so a template
    renders the same markup for both views and cannot print what it was not given.
    """

    __slots__ = ("_instance", "_withheld")

    def __init__(self, instance: models.Model) -> None:
        self._instance = instance
        self._withheld = withheld_fields(type(instance))

    def __getattr__(self, name: str) -> Any:
        if name in self._withheld:
            return ""
        return getattr(self._instance, name)

    def __str__(self) -> str:
        return str(self._instance)


def seen(instance: models.Model | None, *, full: bool) -> Any:
    """``instance`` itself with full access, else its pseudonymised view."""
    if instance is None or full:
        return instance
    return Pseudonymised(instance)
