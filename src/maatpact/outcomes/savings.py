"""System cost and savings: the estimators, as pure NumPy functions.

Two estimates are kept apart on purpose:

* **Programme accounting** (``programme_accounting``): per household, the cost of the
  provisions running at entry, continued for as long as the household has been in the
  programme (*muddling on*), against what was actually spent in that time (provisions
  plus rule-free spends). Traceable line by line, but it assumes nothing would have
  changed without the programme, so it overstates savings when problems fade anyway.
* **Comparison group** (``did``): the change in cost from the 12 months before entry to
  the 12 months after, for participants, minus the same change for households screened
  but not admitted (difference-in-differences), with a bootstrap confidence interval.
  It removes trends both groups share; it cannot remove differences in *why* households
  were not admitted.

All amounts are present values at the reference date (entry, or registration for the
comparison group), discounted at ``MAATPACT["DISCOUNT_RATE"]`` (2.25 %, the Dutch
standard for social cost-benefit analysis).

Time is measured as in ``provisions.costing``: in calendar months, a day of a month of
``n`` days being ``1/n`` month, and a year being 12 months; a provision's last day, a
household's closing day and the day the estimate is made count. At a rate of 0 every
amount is exactly the system cost of the same provisions over the same days.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from maatpact.provisions.costing import UNITS_PER_MONTH

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

# Rule-free spends come from the budget app: callables returning
# (household_id, spent_on, amount) for the given households. Registered, not imported,
# so this app works without the budget app.
SpendSource = Callable[[Sequence[int]], Sequence[tuple[int, date, Decimal]]]
_spend_sources: list[SpendSource] = []
SPEND_FINANCIER = "Vrij besteedbaar budget (regionaal fonds)"


def register_spend_source(source: SpendSource) -> None:
    if source not in _spend_sources:
        _spend_sources.append(source)


def spend_sources() -> list[SpendSource]:
    return list(_spend_sources)


def month_positions(days: Sequence[date]) -> np.ndarray:
    """``costing.month_position`` for many days at once (counted from January 1970, so
    only differences mean something)."""
    day = np.array(days, dtype="datetime64[D]")
    month = day.astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    return month.astype(np.int64) * UNITS_PER_MONTH + (day - first).astype(np.int64) * (
        UNITS_PER_MONTH // length
    )


def years_between(start: Sequence[date], stop: Sequence[date]) -> np.ndarray:
    """From the start of each ``start`` day to the start of each ``stop`` day, in years of
    12 calendar months (negative when ``stop`` comes first)."""
    return (month_positions(stop) - month_positions(start)) / (12 * UNITS_PER_MONTH)


def pv_of_stream(
    monthly: np.ndarray, start: np.ndarray, end: np.ndarray, rate: float
) -> np.ndarray:
    """Present value at t=0 of constant monthly amounts paid continuously from start to
    end (both in years relative to the reference date; negative is before it)."""
    end = np.maximum(end, start)
    if rate == 0:
        return monthly * 12 * (end - start)
    k = math.log1p(rate)
    return monthly * 12 * (np.exp(-k * start) - np.exp(-k * end)) / k


def pv_of_amount(amount: np.ndarray, at: np.ndarray, rate: float) -> np.ndarray:
    return amount * np.power(1 + rate, -at)


@dataclass(frozen=True)
class DidResult:
    n_treated: int
    n_comparison: int
    effect: float | None  # change in participants minus change in comparison (euros/yr)
    ci_low: float | None
    ci_high: float | None
    mean_change_treated: float | None
    mean_change_comparison: float | None
    reason: str = ""  # why no estimate, in Dutch

    @property
    def saves(self) -> bool | None:
        """True when the whole interval lies below zero (cost fell more than without)."""
        if self.ci_high is None:
            return None
        if self.ci_high < 0:
            return True
        if self.ci_low is not None and self.ci_low > 0:
            return False
        return None


def _bootstrap_means(d: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``reps`` resamples (with replacement) of the rows of ``d`` (n x m).

    Each resample is a vector of counts per household; means are ``counts @ d / n``, a
    matrix product, in chunks so memory stays small at 100,000 households.
    """
    n, m = d.shape
    out = np.empty((reps, m))
    chunk = max(1, min(reps, 4_000_000 // max(n, 1)))
    for start in range(0, reps, chunk):
        c = min(chunk, reps - start)
        idx = rng.integers(0, n, size=(c, n)) + (np.arange(c) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=c * n).reshape(c, n)
        out[start : start + c] = counts @ d / n
    return out


def did_columns(
    pre_t: np.ndarray,
    post_t: np.ndarray,
    pre_c: np.ndarray,
    post_c: np.ndarray,
    *,
    reps: int = 1000,
    seed: int = 2019,
    min_group: int = 20,
    level: float = 0.95,
) -> list[DidResult]:
    """Difference-in-differences of mean changes, one per column (financier), with a
    percentile bootstrap CI.

    Households are resampled with replacement within each group (seeded), which keeps
    each household's own before/after pair, and its costs for every financier, together.
    """
    d_t = np.atleast_2d(np.asarray(post_t, dtype=float) - np.asarray(pre_t, dtype=float))
    d_c = np.atleast_2d(np.asarray(post_c, dtype=float) - np.asarray(pre_c, dtype=float))
    if np.ndim(pre_t) == 1:
        d_t, d_c = d_t.reshape(-1, 1), d_c.reshape(-1, 1)
    n_t, n_c, m = d_t.shape[0], d_c.shape[0], d_t.shape[1]
    if n_c == 0:
        reason = "Er is geen vergelijkingsgroep."
    elif n_t < min_group or n_c < min_group:
        reason = (
            f"Te weinig huishoudens voor een schatting (deelnemers {n_t}, vergelijking {n_c}; "
            f"minimaal {min_group} per groep)."
        )
    else:
        reason = ""
    if reason:
        return [DidResult(n_t, n_c, None, None, None, None, None, reason) for _ in range(m)]
    rng = np.random.default_rng(seed)
    boot = _bootstrap_means(d_t, reps, rng) - _bootstrap_means(d_c, reps, rng)
    alpha = (1 - level) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha], axis=0)
    mean_t, mean_c = d_t.mean(axis=0), d_c.mean(axis=0)
    return [
        DidResult(
            n_t,
            n_c,
            float(mean_t[j] - mean_c[j]),
            float(low[j]),
            float(high[j]),
            float(mean_t[j]),
            float(mean_c[j]),
        )
        for j in range(m)
    ]


def did(
    pre_t: np.ndarray, post_t: np.ndarray, pre_c: np.ndarray, post_c: np.ndarray, **kwargs
) -> DidResult:
    """One difference-in-differences estimate of per-household totals."""
    return did_columns(
        np.asarray(pre_t, dtype=float),
        np.asarray(post_t, dtype=float),
        np.asarray(pre_c, dtype=float),
        np.asarray(post_c, dtype=float),
        **kwargs,
    )[0]
