"""Sample estimates of the KL penalty of reinforcement-learning fine-tuning.

A policy :math:`P` is fine-tuned with a penalty :math:`\\beta D(P \\| R)` that keeps it near a
reference :math:`R`. The penalty is estimated from the samples the policy draws, ``x ~ P``, with
the log-probabilities of both distributions at those samples, by one of three per-sample
estimators (Schulman 2020, "Approximating KL divergence").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from kltools.stable import expm1mx
from kltools.validation import as_float_array

__all__ = ["kl_penalty"]

_ESTIMATORS = ("k1", "k2", "k3")


def kl_penalty(log_p: ArrayLike, log_ref: ArrayLike, estimator: str = "k3") -> np.ndarray:
    r"""Per-sample estimates of :math:`D(P \| R)` from samples :math:`x \sim P`.

    With the log-ratio :math:`\ell = \log r = \log R(x) - \log P(x)` at each sample,

    .. math:: k_1 = -\ell, \qquad k_2 = \tfrac12 \ell^2, \qquad k_3 = (e^\ell - 1) - \ell.

    :math:`k_1` and :math:`k_3` are unbiased (:math:`\mathbb{E}_P[r] = 1` when :math:`R` is
    absolutely continuous with respect to :math:`P`), :math:`k_2` and :math:`k_3` are never
    negative, and :math:`k_2` is biased by a term of third order in :math:`\ell` (Schulman 2020).
    :math:`k_3` is computed as ``expm1mx(ℓ)``, without cancellation when :math:`P \approx R`.

    Parameters
    ----------
    log_p, log_ref : array_like
        :math:`\log P(x)` and :math:`\log R(x)` at the samples (densities or masses, natural
        logarithms), of shapes that broadcast. ``log_p`` must be finite (a sample of :math:`P` has
        positive probability); ``log_ref`` may be ``-inf`` (then :math:`k_1 = k_2 = k_3 = \infty`).
    estimator : {"k1", "k2", "k3"}
        Which estimator.

    Returns
    -------
    numpy.ndarray
        The estimate at each sample; their mean estimates :math:`D(P \| R)` in nats.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools.penalty import kl_penalty
    >>> log_p, log_ref = np.log([0.5, 0.25]), np.log([0.25, 0.5])
    >>> [float(v) for v in kl_penalty(log_p, log_ref, "k1")]
    [0.6931471805599453, -0.6931471805599453]
    >>> [round(float(v), 6) for v in kl_penalty(log_p, log_ref, "k3")]
    [0.193147, 0.306853]
    """
    if estimator not in _ESTIMATORS:
        raise ValueError(f"estimator must be one of {_ESTIMATORS}, got {estimator!r}")
    lp = as_float_array(log_p, "log_p")
    lr = as_float_array(log_ref, "log_ref")
    if not np.all(np.isfinite(lp)):
        raise ValueError("log_p must be finite: the samples are drawn from P, so P(x) > 0 at each of them")
    if np.any(np.isnan(lr)) or np.any(lr == np.inf):
        raise ValueError("log_ref must not be NaN or +inf (it may be -inf where R(x) = 0)")
    try:
        ell = lr - lp
    except ValueError:
        raise ValueError(f"log_p and log_ref must have shapes that broadcast, got {lp.shape} and "
                         f"{lr.shape}") from None
    if estimator == "k1":
        return -ell
    if estimator == "k2":
        return 0.5 * ell * ell
    return expm1mx(ell)
