"""Template filters shared by every page (a template builtin: no ``{% load %}`` needed).

One way to show an amount (``euro``) and one family of Dutch date formats (``datum``);
templates never use Django's ``date`` filter with a format of their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as django_date

from maatpact.common.money import euro as _euro

register = template.Library()

# The family: long in running text, short in tables, month for periods; "tijd" adds HH:MM.
DATE_FORMATS = {
    "lang": "j F Y",  # 3 maart 2025
    "kort": "j b Y",  # 3 mrt 2025 (Dutch writes abbreviated months in lower case)
    "maand": "F Y",  # maart 2025
}


@register.filter
def euro(value) -> str:
    """The one way an amount is shown: € 3.200,00. Estimates from NumPy arrive as floats
    (money never does) and are rounded to the cent first."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(round(value, 2)))
    return _euro(Decimal(value))


@register.filter(expects_localtime=True)
def datum(value: dt.date | dt.datetime | None, style: str = "lang") -> str:
    """A date (or a moment, in local time) in the Dutch family: ``datum`` → 3 maart 2025,
    ``datum:"kort"`` → 3 mrt 2025, ``datum:"maand"`` → maart 2025, and with ``tijd``
    (``datum:"tijd"``, ``datum:"kort tijd"``) followed by 14:05. Empty for no date, so
    ``|default:"—"`` still works."""
    if value in (None, ""):
        return ""
    words = style.split()
    base = next((DATE_FORMATS[w] for w in words if w in DATE_FORMATS), DATE_FORMATS["lang"])
    if "tijd" in words and isinstance(value, dt.datetime):
        base += " H:i"
    return django_date(value, base)
