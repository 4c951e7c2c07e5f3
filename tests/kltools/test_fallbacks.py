"""The numerical fallback of kl_between: finite values against mpmath, infinite ones found, failures said.

Finite pairs without a closed form are checked against mpmath's own quadrature (tanh-sinh, at 30
digits, on densities written out here), not against another run of SciPy's quad. Pairs whose
supports are nested but whose divergence is infinite (P's tails too heavy for Q's) must give
``inf``: the integral of p log(p/q) diverges in the tails, where a quadrature that does not check
its own convergence returns a large finite number.
"""

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

import kltools
from kltools.distributions import kl_between


def mp_kl(log_p, log_q, points) -> mp.mpf:
    """∫ p log(p/q) by mpmath's tanh-sinh quadrature at 30 digits, split at ``points``."""
    with mp.workdps(30):
        return mp.quad(lambda x: mp.exp(log_p(x)) * (log_p(x) - log_q(x)), points)


def log_norm(mu, sigma):
    return lambda x: -((x - mu) ** 2) / (2 * sigma**2) - mp.log(sigma) - mp.log(2 * mp.pi) / 2


def log_cauchy(x):
    return -mp.log(mp.pi) - mp.log(1 + x * x)


def log_logistic(x):
    return -x - 2 * mp.log(1 + mp.exp(-x))


def log_gumbel(x):
    return -x - mp.exp(-x)


def log_t5(x):
    c = mp.gamma(3) / (mp.sqrt(5 * mp.pi) * mp.gamma(mp.mpf(5) / 2))
    return mp.log(c) - 3 * mp.log(1 + x * x / 5)


def log_gamma(a, loc=0, scale=1):
    return lambda x: (a - 1) * mp.log((x - loc) / scale) - (x - loc) / scale - mp.loggamma(a) - mp.log(scale)


def log_lognorm(s):
    return lambda x: -(mp.log(x) ** 2) / (2 * s * s) - mp.log(x * s * mp.sqrt(2 * mp.pi))


INF = mp.inf
FINITE = [
    (stats.t(5), stats.norm(0, 1), log_t5, log_norm(0, 1), [-INF, -20, -5, 0, 5, 20, INF]),
    (stats.norm(0, 1), stats.cauchy(), log_norm(0, 1), log_cauchy, [-INF, -5, 0, 5, INF]),
    (stats.logistic(), stats.norm(0, 2), log_logistic, log_norm(0, 2), [-INF, -10, 0, 10, INF]),
    # (the density is below e^-140 left of -5; mpmath would need huge precision for exp(e^-x) there)
    (stats.gumbel_r(), stats.norm(0, 1), log_gumbel, log_norm(0, 1), [-5, -2, 0, 3, 10, 80]),
    (stats.lognorm(0.5), stats.gamma(2.0), log_lognorm(0.5), log_gamma(2.0), [0, 0.5, 1, 2, 5, INF]),
    (stats.gamma(2.0, loc=1.0, scale=1.5), stats.gamma(2.5, loc=0.5, scale=1.2),
     log_gamma(2.0, 1.0, 1.5), log_gamma(2.5, 0.5, 1.2), [1, 2, 4, 10, INF]),
]


@pytest.mark.parametrize(("P", "Q", "log_p", "log_q", "points"), FINITE,
                         ids=[f"{P.dist.name}-{Q.dist.name}" for P, Q, *_ in FINITE])
def test_finite_pairs_against_mpmath_quadrature(P, Q, log_p, log_q, points):
    value, error = kl_between(P, Q, full_output=True)
    reference = mp_kl(log_p, log_q, points)
    assert abs(value - float(reference)) <= 1e-11 * float(reference)
    assert 0 < error < 1e-10  # the reported error is small, and not a pretended 0


INFINITE = [
    (stats.cauchy(), stats.norm()),  # p log(p/q) tends to a constant in the tails
    (stats.cauchy(2.0, 3.0), stats.norm(1.0, 5.0)),
    (stats.cauchy(), stats.logistic()),  # like 1/|x|: log(p/q) grows like |x|
    (stats.t(2), stats.norm()),  # like 1/|x|
    (stats.t(1.5), stats.norm()),  # like |x|^(-1/2)
    (stats.pareto(1.0), stats.expon()),  # nested supports [1, inf) in [0, inf); like 1/x
    (stats.lomax(1.0), stats.expon()),
]


@pytest.mark.parametrize(("P", "Q"), INFINITE, ids=[f"{P.dist.name}-{Q.dist.name}" for P, Q in INFINITE])
def test_infinite_divergences_with_nested_supports_are_inf(P, Q):
    assert kl_between(P, Q, full_output=True) == (math.inf, 0.0)
    assert kltools.kl(P, Q) == math.inf


def test_an_integrand_that_cannot_be_evaluated_raises_instead_of_guessing():
    # SciPy's Laplace density underflows to 0 beyond |x| = 745 where a Cauchy P still has density
    # 5e-7: the integrand is unknown there (and the divergence is in fact infinite).
    with pytest.raises(ArithmeticError, match="underflows"):
        kl_between(stats.cauchy(), stats.laplace())


def test_new_distribution_classes_use_the_closed_forms():
    assert kltools.kl(stats.Normal(mu=0, sigma=1), stats.Normal(mu=1, sigma=2)) == 0.4431471805599453
    assert kl_between(stats.Uniform(a=0, b=1), stats.Uniform(a=-1, b=2)) == kl_between(
        stats.uniform(0, 1), stats.uniform(-1, 3))
    assert kl_between(stats.Binomial(n=10, p=0.3), stats.Binomial(n=10, p=0.5)) == kl_between(
        stats.binom(10, 0.3), stats.binom(10, 0.5))
    # Mixed: a new-style P against a legacy Q of the same family.
    assert kl_between(stats.Normal(mu=0, sigma=1), stats.norm(1, 2)) == 0.4431471805599453
    assert kltools.fisher_information(stats.Normal(mu=0, sigma=2))[1, 1] == 0.5


def test_other_new_classes_are_integrated():
    reference = mp_kl(log_logistic, log_norm(0, 2), [-INF, -10, 0, 10, INF])
    value = kl_between(stats.Logistic(), stats.Normal(mu=0, sigma=2))
    assert value == pytest.approx(float(reference), rel=1e-11)
    estimate = kltools.kl_monte_carlo(stats.Logistic(), stats.Normal(mu=0, sigma=2), 20_000,
                                      np.random.default_rng(1))
    assert abs(estimate.estimate - float(reference)) < 5 * estimate.stderr


def test_unfrozen_histograms_are_frozen():
    h1 = stats.rv_histogram(([1, 2, 1], [0, 1, 2, 3]))
    h2 = stats.rv_histogram(([1, 1, 1], [0, 1, 2, 3]))
    # Piecewise constant densities 1/4, 1/2, 1/4 against 1/3 each: a sum over the three bins.
    expected = 0.5 * math.log(0.25 * 3) + 0.5 * math.log(0.5 * 3)
    assert kltools.kl(h1, h2) == pytest.approx(expected, rel=1e-10)
    assert kl_between(h1(), h2()) == pytest.approx(expected, rel=1e-10)
