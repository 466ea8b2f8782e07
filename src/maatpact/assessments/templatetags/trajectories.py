"""The score table of a trajectory, rendered in Python.

The household page shows a few hundred score cells (every subject, every domain, the last
six measurements); per cell the template engine's variable and filter lookups made this
table the most expensive part of the page. The markup is the same as before.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from maatpact.assessments.selectors import Trajectory

register = template.Library()


@register.simple_tag
def trajectory_rows(trajectory: Trajectory, full: bool, limit: int = 0) -> SafeString:
    """One row per domain: the last ``limit`` scores (0: all), the current level and, with
    full access, the note of the latest measurement. Text is escaped; scores are ints."""
    rows = []
    for line in trajectory.lines:
        scores = line.scores[-limit:] if limit else line.scores
        cells = "".join(f'<td class="num">{int(s) if s is not None else "–"}</td>' for s in scores)
        note = f"<td>{escape(line.latest_note)}</td>" if full else ""
        rows.append(
            f'<tr><th scope="row">{escape(line.name)}</th>{cells}'
            f"<td>{escape(line.latest_label)}</td>{note}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every text part escaped above)
