"""Growth of every page benchmark with the number of households.

Usage (after `make bench-growth`, or any `bench/pages.py` runs at several sizes)::

    python bench/growth.py [--sizes 10000 30000 100000]

Reads the newest result of every page per size from `bench/results/` and prints one
table per figure (p95 server time and query count), pages down, sizes across, with the
factor between the smallest and the largest size. A query count that changes with the
size is marked "differs": the pages measured are the busiest coordinator's first household
and caseload, whose content differs per database; that a count does not grow with the
data is asserted by the tests (same page, growing data).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def newest_per_size(sizes: list[int] | None) -> dict[int, dict[str, dict]]:
    """Per size, the newest result of every page (runs with --only measure a few pages)."""
    found: dict[int, dict[str, dict]] = {}
    for path in sorted(RESULTS.glob("pages-*.json")):  # names sort by time
        data = json.loads(path.read_text())
        n = data["households"]
        if sizes and n not in sizes:
            continue
        for result in data["results"]:
            found.setdefault(n, {})[result["page"]] = result
    return dict(sorted(found.items()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*")
    args = parser.parse_args()
    runs = newest_per_size(args.sizes)
    if len(runs) < 2:
        print("Need benchmark results at two sizes or more (run `make bench-growth`).")
        return 1
    sizes = list(runs)
    pages = list(dict.fromkeys(page for n in reversed(sizes) for page in runs[n]))
    by = runs
    for figure, label, fmt in (
        ("p95_ms", "p95 server time (ms)", "{:.1f}"),
        ("queries", "queries per request", "{:d}"),
    ):
        print(f"\n{label}")
        header = f"{'page':<34}" + "".join(f"{n:>12,}" for n in sizes) + f"{'growth':>10}"
        print(header)
        print("-" * len(header))
        for page in pages:
            values = [by[n].get(page, {}).get(figure) for n in sizes]
            cells = "".join(f"{fmt.format(v) if v is not None else '-':>12}" for v in values)
            first, last = values[0], values[-1]
            if figure == "queries":
                growth = "constant" if len({v for v in values if v is not None}) == 1 else "differs"
            else:
                growth = f"x{last / first:.2f}" if first and last else ""
            print(f"{page:<34}{cells}{growth:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
