"""Answer keys of the self-checks of chapters/reinforcement_learning.ipynb.

Instructors only; never shipped.
"""

import math

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import optimize

REWARD = np.array([0.0, 0.4, 0.1, 1.0, -0.5, 1.2])
PI_REF = np.array([0.30, 0.25, 0.20, 0.12, 0.08, 0.05])


def _budget() -> tuple[float, float]:
    # D(pi*_beta || pi_ref) = E_{pi*} r / beta - log Z_beta (the Gibbs identity), solved in log beta
    def tilted(beta):
        w = PI_REF * np.exp((REWARD - REWARD.max()) / beta)
        return w / w.sum()

    def excess(log_beta):
        beta = math.exp(log_beta)
        log_z = math.log(PI_REF @ np.exp((REWARD - REWARD.max()) / beta)) + REWARD.max() / beta
        return tilted(beta) @ REWARD / beta - log_z - 0.1

    beta = math.exp(optimize.brentq(excess, -3, 5, xtol=1e-14))
    return beta, float(tilted(beta) @ REWARD)


def _control_variate() -> tuple[float, float]:
    # mu = 1: lambda* = mu^2 / (e^{mu^2} - 1); Var = mu^2 + lambda^2 (e^{mu^2} - 1) - 2 lambda mu^2
    lam = 1 / math.expm1(1.0)
    return lam, math.sqrt(1 + lam * lam * math.expm1(1.0) - 2 * lam)


def _dpo_losses() -> tuple[float, float]:
    # expected entropy of a comparison's outcome, over pairs of distinct responses from pi_ref; and log 2
    total, norm = 0.0, 1 - PI_REF @ PI_REF
    for a in range(6):
        for b in range(6):
            if a != b:
                s = 1 / (1 + math.exp(-(REWARD[a] - REWARD[b])))
                total += PI_REF[a] * PI_REF[b] / norm * -(s * math.log(s) + (1 - s) * math.log(1 - s))
    return total, math.log(2)


KEYS: dict[str, AnswerKey] = {
    "rl-ex-2": AnswerKey(
        _budget, "two numbers: (β, E r under π*_β)",
        "the divergence of π*_β ∝ π_ref·exp(r/β) from π_ref falls as β grows; solve D = 0.1 for β with "
        "a root finder, then average the reward under π*_β.", rtol=1e-6),
    "rl-ex-4": AnswerKey(
        _control_variate, "two numbers at μ = 1: (λ*, standard deviation of k1 + λ*(r − 1))",
        "log r = x − 1/2 for x ~ N(0, 1); λ* = −Cov(k1, r)/Var(r), and the variance of k1 + λ(r − 1) is "
        "Var k1 + λ² Var r + 2λ Cov(k1, r).", rtol=1e-6),
    "rl-ex-6": AnswerKey(
        _dpo_losses, "two numbers: (expected DPO loss at π*_β, expected DPO loss at π_ref), in nats",
        "at π*_β the implicit reward difference is the true one, so each comparison contributes the "
        "entropy of its Bernoulli outcome; weight the pairs (a, b), a ≠ b, by "
        "π_ref(a)π_ref(b)/(1 − Σπ_ref²).",
        rtol=1e-6),
}
