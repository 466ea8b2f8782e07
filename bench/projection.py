"""Benchmark: Monte Carlo projection, 100,000 households x 10,000 runs.

Run: ``PYTHONPATH=src python bench/projection.py`` (no database needed). Prints the time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from maatpact.outcomes.projection import OutcomeInput, ProjectionInput, project  # noqa: E402

DATA = ProjectionInput(
    households=100_000,
    outcomes=(
        OutcomeInput("huisuitzetting-voorkomen", 41, 50, 5000.0),
        OutcomeInput("financien-stabiel", 18, 45, 4000.0, comparison_rate=0.25),
        OutcomeInput("uithuisplaatsing-voorkomen", 27, 30, 8000.0),
        OutcomeInput("schuldregeling-gestart", 14, 50, 1000.0),
        OutcomeInput("uitstroom-bijstand", 6, 40, 25200.0),
        OutcomeInput("jeugdhulp-afgebouwd", 9, 30, 6000.0),
    ),
    attachment_fee=1000.0,
    deadweight_paid=5,
    deadweight_of=6,
    trigger_percent=10.0,
    cap_total=2_000_000_000.0,
    capital=1_000_000_000.0,
    max_return_rate=0.12,
    horizon_years=5.0,
)


def main() -> None:
    runs = 10_000
    project(DATA, runs=100, seed=1)  # warm-up (imports, allocator)
    started = time.perf_counter()
    result = project(DATA, runs=runs, seed=2019)
    elapsed = time.perf_counter() - started
    print(
        f"projection: {DATA.households:,} households x {runs:,} runs x "
        f"{len(DATA.outcomes)} outcomes in {elapsed:.3f} s"
    )
    p = result.payments
    print(f"  payments P10/P50/P90: {p.p10:,.0f} / {p.p50:,.0f} / {p.p90:,.0f} euro")
    irr = result.investor_irr
    print(f"  investor return P10/P50/P90: {irr.p10:.1%} / {irr.p50:.1%} / {irr.p90:.1%} a year")


if __name__ == "__main__":
    main()
