"""Template filters shared by every page."""

from decimal import Decimal

from django import template

from maatpact.common.money import euro as _euro

register = template.Library()


@register.filter
def euro(value) -> str:
    """The one way an amount is shown: € 3.200,00. Estimates from NumPy arrive as floats
    (money never does) and are rounded to the cent first."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(round(value, 2)))
    return _euro(Decimal(value))
