"""Answer keys of the self-checks of chapters/cross_entropy_mle.ipynb (instructors only; never shipped)."""



import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import special, stats

from kltools import cross_entropy, kl_between


def _batch_loss() -> tuple[float, float]:
    logits = np.array([[3.0, 0.5, -1.0], [0.2, 2.2, 0.1], [1.0, 1.0, 1.2], [-4.0, 5.0, 1.0]])
    onehots = np.eye(3)[[0, 1, 2, 0]]
    q = special.softmax(logits, axis=1)
    smoothed = (1 - 0.1) * onehots + 0.1 / 3
    return cross_entropy(onehots, q).mean(), cross_entropy(smoothed, q).mean()


def _draws() -> tuple[float, float]:
    def needed(delta: float, rel: float = 0.01) -> float:
        # relative standard error sqrt(2 / (n D)) = rel
        return 2 / (kl_between(stats.norm(delta, 1), stats.norm(0, 1)) * rel**2)

    return needed(1.0), needed(0.1)


def _optimism(n: int) -> float:
    """The optimism of the normal fit, (1 + 1/n) n E[1/chi2_(n-1)] / 2 - 1/2.

    E[1/chi2_k] from the moments of the chi-squared law, 2^(-1) Γ(k/2 - 1) / Γ(k/2), in mpmath.
    """
    import mpmath

    k = mpmath.mpf(n - 1)
    mean_inverse = mpmath.gamma(k / 2 - 1) / (2 * mpmath.gamma(k / 2))
    return float((1 + mpmath.mpf(1) / n) * n * mean_inverse / 2 - mpmath.mpf(1) / 2)


def _small_samples() -> tuple[float, int]:
    akaike_close = next(n for n in range(30, 200) if _optimism(n) / (2 / n) < 1.08)
    return _optimism(10), akaike_close


KEYS: dict[str, AnswerKey] = {
    "mle-ex-3": AnswerKey(
        _batch_loss, "two numbers in nats: (the mean loss, the mean smoothed loss)",
        "each loss is minus the log-softmax of the logits at the true class; the smoothed target "
        "takes ε from the true class and spreads it evenly over all K classes."),
    "mle-ex-5": AnswerKey(
        _draws, "two numbers: (the draws for δ = 1, the draws for δ = 0.1)",
        "set the relative standard error of part 1 equal to one hundredth and solve for n; the "
        "count grows like the inverse square of δ.", rtol=0.01),
    "mle-ex-7": AnswerKey(
        _small_samples, "two numbers: (the optimism for N = 10 in nats, the N of part 2)",
        "the optimism is 2/(N − 3) nats and Akaike's approximation 2/N; their ratio N/(N − 3) decreases "
        "with N, so look for the first N where it drops below 1.08."),
}
