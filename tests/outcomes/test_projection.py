"""The Monte Carlo projection is seeded, reproducible and vectorised."""

import numpy as np

from maatpact.outcomes.projection import OutcomeInput, ProjectionInput, project

DATA = ProjectionInput(
    households=100_000,
    outcomes=(
        OutcomeInput("huisuitzetting-voorkomen", 40, 50, 5000.0),
        OutcomeInput("financien-stabiel", 15, 45, 4000.0),
    ),
    attachment_fee=500.0,
    deadweight_paid=5,
    deadweight_of=6,
    cap_total=900_000_000.0,
    capital=400_000_000.0,
    max_return_rate=0.12,
    horizon_years=5,
)


def test_same_seed_same_result_other_seed_differs():
    a = project(DATA, runs=10_000, seed=11)
    b = project(DATA, runs=10_000, seed=11)
    c = project(DATA, runs=10_000, seed=12)
    assert a == b
    assert a.payments != c.payments


def test_bands_are_ordered_and_centred_on_the_data():
    r = project(DATA, runs=10_000, seed=1)
    band = r.outcome_counts["huisuitzetting-voorkomen"]
    assert band.p10 < band.p50 < band.p90
    # posterior mean (1+40)/(2+50) = 0.788
    assert abs(band.p50 / 100_000 - 41 / 52) < 0.02
    assert r.payments.p90 <= DATA.cap_total
    assert r.investor_multiple.p90 <= 1.12**5 + 1e-9
    assert 0.0 <= r.loss_probability <= 1.0


def test_no_data_means_wide_uncertainty():
    flat = ProjectionInput(households=1000, outcomes=(OutcomeInput("x", 0, 0, 1.0),))
    band = project(flat, runs=5000, seed=3).outcome_counts["x"]
    assert band.p10 < 200 and band.p90 > 800
    assert np.isfinite(band.p50)
