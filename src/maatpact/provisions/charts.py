"""Timeline of a household's provisions: one bar per provision, entry into the programme marked."""

from __future__ import annotations

from datetime import date, timedelta

from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure

from maatpact.common.charts import BLUE, png

from .models import Provision


def timeline_png(provisions: list[Provision], entry: date, today: date) -> bytes:
    height = 1.6 + 0.32 * max(1, len(provisions))
    figure = Figure(figsize=(9, height))
    ax = figure.add_subplot(1, 1, 1)
    labels = []
    for row, p in enumerate(provisions):
        end = (p.ends_on or today) + timedelta(days=1)
        if p.cost_kind == Provision.CostKind.EENMALIG:
            ax.plot([date2num(p.starts_on)], [row], marker="D", color="#8a5a00")
        else:
            ax.barh(
                row,
                date2num(end) - date2num(p.starts_on),
                left=date2num(p.starts_on),
                color=BLUE if p.ends_on is None or p.ends_on >= today else "#7f9fb3",
                height=0.6,
            )
        labels.append(f"{p.description[:40]} ({p.financier.name[:40]})")
    ax.axvline(date2num(entry), color="#b00020", linestyle="--", linewidth=1.5)
    ax.text(date2num(entry), -0.9, " start Maatpact", color="#b00020", fontsize=8, va="bottom")
    ax.set_yticks(range(len(provisions)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(DateFormatter("%m-%Y"))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dddddd")
    ax.set_title("Voorzieningen door de tijd (ruit = eenmalig)", fontsize=10)
    return png(figure)
