"""Tests of kltools.fdivergences: values against mpmath, near P = Q, the theorems, closed forms, bad input.

References come from mpmath at 50 digits, on the float inputs taken as exact numbers and
normalized exactly, so that they measure only the error that kltools adds (as in test_discrete.py).
Inequalities and equalities between divergences are allowed to fail by ``ROUNDING`` (1e-12) of the
size of the quantities involved, some ten thousand times the rounding error of a float64 sum.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from conftest import SIZES, pmf_lists, pmf_pairs, pmfs
from kltools import (
    chi_square,
    f_divergence,
    hellinger,
    jensen_shannon,
    kl,
    kl_between,
    renyi,
    renyi_between,
    total_variation,
)

ACCURATE = 1e-13  # what the accuracy tests require, relative to mpmath
ROUNDING = 1e-12
ALPHAS = [0.0, 0.1, 0.3, 0.5, 0.9, 0.999, 1.001, 1.5, 2.0, 5.0, math.inf]


# --- references at 50 digits ---------------------------------------------------------------------


def mp_normalized(x) -> list:
    values = [mpmath.mpf(float(v)) for v in np.ravel(x)]
    total = mpmath.fsum(values)
    return [v / total for v in values]


def mp_pairs(p, q):
    return list(zip(mp_normalized(p), mp_normalized(q), strict=True))


def mp_tv(p, q):
    with mpmath.workdps(50):
        return mpmath.fsum(abs(a - b) for a, b in mp_pairs(p, q)) / 2


def mp_chi_square(p, q):
    with mpmath.workdps(50):
        return mpmath.fsum((a - b) ** 2 / b for a, b in mp_pairs(p, q))


def mp_hellinger(p, q):
    with mpmath.workdps(50):
        return mpmath.fsum((mpmath.sqrt(a) - mpmath.sqrt(b)) ** 2 for a, b in mp_pairs(p, q))


def mp_renyi(p, q, alpha):
    with mpmath.workdps(50):
        pairs = mp_pairs(p, q)
        if alpha == 0:
            return -mpmath.log(mpmath.fsum(b for a, b in pairs if a > 0))
        if alpha == math.inf:
            return max(mpmath.log(a / b) for a, b in pairs if a > 0)
        a_ = mpmath.mpf(alpha)
        total = mpmath.fsum(a**a_ * b ** (1 - a_) for a, b in pairs if a > 0 and b > 0)
        # log(total) / (alpha - 1), with log(total) = log1p(total - 1) kept to 50 digits
        return mpmath.log(total) / (a_ - 1)


def relative_error(value: float, reference) -> float:
    with mpmath.workdps(50):
        if reference == 0:
            return 0.0 if value == 0 else math.inf
        return float(abs(mpmath.mpf(value) - reference) / abs(reference))


def nearly_equal_pmfs(n: int, delta: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """p from Dirichlet(1) and q = p (1 + delta u) renormalized, u uniform on (-1, 1)."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    q = p * (1 + delta * rng.uniform(-1, 1, n))
    return p, q / q.sum()


FUNCTIONS = {
    "total_variation": (total_variation, mp_tv),
    "chi_square": (chi_square, mp_chi_square),
    "hellinger": (hellinger, mp_hellinger),
}


# --- accuracy against mpmath -----------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("delta", [1.0, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10])
def test_f_divergences_of_nearly_equal_pmfs_are_accurate(name, delta):
    function, reference = FUNCTIONS[name]
    for seed in range(3):
        p, q = nearly_equal_pmfs(200, delta, seed)
        assert relative_error(function(p, q), reference(p, q)) <= ACCURATE
        assert relative_error(function(q, p), reference(q, p)) <= ACCURATE


@pytest.mark.parametrize("alpha", ALPHAS)
@pytest.mark.parametrize("delta", [1.0, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10])
def test_renyi_of_nearly_equal_pmfs_is_accurate(alpha, delta):
    for seed in range(2):
        p, q = nearly_equal_pmfs(200, delta, seed)
        assert relative_error(renyi(p, q, alpha), mp_renyi(p, q, alpha)) <= ACCURATE


