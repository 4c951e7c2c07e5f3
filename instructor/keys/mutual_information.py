"""Answer keys of the self-checks of chapters/mutual_information.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import optimize

from kltools import conditional_entropy, entropy, mutual_information


def _machine() -> tuple[float, ...]:
    joint = np.array([[0.90, 0.05], [0.00, 0.05]])  # rows X = a, b; columns Y = idle, busy
    given = [entropy(joint[:, y] / joint[:, y].sum(), base=2) for y in (0, 1)]
    return (entropy(joint.sum(axis=1), base=2), *given,
            conditional_entropy(joint.T, base=2), mutual_information(joint, base=2))


def _capacity() -> tuple[float, float]:
    flip = 0.1
    channel = np.array([[1 - flip, flip], [flip, 1 - flip]])

    def information(pi: float) -> float:
        return mutual_information(np.array([1 - pi, pi])[:, None] * channel, base=2)

    best = optimize.minimize_scalar(lambda t: -information(t), bounds=(0.01, 0.99),
                                    method="bounded", options={"xatol": 1e-10})
    return best.x, information(best.x)


def _plug_in_bias() -> tuple[float, float]:
    k = 5
    return tuple((k - 1) ** 2 / (2 * n) for n in (200, 2000))  # the first-order bias, in nats


KEYS: dict[str, AnswerKey] = {
    "mi-ex-1": AnswerKey(
        _machine, "five numbers in bits: H(X), H(X|Y=0), H(X|Y=1), H(X|Y), I(X;Y)",
        "work in bits (base two); H(X | Y) averages the conditional entropies with the weights "
        "p(y), and I(X; Y) is H(X) minus H(X | Y).", atol=1e-9),
    "mi-ex-2": AnswerKey(
        _capacity, "two numbers: (the maximising π, the capacity in bits)",
        "the joint table is p(x) times p(y | x), with rows for the input; give the information "
        "in bits and maximise over π.", rtol=1e-4, atol=1e-6),
    "mi-ex-6": AnswerKey(
        _plug_in_bias, "two numbers in nats: (the mean of Î for n = 200, for n = 2000)",
        "Î is the mutual information, in nats, of the table of relative frequencies of the n "
        "pairs; average it over the simulated samples, for each n.", rtol=0.08),
}
