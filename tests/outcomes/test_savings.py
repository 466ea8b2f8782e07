"""The difference-in-differences estimator recovers a known effect within its CI."""

import numpy as np

from maatpact.outcomes import savings


def synthetic(effect: float, n: int, seed: int):
    rng = np.random.default_rng(seed)
    pre_t = rng.normal(24_000, 6_000, n)
    pre_c = rng.normal(20_000, 6_000, n)  # groups may differ in level: DiD removes it
    trend = -1_500.0  # costs fall for everyone
    post_c = pre_c + trend + rng.normal(0, 3_000, n)
    post_t = pre_t + trend + effect + rng.normal(0, 3_000, n)
    return pre_t, post_t, pre_c, post_c


def test_did_recovers_known_effect_within_ci():
    result = savings.did(*synthetic(-4_000.0, 400, 1), seed=7)
    assert result.ci_low < -4_000.0 < result.ci_high
    assert result.ci_high < 0 and result.saves is True
    assert abs(result.effect + 4_000) < 1_000


def test_did_with_no_effect_covers_zero_and_is_reproducible():
    data = synthetic(0.0, 300, 2)
    first, second = savings.did(*data, seed=3), savings.did(*data, seed=3)
    assert first == second
    assert first.ci_low < 0 < first.ci_high and first.saves is None


def test_too_few_households_gives_reason_not_number():
    result = savings.did(*synthetic(-4_000.0, 10, 3), min_group=20)
    assert result.effect is None and "Te weinig huishoudens" in result.reason
    empty = savings.did(np.ones(30), np.ones(30), np.array([]), np.array([]))
    assert empty.effect is None and "geen vergelijkingsgroep" in empty.reason


def test_present_value_of_a_stream():
    # 1,000 a month for one year, undiscounted: 12,000; at 2.25 % a bit less
    one = savings.pv_of_stream(np.array([1000.0]), np.array([0.0]), np.array([1.0]), 0.0)
    disc = savings.pv_of_stream(np.array([1000.0]), np.array([0.0]), np.array([1.0]), 0.0225)
    assert one[0] == 12_000.0 and 11_800 < disc[0] < 12_000