@pytest.mark.parametrize("name", FUNCTIONS)
def test_f_divergences_of_random_pmfs_with_zeros_are_accurate(name):
    function, reference = FUNCTIONS[name]
    rng = np.random.default_rng(11)
    for _ in range(5):
        p, q = rng.dirichlet(np.ones(50)), rng.dirichlet(np.ones(50))
        p[rng.random(50) < 0.3] = 0.0
        p /= p.sum()
        assert relative_error(function(p, q), reference(p, q)) <= ACCURATE
        if name != "chi_square":  # chi_square(q, p) is infinite here
            assert relative_error(function(q, p), reference(q, p)) <= ACCURATE


@pytest.mark.parametrize("alpha", [0.0, 0.2, 0.5, 0.7, math.inf, 2.0])
def test_renyi_with_zeros_in_p_is_accurate(alpha):
    rng = np.random.default_rng(12)
    for _ in range(5):
        p, q = rng.dirichlet(np.ones(50)), rng.dirichlet(np.ones(50))
        p[rng.random(50) < 0.3] = 0.0
        p /= p.sum()
        assert relative_error(renyi(p, q, alpha), mp_renyi(p, q, alpha)) <= ACCURATE


def test_renyi_with_zeros_in_q_is_finite_below_order_1_and_infinite_above():
    p, q = np.array([0.5, 0.3, 0.2]), np.array([0.6, 0.4, 0.0])
    for alpha in (0.3, 0.5, 0.8):
        assert relative_error(renyi(p, q, alpha), mp_renyi(p, q, alpha)) <= ACCURATE
    for alpha in (1.0, 1.5, math.inf):
        assert renyi(p, q, alpha) == math.inf
    assert chi_square(p, q) == math.inf


def test_disjoint_supports_give_the_extreme_values():
    p, q = [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.25, 0.75]
    assert total_variation(p, q) == 1.0
    assert hellinger(p, q) == 2.0
    assert chi_square(p, q) == math.inf
    for alpha in (0.0, 0.5, 2.0):
        assert renyi(p, q, alpha) == math.inf


def test_large_log_ratio_does_not_overflow():
    p, q = np.array([1 - 1e-300, 1e-300]), np.array([1e-300, 1 - 1e-300])
    # D_2 = log(p1^2/q1 + p2^2/q2) = log(1e300 + ...) = 300 log 10, though the sum overflows nowhere here;
    # at alpha = 3 the sum p^3 / q^2 = 1e600 overflows and the log-sum-exp path takes over.
    assert relative_error(renyi(p, q, 3.0), mp_renyi(p, q, 3.0)) <= ACCURATE
    assert relative_error(renyi(p, q, 2.0), mp_renyi(p, q, 2.0)) <= ACCURATE


# --- definitions and special cases ---------------------------------------------------------------


def test_known_values_of_two_coins():
    p, q = [0.2, 0.8], [0.7, 0.3]
    assert total_variation(p, q) == pytest.approx(0.5, rel=1e-15)
    assert chi_square(p, q) == pytest.approx(0.25 / 0.7 + 0.25 / 0.3, rel=1e-15)
    assert hellinger(p, q) == pytest.approx(2 - 2 * (math.sqrt(0.14) + math.sqrt(0.24)), rel=1e-14)
    assert renyi(p, q, 2.0) == pytest.approx(math.log(0.04 / 0.7 + 0.64 / 0.3), rel=1e-15)
    assert renyi(p, q, math.inf) == pytest.approx(math.log(0.8 / 0.3), rel=1e-15)
    assert renyi(p, q, 1.0) == kl(p, q)


def test_renyi_tends_to_kl_as_alpha_tends_to_1():
    p, q = nearly_equal_pmfs(20, 0.5, seed=3)
    for h in (1e-4, 1e-6, 1e-8):
        for alpha in (1 - h, 1 + h):
            assert abs(renyi(p, q, alpha) - kl(p, q)) <= 5 * h * kl(p, q)


