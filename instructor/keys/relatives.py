"""Answer keys of the self-checks of chapters/relatives.ipynb (instructors only; never shipped).

Each expected value is computed by another route than the chapter's solution: closed forms where
the solution integrates, numerical integration where it uses a closed form, the parametric form of
the boundary where it minimises, Rényi identities where it sums.
"""

import math

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import integrate, optimize, stats

from kltools import kl, renyi


def _normals_of_two_widths() -> tuple[float, float]:
    x0 = math.sqrt(8 * math.log(2) / 3)  # where N(0, 1) and N(0, 4) cross
    return 2 * (stats.norm.cdf(x0) - stats.norm.cdf(x0 / 2)), 2 * (1 - math.sqrt(4 / 5))


def _exponentials() -> tuple[float, float]:
    fast, slow = stats.expon(scale=1 / 3), stats.expon(scale=1.0)

    def by_quadrature(alpha):
        value = integrate.quad(lambda x: math.exp(alpha * fast.logpdf(x) + (1 - alpha) * slow.logpdf(x)),
                               0, np.inf, epsabs=0, epsrel=1e-12)[0]
        return math.log(value) / (alpha - 1)

    return by_quadrature(0.5), by_quadrature(2.0)


def _boundary_at_half() -> float:
    # Fedotov, Harremoës and Topsøe (2003): TV(t) = t (1 - (coth t - 1/t)^2) / 2, solved for TV = 1/2.
    def tv(t):
        return t * (1 - (1 / math.tanh(t) - 1 / t) ** 2) / 2

    t = optimize.brentq(lambda s: tv(s) - 0.5, 0.1, 20.0, xtol=1e-15)
    return math.log(t / math.sinh(t)) + t / math.tanh(t) - t * t / math.sinh(t) ** 2


def _bounds_along_a_line() -> tuple[float, float]:
    p, q = np.array([0.45, 0.25, 0.2, 0.1]), np.array([0.1, 0.3, 0.3, 0.3])
    s, d, d_s = 0.5, kl(p, q), renyi(p, q, 0.5)
    return s * d - (s - 1) * d_s, 1 + s * d - math.exp((s - 1) * d_s)


KEYS: dict[str, AnswerKey] = {
    "rel-ex-1": AnswerKey(
        _normals_of_two_widths, "two numbers: (TV(P, Q), H²(P, Q)) for P = N(0, 1), Q = N(0, 4)",
        "H² here is the sum of (√p − √q)² without the factor ½, so it lies in [0, 2]; TV is half the "
        "integral of |p − q|, and the densities cross twice.", rtol=1e-6),
    "rel-ex-3": AnswerKey(
        _exponentials, "two numbers: (D_½(P‖Q), D_2(P‖Q)) in nats, P = Exp(rate 3), Q = Exp(rate 1)",
        "the natural parameter of an exponential distribution is minus its rate; check that the "
        "mixed rate α·3 + (1 − α)·1 is positive.", rtol=1e-8),
    "rel-ex-5": AnswerKey(
        _boundary_at_half, "one number: L(1/2), the least D(P‖Q) in nats over pairs with TV(P, Q) = 1/2",
        "two coins are enough; keep TV fixed by moving both heads probabilities together, and look "
        "beyond the symmetric pair.", rtol=1e-7),
    "rel-ex-6": AnswerKey(
        _bounds_along_a_line,
        "two numbers: (DV at T = ½ log(p/q), NWJ at T = 1 + ½ log(p/q))",
        "DV is E_P[T] − log E_Q[e^T]; NWJ is E_P[T] − E_Q[e^(T − 1)]; both are below D(P‖Q).",
        rtol=1e-9),
}
