"""Server-side PNG charts (matplotlib, Agg backend): no JavaScript needed."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

BLUE = "#01689b"
GREEN = "#1b6e2a"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def per_month(rows: list[tuple[date, int, int]]) -> bytes:
    """Obstacles raised per month, and how many of them were broken through since."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    if rows:
        labels = [r[0].strftime("%m-%Y") for r in rows]
        x = range(len(rows))
        ax.bar(x, [r[1] for r in rows], color=BLUE, label="gemeld")
        ax.bar(x, [r[2] for r in rows], color=GREEN, width=0.5, label="waarvan doorbroken")
        step = max(1, len(rows) // 12)
        ax.set_xticks(list(x)[::step], labels[::step], rotation=45, ha="right")
        ax.legend(frameon=False)
    else:
        ax.text(0.5, 0.5, "Nog geen knelpunten", ha="center", va="center")
    ax.set_ylabel("aantal knelpunten")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def time_to_breakthrough(durations: list[int]) -> bytes:
    """Histogram of days from raising to breakthrough."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    if durations:
        ax.hist(durations, bins=min(30, max(5, len(durations) // 5)), color=BLUE)
    else:
        ax.text(0.5, 0.5, "Nog geen doorbraken", ha="center", va="center")
    ax.set_xlabel("dagen van melding tot doorbraak")
    ax.set_ylabel("aantal knelpunten")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