def test_renyi_of_order_half_is_a_function_of_hellinger():
    p, q = nearly_equal_pmfs(30, 0.3, seed=4)
    assert renyi(p, q, 0.5) == pytest.approx(-2 * math.log1p(-hellinger(p, q) / 2), rel=1e-14)


def test_bits_are_nats_divided_by_log_2():
    p, q = nearly_equal_pmfs(10, 0.4, seed=5)
    for alpha in (0.5, 1.0, 3.0, math.inf):
        assert renyi(p, q, alpha, base=2) == pytest.approx(renyi(p, q, alpha) / math.log(2), rel=1e-15)


def test_axis_and_broadcasting():
    rng = np.random.default_rng(6)
    p, q = rng.dirichlet(np.ones(4), size=3), rng.dirichlet(np.ones(4), size=3)
    for function in (total_variation, chi_square, hellinger, lambda a, b, axis: renyi(a, b, 0.7, axis=axis)):
        rows = function(p, q, axis=-1)
        assert rows.shape == (3,)
        np.testing.assert_array_equal(function(p.T, q.T, axis=0), rows)
        np.testing.assert_array_equal(function(p, q[0], axis=-1)[0], rows[0])
        assert isinstance(function(p[0], q[0], axis=-1), float)


def test_named_f_divergences_match_the_named_functions():
    p, q = nearly_equal_pmfs(25, 0.6, seed=7)
    assert f_divergence(p, q, "total_variation") == total_variation(p, q)
    assert f_divergence(p, q, "chi_square") == chi_square(p, q)
    assert f_divergence(p, q, "hellinger") == hellinger(p, q)
    assert f_divergence(p, q, "kl") == kl(p, q)
    assert f_divergence(p, q, "reverse_kl") == kl(q, p)
    assert f_divergence(p, q, "jensen_shannon") == jensen_shannon(p, q)


