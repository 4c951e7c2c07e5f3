"""Tests of kltools.gaussians: the divergence of normal distributions with diagonal covariance.

- Accuracy: against the textbook formula evaluated by mpmath at 50 digits on the same float
  inputs, for generic parameters and for parameters perturbed by 1e-8 (where the textbook formula
  in float64 loses its digits), from variances and from log-variances.
- Properties (hypothesis): non-negativity, zero exactly at equality, the sum over coordinates,
  agreement with the one-dimensional closed form of ``kl_between``, invariance under a common
  shift and scaling, the two parameterizations agreeing, units.
- Bad input: clear errors.
"""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from kltools import kl_between, kl_diagonal_normal

DIGITS = 50
GENERIC = 1e-13  # relative error allowed
NEAR = 1e-13
DELTA = 1e-8


def mp_reference(mean_p, var_p, mean_q, var_q, log_var=False):
    """½ Σ [σp²/σq² - 1 - log(σp²/σq²) + (μp - μq)²/σq²] at 50 digits, from the float inputs."""
    with mp.workdps(DIGITS):
        total = mp.mpf(0)
        for mp_, vp, mq, vq in zip(mean_p, var_p, mean_q, var_q, strict=True):
            mp_, vp, mq, vq = (mp.mpf(float(v)) for v in (mp_, vp, mq, vq))
            if log_var:
                vp, vq = mp.exp(vp), mp.exp(vq)
            r = vp / vq
            total += (r - 1 - mp.log(r) + (mp_ - mq) ** 2 / vq) / 2
        return total


def relative_error(value, reference):
    return float(abs(mp.mpf(float(value)) - reference) / abs(reference))


def random_case(rng, k):
    mean_p, mean_q = rng.normal(0, 2, k), rng.normal(0, 2, k)
    var_p, var_q = np.exp(rng.normal(0, 1.5, k)), np.exp(rng.normal(0, 1.5, k))
    return mean_p, var_p, mean_q, var_q


# --- Accuracy against 50-digit references --------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_generic_parameters_match_50_digit_reference(seed):
    rng = np.random.default_rng(seed)
    mean_p, var_p, mean_q, var_q = random_case(rng, k=1 + seed % 7)
    value = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    assert relative_error(value, mp_reference(mean_p, var_p, mean_q, var_q)) <= GENERIC
    lp, lq = np.log(var_p), np.log(var_q)
    value = kl_diagonal_normal(mean_p, lp, mean_q, lq, log_var=True)
    assert relative_error(value, mp_reference(mean_p, lp, mean_q, lq, log_var=True)) <= GENERIC


@pytest.mark.parametrize("seed", range(20))
def test_perturbed_parameters_keep_their_digits(seed):
    """Q = P with every parameter moved by about 1e-8 relative: the result is about 1e-16."""
    rng = np.random.default_rng(100 + seed)
    k = 1 + seed % 7
    mean_p, var_p, _, _ = random_case(rng, k)
    step = DELTA * rng.uniform(0.5, 1.0, (2, k)) * rng.choice([-1.0, 1.0], (2, k))
    mean_q, var_q = mean_p * (1 + step[0]), var_p * (1 + step[1])
    value = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    reference = mp_reference(mean_p, var_p, mean_q, var_q)
    assert 0 < reference < 1e-12
    assert relative_error(value, reference) <= NEAR
    # log-variances perturbed by 1e-8 (absolute), means as before
    lp = np.log(var_p)
    lq = lp + DELTA * rng.uniform(0.5, 1.0, k) * rng.choice([-1.0, 1.0], k)
    value = kl_diagonal_normal(mean_p, lp, mean_q, lq, log_var=True)
    reference = mp_reference(mean_p, lp, mean_q, lq, log_var=True)
    assert 0 < reference < 1e-12
    assert relative_error(value, reference) <= NEAR


def test_textbook_vae_formula_fails_near_equality_where_this_does_not():
    """½ Σ (μ² + e^t - 1 - t) for a VAE at t = 1e-8, μ = 0: the float64 formula is useless."""
    t = np.full(4, 1e-8)
    textbook = 0.5 * np.sum(np.exp(t) - 1 - t)
    reference = mp_reference(np.zeros(4), t, np.zeros(4), np.zeros(4), log_var=True)
    assert relative_error(textbook, reference) > 0.1
    assert relative_error(kl_diagonal_normal(np.zeros(4), t, log_var=True), reference) <= NEAR


def test_extreme_variance_ratios_match_reference():
    mean = np.zeros(4)
    var_p = np.array([1e-12, 1e-3, 1e3, 1e12])
    reference = mp_reference(mean, var_p, mean, np.ones(4))
    assert relative_error(kl_diagonal_normal(mean, var_p), reference) <= GENERIC
    lp = np.log(var_p)
    value = kl_diagonal_normal(mean, lp, log_var=True)
    assert relative_error(value, mp_reference(mean, lp, mean, np.zeros(4), log_var=True)) <= GENERIC


def test_batch_shapes_and_axis():
    rng = np.random.default_rng(7)
    mean, log_var = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    by_row = kl_diagonal_normal(mean, log_var, log_var=True)
    assert by_row.shape == (5,)
    per_coordinate = kl_diagonal_normal(mean, log_var, log_var=True, axis=None)
    assert per_coordinate.shape == (5, 3)
    np.testing.assert_allclose(per_coordinate.sum(axis=1), by_row, rtol=1e-15)
    by_column = kl_diagonal_normal(mean, log_var, log_var=True, axis=0)
    np.testing.assert_allclose(by_column, per_coordinate.sum(axis=0), rtol=1e-15)
    assert isinstance(kl_diagonal_normal([1.0, 2.0], [1.0, 1.0]), float)


