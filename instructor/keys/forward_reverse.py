"""Answer keys of the self-checks of chapters/forward_reverse.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import optimize, special, stats


def _naive_sums() -> tuple[float, float, float]:
    x = np.arange(-10, 10, 0.01)
    p_sum = stats.norm.pdf(x, -3, 1.2) + stats.norm.pdf(x, 3, 1.2)
    fit = optimize.minimize(lambda t: stats.entropy(p_sum, stats.norm.pdf(x, t[0], t[1])),
                            [-3, 1.2], method="L-BFGS-B")  # the notes' forward fit
    q = stats.norm.pdf(x, *fit.x)
    naive = np.sum(p_sum * np.log(p_sum / q))
    return naive, 0.01 * naive, stats.entropy(p_sum, q)


def _coin() -> tuple[float, float, float]:
    k, n, a0, b0 = 7, 10, 2.0, 2.0
    a, b = a0 + k, b0 + n - k  # the conjugate posterior, which the beta family contains
    return special.betaln(a, b) - special.betaln(a0, b0), a, b


def _alpha_half() -> float:
    # D_1/2 = 4 (1 - Bhattacharyya coefficient); for normals the coefficient is a closed form.
    m1, s1, m2, s2 = 0.0, 1.0, 1.0, 2.0
    bc = np.sqrt(2 * s1 * s2 / (s1**2 + s2**2)) * np.exp(-((m1 - m2) ** 2) / (4 * (s1**2 + s2**2)))
    return 4 * (1 - bc)


KEYS: dict[str, AnswerKey] = {
    "fr-ex-5": AnswerKey(
        _naive_sums, "three numbers in nats: (the naive sum, the naive sum times δ, "
        "stats.entropy(p_sum, q))",
        "use the notes' arrays p_sum and q (the forward fit on the grid) as they are, without "
        "normalising them; δ is the spacing of the grid.", rtol=1e-4),
    "fr-ex-6": AnswerKey(
        _coin, "three numbers: (the log evidence, a, b of the best Beta(a, b))",
        "the evidence of the sequence is a ratio of beta functions; the maximiser of the ELBO "
        "is the distribution where the divergence to the posterior vanishes.", rtol=1e-4),
    "fr-ex-7": AnswerKey(
        _alpha_half, "one number: D_{1/2}(P‖Q) in nats",
        "at α = 1/2 the divergence is 4 times one minus the overlap ∫√(pq); for two normal densities "
        "the overlap is a Gaussian integral.", rtol=1e-6),
}