GENERATORS = {
    "kl": (lambda t: t * np.log(t), lambda p, q: kl(p, q)),
    "reverse_kl": (lambda t: -np.log(t), lambda p, q: kl(q, p)),
    "total_variation": (lambda t: np.abs(t - 1) / 2, total_variation),
    "chi_square": (lambda t: (t - 1) ** 2, chi_square),
    "hellinger": (lambda t: (np.sqrt(t) - 1) ** 2, hellinger),
    "jensen_shannon": (lambda t: (t * np.log(t) - (1 + t) * np.log((1 + t) / 2)) / 2, jensen_shannon),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_callable_generators_give_the_named_divergences(name):
    f, named = GENERATORS[name]
    for seed in range(3):
        p, q = nearly_equal_pmfs(40, 0.8, seed)
        assert f_divergence(p, q, f) == pytest.approx(named(p, q), rel=1e-12)


def test_callable_f_with_q_zero_uses_the_limit():
    p, q = [0.5, 0.5], [1.0, 0.0]
    assert f_divergence(p, q, lambda t: np.abs(t - 1) / 2, f_limit=0.5) == pytest.approx(0.5, rel=1e-15)
    assert f_divergence(p, q, lambda t: (t - 1) ** 2, f_limit=math.inf) == math.inf
    # p = 0 where q > 0: the term q f(0)
    assert f_divergence(q, p, lambda t: np.abs(t - 1) / 2) == pytest.approx(0.5, rel=1e-15)


# --- the theorems, as properties ---------------------------------------------------------------------


def within(small: float, large: float) -> bool:
    """small <= large up to rounding."""
    return small <= large + ROUNDING * max(1.0, abs(large)) if math.isfinite(large) else True


@st.composite
def pmf_pairs_and_channels(draw):
    p, q = draw(pmf_pairs())
    m = draw(SIZES)
    return p, q, np.array([draw(pmfs(m)) for _ in range(len(p))])


ORDERS = st.sampled_from([0.0, 0.25, 0.5, 0.8, 1.0, 1.5, 2.0, 4.0, math.inf])


@given(pmf_pairs_and_channels(), ORDERS)
def test_data_processing_for_every_divergence(triple, alpha):
    p, q, channel = triple
    pk, qk = p @ channel, q @ channel
    assert within(total_variation(pk, qk), total_variation(p, q))
    assert within(hellinger(pk, qk), hellinger(p, q))
    assert within(chi_square(pk, qk), chi_square(p, q))
    assert within(renyi(pk, qk, alpha), renyi(p, q, alpha))
    # A generator of the caller's: the "triangular discrimination" f(t) = (t - 1)**2 / (t + 1).
    f = lambda t: (t - 1) ** 2 / (t + 1)  # noqa: E731
    assert within(f_divergence(pk, qk, f, f_limit=1.0), f_divergence(p, q, f, f_limit=1.0))


@given(pmf_pairs(), ORDERS, ORDERS)
def test_renyi_is_non_decreasing_in_its_order(pair, a, b):
    p, q = pair
    low, high = min(a, b), max(a, b)
    assert within(renyi(p, q, low), renyi(p, q, high))


@given(pmf_pairs(), st.floats(min_value=0.01, max_value=0.99))
def test_renyi_skew_symmetry(pair, alpha):
    p, q = pair
    left, right = (1 - alpha) * renyi(p, q, alpha), alpha * renyi(q, p, 1 - alpha)
    assert left == right or abs(left - right) <= ROUNDING * max(1.0, abs(left))


@given(pmf_pairs())
def test_pinsker_and_bretagnolle_huber(pair):
    """TV <= sqrt(D/2) (Pinsker) and TV <= sqrt(1 - exp(-D)) (Bretagnolle-Huber), D in nats."""
    p, q = pair
    tv, d = total_variation(p, q), kl(p, q)
    assert within(tv, math.sqrt(d / 2))
    assert within(tv, math.sqrt(-math.expm1(-d)))


@given(pmf_pairs())
def test_le_cam_hellinger_bounds(pair):
    """H^2/2 <= TV <= H sqrt(1 - H^2/4), with H^2 = sum (sqrt p - sqrt q)^2 (Tsybakov 2009, lemma 2.3)."""
    p, q = pair
    tv, h2 = total_variation(p, q), hellinger(p, q)
    assert within(h2 / 2, tv)
    assert within(tv, math.sqrt(h2 * (1 - h2 / 4)))


@given(pmf_pairs())
def test_kl_below_log_one_plus_chi_square(pair):
    """D <= log(1 + chi^2) <= chi^2: Jensen's inequality for the concave log, then log(1 + x) <= x."""
    p, q = pair
    d, chi2 = kl(p, q), chi_square(p, q)
    assert within(d, math.log1p(chi2))
    assert within(math.log1p(chi2), chi2)
    assert renyi(p, q, 2.0) == pytest.approx(math.log1p(chi2), rel=1e-12, abs=1e-300) or math.isinf(chi2)


@given(pmf_lists(4), st.floats(min_value=1e-6, max_value=1 - 1e-6))
def test_joint_convexity_of_f_divergences(pmfs_, lam):
    p1, p2, q1, q2 = pmfs_
    mixed_p, mixed_q = lam * p1 + (1 - lam) * p2, lam * q1 + (1 - lam) * q2
    for function in (total_variation, hellinger, chi_square):
        bound = lam * function(p1, q1) + (1 - lam) * function(p2, q2)
        assert within(function(mixed_p, mixed_q), bound)


# --- closed forms between distributions ----------------------------------------------------------------


def renyi_by_quadrature(P, Q, alpha, lower=-np.inf, upper=np.inf):
    def integrand(x):
        return math.exp(alpha * P.logpdf(x) + (1 - alpha) * Q.logpdf(x))

    total, _ = integrate.quad(integrand, lower, upper, epsabs=0, epsrel=1e-12, limit=200)
    return math.log(total) / (alpha - 1)


@pytest.mark.parametrize("alpha", [0.2, 0.5, 0.9, 1.5, 2.0, 3.0])
def test_renyi_between_normals_matches_quadrature(alpha):
    P, Q = stats.norm(0.3, 1.2), stats.norm(-0.5, 1.5)
    assert renyi_between(P, Q, alpha) == pytest.approx(renyi_by_quadrature(P, Q, alpha), rel=1e-9)


def test_renyi_between_normals_is_infinite_when_sigma_alpha_is_not_positive():
    P, Q = stats.norm(0, 2), stats.norm(0, 1)  # sigma_alpha^2 = alpha + (1 - alpha) 4 <= 0 for alpha >= 4/3
    assert renyi_between(P, Q, 1.5) == math.inf
    assert math.isfinite(renyi_between(P, Q, 1.2))


def test_renyi_between_nearby_normals_is_accurate():
    with mpmath.workdps(50):
        for step in (1e-3, 1e-6, 1e-9):
            m1, s1, m2, s2 = 0.0, 1.0, step, 1.0 + step
            for alpha in (0.5, 2.0):
                a = mpmath.mpf(alpha)
                va = a * mpmath.mpf(s2) ** 2 + (1 - a) * mpmath.mpf(s1) ** 2
                exact = (mpmath.log(mpmath.mpf(s2) / s1)
                         + mpmath.log(mpmath.mpf(s2) ** 2 / va) / (2 * (a - 1))
                         + a * (mpmath.mpf(m1) - m2) ** 2 / (2 * va))
                value = renyi_between(stats.norm(m1, s1), stats.norm(m2, s2), alpha)
                assert relative_error(value, exact) <= 1e-13


@pytest.mark.parametrize("alpha", [0.3, 0.7, 2.0])
def test_renyi_between_exponential_families_matches_quadrature(alpha):
    cases = [
        (stats.expon(scale=1.0), stats.expon(scale=2.5), 0, np.inf),
        (stats.gamma(2.5, scale=1.5), stats.gamma(4.0, scale=1.0), 0, np.inf),
        (stats.beta(2.0, 3.0), stats.beta(1.5, 1.5), 0, 1),
    ]
    for P, Q, lower, upper in cases:
        expected = renyi_by_quadrature(P, Q, alpha, lower, upper)
        assert renyi_between(P, Q, alpha) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("alpha", [0.3, 2.0])
def test_renyi_between_discrete_families_matches_the_sum(alpha):
    k = np.arange(200)
    P, Q = stats.poisson(2.0), stats.poisson(3.5)
    direct = math.log(np.sum(P.pmf(k) ** alpha * Q.pmf(k) ** (1 - alpha))) / (alpha - 1)
    assert renyi_between(P, Q, alpha) == pytest.approx(direct, rel=1e-12)
    B1, B2 = stats.binom(10, 0.3), stats.binom(10, 0.6)
    k = np.arange(11)
    direct = math.log(np.sum(B1.pmf(k) ** alpha * B2.pmf(k) ** (1 - alpha))) / (alpha - 1)
    assert renyi_between(B1, B2, alpha) == pytest.approx(direct, rel=1e-12)
    coins = renyi_between(stats.bernoulli(0.2), stats.bernoulli(0.7), alpha)
    assert coins == pytest.approx(renyi([0.8, 0.2], [1 - 0.7, 0.7], alpha), rel=1e-15)


def test_renyi_between_multivariate_normals_of_independent_coordinates_adds_up():
    mean1, mean2 = np.array([0.0, 1.0]), np.array([0.5, -1.0])
    s1, s2 = np.array([1.0, 2.0]), np.array([1.5, 1.0])
    P, Q = stats.multivariate_normal(mean1, np.diag(s1**2)), stats.multivariate_normal(mean2, np.diag(s2**2))
    for alpha in (0.5, 1.2):
        parts = sum(renyi_between(stats.norm(mean1[i], s1[i]), stats.norm(mean2[i], s2[i]), alpha)
                    for i in range(2))
        assert renyi_between(P, Q, alpha) == pytest.approx(parts, rel=1e-12)


def test_renyi_between_at_order_1_is_kl():
    P, Q = stats.gamma(2.0, scale=1.0), stats.gamma(3.0, scale=0.5)
    assert renyi_between(P, Q, 1.0) == kl_between(P, Q)
    assert renyi_between(P, Q, 1 + 1e-7) == pytest.approx(kl_between(P, Q), rel=1e-5)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [total_variation, chi_square, hellinger,
                                      lambda p, q: renyi(p, q, 0.5), lambda p, q: f_divergence(p, q, "kl")])
