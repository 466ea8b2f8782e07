"""Charts as PNG, drawn on the server with matplotlib (Agg) from protected tables only.

Suppressed cells are never drawn: a chart can reveal no more than its table.
"""

from __future__ import annotations

import base64
import hashlib
import io
import pickle
from dataclasses import astuple

from django.core.cache import cache

from .registry import Chart, SectionResult
from .suppression import shown_number

CACHE_SECONDS = 7 * 24 * 3600

COLOURS = ["#01689b", "#e17000", "#39870c", "#a90061", "#4d4d4d"]


def render_png(chart: Chart, result: SectionResult) -> bytes:
    """The chart as PNG; drawing takes 0.1-0.5 s, so the image is cached under a hash of
    exactly what it draws (the chart's definition and the shown cells of its table). The
    key changes with the data, so no image is ever stale, and it holds only numbers the
    reader may see, so an image never crosses audiences."""
    table = result.table(chart.table)
    drawn = [
        [(str(c.value), shown_number(c)) for c in row]
        for i, row in enumerate(table.rows)
        if i != table.total_row
    ]
    digest = hashlib.sha256(
        pickle.dumps((astuple(chart), table.columns, drawn), protocol=4)
    ).hexdigest()
    key = f"maatpact:chart:{digest[:40]}"
    png = cache.get(key)
    if png is None:
        png = _draw(chart, result)
        cache.set(key, png, CACHE_SECONDS)
    return png


def _draw(chart: Chart, result: SectionResult) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    table = result.table(chart.table)
    rows = [r for i, r in enumerate(table.rows) if i != table.total_row]
    labels = [str(r[chart.label_col].value) for r in rows]
    fig = Figure(figsize=(7.5, max(2.6, 0.38 * len(labels) + 1.2)), dpi=110)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    if chart.kind == "errorbar":
        col = chart.value_cols[0]
        lo_col, hi_col = chart.ci_cols or (col, col)
        for i, r in enumerate(rows):
            v = shown_number(r[col])
            if v is None:
                continue
            lo, hi = shown_number(r[lo_col]), shown_number(r[hi_col])
            err = [[v - lo], [hi - v]] if lo is not None and hi is not None else None
            ax.errorbar([v], [i], xerr=err, fmt="o", color=COLOURS[0], capsize=4)
        ax.axvline(0, color="#4d4d4d", linewidth=0.8)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlabel(chart.ylabel)
    elif chart.kind == "line":
        values = [shown_number(r[chart.value_cols[0]]) for r in rows]
        ax.plot(
            positions,
            [float("nan") if v is None else v for v in values],
            marker="o",
            color=COLOURS[0],
        )
        ax.set_xticks(positions, labels, rotation=45, ha="right")
        ax.set_ylabel(chart.ylabel)
    else:
        width = 0.8 / max(1, len(chart.value_cols))
        for k, col in enumerate(chart.value_cols):
            values = [shown_number(r[col]) or 0.0 for r in rows]
            offsets = [p + (k - (len(chart.value_cols) - 1) / 2) * width for p in positions]
            name = table.columns[col]
            if chart.kind == "barh":
                ax.barh(offsets, values, height=width, color=COLOURS[k % 5], label=name)
            else:
                ax.bar(offsets, values, width=width, color=COLOURS[k % 5], label=name)
        if chart.kind == "barh":
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.set_xlabel(chart.ylabel)
        else:
            ax.set_xticks(positions, labels, rotation=30, ha="right")
            ax.set_ylabel(chart.ylabel)
        if len(chart.value_cols) > 1:
            ax.legend(fontsize=8)
    ax.set_title(chart.title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
