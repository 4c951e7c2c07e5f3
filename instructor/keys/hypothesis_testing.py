"""Answer keys of the self-checks of chapters/hypothesis_testing.ipynb (instructors only; never shipped).

Each expected value is computed by another route than the chapter's solution: exact rational or
50-digit arithmetic instead of floating-point tail sums, a root of the moment equation instead of
kltools.i_projection, a golden-section search instead of kltools.chernoff_information.
"""

import math

import mpmath
from klbook.answerkeys import AnswerKey
from scipy import optimize, stats


def _stein_exponent() -> float:
    # Exact randomized Neyman-Pearson test in 50-digit arithmetic: reject P for counts k > c.
    p, q, alpha, n = mpmath.mpf("0.1"), mpmath.mpf("0.2"), mpmath.mpf("0.01"), 5000
    with mpmath.workdps(50):
        def pmf(k, r):
            return mpmath.binomial(n, k) * r**k * (1 - r) ** (n - k)

        tail, c = mpmath.mpf(0), n
        while tail + pmf(c, p) <= alpha:  # tail = P(K > c - 1) once c is lowered past it
            tail += pmf(c, p)
            c -= 1
        gamma = (alpha - tail) / pmf(c, p)
        beta = mpmath.fsum(pmf(k, q) for k in range(c)) + (1 - gamma) * pmf(c, q)
        return float(-mpmath.log(beta) / n)


def _chernoff_dice() -> tuple[float, float]:
    p, q = [mpmath.mpf(x) for x in ("0.6", "0.3", "0.1")], [mpmath.mpf(x) for x in ("0.2", "0.3", "0.5")]
    with mpmath.workdps(40):
        def f(lam):
            return -mpmath.log(mpmath.fsum(a**lam * b ** (1 - lam) for a, b in zip(p, q, strict=True)))

        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        golden = (mpmath.sqrt(5) - 1) / 2
        for _ in range(90):
            x1, x2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
            if f(x1) < f(x2):
                lo = x1
            else:
                hi = x2
        lam = (lo + hi) / 2
        return float(f(lam)), float(lam)


def _sanov_dice() -> tuple[float, float]:
    # D*: the tilt theta that gives mean 4, found as a root; P(sum >= 400) by exact integer counts.
    faces = range(1, 7)

    def mean(theta):
        w = [math.exp(theta * x) for x in faces]
        return sum(x * wx for x, wx in zip(faces, w, strict=True)) / sum(w)

    theta = optimize.brentq(lambda t: mean(t) - 4.0, 0.0, 2.0, xtol=1e-15)
    w = [math.exp(theta * x) for x in faces]
    z = sum(w)
    d_star = sum((wx / z) * math.log(6 * wx / z) for wx in w)
    counts = [1]  # counts[s] = number of sequences with sum s
    for _ in range(100):
        new = [0] * (len(counts) + 6)
        for s, c in enumerate(counts):
            if c:
                for x in faces:
                    new[s + x] += c
        counts = new
    favourable = sum(counts[400:])
    return d_star, -(math.log(favourable) - 100 * math.log(6)) / 100


def _wald_gaussian() -> tuple[float, float]:
    d = 0.5**2 / 2  # D between N(0, 1) and N(0.5, 1), either way
    a = b = 0.05
    e_p = ((1 - a) * math.log((1 - a) / b) - a * math.log((1 - b) / a)) / d
    e_q = ((1 - b) * math.log((1 - b) / a) - b * math.log((1 - a) / b)) / d
    return e_p, e_q


def _radar() -> float:
    threshold = stats.norm.isf(0.01)
    d = optimize.brentq(lambda x: stats.norm.sf(threshold - x) - 0.9, 0.0, 10.0, xtol=1e-14)
    return d * d / 2


KEYS: dict[str, AnswerKey] = {
    "ht-ex-2": AnswerKey(
        _stein_exponent, "one number: the exact -(1/n) log beta_n*(0.01) at n = 5000, in nats",
        "build the randomized Neyman-Pearson test on the number of ones and sum the type-II error "
        "in logarithms; the answer lies below D(P‖Q).", rtol=1e-6, atol=0.0),
    "ht-ex-3": AnswerKey(
        _chernoff_dice, "two numbers: (C(P, Q) in nats, the optimal lambda)",
        "minimize log Σ p^λ q^(1−λ) over λ in [0, 1]; kltools.chernoff_information returns both.",
        rtol=1e-6, atol=0.0),
    "ht-ex-5": AnswerKey(
        _sanov_dice, "two numbers: (D* in nats, the exact -(1/n) log P(mean >= 4) at n = 100)",
        "D* is the divergence of the tilted die with mean 4 from the fair one; the probability needs "
        "the whole distribution of the sum of 100 rolls.", rtol=1e-6, atol=0.0),
    "ht-ex-6": AnswerKey(
        _wald_gaussian, "two numbers: Wald's approximations (E_P[N], E_Q[N])",
        "the divergence between the two normals is the same in both directions; the boundaries are "
        "log((1−β)/α) and log(β/(1−α)).", rtol=1e-6, atol=0.0),
    "ht-ex-7": AnswerKey(
        _radar, "one number: the divergence D = d²/2 in nats that the requirement needs",
        "solve the ROC formula for d at P_F = 0.01 and P_D = 0.9.", rtol=1e-6, atol=0.0),
}
