"""Divergences between normal distributions with diagonal covariance, batched.

A variational autoencoder's encoder returns, for every data point, the means and the variances (or
log-variances) of a normal distribution with independent coordinates, and its loss contains the
divergence of that distribution from the prior, usually :math:`\\mathcal{N}(0, I)`. The function
here computes these divergences for a whole batch at once, from means and variances or from means
and log-variances, and keeps its digits when the two distributions are nearly equal, where the
textbook formula :math:`\\tfrac12(\\mu^2 + \\sigma^2 - 1 - \\log\\sigma^2)` subtracts numbers close
to 1 and loses them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from kltools.stable import expm1mx, log1pmx
from kltools.validation import as_float_array, log_base, normalize_axis

__all__ = ["kl_diagonal_normal"]


def kl_diagonal_normal(mean_p: ArrayLike, var_p: ArrayLike, mean_q: ArrayLike = 0.0,
                       var_q: ArrayLike | None = None, *, log_var: bool = False, axis: int | None = -1,
                       base: float | None = None) -> np.ndarray | float:
    r"""The divergence of one normal distribution with diagonal covariance from another, batched.

    For :math:`P = \mathcal{N}(\mu_P, \operatorname{diag} \sigma_P^2)` and
    :math:`Q = \mathcal{N}(\mu_Q, \operatorname{diag} \sigma_Q^2)`.

    With independent coordinates the divergence is a sum over them (Penny 2001; Kingma and Welling
    2014, appendix B, for :math:`Q = \mathcal{N}(0, I)`):

    .. math:: D(P \| Q) = \frac12 \sum_j \Bigl[\, r_j - 1 - \log r_j
       + \frac{(\mu_{P,j} - \mu_{Q,j})^2}{\sigma_{Q,j}^2} \Bigr],
       \qquad r_j = \frac{\sigma_{P,j}^2}{\sigma_{Q,j}^2}.

    Every term is :math:`\ge 0`. The piece :math:`r - 1 - \log r` is computed without
    cancellation: as :math:`-\mathrm{log1pmx}(d)` with :math:`d = (\sigma_P^2 - \sigma_Q^2) /
    \sigma_Q^2` (an exact difference for nearby variances) when variances are given, and as
    :math:`\mathrm{expm1mx}(t) = e^t - 1 - t` with :math:`t = \log\sigma_P^2 - \log\sigma_Q^2`
    when log-variances are (``log_var=True``), so that the result is accurate to a few units in
    the last place also when :math:`P \approx Q`.

    Parameters
    ----------
    mean_p, var_p : array_like
        Means and variances of P (log-variances if ``log_var=True``), one coordinate per entry
        along ``axis``: a VAE's encoder output of shape ``(batch, latent)``, say.
    mean_q, var_q : array_like, optional
        The same for Q (``var_q`` a log-variance if ``log_var=True``). By default Q is the
        standard normal prior: ``mean_q=0`` and ``var_q=None``, which means variance 1 in either
        form. All four arrays must broadcast together.
    log_var : bool, optional
        Whether ``var_p`` and ``var_q`` hold log-variances :math:`\log\sigma^2` instead of
        variances.
    axis : int or None, optional
        The axis of the coordinates, summed over (default: the last). ``None`` returns the
        divergence of every coordinate separately (the per-dimension KL of a VAE), with the
        broadcast shape of the inputs.
    base : float, optional
        Logarithm base of the unit (default: nats; 2 gives bits).

    Returns
    -------
    numpy.ndarray or float
        The divergences, with ``axis`` removed (a float for 1-D input).

    Raises
    ------
    TypeError
        If an array is not numeric, or ``axis`` is not an integer or None.
    ValueError
        If a mean or a (log-)variance is NaN or infinite, a variance is not positive, the arrays
        do not broadcast, or ``axis`` is out of range.

    Examples
    --------
    A batch of two encoder outputs with two latent coordinates, against the prior
    :math:`\mathcal{N}(0, I)`; the first is the prior itself:

    >>> import numpy as np
    >>> from kltools import kl_diagonal_normal
    >>> mean = np.array([[0.0, 0.0], [1.0, -0.5]])
    >>> log_var = np.array([[0.0, 0.0], [np.log(0.5), 0.0]])
    >>> kl_diagonal_normal(mean, log_var, log_var=True).round(6)  # ½(1 + 0.5 - 1 - log 0.5) + ½ · 0.25
    array([0.      , 0.721574])
    >>> kl_diagonal_normal(mean, log_var, log_var=True, axis=None).round(6)  # per coordinate
    array([[0.      , 0.      ],
           [0.596574, 0.125   ]])

    Near equality the textbook formula, here with a log-variance :math:`t = 10^{-8}`, loses all
    its digits (it even comes out negative); this one keeps them (the exact value is
    :math:`(e^t - 1 - t)/2 = t^2/4 + t^3/12 + \dots`):

    >>> t = 1e-8
    >>> float(f"{0.5 * (np.exp(t) - 1 - t):.3g}")  # textbook
    -3.04e-17
    >>> float(f"{kl_diagonal_normal([0.0], [t], log_var=True):.8g}")
    2.5e-17
    """
    mean_p = _finite(mean_p, "mean_p")
    mean_q = _finite(mean_q, "mean_q")
    var_p = _finite(var_p, "var_p")
    var_q = _finite(0.0 if log_var else 1.0, "var_q") if var_q is None else _finite(var_q, "var_q")
    if not log_var:
        for name, v in (("var_p", var_p), ("var_q", var_q)):
            if (v <= 0).any():
                raise ValueError(
                    f"{name} must hold positive variances, got {float(v.min())}; "
                    "pass log_var=True if the array holds log-variances")
    divisor = log_base(base)
    try:
        mean_p, var_p, mean_q, var_q = np.broadcast_arrays(mean_p, var_p, mean_q, var_q)
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in (mean_p, var_p, mean_q, var_q))
        raise ValueError(
            f"mean_p, var_p, mean_q and var_q have shapes {shapes}, which do not broadcast") from None
    if axis is not None:
        if mean_p.ndim == 0:
            raise ValueError("the inputs are scalars, so there is no axis of coordinates; pass axis=None")
        axis = normalize_axis(axis, mean_p.ndim, "the broadcast inputs")
    if log_var:
        t = var_p - var_q  # log r
        ratio_term = expm1mx(t)  # r - 1 - log r = e^t - 1 - t
        inverse_var_q = np.exp(-var_q)
    else:
        d = (var_p - var_q) / var_q  # r - 1, from an exact difference near r = 1
        ratio = var_p / var_q
        near = (ratio >= 0.5) & (ratio <= 2.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            far = ratio - 1 - np.log(ratio)  # accurate where r is far from 1 (no cancellation)
        ratio_term = np.where(near, -log1pmx(np.where(near, d, 0.0)), far)
        inverse_var_q = 1 / var_q
    diff = mean_p - mean_q
    terms = 0.5 * (ratio_term + diff * diff * inverse_var_q)
    out = terms if axis is None else terms.sum(axis=axis)
    out = np.asarray(out / divisor, dtype=float)
    return float(out) if out.ndim == 0 else out


def _finite(x: ArrayLike, name: str) -> np.ndarray:
    """``x`` as a float array, or a clear error if it is not numeric or not finite."""
    arr = as_float_array(x, name)
    if not np.isfinite(arr).all():
        what = "NaN" if np.isnan(arr).any() else "an infinite value"
        raise ValueError(f"{name} contains {what}; means and (log-)variances must be finite numbers")
    return arr
