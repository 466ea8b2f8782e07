from django import template

from maatpact.common.money import euro as _euro

register = template.Library()


@register.filter
def euro(value):
    return _euro(value)
