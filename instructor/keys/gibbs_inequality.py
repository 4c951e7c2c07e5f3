"""Answer keys of the self-checks of chapters/gibbs_inequality.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey

from kltools import entropy


def _canonical() -> tuple[float, float]:
    energy, beta = np.arange(5.0), 0.7
    weights = np.exp(-beta * energy)
    return entropy(weights / weights.sum()), -np.log(weights.sum()) / beta


KEYS: dict[str, AnswerKey] = {
    "gibbs-ex-6": AnswerKey(
        _canonical, "two numbers in nats: (H(q_β), the minimum of the free energy)",
        "normalise q_β by Z(β), the sum of exp(−βE(x)) over the states; the minimum of the free "
        "energy is below zero, and both numbers are in nats."),
}
