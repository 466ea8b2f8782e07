"""The score table of a trajectory, rendered in Python.

The household page shows a few hundred score cells (every subject, every domain, the last
six measurements); per cell the template engine's variable and filter lookups made this
table the most expensive part of the page. The markup is the same as before.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from maatpact.assessments.selectors import Trajectory

register = template.Library()


@register.simple_tag
def trajectory_rows(trajectory: Trajectory, full: bool, limit: int = 0) -> SafeString:
    """One row per domain: the last ``limit`` scores (0: all), the current level and, with
    full access, the note of the latest measurement."""
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}<td>{}</td>{}</tr>',
        (
            (
                line.name,
                format_html_join(
                    "",
                    '<td class="num">{}</td>',
                    ((s if s is not None else "–",) for s in _last(line.scores, limit)),
                ),
                line.latest_label,
                format_html("<td>{}</td>", line.latest_note) if full else "",
            )
            for line in trajectory.lines
        ),
    )


def _last(scores: list, limit: int) -> list:
    return scores[-limit:] if limit else scores
