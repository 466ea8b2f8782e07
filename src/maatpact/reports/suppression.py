"""The small-cell rule: no household may be recognisable outside the regional team.

Every figure shown to a team lead, an analyst or a financier passes through
:func:`protect`. A value with fewer than ``MIN_HOUSEHOLDS`` households behind it is
replaced by "<5". Derived figures (means, medians, sums of money) carry the number of
households they rest on and are suppressed by the same rule. Counts that add up to a
shown total get *complementary* suppression: when a row or column of a table has exactly
one suppressed count, or several whose sum is itself below 5, the smallest other count in
that line is suppressed as well, so no small count can be recovered by subtracting from
the total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

from .registry import Cell, SectionResult, Table

SUPPRESSED = "<5"
COMPLEMENT = "·"  # hidden only so that another hidden cell cannot be derived


def min_households() -> int:
    return int(settings.MAATPACT.get("REPORT_MIN_HOUSEHOLDS", 5))


def is_small(households: int | None) -> bool:
    """The one rule: a figure resting on fewer than 5 households is suppressed."""
    return households is not None and households < min_households()


def protect_value(value: Any, households: int | None, *, exact: bool) -> tuple[str, bool]:
    """(display, suppressed) for a single value; ``exact`` for the regional team."""
    if not exact and is_small(households):
        return SUPPRESSED, True
    return format_value(value), False


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        from maatpact.common.money import euro

        return euro(value)
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _complementary(table: Table) -> None:
    """Hide one more count in every line with exactly one hidden count and a total."""
    lines: list[list[Cell]] = []
    if table.total_col is not None:
        lines += [
            [c for i, c in enumerate(row) if i != table.total_col and c.additive]
            for r, row in enumerate(table.rows)
        ]
    if table.total_row is not None:
        width = max((len(r) for r in table.rows), default=0)
        for col in range(width):
            lines.append(
                [
                    row[col]
                    for r, row in enumerate(table.rows)
                    if r != table.total_row and col < len(row) and row[col].additive
                ]
            )
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [c for c in line if c.suppressed]
            hidden_sum = sum(c.value or 0 for c in hidden)
            # One hidden cell is derivable from the total; several hidden cells whose sum
            # is itself a small count reveal that small count.
            if not hidden or (len(hidden) > 1 and not 0 < hidden_sum < min_households()):
                continue
            shown = [c for c in line if not c.suppressed]
            shown = [c for c in shown if (c.value or 0) > 0] or shown
            if not shown:
                continue
            smallest = min(shown, key=lambda c: c.value or 0)
            smallest.suppressed = True
            smallest.display = COMPLEMENT
            changed = True


def protect(result: SectionResult, *, exact: bool) -> SectionResult:
    """Apply the small-cell rule to a section's result in place (and return it).

    The number of households in a provenance is a count too: below the threshold it
    becomes ``None`` (shown as "<5")."""
    for item in [*result.figures, *result.tables]:
        if not exact and is_small(item.provenance.households):
            item.provenance.households = None
    for figure in result.figures:
        figure.display, figure.suppressed = protect_value(
            figure.value, figure.households, exact=exact
        )
        if figure.suppressed:
            figure.provenance.households = None
        if figure.unit and not figure.suppressed and figure.value is not None:
            figure.display = f"{figure.display} {figure.unit}"
    for table in result.tables:
        for row in table.rows:
            for cell in row:
                cell.display, cell.suppressed = protect_value(
                    cell.value, cell.households, exact=exact
                )
        if not exact:
            _complementary(table)
    return result


def shown_number(cell: Cell) -> float | None:
    """The number a chart may draw for a cell: nothing when it is suppressed."""
    if cell.suppressed or cell.value is None:
        return None
    try:
        return float(cell.value)
    except (TypeError, ValueError):
        return None
