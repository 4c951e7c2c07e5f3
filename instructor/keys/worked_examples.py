"""Answer keys of the self-checks of chapters/worked_examples.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import stats

from kltools import kl_between


def _two_normals() -> tuple[float, float]:
    p = stats.multivariate_normal([1, 0], [[2, 1], [1, 2]])
    q = stats.multivariate_normal([0, 0], np.eye(2))
    return kl_between(p, q), kl_between(q, p)


KEYS: dict[str, AnswerKey] = {
    "examples-ex-3": AnswerKey(
        _two_normals, "two numbers: (D(P‖Q), D(Q‖P)) in nats",
        "in the formula for D(P‖Q) it is the covariance of Q that is inverted, and the log of "
        "the determinants is log(|Σ_Q|/|Σ_P|); swap the roles for D(Q‖P)."),
}
