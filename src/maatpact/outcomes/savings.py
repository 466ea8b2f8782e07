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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

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


def did(
    pre_t: np.ndarray,
    post_t: np.ndarray,
    pre_c: np.ndarray,
    post_c: np.ndarray,
    *,
    reps: int = 2000,
    seed: int = 2019,
    min_group: int = 20,
    level: float = 0.95,
) -> DidResult:
    """Difference-in-differences of mean changes with a percentile bootstrap CI.

    Households are resampled with replacement within each group (seeded), which keeps
    each household's own before/after pair together.
    """
    d_t = np.asarray(post_t, dtype=float) - np.asarray(pre_t, dtype=float)
    d_c = np.asarray(post_c, dtype=float) - np.asarray(pre_c, dtype=float)
    n_t, n_c = d_t.size, d_c.size
    if n_c == 0:
        return DidResult(n_t, n_c, None, None, None, None, None, "Er is geen vergelijkingsgroep.")
    if n_t < min_group or n_c < min_group:
        return DidResult(
            n_t,
            n_c,
            None,
            None,
            None,
            None,
            None,
            f"Te weinig huishoudens voor een schatting (deelnemers {n_t}, vergelijking {n_c}; "
            f"minimaal {min_group} per groep).",
        )
    effect = float(d_t.mean() - d_c.mean())
    rng = np.random.default_rng(seed)
    boot_t = d_t[rng.integers(0, n_t, size=(reps, n_t))].mean(axis=1)
    boot_c = d_c[rng.integers(0, n_c, size=(reps, n_c))].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(boot_t - boot_c, [alpha, 1 - alpha])
    return DidResult(
        n_t, n_c, effect, float(low), float(high), float(d_t.mean()), float(d_c.mean())
    )


def did_by_financier(
    pre_t: np.ndarray,
    post_t: np.ndarray,
    pre_c: np.ndarray,
    post_c: np.ndarray,
    **kwargs,
) -> list[DidResult]:
    """One estimate per column (financier) of households x financiers matrices."""
    return [
        did(pre_t[:, j], post_t[:, j], pre_c[:, j], post_c[:, j], **kwargs)
        for j in range(pre_t.shape[1] if pre_t.ndim == 2 else 0)
    ]
