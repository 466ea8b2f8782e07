"""Presentation of estimates (floats from NumPy) in Dutch notation."""

from decimal import Decimal

from django import template

from maatpact.common.money import euro

register = template.Library()


@register.filter
def eur(value) -> str:
    """Euros for Decimals and NumPy floats alike (estimates are floats, money is not)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(round(value, 2)))
    return euro(Decimal(value))


@register.filter
def pct(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f} %".replace(".", ",")


@register.filter
def num(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.0f}".replace(",", ".")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
