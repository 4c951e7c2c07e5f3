"""Answer keys of the self-checks of chapters/model_selection.ipynb (instructors only; never shipped)."""

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import integrate, special, stats


def _trace(dist) -> float:
    # tr(J^-1 K) of the normal model at the pseudo-true (mean, variance), J and K by quadrature
    m, v = dist.mean(), dist.var()
    lo, hi = dist.support()

    def e(f):
        return integrate.quad(lambda y: f(y - m) * dist.pdf(y), lo, hi, limit=200)[0]

    j12 = e(lambda u: u) / v**2
    j = np.array([[1 / v, j12], [j12, e(lambda u: u * u) / v**3 - 0.5 / v**2]])
    s2 = lambda u: -0.5 / v + u * u / (2 * v * v)  # noqa: E731
    k = np.array([[e(lambda u: u * u) / v**2, e(lambda u: u * s2(u)) / v],
                  [e(lambda u: u * s2(u)) / v, e(lambda u: s2(u) ** 2)]])
    return float(np.trace(np.linalg.solve(j, k)))


def _traces() -> tuple[float, float]:
    return _trace(stats.expon()), _trace(stats.t(7))


def _overfit() -> tuple[float, float]:
    return tuple(float(special.gammaincc(d / 2, d)) for d in (1, 3))  # P(chi2_d > 2d)


def _expected_loss(n: int) -> float:
    # expected log loss on new data of the normal fit to n standard normal observations, minus
    # ½ log 2π; S = n s²/σ² is chi-square(n - 1), by quadrature
    chi = stats.chi2(n - 1)
    e_log = integrate.quad(lambda s: np.log(s / n) * chi.pdf(s), 0, np.inf, limit=200)[0]
    e_inv = integrate.quad(lambda s: chi.pdf(s) / s, 0, np.inf, limit=200)[0]
    return 0.5 * e_log + (n + 1) / 2 * e_inv


def _cv_bias() -> tuple[float, float]:
    return _expected_loss(9) - _expected_loss(10), _expected_loss(8) - _expected_loss(10)


def _bic_gap() -> tuple[float, float]:
    ybar = 0.3

    def gap(n):
        integral = integrate.quad(lambda mu: np.exp(-n * (mu - ybar) ** 2 / 2) * stats.norm.pdf(mu),
                                  -np.inf, np.inf)[0]
        return np.log(integral) + 0.5 * np.log(n)

    fine = integrate.quad(lambda mu: np.exp(-1e6 * (mu - ybar) ** 2 / 2) * stats.norm.pdf(mu),
                          ybar - 0.05, ybar + 0.05)[0]
    return gap(100), float(np.log(fine) + 0.5 * np.log(1e6))  # N = 10^6 as the limit


KEYS: dict[str, AnswerKey] = {
    "ms-ex-2": AnswerKey(
        _traces, "two numbers: (tr(J^-1 K) for exponential data, for t data with 7 degrees of freedom)",
        "the trace of the normal model depends on the distribution only through its kurtosis "
        "(not the excess kurtosis).", rtol=1e-4),
    "ms-ex-3": AnswerKey(
        _overfit, "two numbers: (the limiting probability for d = 1, for d = 3)",
        "AIC prefers the larger model when twice the log-likelihood ratio exceeds twice the number "
        "of extra parameters.", rtol=1e-4),
    "ms-ex-5": AnswerKey(
        _cv_bias, "two numbers in nats: (bias of leave-one-out, bias of 5-fold) at N = 10",
        "cross-validation is unbiased for the expected loss of a fit to fewer observations; the "
        "bias is the difference of two expected losses (both > 0 here).", rtol=1e-4),
    "ms-ex-6": AnswerKey(
        _bic_gap, "two numbers: (G_100, the limit of G_N), both for mean 0.3",
        "integrate the likelihood, divided by its maximum, against the prior; the limit involves "
        "the prior density at the sample mean.", rtol=1e-4),
}
