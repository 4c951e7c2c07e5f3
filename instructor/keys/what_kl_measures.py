"""Answer keys of the self-checks of chapters/what_kl_measures.ipynb (instructors only; never shipped)."""

import heapq

import numpy as np
from klbook.answerkeys import AnswerKey

from kltools import kl


def _two_dice() -> tuple[float, float]:
    fair = np.full(6, 1 / 6)
    loaded = np.array([0.1] * 5 + [0.5])
    return kl(fair, loaded), kl(loaded, fair)


def _bernoulli(t: float) -> np.ndarray:
    return np.array([t, 1 - t])


def _triangle() -> tuple[float, float]:
    p, q, r = _bernoulli(0.1), _bernoulli(0.5), _bernoulli(0.9)
    return kl(p, r), kl(p, q) + kl(q, r)


def _huffman_length(p: np.ndarray) -> float:
    """Expected length, in bits, of a Huffman code for p: the total weight of the merged nodes."""
    heap = [float(x) for x in p]
    heapq.heapify(heap)
    total = 0.0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        total += merged
        heapq.heappush(heap, merged)
    return total


def _huffman() -> tuple[float, float]:
    p = np.array([0.4, 0.3, 0.2, 0.1])
    return _huffman_length(p), kl(p, np.full(4, 0.25), base=2)


def _stein_exponent(protected: str, other: str, n: int = 1000, level: str = "0.05") -> float:
    """The exponent of the best non-randomised test, with exact binomial sums in mpmath (40 digits).

    The evidence for the protected coin is monotone in the number k of heads, so the acceptance
    region is {k <= c} if the protected coin shows heads less often, else {k >= c}, with c found by
    accumulating the protected coin's probabilities until they reach 1 - level.
    """
    import mpmath

    mpmath.mp.dps = 40
    a, b, level = mpmath.mpf(protected), mpmath.mpf(other), mpmath.mpf(level)

    def pmf(t, k):
        return mpmath.binomial(n, k) * t**k * (1 - t) ** (n - k)

    counts = range(n + 1) if a < b else range(n, -1, -1)  # most evidence first
    covered, beta = mpmath.mpf(0), mpmath.mpf(0)
    for k in counts:
        covered += pmf(a, k)
        beta += pmf(b, k)
        if covered >= 1 - level:
            break
    return float(-mpmath.log(beta) / n)


KEYS: dict[str, AnswerKey] = {
    "what-kl-ex-1": AnswerKey(
        _two_dice, "two numbers: (D(P‖Q), D(Q‖P)) in nats",
        "D(P‖Q) weights the log-ratio log(p/q) by P, the fair die: check which die you average "
        "over, and use natural logarithms."),
    "what-kl-ex-4": AnswerKey(
        _triangle, "two numbers: (D(P‖R), D(P‖Q) + D(Q‖R)) in nats",
        "each coin is the distribution (t, one minus t) of heads and tails; the long side goes "
        "straight from P to R, the two legs pass through Q."),
    "what-kl-ex-5": AnswerKey(
        _huffman, "two numbers: (L_P in bits per symbol, D(P‖u) in bits)",
        "L_P is the sum over symbols of p(x) times the length of the codeword of x, for the "
        "Huffman code of P (not of u); the divergence is in bits."),
    "what-kl-ex-7": AnswerKey(
        lambda: (_stein_exponent("0.2", "0.7"), _stein_exponent("0.7", "0.2")),
        "two exponents, n = 1000: (protecting P, protecting Q)",
        "the exponent is -(1/n) log of the type-II error; accept the protected coin on the counts "
        "of heads that favour it most, until they cover probability 1 - 0.05 under that coin."),
}