@pytest.mark.parametrize(("p", "q", "error", "message"), [
    ([0.5, np.nan], [0.5, 0.5], ValueError, "p contains NaN"),
    ([0.5, 0.5], [1.5, -0.5], ValueError, "q has a negative entry"),
    ([0.5, 0.6], [0.5, 0.5], ValueError, "p must sum to 1"),
    ([0.5, 0.5], [0.2, 0.3, 0.5], ValueError, "same number of outcomes"),
    (["a", "b"], [0.5, 0.5], TypeError, "p must be an array of real numbers"),
    ([0.5, 0.5], 0.5, ValueError, "q must be an array of probabilities"),
])
def test_bad_distributions_are_rejected_with_the_argument_named(function, p, q, error, message):
    with pytest.raises(error, match=message):
        function(p, q)


@pytest.mark.parametrize(("alpha", "error", "message"), [
    (-0.5, ValueError, "alpha must be >= 0"),
    (math.nan, ValueError, "alpha must be >= 0"),
    ("2", TypeError, "alpha must be a real number"),
    (True, TypeError, "alpha must be a real number"),
])
def test_bad_orders_are_rejected(alpha, error, message):
    with pytest.raises(error, match=message):
        renyi([0.5, 0.5], [0.3, 0.7], alpha)
    with pytest.raises(error, match=message):
        renyi_between(stats.norm(), stats.norm(1), alpha)


