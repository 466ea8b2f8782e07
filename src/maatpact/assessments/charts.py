"""The trajectory chart: one small panel per life domain, score 1-5 over time."""

from __future__ import annotations

import math

from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from maatpact.common.charts import BLUE, png

from .selectors import Trajectory


def trajectory_png(trajectory: Trajectory) -> bytes:
    lines = trajectory.lines or []
    columns = 3 if len(lines) > 4 else max(1, len(lines))
    rows = max(1, math.ceil(len(lines) / columns))
    figure = Figure(figsize=(3.2 * columns, 2.1 * rows + 0.4))
    dates = trajectory.dates
    for index, line in enumerate(lines):
        ax = figure.add_subplot(rows, columns, index + 1)
        points = [(d, s) for d, s in zip(dates, line.scores, strict=True) if s is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", color=BLUE, linewidth=2)
        ax.set_ylim(0.5, 5.5)
        ax.set_yticks([1, 2, 3, 4, 5])
        ax.axhspan(0.5, 2.5, color="#f6e0e0", zorder=0)
        ax.set_title(line.name, fontsize=9)
        ax.grid(axis="y", color="#dddddd")
        ax.xaxis.set_major_formatter(DateFormatter("%m-%y"))
        ax.tick_params(labelsize=7)
        if len(dates) == 1:
            ax.set_xticks(dates)
    figure.suptitle(f"Zelfredzaamheid: {trajectory.label} (1 = acuut, 5 = volledig)", fontsize=10)
    figure.tight_layout()
    return png(figure)
