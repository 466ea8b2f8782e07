"""Server-side PNG charts (matplotlib, Agg): no JavaScript needed to read them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def over_time_png(months: list[tuple[date, Decimal]], allocated: Decimal) -> bytes:
    """Cumulative net approved spends per month against the allocation."""
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=100)
    if months:
        xs = [m for m, _ in months]
        running, ys = Decimal("0"), []
        for _, total in months:
            running += total
            ys.append(float(running))  # plotting only; the money itself stays Decimal
        ax.step(xs, ys, where="post", color="#01689b", label="Goedgekeurd (cumulatief)")
    ax.axhline(float(allocated), color="#b00020", linestyle="--", label="Toegewezen")
    ax.set_ylabel("euro")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()
