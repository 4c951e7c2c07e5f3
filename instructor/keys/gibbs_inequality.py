"""Answer keys of the self-checks of chapters/gibbs_inequality.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey

from kltools import entropy


def _canonical() -> tuple[float, float]:
    energy, beta = np.arange(5.0), 0.7
    weights = np.exp(-beta * energy)
    return entropy(weights / weights.sum()), -np.log(weights.sum()) / beta


def _chain_rule_table() -> tuple[float, float]:
    """The joint divergence and the conditional one, by direct sums over the cells (mpmath, 30 digits)."""
    import mpmath

    mpmath.mp.dps = 30
    p = [["0.30", "0.10", "0.10"], ["0.05", "0.25", "0.20"]]
    q = [["0.20", "0.20", "0.20"], ["0.10", "0.10", "0.20"]]
    p = [[mpmath.mpf(v) for v in row] for row in p]
    q = [[mpmath.mpf(v) for v in row] for row in q]
    pairs = [(a, b) for ra, rb in zip(p, q, strict=True) for a, b in zip(ra, rb, strict=True)]
    joint = sum(a * mpmath.log(a / b) for a, b in pairs)
    conditional = mpmath.mpf(0)
    for ra, rb in zip(p, q, strict=True):
        pa, qb = sum(ra), sum(rb)
        conditional += pa * sum(a / pa * mpmath.log((a / pa) / (b / qb)) for a, b in zip(ra, rb, strict=True))
    return float(joint), float(conditional)


KEYS: dict[str, AnswerKey] = {
    "gibbs-ex-6": AnswerKey(
        _canonical, "two numbers in nats: (H(q_β), the minimum of the free energy)",
        "normalise q_β by Z(β), the sum of exp(−βE(x)) over the states; the minimum of the free "
        "energy is below zero, and both numbers are in nats."),
    "gibbs-ex-7": AnswerKey(
        _chain_rule_table, "two numbers in nats: (D(P_XY‖Q_XY), D(P_Y|X‖Q_Y|X | P_X))",
        "the conditional divergence averages, with the weights p(x), the divergences of the rows of the "
        "two tables, each row divided by its own sum; the first number is the sum of the second and "
        "D(P_X‖Q_X)."),
}
