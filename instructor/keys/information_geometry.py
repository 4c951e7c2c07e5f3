"""Answer keys of the self-checks of chapters/information_geometry.ipynb (instructors only; never shipped)."""

import math

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import stats

from kltools import fisher_information, kl


def _poisson_fisher() -> float:
    return fisher_information(stats.poisson(3.0))[0, 0]


def _tilted() -> float:
    p, u = np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, -1.0, 0.5, -0.5])
    w = p * np.array([math.exp(2.0**-30 * x) for x in u])
    return kl(p, w / w.sum())


KEYS: dict[str, AnswerKey] = {
    "ig-ex-1": AnswerKey(
        _poisson_fisher, "one number: the Fisher information I(λ) at λ = 3",
        "use either form: the variance of the score K/λ minus one, or minus the mean of the "
        "second derivative of log p_λ(K)."),
    "ig-ex-5": AnswerKey(
        _tilted, "one number: D(p‖q_t) at k = 30, in nats",
        "at this t the divergence is of order t², far below the rounding errors of the naive "
        "sums: use kltools.kl, or mpmath with the inputs normalized exactly.",
        rtol=1e-6, atol=0.0),
}
