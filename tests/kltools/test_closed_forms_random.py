"""Every closed form of kl_between, at random parameters, against mpmath's own quadrature.

Hypothesis draws the parameters of P (within ranges where the densities are well resolved), and Q
either independently (generic) or as P's parameters each perturbed by a relative 1e-8 (nearly
equal distributions, where the divergence is of order 1e-17 and the textbook formulas lose every
digit). The reference is the integral (or, for the discrete families, the sum) of p log(p/q)
written out in mpmath with at least 45 digits (more where a location is tiny) on the same
floating-point parameters: independent of the formulas, of SciPy's densities and of kltools'
fallback.
"""

from __future__ import annotations

import math

import mpmath as mp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kltools import kl_between

DIGITS = 45
GENERIC = {"gamma": 2e-12, "beta": 2e-12}  # relative error allowed; 1e-13 for the other families
NEAR = 1e-10  # relative error allowed when Q is within 1e-8 of P
DELTA = 1e-8

positive = st.floats(0.3, 5.0)
# A location is 0 or at least 1e-30 in size: a divergence between locations 1e-128 apart is of order
# 1e-256, and a quadrature summing terms of order 1 to it needs hundreds of digits (test_distributions
# checks such tiny shifts against the exact value mu**2 / 2).
location = st.floats(-3.0, 3.0).filter(lambda x: x == 0 or abs(x) >= 1e-30)
shape = st.floats(0.6, 20.0)
probability = st.floats(0.05, 0.95)
perturbation = st.floats(-1.0, 1.0).filter(lambda u: u == 0 or abs(u) >= 1e-3)  # the same reason


def near(value: float, u: float) -> float:
    return value * (1 + DELTA * u)


def digits(*parameters: float) -> int:
    """Working digits for a reference at these parameters: DIGITS, plus twice the decimal exponent
    of the tiniest nonzero one. The integrand's log p - log q cancels terms of order 1 down to
    products of the parameters (a location of 1e-128 gives a divergence of 1e-256), so a fixed
    precision would return 0 where the truth is positive."""
    exponents = [-math.log10(abs(v)) for v in parameters if v]
    return DIGITS + 2 * math.ceil(max([0.0, *exponents]))


def mp_integral(log_p, log_q, points, parameters=()) -> float:
    with mp.workdps(digits(*parameters)):
        return float(mp.quad(lambda x: mp.exp(log_p(x)) * (log_p(x) - log_q(x)), points))


def mp_sum(log_p, log_q, outcomes) -> float:
    with mp.workdps(DIGITS):
        return float(mp.fsum(mp.exp(log_p(k)) * (log_p(k) - log_q(k)) for k in outcomes))


def relative_error(value: float, reference: float) -> float:
    return abs(value - reference) / abs(reference)


def log_norm(mu, s):
    mu, s = mp.mpf(mu), mp.mpf(s)
    return lambda x: -((x - mu) ** 2) / (2 * s * s) - mp.log(s) - mp.log(2 * mp.pi) / 2


def log_laplace(mu, b):
    mu, b = mp.mpf(mu), mp.mpf(b)
    return lambda x: -abs(x - mu) / b - mp.log(2 * b)


def log_expon(s):
    s = mp.mpf(s)
    return lambda x: -x / s - mp.log(s)


def log_gamma(a, s):
    a, s = mp.mpf(a), mp.mpf(s)
    return lambda x: (a - 1) * mp.log(x / s) - x / s - mp.loggamma(a) - mp.log(s)