def test_monte_carlo_agrees():
    """E_P[log p - log q] by 200 000 draws, within five standard errors."""
    rng = np.random.default_rng(3)
    mean_p, var_p, mean_q, var_q = random_case(rng, 3)
    x = mean_p + np.sqrt(var_p) * rng.standard_normal((200_000, 3))
    log_ratio = (stats.norm.logpdf(x, mean_p, np.sqrt(var_p))
                 - stats.norm.logpdf(x, mean_q, np.sqrt(var_q))).sum(1)
    error = log_ratio.std(ddof=1) / math.sqrt(len(log_ratio))
    assert abs(log_ratio.mean() - kl_diagonal_normal(mean_p, var_p, mean_q, var_q)) < 5 * error


# --- Properties ----------------------------------------------------------------------------------

MEANS = st.floats(min_value=-1e3, max_value=1e3)
LOG_VARS = st.floats(min_value=-20, max_value=20)


@st.composite
def cases(draw):
    k = draw(st.integers(1, 6))
    arrays = [np.array(draw(st.lists(s, min_size=k, max_size=k))) for s in (MEANS, LOG_VARS, MEANS, LOG_VARS)]
    return arrays[0], np.exp(arrays[1]), arrays[2], np.exp(arrays[3])


@given(cases())
def test_non_negative_and_zero_only_at_equality(case):
    mean_p, var_p, mean_q, var_q = case
    value = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    assert value >= 0
    assert kl_diagonal_normal(mean_p, var_p, mean_p, var_p) == 0
    if not (np.array_equal(mean_p, mean_q) and np.array_equal(var_p, var_q)):
        assert value > 0


@given(cases())
def test_sum_of_one_dimensional_divergences(case):
    mean_p, var_p, mean_q, var_q = case
    value = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    one_d = [kl_between(stats.norm(a, math.sqrt(b)), stats.norm(c, math.sqrt(d)))
             for a, b, c, d in zip(*case, strict=True)]
    assert value == pytest.approx(math.fsum(one_d), rel=1e-12, abs=1e-300)


@given(cases(), st.floats(-100, 100), st.floats(1e-3, 1e3))
def test_invariant_under_common_shift_and_scaling(case, shift, scale):
    mean_p, var_p, mean_q, var_q = case
    value = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    moved = kl_diagonal_normal(scale * (mean_p + shift), scale**2 * var_p, scale * (mean_q + shift),
                               scale**2 * var_q)
    # the shift is rounded to the means' precision: allow for it where the means differ little
    slack = 1e-12 * (np.abs(mean_p) + abs(shift)) ** 2 / var_q
    assert moved == pytest.approx(value, rel=1e-10, abs=float(slack.sum()) + 1e-300)


@given(cases())
def test_variances_and_log_variances_agree(case):
    mean_p, var_p, mean_q, var_q = case
    from_var = kl_diagonal_normal(mean_p, var_p, mean_q, var_q)
    from_log = kl_diagonal_normal(mean_p, np.log(var_p), mean_q, np.log(var_q), log_var=True)
    # np.log rounds, and near equality the result is of the order of the squared difference
    assert from_log == pytest.approx(from_var, rel=1e-9, abs=1e-14)


@given(cases())
def test_default_q_is_the_standard_normal(case):
    mean_p, var_p, _, _ = case
    k = len(mean_p)
    assert kl_diagonal_normal(mean_p, var_p) == kl_diagonal_normal(mean_p, var_p, np.zeros(k), np.ones(k))
    assert (kl_diagonal_normal(mean_p, np.log(var_p), log_var=True)
            == kl_diagonal_normal(mean_p, np.log(var_p), np.zeros(k), np.zeros(k), log_var=True))


def test_units():
    value = kl_diagonal_normal([1.0], [2.0])
    assert kl_diagonal_normal([1.0], [2.0], base=2) == pytest.approx(value / math.log(2), rel=1e-15)


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), [
    (([0.0], [0.0]), {}, ValueError, "var_p must hold positive variances"),
    (([0.0], [1.0], [0.0], [-1.0]), {}, ValueError, "var_q must hold positive variances"),
    (([np.nan], [1.0]), {}, ValueError, "mean_p contains NaN"),
    (([0.0], [np.inf]), {"log_var": True}, ValueError, "var_p contains an infinite value"),
    (([0.0, 1.0], [1.0, 1.0, 1.0]), {}, ValueError, "do not broadcast"),
    ((["a"], [1.0]), {}, TypeError, "mean_p must be an array of real numbers"),
    (([0.0], [1.0]), {"axis": 1}, ValueError, "axis 1 is out of range"),
    (([0.0], [1.0]), {"axis": 0.5}, TypeError, "axis must be an integer"),
    ((0.0, 1.0), {}, ValueError, "pass axis=None"),
    (([0.0], [1.0]), {"base": 1}, ValueError, "base must be"),
])
def test_bad_input_raises_clear_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        kl_diagonal_normal(*args, **kwargs)


def test_scalars_with_axis_none():
    assert kl_diagonal_normal(1.0, 1.0, axis=None) == 0.5
