"""Answer keys of the self-checks of chapters/distillation_embeddings.ipynb (instructors only)."""

import mpmath
import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import optimize
from sklearn.datasets import load_digits


def _one_step() -> tuple[float, float]:
    # 40-digit arithmetic; the gradient component by mpmath's numerical differentiation of T²·D in v_1,
    # not by the closed form of the chapter.
    mpmath.mp.dps = 40
    z, v, t = [5, 2, 1, 0, -1], [2, 1, 1, 0, 0], mpmath.mpf(3)

    def soft(logits):
        w = [mpmath.exp(mpmath.mpf(x) / t) for x in logits]
        s = mpmath.fsum(w)
        return [x / s for x in w]

    p = soft(z)

    def loss(v1):
        q = soft([v1, *v[1:]])
        return mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(p, q, strict=True))

    return float(loss(mpmath.mpf(v[0]))), float(t**2 * mpmath.diff(loss, mpmath.mpf(v[0])))


def _other_mode() -> tuple[float, float]:
    # The reverse fit in the (centre m, log width) parametrization, by a grid search on the second bump
    # and Nelder-Mead from the best grid point (the chapter uses natural parameters and BFGS).
    k = np.arange(30.0)
    z = 6.0 * np.logaddexp(-((k - 7) ** 2) / 4.5, np.log(0.6) - (k - 21) ** 2 / 8.0)
    log_p = z - z.max() - np.log(np.sum(np.exp(z - z.max())))

    def q_of(theta):
        logits = -((k - theta[0]) ** 2) / (2 * np.exp(2 * theta[1]))
        logits -= logits.max()
        return logits - np.log(np.sum(np.exp(logits)))

    def reverse(theta):
        log_q = q_of(theta)
        return float(np.exp(log_q) @ (log_q - log_p))

    grid = [(m, ls) for m in np.linspace(16, 27, 45) for ls in np.linspace(-1.5, 1.5, 31)]
    best = min(grid, key=reverse)
    res = optimize.minimize(reverse, best, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 5000})
    return float(np.exp(q_of(res.x)) @ k), float(res.fun)


def _perplexity() -> tuple[float, float]:
    # brentq on H(beta) - log 5 directly in beta (the chapter bisects on log beta)
    x = load_digits().data[:100]
    d2 = np.sum((x[1:] - x[0]) ** 2, axis=1)

    def probs(beta):
        a = -beta * (d2 - d2.min())
        w = np.exp(a)
        return w / w.sum()

    def gap(beta):
        p = probs(beta)
        return -np.sum(p * np.log(p, where=p > 0, out=np.zeros_like(p))) - np.log(5.0)

    beta = optimize.brentq(gap, 1e-8, 1.0, xtol=1e-16, rtol=1e-14)
    return 1 / np.sqrt(2 * beta), float(probs(beta).max())


KEYS: dict[str, AnswerKey] = {
    "de-ex-2": AnswerKey(
        _one_step, "two numbers: (D(p_T‖q_T) in nats, first component of the gradient of T²·D)",
        "soften both logit vectors with the same T; the gradient of T²·D is T(q_T − p_T), "
        "not (q_T − p_T)/T.", rtol=1e-6),
    "de-ex-4": AnswerKey(
        _other_mode, "two numbers: (the mean class of the fitted student, its D(q‖p_T) in nats)",
        "start the reverse fit with a narrow bump centred on class 21, at T = 1; the mean class is "
        "Σ k q(k) of the fitted student.", rtol=1e-5),
    "de-ex-5": AnswerKey(
        _perplexity, "two numbers: (σ₀ in grey levels, max_j p_{j|0})",
        "exclude the image itself from its neighbours; the perplexity is exp of the entropy in "
        "nats, and σ₀ = 1/√(2β₀).", rtol=1e-6),
}
