"""Monte Carlo projection of outcomes, payments and investor return under uncertainty.

Per outcome, the probability that a household achieves it is uncertain: with ``k``
achieved among ``n`` households whose window has passed, its posterior is
``Beta(1 + k, 1 + n - k)`` (uniform prior). Each run draws one probability per outcome and
then the number of households achieving it as ``Binomial(N, p)``: the sum of N
independent Bernoulli(p) draws has exactly that distribution, so one draw per run and
outcome replaces N per-household draws. That keeps 100,000 households x 10,000 runs to
a few arrays of 10,000 x outcomes.

What a run pays follows the engine's rules through the engine's own functions: prices
per payer and outcome come from ``engine.outcome_demand``, attachment fees per household
from ``engine.attachment_demands`` at each household's own entry date (computed by
``selectors.projection_input``), deadweight is ``engine.deadweight_kept_cents`` on each
payer's running total, then the contract cap and the investors' room under the return
cap at the horizon (``engine.return_room``). ``payments_for_counts`` is that payment
function for one set of counts: on the counts verified so far it gives what the engine
pays (``tests/outcomes/test_projection_engine.py``).

Simplifications (stated on the page): outcomes are independent of one another, the cap
per household and per payer is not modelled (a household rarely reaches several
high-priced outcomes), the return cap is taken at the horizon as if nothing were paid
before it, and the investor's return is annualised as if all capital were drawn at the
start and all payments received at the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import engine


@dataclass(frozen=True)
class OutcomeInput:
    code: str
    achieved: int  # verified achievements so far
    eligible: int  # households whose window has passed
    price: float  # total paid per outcome over all payers (euros)
    comparison_rate: float | None = None
    payer_cents: tuple[int, ...] = ()  # price per payer in cents; default: price, one payer

    def cents(self) -> tuple[int, ...]:
        return self.payer_cents or (round(self.price * 100),)


@dataclass(frozen=True)
class ProjectionInput:
    households: int
    outcomes: tuple[OutcomeInput, ...]
    attachment_fee: float = 0.0  # per household entering from now on, all payers together
    deadweight_paid: int = 1
    deadweight_of: int = 1
    trigger_percent: float | None = None
    cap_total: float | None = None
    capital: float = 0.0
    max_return_rate: float | None = None
    horizon_years: float = 5.0
    # The households already attached and their fees, each at its own contract year.
    known_households: int = 0
    known_fee_cents: int = 0
    # Most the investors may receive by the horizon (engine.return_room); None: from
    # capital and max_return_rate as if all capital came at the start.
    return_cap: float | None = None


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
    alpha = 1.0 + achieved
    beta = 1.0 + np.maximum(eligible - achieved, 0.0)
    p = rng.beta(alpha, beta, size=(runs, n_out))
    counts = rng.binomial(data.households, p)
    payments = _payments(data, counts)
    multiple = irr = None
    loss = None
    if data.capital > 0:
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


def _fee_cents(data: ProjectionInput) -> int:
    """Attachment fees for ``data.households``: the known households at their own year's
    share, any more at today's; fewer scale the known total down."""
    known, n = data.known_households, data.households
    if n <= known:
        return data.known_fee_cents * n // known if known else 0
    return data.known_fee_cents + (n - known) * round(data.attachment_fee * 100)


def _return_cap(data: ProjectionInput) -> float | None:
    if data.return_cap is not None:
        return data.return_cap
    if data.max_return_rate is None or data.capital <= 0:
        return None
    return data.capital * (1 + data.max_return_rate) ** data.horizon_years


def _payments(data: ProjectionInput, counts: np.ndarray) -> np.ndarray:
    """Euros paid per run for outcome counts (runs x outcomes), by the engine's rules:
    trigger, deadweight per payer on the running total, fees, contract and return cap."""
    counts = np.asarray(counts, dtype=np.int64)
    if data.trigger_percent is not None and data.households > 0:
        comparison = np.array(
            [np.nan if o.comparison_rate is None else o.comparison_rate for o in data.outcomes]
        )
        rate = counts / data.households
        needed = comparison * (1 + data.trigger_percent / 100)
        met = np.where(np.isnan(comparison), True, rate >= needed)
        counts = np.where(met, counts, 0)
    cents = np.zeros(counts.shape[0], dtype=np.int64)
    for i, outcome in enumerate(data.outcomes):
        for payer_cents in outcome.cents():
            cents += engine.deadweight_kept_cents(
                counts[:, i] * payer_cents, data.deadweight_paid, data.deadweight_of
            )
    payments = (cents + _fee_cents(data)) / 100
    if data.cap_total is not None:
        payments = np.minimum(payments, data.cap_total)
    cap = _return_cap(data)
    if cap is not None:
        payments = np.minimum(payments, cap)
    return payments


def payments_for_counts(data: ProjectionInput, counts: dict[str, int]) -> float:
    """What the projection pays for one set of outcome counts (a deterministic run)."""
    row = np.array([[counts.get(o.code, 0) for o in data.outcomes]], dtype=np.int64)
    return float(_payments(data, row.reshape(1, len(data.outcomes)))[0])
