"""Presentation of estimates (floats from NumPy) in Dutch notation; amounts go through
the one ``euro`` filter of ``common``."""

from django import template

register = template.Library()


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
