"""Answer keys of the self-checks of chapters/information_geometry.ipynb (instructors only; never shipped)."""

import math

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import optimize, stats

from kltools import kl


def _poisson_kl(lam1: float, lam2: float) -> float:
    # closed form lam1 log(lam1/lam2) - lam1 + lam2, written without cancellation of order one
    r = lam2 / lam1
    return lam1 * (r - 1 - math.log(r))


def _poisson() -> tuple[float, ...]:
    # I(3) = E[(K/3 - 1)^2] by summing the Poisson probabilities (not kltools), then the
    # divergences for a step of 0.02 in phi = 2 sqrt(lambda).
    k = np.arange(200)
    pmf = stats.poisson.pmf(k, 3.0)
    info = float(pmf @ (k / 3.0 - 1) ** 2)
    steps = [_poisson_kl(lam, (math.sqrt(lam) + 0.01) ** 2) for lam in (0.5, 3.0, 40.0)]
    return (info, *steps)


def _tilted() -> float:
    p, u = np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, -1.0, 0.5, -0.5])
    w = p * np.array([math.exp(2.0**-30 * x) for x in u])
    return kl(p, w / w.sum())


def _jaynes_die() -> tuple[float, float]:
    # the convex dual: D(p*||U) = max over lam of [4.5 lam - log mean(exp(lam x))]
    faces = np.arange(1, 7)
    best = optimize.minimize_scalar(
        lambda lam: -(4.5 * lam - math.log(np.mean(np.exp(lam * faces)))),
        bounds=(-5, 5), method="bounded", options={"xatol": 1e-12})
    return best.x, -best.fun


KEYS: dict[str, AnswerKey] = {
    "ig-ex-1": AnswerKey(
        _poisson, "four numbers: (I(λ) at λ = 3, then D(p_λ‖p_λ′) in nats for Δφ = 0.02 at "
        "λ = 0.5, 3, 40)",
        "the information is the variance of the score K/λ minus one; for the divergences take "
        "√λ′ = √λ + 0.01, a step of 0.02 in φ = 2√λ, not a fixed relative change of λ.",
        rtol=1e-6),
    "ig-ex-5": AnswerKey(
        _tilted, "one number: D(p‖q_t) at k = 30, in nats",
        "at this t the divergence is of order t², far below the rounding errors of the naive "
        "sums: use kltools.kl, or mpmath with the inputs normalized exactly.",
        rtol=1e-6, atol=0.0),
    "ig-ex-8": AnswerKey(
        _jaynes_die, "two numbers: (λ of p*(x) ∝ exp(λx), D(p*‖U) in nats)",
        "solve for the λ at which the tilted die exp(λx)/Σ exp(λx) has mean 4.5; the divergence "
        "from the uniform die is log 6 minus the entropy of p*.", rtol=1e-6),
}
