"""Estimators of divergences and mutual information from random draws (kltools.estimators).

The estimates are random, so each test fixes its seed, and each tolerance is at least four
standard deviations of the estimator at that sample size (measured over many seeds), so that the
tests check the estimators and not the luck of a seed. The sample sizes are chosen for that: the
nearest-neighbour estimators need more draws than one might think.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.special import digamma

from kltools.estimators import KLEstimate, kl_from_samples, kl_monte_carlo, mutual_information_from_samples

# The 2-D Gaussians of the tests: P = N(MEAN_P, COV_P) and Q = N(MEAN_Q, COV_Q).
MEAN_P, COV_P = np.array([0.0, 0.0]), np.array([[1.0, 0.5], [0.5, 1.0]])
MEAN_Q, COV_Q = np.array([1.0, -1.0]), np.array([[2.0, 0.0], [0.0, 3.0]])


def gaussian_kl(mean_p, cov_p, mean_q, cov_q) -> float:
    """D(N(mean_p, cov_p) || N(mean_q, cov_q)), in closed form."""
    mean_p, cov_p, mean_q, cov_q = map(np.atleast_1d, (mean_p, cov_p, mean_q, cov_q))
    cov_p, cov_q = np.atleast_2d(cov_p), np.atleast_2d(cov_q)
    inv_q = np.linalg.inv(cov_q)
    diff = mean_q - mean_p
    log_det_ratio = np.linalg.slogdet(cov_q)[1] - np.linalg.slogdet(cov_p)[1]
    return 0.5 * float(np.trace(inv_q @ cov_p) + diff @ inv_q @ diff - len(mean_p) + log_det_ratio)


# D(N(0, 1) || N(1, 2**2)) = log 2 + (1 + 1) / 8 - 1/2.
KL_NORMALS = math.log(2) + (1 + 1) / 8 - 1 / 2
# Its log-ratio is log 2 + 1/8 - 3 X**2 / 8 - X / 4 for X ~ N(0, 1), whose variance is
# 2 (3/8)**2 + (1/4)**2 = 22/64.
SD_LOG_RATIO_NORMALS = math.sqrt(22 / 64)
# D(Poisson(3) || Poisson(5)) = 3 log(3/5) + 5 - 3; the log-ratio X log(3/5) + 2 has variance 3 log(3/5)**2.
KL_POISSONS = 3 * math.log(3 / 5) + 2
SD_LOG_RATIO_POISSONS = math.sqrt(3) * abs(math.log(3 / 5))


def test_gaussian_kl_formula():
    assert gaussian_kl(0.0, 1.0, 1.0, 4.0) == pytest.approx(KL_NORMALS, rel=1e-15, abs=0)


# ----------------------------------------------------------------------------------------------
# Monte Carlo


def test_monte_carlo_normals():
    result = kl_monte_carlo(stats.norm(0, 1), stats.norm(1, 2), 100_000, np.random.default_rng(1951))
    assert isinstance(result, KLEstimate)
    assert isinstance(result.estimate, float) and isinstance(result.stderr, float)
    assert abs(result.estimate - KL_NORMALS) < 4 * result.stderr


@pytest.mark.parametrize(
    ("P", "Q", "exact", "sd"),
    [
        (stats.norm(0, 1), stats.norm(1, 2), KL_NORMALS, SD_LOG_RATIO_NORMALS),
        (stats.poisson(3), stats.poisson(5), KL_POISSONS, SD_LOG_RATIO_POISSONS),
    ],
    ids=["normal", "poisson"],
)
def test_monte_carlo_standard_error_shrinks_like_one_over_sqrt_n(P, Q, exact, sd):
    rng = np.random.default_rng(20)
    for n in (10_000, 100_000, 1_000_000):
        estimate, stderr = kl_monte_carlo(P, Q, n, rng)
        assert abs(estimate - exact) < 4 * stderr
        # stderr * sqrt(n) is the sample standard deviation of the log-ratio: within 10% of the
        # exact one (its own spread is at most 2% at n = 10_000).
        assert stderr * math.sqrt(n) == pytest.approx(sd, rel=0.1, abs=0)


def test_monte_carlo_multivariate_normals():
    P = stats.multivariate_normal(MEAN_P, COV_P)
    Q = stats.multivariate_normal(MEAN_Q, COV_Q)
    estimate, stderr = kl_monte_carlo(P, Q, 100_000, np.random.default_rng(2))
    assert abs(estimate - gaussian_kl(MEAN_P, COV_P, MEAN_Q, COV_Q)) < 4 * stderr


def test_monte_carlo_is_reproducible_and_exact_for_equal_distributions():
    P, Q = stats.norm(0, 1), stats.norm(0.5, 1)
    assert kl_monte_carlo(P, Q, 1000, np.random.default_rng(5)) == kl_monte_carlo(
        P, Q, 1000, np.random.default_rng(5)
    )
    rng = np.random.default_rng(5)
    assert kl_monte_carlo(P, Q, 1000, rng) != kl_monte_carlo(P, Q, 1000, rng)  # the draws move on
    assert kl_monte_carlo(P, P, 1000, rng) == (0.0, 0.0)


def test_monte_carlo_infinite_divergence():
    # Q = U(0, 1/2) rules out half of what P = U(0, 1) draws.
    P, Q = stats.uniform(0, 1), stats.uniform(0, 0.5)
    estimate, stderr = kl_monte_carlo(P, Q, 100, np.random.default_rng(0))
    assert estimate == math.inf
    assert math.isnan(stderr)


# ----------------------------------------------------------------------------------------------
# k-nearest-neighbour divergence (Wang, Kulkarni and Verdú 2009)

# With 20_000 draws the estimator's standard deviation is 0.016 (k = 1) and 0.010 (k = 5): a
# tolerance of 0.02 would pass or fail with the seed. With 250_000 it is 0.005 and 0.003.
KNN_DRAWS = 250_000


@pytest.mark.parametrize("k", [1, 5])
def test_knn_kl_one_dimensional_normals(k):
    rng = np.random.default_rng(2009)
    x = rng.normal(0, 1, size=KNN_DRAWS)
    y = rng.normal(1, 2, size=KNN_DRAWS)
    assert abs(kl_from_samples(x, y, k=k) - KL_NORMALS) < 0.02


@pytest.mark.parametrize("k", [1, 5])
def test_knn_kl_two_dimensional_gaussians(k):
    rng = np.random.default_rng(2392)
    x = rng.multivariate_normal(MEAN_P, COV_P, size=KNN_DRAWS)
    y = rng.multivariate_normal(MEAN_Q, COV_Q, size=KNN_DRAWS)
    assert abs(kl_from_samples(x, y, k=k) - gaussian_kl(MEAN_P, COV_P, MEAN_Q, COV_Q)) < 0.02


def knn_kl_brute_force(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """The estimator of Wang et al. with every distance computed: O(n (n + m)) time and memory."""
    n, d = x.shape
    within = np.linalg.norm(x[:, np.newaxis] - x[np.newaxis], axis=-1)
    np.fill_diagonal(within, np.inf)
    between = np.linalg.norm(x[:, np.newaxis] - y[np.newaxis], axis=-1)
    rho = np.sort(within, axis=1)[:, k - 1]
    nu = np.sort(between, axis=1)[:, k - 1]
    return d / n * np.sum(np.log(nu / rho)) + math.log(len(y) / (n - 1))


@pytest.mark.parametrize("k", [1, 3, 7])
def test_knn_kl_matches_brute_force(k):
    rng = np.random.default_rng(k)
    x = rng.normal(size=(300, 2))
    y = rng.standard_t(3, size=(250, 2))
    assert kl_from_samples(x, y, k=k) == pytest.approx(knn_kl_brute_force(x, y, k), rel=1e-12, abs=0)


def test_knn_kl_takes_1d_arrays_as_columns():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=500), rng.normal(1, 1, size=400)
    assert kl_from_samples(x, y, k=2) == kl_from_samples(x[:, np.newaxis], y[:, np.newaxis], k=2)


# ----------------------------------------------------------------------------------------------
# Kraskov-Stögbauer-Grassberger mutual information

# With 5_000 draws the estimator's standard deviation is 0.011, 0.013 and 0.018 for rho = 0, 0.5
# and 0.9 (and 0.013 for independent uniforms): tolerances of 0.03 and 0.02 would depend on the
# seed. With 50_000 it is 0.004, 0.005, 0.006 and 0.004.
KSG_DRAWS = 50_000


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ksg_bivariate_normal(rho):
    rng = np.random.default_rng(2004)
    xy = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=KSG_DRAWS)
    exact = -0.5 * math.log(1 - rho**2)
    assert abs(mutual_information_from_samples(xy[:, 0], xy[:, 1]) - exact) < 0.03


def test_ksg_independent_uniforms():
    rng = np.random.default_rng(66138)
    x = rng.uniform(size=KSG_DRAWS)
    y = rng.uniform(size=KSG_DRAWS)
    assert abs(mutual_information_from_samples(x, y)) < 0.02


def ksg_brute_force(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """Algorithm 1 of Kraskov et al. with every distance computed."""
    dx = np.abs(x[:, np.newaxis] - x[np.newaxis]).max(axis=-1)
    dy = np.abs(y[:, np.newaxis] - y[np.newaxis]).max(axis=-1)
    for distances in (dx, dy):
        np.fill_diagonal(distances, np.inf)
    eps = np.sort(np.maximum(dx, dy), axis=1)[:, k - 1]
    n_x = (dx < eps[:, np.newaxis]).sum(axis=1)
    n_y = (dy < eps[:, np.newaxis]).sum(axis=1)
    return digamma(k) + digamma(len(x)) - np.mean(digamma(n_x + 1) + digamma(n_y + 1))


@pytest.mark.parametrize("k", [1, 3, 6])
def test_ksg_matches_brute_force(k):
    rng = np.random.default_rng(k)
    x = rng.normal(size=(400, 2))
    y = x[:, :1] ** 2 + rng.normal(size=(400, 1))
    expected = ksg_brute_force(x, y, k)
    assert mutual_information_from_samples(x, y, k=k) == pytest.approx(expected, rel=1e-12, abs=0)
    # One variable on a grid, so that many distances tie and only strict counting gives the right
    # n_x and n_y (the pairs stay distinct, as the estimator needs).
    for a, b in [(np.round(x, 1), y), (x, np.round(y, 1))]:
        expected = ksg_brute_force(a, b, k)
        assert mutual_information_from_samples(a, b, k=k) == pytest.approx(expected, rel=1e-12, abs=0)


def test_ksg_is_symmetric_and_not_clipped():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=200), rng.normal(size=(200, 2))
    value = mutual_information_from_samples(x, y)
    assert value == mutual_information_from_samples(y, x)
    # X and Y are independent, and for this seed the estimate falls below 0: it is returned as is.
    assert value < 0


# ----------------------------------------------------------------------------------------------
# Bad input: the right exception, and a message that names the argument

RNG = np.random.default_rng(0)
X, Y = RNG.normal(size=(50, 2)), RNG.normal(size=(40, 2))
NORMAL = stats.norm(0, 1)


def with_entry(samples: np.ndarray, value: float) -> np.ndarray:
    """A copy of ``samples`` with one entry replaced by ``value``."""
    samples = samples.copy()
    samples[7, 1] = value
    return samples


# Short names, so that each bad call fits on a line.
knn, ksg, mc = kl_from_samples, mutual_information_from_samples, kl_monte_carlo
BAD_CALLS = {
    # kl_from_samples
    "k = 0": (lambda: knn(X, Y, k=0), ValueError, r"k must be at least 1"),
    "k = n": (lambda: knn(X, Y, k=50), ValueError, r"k must be smaller than .* in x"),
    "k > m": (lambda: knn(X, Y, k=41), ValueError, r"k must be at most .* in y"),
    "k = 1.5": (lambda: knn(X, Y, k=1.5), TypeError, r"k must be an integer"),
    "k = 2.0": (lambda: knn(X, Y, k=2.0), TypeError, r"k must be an integer"),
    "k = True": (lambda: knn(X, Y, k=True), TypeError, r"k must be an integer"),
    "dimensions differ": (lambda: knn(X, Y[:, :1]), ValueError, r"x and y must have the same dim"),
    "NaN in x": (lambda: knn(with_entry(X, np.nan), Y), ValueError, r"x contains NaN"),
    "inf in y": (lambda: knn(X, with_entry(Y, -np.inf)), ValueError, r"y contains an infinite"),
    "3-D x": (lambda: knn(X.reshape(25, 2, 2), Y), ValueError, r"x must be a 1-D array"),
    "empty y": (lambda: knn(X, np.empty((0, 2))), ValueError, r"y holds no samples"),
    "text x": (lambda: knn(["a", "b"], Y), TypeError, r"x must be an array of real numbers"),
    "x repeated": (lambda: knn(np.repeat(X, 2, axis=0), Y), ValueError, r"x repeats a point"),
    "x on y": (lambda: knn(X, np.vstack([Y, X[:1]])), ValueError, r"point of x coincides .* y"),
    # mutual_information_from_samples
    "KSG lengths": (lambda: ksg(X, Y), ValueError, r"x and y must hold the same"),
    "KSG k = 0": (lambda: ksg(X, X, k=0), ValueError, r"k must be at least 1"),
    "KSG k = N": (lambda: ksg(X, X, k=50), ValueError, r"k must be smaller"),
    "KSG k = '3'": (lambda: ksg(X, X, k="3"), TypeError, r"k must be an integer"),
    "KSG NaN in y": (lambda: ksg(X, with_entry(X, np.nan)), ValueError, r"y contains NaN"),
    "KSG repeated pairs": (
        lambda: ksg(np.repeat(X, 4, axis=0), np.repeat(X, 4, axis=0)),
        ValueError,
        r"pairs \(x\[i\], y\[i\]\) coincide",
    ),
    # kl_monte_carlo
    "n = 1": (lambda: mc(NORMAL, NORMAL, 1, RNG), ValueError, r"n must be at least 2"),
    "n = 0": (lambda: mc(NORMAL, NORMAL, 0, RNG), ValueError, r"n must be at least 2"),
    "n = 100.0": (lambda: mc(NORMAL, NORMAL, 100.0, RNG), TypeError, r"n must be an integer"),
    "rng = None": (lambda: mc(NORMAL, NORMAL, 100, None), TypeError, r"rng must .*default_rng\(seed\)"),
    "rng = 42": (lambda: mc(NORMAL, NORMAL, 100, 42), TypeError, r"rng must be a numpy.random.Gen"),
    "rng = RandomState": (
        lambda: mc(NORMAL, NORMAL, 100, np.random.RandomState(0)),
        TypeError,
        r"rng must be a numpy.random.Generator",
    ),
    "P unfrozen": (lambda: mc(stats.norm, NORMAL, 100, RNG), TypeError, r"P is the family scipy"),
    "P an array": (lambda: mc(np.zeros(3), NORMAL, 100, RNG), TypeError, r"P must be a frozen scipy"),
    "Q a string": (lambda: mc(NORMAL, "normal", 100, RNG), TypeError, r"Q must be a frozen scipy"),
    "P discrete, Q continuous": (
        lambda: mc(stats.poisson(3), NORMAL, 100, RNG),
        ValueError,
        r"P has logpmf and Q has logpdf",
    ),
    "P 2-D, Q 1-D": (
        lambda: mc(stats.multivariate_normal(MEAN_P, COV_P), NORMAL, 100, RNG),
        ValueError,
        r"P and Q must be distributions of the same variable.*vectors of length 2",
    ),
    "Q invalid": (lambda: mc(NORMAL, stats.norm(0, -1), 100, RNG), ValueError, r"Q returns NaN"),
    "P 1-D, Q 2-D": (
        lambda: mc(NORMAL, stats.multivariate_normal(MEAN_Q, COV_Q), 100, RNG),
        ValueError,
        r"P and Q must be distributions of the same variable.*scalars",
    ),
}


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
