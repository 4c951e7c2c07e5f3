"""Answer keys of the self-checks of chapters/mutual_information.ipynb (instructors only; never shipped)."""



import math

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


def _binary_entropy_bits(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def _fano_three_bits() -> tuple[float, float, float]:
    # Closed forms: three independent binary symmetric channels with fair inputs.
    eps, m = 0.1, 8
    h_cond = 3 * _binary_entropy_bits(eps)
    pe = 1 - (1 - eps) ** 3

    def right_side(q: float) -> float:  # h(q) + q log2(m - 1), increasing on [0, (m-1)/m]
        return _binary_entropy_bits(q) + q * math.log2(m - 1)

    lo, hi = 0.0, (m - 1) / m
    for _ in range(200):  # bisection, independent of the solution's brentq
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if right_side(mid) < h_cond else (lo, mid)
    return h_cond, pe, (lo + hi) / 2


def _binary_gaussian_input() -> float:
    # I = log 2 - E log(1 + exp(-2 Y)), Y = 1 + Z, by Gauss-Hermite quadrature (P = N = 1).
    z, w = np.polynomial.hermite_e.hermegauss(150)
    return math.log(2) - (w / w.sum()) @ np.log1p(np.exp(-2 * (1 + z)))


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
    "mi-ex-7": AnswerKey(
        _fano_three_bits, "three numbers: (H(X|Y) in bits, P_e of the best guess, Fano's bound on P_e)",
        "the joint table is p(y | x)/8 with p(y | x) a product over the three bits; the bound is the "
        "P_e at which h(P_e) + P_e log2(7) reaches H(X|Y).", rtol=1e-6, atol=1e-9),
    "mi-ex-8": AnswerKey(
        _binary_gaussian_input, "one number: I(X; Y) in nats for the binary input at P = N = 1",
        "Y has the density of an equal mixture of N(-1, 1) and N(1, 1); subtract h(Z) from h(Y), "
        "in nats.", rtol=1e-6),
}