def test_bad_generators_are_rejected():
    p, q = [0.5, 0.5], [0.3, 0.7]
    with pytest.raises(ValueError, match="f must satisfy f"):
        f_divergence(p, q, lambda t: t**2)
    with pytest.raises(TypeError, match="f must be a function"):
        f_divergence(p, q, 3.0)
    with pytest.raises(ValueError, match="'kullback' is not a divergence"):
        f_divergence(p, q, "kullback")
    with pytest.raises(ValueError, match="pass f_limit"):
        f_divergence([0.5, 0.5], [1.0, 0.0], lambda t: (t - 1) ** 2)
    with pytest.raises(TypeError, match="f_limit must be a real number"):
        f_divergence(p, q, lambda t: (t - 1) ** 2, f_limit="inf")
    with pytest.raises(TypeError, match="f_limit applies to a callable f"):
        f_divergence(p, q, "kl", f_limit=1.0)
    with pytest.raises(ValueError, match="f must return one value per ratio"):
        f_divergence(p, q, lambda t: np.zeros(1))
    with pytest.raises(ValueError, match="f returned NaN"):
        f_divergence([0.0, 1.0], q, lambda t: np.where(t == 0, np.nan, t - 1))


def test_bad_distribution_pairs_are_rejected():
    with pytest.raises(NotImplementedError, match="no closed-form Rényi divergence between P = norm"):
        renyi_between(stats.norm(), stats.gamma(2.0), 0.5)
    with pytest.raises(TypeError, match=r"P and Q must be frozen scipy\.stats distributions"):
        renyi_between([0.5, 0.5], [0.3, 0.7], 0.5)
    with pytest.raises(ValueError, match="scale must be positive"):
        renyi_between(stats.norm(0, -1), stats.norm(), 0.5)
    with pytest.raises(ValueError, match="P: loc must be 0"):
        renyi_between(stats.gamma(2.0, loc=1.0), stats.gamma(2.0), 0.5)
    with pytest.raises(ValueError, match="same number of trials"):
        renyi_between(stats.binom(5, 0.5), stats.binom(6, 0.5), 0.5)
    with pytest.raises(ValueError, match="alpha must be finite and positive"):
        renyi_between(stats.norm(), stats.norm(1), 0.0)
