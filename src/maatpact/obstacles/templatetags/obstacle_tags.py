from django import template

from maatpact.obstacles.selectors import age_days

register = template.Library()


@register.filter
def age(obstacle) -> int:
    """Days since the obstacle was raised (local calendar)."""
    return age_days(obstacle)
