"""Monte Carlo projection of outcomes, payments and investor return under uncertainty.

Per outcome, the probability that a household achieves it is uncertain: with ``k``
achieved among ``n`` households whose window has passed, its posterior is
``Beta(1 + k, 1 + n - k)`` (uniform prior). Each run draws one probability per outcome and
then the number of households achieving it as ``Binomial(N, p)``: the sum of N
independent Bernoulli(p) draws has exactly that distribution, so one draw per run and
outcome replaces N per-household draws. That keeps 100,000 households x 10,000 runs to
a few arrays of 10,000 x outcomes.

Simplifications (stated on the page): outcomes are independent of one another, the cap
per household is not modelled (a household rarely reaches several high-priced outcomes),
and the investor's return is annualised as if all capital were drawn at the start and
all payments received at the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OutcomeInput:
    code: str
    achieved: int  # verified achievements so far
    eligible: int  # households whose window has passed
    price: float  # total paid per outcome over all payers (euros)
    comparison_rate: float | None = None


@dataclass(frozen=True)
class ProjectionInput:
    households: int
    outcomes: tuple[OutcomeInput, ...]
    attachment_fee: float = 0.0  # per household, all payers together
    deadweight_paid: int = 1
    deadweight_of: int = 1
    trigger_percent: float | None = None
    cap_total: float | None = None
    capital: float = 0.0
    max_return_rate: float | None = None
    horizon_years: float = 5.0


@dataclass(frozen=True)
class Band:
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class ProjectionResult:
    runs: int
    seed: int
    outcome_counts: dict[str, Band]
    payments: Band
    investor_multiple: Band | None
    investor_irr: Band | None
    loss_probability: float | None


def _band(values: np.ndarray) -> Band:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return Band(float(p10), float(p50), float(p90))


def project(data: ProjectionInput, runs: int = 10_000, seed: int = 2019) -> ProjectionResult:
    """Seeded and reproducible: the same input, runs and seed give the same bands."""
    if runs < 1 or data.households < 0:
        raise ValueError("runs en huishoudens moeten positief zijn")
    rng = np.random.default_rng(seed)
    n_out = len(data.outcomes)
    achieved = np.array([o.achieved for o in data.outcomes], dtype=float)
    eligible = np.array([o.eligible for o in data.outcomes], dtype=float)
    prices = np.array([o.price for o in data.outcomes], dtype=float)
    alpha = 1.0 + achieved
    beta = 1.0 + np.maximum(eligible - achieved, 0.0)
    p = rng.beta(alpha, beta, size=(runs, n_out))
    counts = rng.binomial(data.households, p)
    if data.trigger_percent is not None and data.households > 0:
        comparison = np.array(
            [np.nan if o.comparison_rate is None else o.comparison_rate for o in data.outcomes]
        )
        rate = counts / data.households
        needed = comparison * (1 + data.trigger_percent / 100)
        met = np.where(np.isnan(comparison), True, rate >= needed)
        paid_counts = np.where(met, counts, 0)
    else:
        paid_counts = counts
    paid_counts = (paid_counts * data.deadweight_paid) // data.deadweight_of
    payments = paid_counts @ prices + data.households * data.attachment_fee
    if data.cap_total is not None:
        payments = np.minimum(payments, data.cap_total)
    multiple = irr = None
    loss = None
    if data.capital > 0:
        if data.max_return_rate is not None:
            payments = np.minimum(
                payments, data.capital * (1 + data.max_return_rate) ** data.horizon_years
            )
        ratio = payments / data.capital
        multiple = _band(ratio)
        irr = _band(np.power(ratio, 1.0 / data.horizon_years) - 1.0)
        loss = float(np.mean(ratio < 1.0))
    return ProjectionResult(
        runs=runs,
        seed=seed,
        outcome_counts={o.code: _band(counts[:, i]) for i, o in enumerate(data.outcomes)},
        payments=_band(payments),
        investor_multiple=multiple,
        investor_irr=irr,
        loss_probability=loss,
    )