def log_beta(a, b):
    a, b = mp.mpf(a), mp.mpf(b)
    return lambda x: (a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - mp.log(mp.beta(a, b))


def log_poisson(lam):
    lam = mp.mpf(lam)
    return lambda k: k * mp.log(lam) - lam - mp.loggamma(k + 1)


def log_binom(n, p):
    p = mp.mpf(p)
    return lambda k: mp.log(mp.binomial(n, k)) + k * mp.log(p) + (n - k) * mp.log(1 - p)


def log_geom(p):
    p = mp.mpf(p)
    return lambda k: (k - 1) * mp.log(1 - p) + mp.log(p)


def check(value: float, reference: float, family: str, perturbed: bool) -> None:
    bound = NEAR if perturbed else GENERIC.get(family, 1e-13)
    if reference == 0:  # Hypothesis drew Q = P
        assert value == 0.0
        return
    assert relative_error(value, reference) <= bound, (family, value, reference)


@settings(max_examples=25)
@given(location, positive, location, positive, perturbation, st.booleans())
def test_norm(m1, s1, m2, s2, u, perturbed):
    if perturbed:
        m2, s2 = near(m1, u) if m1 else DELTA * u, near(s1, -u)
    points = [-mp.inf, m1 - 5 * s1, m1, m1 + 5 * s1, mp.inf]
    reference = mp_integral(log_norm(m1, s1), log_norm(m2, s2), points, (m1, m2))
    check(kl_between(stats.norm(m1, s1), stats.norm(m2, s2)), reference, "norm", perturbed)


@settings(max_examples=25)
@given(location, positive, location, positive, perturbation, st.booleans())
def test_laplace(m1, b1, m2, b2, u, perturbed):
    if perturbed:
        m2, b2 = near(m1, u) if m1 else DELTA * u, near(b1, -u)
    points = [-mp.inf, m1 - 30 * b1, *sorted({m1, m2}), m1 + 30 * b1, mp.inf]
    reference = mp_integral(log_laplace(m1, b1), log_laplace(m2, b2), points, (m1, m2))
    check(kl_between(stats.laplace(m1, b1), stats.laplace(m2, b2)), reference, "laplace", perturbed)


@settings(max_examples=25)
@given(positive, positive, perturbation, st.booleans())
def test_expon(s1, s2, u, perturbed):
    if perturbed:
        s2 = near(s1, u)
    reference = mp_integral(log_expon(s1), log_expon(s2), [0, s1, 10 * s1, mp.inf])
    check(kl_between(stats.expon(scale=s1), stats.expon(scale=s2)), reference, "expon", perturbed)


@settings(max_examples=25)
@given(shape, positive, shape, positive, perturbation, st.booleans())
def test_gamma(a1, s1, a2, s2, u, perturbed):
    if perturbed:
        a2, s2 = near(a1, u), near(s1, -u)
    mean = a1 * s1
    reference = mp_integral(log_gamma(a1, s1), log_gamma(a2, s2), [0, mean / 4, mean, 4 * mean, mp.inf])
    check(kl_between(stats.gamma(a1, scale=s1), stats.gamma(a2, scale=s2)), reference, "gamma", perturbed)


@settings(max_examples=25)
@given(shape, shape, shape, shape, perturbation, st.booleans())
def test_beta(a1, b1, a2, b2, u, perturbed):
    if perturbed:
        a2, b2 = near(a1, u), near(b1, -u)
    mean = a1 / (a1 + b1)
    reference = mp_integral(log_beta(a1, b1), log_beta(a2, b2), [0, mean / 2, mean, (1 + mean) / 2, 1])
    check(kl_between(stats.beta(a1, b1), stats.beta(a2, b2)), reference, "beta", perturbed)


@settings(max_examples=25)
@given(st.floats(0.5, 30.0), st.floats(0.5, 30.0), perturbation, st.booleans())
def test_poisson(l1, l2, u, perturbed):
    if perturbed:
        l2 = near(l1, u)
    last = int(l1 + 40 * math.sqrt(l1) + 40)
    reference = mp_sum(log_poisson(l1), log_poisson(l2), range(last))
    check(kl_between(stats.poisson(l1), stats.poisson(l2)), reference, "poisson", perturbed)


@settings(max_examples=25)
@given(st.integers(1, 40), probability, probability, perturbation, st.booleans())
def test_binom(n, p1, p2, u, perturbed):
    if perturbed:
        p2 = near(p1, u)
    reference = mp_sum(log_binom(n, p1), log_binom(n, p2), range(n + 1))
    check(kl_between(stats.binom(n, p1), stats.binom(n, p2)), reference, "binom", perturbed)


@settings(max_examples=25)
@given(probability, probability, perturbation, st.booleans())
def test_bernoulli_and_geom(p1, p2, u, perturbed):
    if perturbed:
        p2 = near(p1, u)
    reference = mp_sum(log_binom(1, p1), log_binom(1, p2), range(2))
    check(kl_between(stats.bernoulli(p1), stats.bernoulli(p2)), reference, "bernoulli", perturbed)
    last = int(60 / p1) + 60
    reference = mp_sum(log_geom(p1), log_geom(p2), range(1, last))
    check(kl_between(stats.geom(p1), stats.geom(p2)), reference, "geom", perturbed)
