"""Answer keys of the self-checks of chapters/variational_inference.ipynb (instructors only; never shipped).

Each expected answer is computed independently of the chapter's solution cells: by quadrature
instead of kltools' closed forms, by closed-form expressions instead of iterations or optimisers.
"""

import math

import numpy as np
from klbook.answerkeys import AnswerKey
from scipy import integrate, special, stats


def _gamma_kl_by_quadrature(a1: float, rate1: float, a2: float, rate2: float) -> float:
    p, q = stats.gamma(a1, scale=1 / rate1), stats.gamma(a2, scale=1 / rate2)
    lo, hi = p.ppf(1e-15), p.isf(1e-15)
    value, _ = integrate.quad(lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)), lo, hi,
                              epsabs=1e-14, epsrel=1e-12, limit=200)
    return value


def _fixed_point_gap(a: float) -> float:
    # (eq-vi-fixed-gap), with the gamma divergence by quadrature
    return (_gamma_kl_by_quadrature(a + 0.5, 1 + 1 / (2 * a), a, 1.0)
            + 0.5 * (math.log(a + 0.5) - special.digamma(a + 0.5)))


def _gap_and_sample_size() -> tuple[float, int]:
    a0, n = 2.0, 10
    gap = _fixed_point_gap(a0 + n / 2)
    # the gap decreases with N; bisect on the integers
    lo, hi = 1, 4096
    while lo < hi:
        mid = (lo + hi) // 2
        if _fixed_point_gap(a0 + mid / 2) < 0.005:
            hi = mid
        else:
            lo = mid + 1
    return gap, lo


def _cavi_sweeps() -> tuple[float, int]:
    # errors after t sweeps from m = 0: |e1| = |c1| rho^(2(t-1)) |e2(0)|, |e2| = rho^(2t) |e2(0)|
    rho, s1, s2, mu2 = 0.9, 1.0, 1.5, -1.0
    c1 = rho * s1 / s2
    e0 = abs(mu2)
    t = 1
    while max(abs(c1) * rho ** (2 * (t - 1)) * e0, rho ** (2 * t) * e0) >= 1e-8:
        t += 1
    return rho**2, t


def _estimator_variances() -> tuple[float, float]:
    mu, sigma = 1.0, 0.5
    return 4 * sigma**2, (mu**4 + 18 * mu**2 * sigma**2 + 15 * sigma**4) / sigma**2 - 4 * mu**2


def _mean_field_3d() -> tuple[float, float]:
    cov = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, 0.6], [0.3, 0.6, 1.0]])
    logdet = math.log(np.linalg.det(cov))
    precision_diag = np.diag(np.linalg.inv(cov))
    reverse = 0.5 * (logdet + np.sum(np.log(precision_diag)))
    return reverse, 0.5 * (np.sum(np.log(np.diag(cov))) - logdet)


def _chapter_eigenvalues() -> np.ndarray:
    # the data of the linear VAE section, regenerated
    rng = np.random.default_rng(1999)
    d, k, n = 6, 2, 500
    basis, _ = np.linalg.qr(rng.standard_normal((d, d)))
    w = basis[:, :k] * np.array([2.0, 1.2])
    x = rng.standard_normal((n, k)) @ w.T + 0.6 * rng.standard_normal((n, d)) + rng.normal(size=d)
    centred = x - x.mean(axis=0)
    return np.sort(np.linalg.eigvalsh(centred.T @ centred / n))[::-1]


def _collapse_fixed_noise() -> tuple[float, float, float]:
    lam = _chapter_eigenvalues()[:3]
    return tuple(0.5 * math.log(max(v, 1.0)) for v in lam)


KEYS: dict[str, AnswerKey] = {
    "vi-ex-2": AnswerKey(
        _gap_and_sample_size,
        "two numbers: (the gap at a_N = 7 in nats, the smallest N with gap < 0.005)",
        "the gap of the fixed point is a function of a_N = a_0 + N/2 alone; evaluate it, "
        "then try N = 1, 2, ...",
        rtol=1e-5),
    "vi-ex-3": AnswerKey(
        _cavi_sweeps, "two numbers: (the factor per sweep, the number of sweeps)",
        "follow the errors e_i = m_i - mu_i through one sweep: each update multiplies by a ratio of "
        "covariances; count sweeps until both errors are below 1e-8.", rtol=1e-6),
    "vi-ex-4": AnswerKey(
        _estimator_variances,
        "two numbers: (variance of the reparameterisation estimator, of the score one)",
        "expand (mu + sigma eps)^4 eps^2 and keep the even powers of eps.", rtol=1e-6),
    "vi-ex-5": AnswerKey(
        _mean_field_3d, "two numbers: (minimal reverse divergence, minimal forward divergence) in nats",
        "the reverse fit uses the diagonal of the precision matrix, the forward fit the diagonal of Σ.",
        rtol=1e-5),
    "vi-ex-6": AnswerKey(
        _collapse_fixed_noise,
        "three numbers: the KL terms of the three latent dimensions, largest first, in nats",
        "a dimension whose eigenvalue is below the fixed noise level gets a zero decoder column.",
        rtol=1e-3, atol=1e-4),
}
