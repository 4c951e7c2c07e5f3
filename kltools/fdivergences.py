"""f-divergences and Rényi divergences of discrete distributions, and Rényi divergences in closed form.

An f-divergence (Csiszár 1963; Ali and Silvey 1966) compares two distributions through a convex
function f with f(1) = 0:

.. math:: D_f(P \\| Q) = \\sum_x q(x)\\, f\\!\\left(\\frac{p(x)}{q(x)}\\right),

with :math:`0 \\cdot f(0/0) = 0` and :math:`0 \\cdot f(p/0) = p \\lim_{t\\to\\infty} f(t)/t`. The
Kullback-Leibler divergence is the case :math:`f(t) = t \\log t`. The functions here follow
:func:`~kltools.discrete.kl`: arrays of probabilities, the outcomes along ``axis`` (default: the last),
broadcasting over the other axes, ``base`` for the unit where a logarithm is involved.

**Nearly equal distributions.** For :math:`q = p(1 + \\delta u)` with small :math:`\\delta`
every f-divergence is of order :math:`\\delta^2`, and the textbook sums lose their digits: each
of their terms is of order :math:`\\delta`, and so are the rounding errors of the sums of ``p``
and ``q`` (about 1e-16), which enter at first order. The named functions instead work with the
ratios of the *exactly normalized* inputs, :math:`\\hat p/\\hat q = 1 + \\hat d`, where

.. math:: \\hat d = d - (1 + d)\\,\\frac{\\sum_x (p - q)}{\\sum_x p}, \\qquad d = \\frac{p - q}{q},

is computed without cancellation (``p - q`` is exact when ``p`` and ``q`` are close), and write
each divergence as a sum of terms of one sign:

- total variation :math:`\\tfrac12 \\sum |\\hat p - \\hat q|`, where
  :math:`\\hat p - \\hat q = \\hat q \\hat d`;
- :math:`\\chi^2 = \\sum \\hat q\\, \\hat d^2`;
- squared Hellinger :math:`\\sum (\\hat p - \\hat q)^2 / (\\sqrt{\\hat p} + \\sqrt{\\hat q})^2`;
- Rényi: :math:`\\sum \\hat p^\\alpha \\hat q^{1-\\alpha} - 1 = \\sum \\hat q\\, h_\\alpha(\\hat d)` with
  :math:`h_\\alpha(d) = (1 + d)^\\alpha - 1 - \\alpha d = (1 + d)\\,\\mathrm{expm1mx}((\\alpha - 1) L)
  + (\\alpha - 1)\\,\\varphi(d)`, :math:`L = \\log(1 + d)`, :math:`\\varphi(d) = (1 + d) L - d`, and
  :math:`D_\\alpha = \\mathrm{log1p}(\\cdot) / (\\alpha - 1)` (the term :math:`\\alpha \\hat d`
  sums to zero exactly and is left out).

The results are within about 1e-14 relative of the exact divergences of the normalized inputs,
at :math:`\\delta = 10^{-10}` as at :math:`\\delta = 1` (the tests compare them with mpmath at 50
digits). :func:`f_divergence` with a function ``f`` of the caller's evaluates ``f(1 + d)`` as it
is given, and is only as accurate near P = Q as ``f`` is near 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kltools.stable import expm1mx, log1pmx, phi_over_d
from kltools.validation import as_pmf_pair, as_result, log_base

__all__ = ["chi_square", "f_divergence", "hellinger", "renyi", "renyi_between", "total_variation"]


# --- the common kernel: ratios of the exactly normalized inputs -----------------------------------


class _Pair:
    """p and q (outcomes on the last axis, 2-D) with the pieces every divergence here is built from.

    ``ph``, ``qh``: p / sum(p) and q / sum(q); ``diff``: ph - qh, without cancellation;
    ``dh``: ph / qh - 1 where q > 0 (0 elsewhere); ``near``: where that ratio is at most 2, so that
    ``qh * dh`` is the accurate form of the difference; ``q0``: where q = 0.
    """

    def __init__(self, p: np.ndarray, q: np.ndarray):
        self.p, self.q = p, q
        mass_p = p.sum(axis=-1, keepdims=True)
        mass_q = q.sum(axis=-1, keepdims=True)
        excess = (p - q).sum(axis=-1, keepdims=True)  # sum(p) - sum(q), from exact differences
        self.q0 = q == 0
        safe_q = np.where(self.q0, 1.0, q)
        with np.errstate(over="ignore", invalid="ignore"):
            d = np.where(self.q0, 0.0, (p - q) / safe_q)
            dh = d - (1 + d) * (excess / mass_p)
        self.near = ~self.q0 & (p <= 2 * q)
        self.dh = np.where(self.q0 | ~np.isfinite(dh), 0.0, dh)
        self.ph = p / mass_p
        self.qh = q / mass_q
        self.diff = np.where(self.near, self.qh * np.where(self.near, self.dh, 0.0), self.ph - self.qh)


def _prepare(p, q, axis):
    p, q = as_pmf_pair(p, q, axis=axis)
    p = np.moveaxis(p, axis, -1)
    q = np.moveaxis(q, axis, -1)
    batch = p.shape[:-1]
    return _Pair(p.reshape(-1, p.shape[-1]), q.reshape(-1, q.shape[-1])), batch


# --- named f-divergences --------------------------------------------------------------------------


def total_variation(p: ArrayLike, q: ArrayLike, *, axis: int = -1):
    r"""Total variation distance :math:`\mathrm{TV}(P, Q) = \tfrac12 \sum_x |p(x) - q(x)|`.

    It equals :math:`\max_A |P(A) - Q(A)|` and lies in [0, 1]; it is the f-divergence of
    :math:`f(t) = \tfrac12 |t - 1|` (Tsybakov 2009, section 2.4; Polyanskiy and Wu 2024, ch. 7).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``: finite, non-negative, summing to 1 (within
        ``sqrt(eps)``). Other axes broadcast.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.

    Returns
    -------
    float or ndarray
        The distance, in [0, 1] (no unit: it is a probability).

    Examples
    --------
    >>> from kltools import total_variation
    >>> round(total_variation([0.2, 0.8], [0.7, 0.3]), 6)
    0.5
    >>> total_variation([1.0, 0.0], [0.0, 1.0])
    1.0
    """
    pair, batch = _prepare(p, q, axis)
    tv = 0.5 * np.abs(pair.diff).sum(axis=-1)
    return as_result(np.clip(tv, 0.0, 1.0), batch)


def chi_square(p: ArrayLike, q: ArrayLike, *, axis: int = -1):
    r"""Pearson's :math:`\chi^2`-divergence :math:`\chi^2(P \| Q) = \sum_x (p(x) - q(x))^2 / q(x)`.

    The f-divergence of :math:`f(t) = (t - 1)^2`; infinite where :math:`q = 0 < p`
    (Pearson 1900; Polyanskiy and Wu 2024, ch. 7). It equals :math:`\sum_x p^2/q - 1`, but is
    computed as a sum of non-negative terms :math:`\hat q\, \hat d^2`, which keeps its digits when
    P and Q are nearly equal (see the module documentation).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``, as for :func:`total_variation`.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.

    Returns
    -------
    float or ndarray
        The divergence, in [0, inf] (no unit).

    Examples
    --------
    >>> from kltools import chi_square
    >>> round(chi_square([0.2, 0.8], [0.7, 0.3]), 6)  # 0.5**2 / 0.7 + 0.5**2 / 0.3
    1.190476
    >>> chi_square([0.5, 0.5], [1.0, 0.0])
    inf
    """
    pair, batch = _prepare(p, q, axis)
    with np.errstate(divide="ignore", over="ignore"):
        far = np.where(pair.q0, np.where(pair.p > 0, np.inf, 0.0),
                       pair.diff**2 / np.where(pair.q0, 1.0, pair.qh))
    terms = np.where(pair.near, pair.qh * pair.dh**2, far)
    return as_result(terms.sum(axis=-1), batch)


def hellinger(p: ArrayLike, q: ArrayLike, *, axis: int = -1):
    r"""Squared Hellinger distance :math:`H^2(P, Q) = \sum_x \bigl(\sqrt{p(x)} - \sqrt{q(x)}\bigr)^2`.

    **Convention**: this is the sum *without* a factor ½, so that :math:`H^2 \in [0, 2]`,
    :math:`H^2 = 2 - 2\sum_x \sqrt{p(x) q(x)}`, and :math:`H^2` is the f-divergence of
    :math:`f(t) = (\sqrt t - 1)^2` (Le Cam 1986; Tsybakov 2009, definition 2.3; Polyanskiy and Wu
    2024, ch. 7). Halve it for the convention :math:`H^2 \in [0, 1]`. Its square root
    :math:`H` is a metric. It is computed as
    :math:`\sum (\hat p - \hat q)^2 / (\sqrt{\hat p} + \sqrt{\hat q})^2`, a sum of non-negative
    terms that keeps its digits when P and Q are nearly equal.

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``, as for :func:`total_variation`.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.

    Returns
    -------
    float or ndarray
        The squared distance, in [0, 2] (no unit).

    Examples
    --------
    >>> from kltools import hellinger
    >>> round(hellinger([0.2, 0.8], [0.7, 0.3]), 6)  # 2 - 2 (sqrt(0.14) + sqrt(0.24))
    0.271873
    >>> hellinger([1.0, 0.0], [0.0, 1.0])
    2.0
    """
    pair, batch = _prepare(p, q, axis)
    root_sum = np.sqrt(pair.ph) + np.sqrt(pair.qh)
    terms = np.divide(pair.diff**2, root_sum**2, out=np.zeros_like(root_sum), where=root_sum > 0)
    return as_result(np.clip(terms.sum(axis=-1), 0.0, 2.0), batch)


# Names accepted by f_divergence, with their functions f (for the text) and computations.
_NAMED = {
    "kl": "t log t",
    "reverse_kl": "-log t",
    "total_variation": "|t - 1| / 2",
    "chi_square": "(t - 1)**2",
    "hellinger": "(sqrt(t) - 1)**2",
    "jensen_shannon": "(t log t - (1 + t) log((1 + t) / 2)) / 2",
}


def f_divergence(p: ArrayLike, q: ArrayLike, f: Callable[[np.ndarray], np.ndarray] | str, *,
                 f_limit: float | None = None, axis: int = -1):
    r"""The f-divergence :math:`D_f(P \| Q) = \sum_x q(x)\, f(p(x)/q(x))` of a convex f with f(1) = 0.

    Outcomes with :math:`q(x) = 0 < p(x)` contribute :math:`p(x)\, f'(\infty)`, where
    :math:`f'(\infty) = \lim_{t\to\infty} f(t)/t` (Csiszár 1963; Ali and Silvey 1966;
    Polyanskiy and Wu 2024, definition 7.1).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``, as for :func:`~kltools.discrete.kl`.
    f : callable or str
        A convex function on :math:`[0, \infty)` with :math:`f(1) = 0`, applied to arrays of
        ratios (use NumPy functions), or the name of a divergence: ``"kl"``, ``"reverse_kl"``,
        ``"total_variation"``, ``"chi_square"``, ``"hellinger"`` (squared, without the ½) or
        ``"jensen_shannon"``, which are computed by the accurate functions of kltools.
    f_limit : float, optional
        :math:`\lim_{t\to\infty} f(t)/t` (may be ``inf``), needed only when a callable ``f`` meets
        an outcome with :math:`q = 0 < p`. Without it such an input raises ``ValueError``.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.

    Returns
    -------
    float or ndarray
        The divergence, in nats for the logarithmic ones.

    Notes
    -----
    A callable ``f`` is evaluated at the ratios :math:`1 + \hat d` of the exactly normalized
    inputs (see the module documentation); near P = Q its result is only as accurate as ``f``
    is near 1 (for :math:`f(t) = t \log t` written naively, about :math:`10^{-16}/\delta^2`
    relative). Convexity of ``f`` is not checked; f(1) = 0 is.

    Examples
    --------
    >>> import numpy as np
    >>> from kltools import f_divergence, kl
    >>> p, q = [0.2, 0.8], [0.7, 0.3]
    >>> round(f_divergence(p, q, lambda t: t * np.log(t)), 6), round(kl(p, q), 6)
    (0.534111, 0.534111)
    >>> round(f_divergence(p, q, "hellinger"), 6)
    0.271873
    >>> f_divergence([0.5, 0.5], [1.0, 0.0], lambda t: np.abs(t - 1) / 2, f_limit=0.5)
    0.5
    """
    if isinstance(f, str):
        if f not in _NAMED:
            raise ValueError(f"f = {f!r} is not a divergence kltools knows; use one of {sorted(_NAMED)} "
                             "or pass a function")
        if f_limit is not None:
            raise TypeError("f_limit applies to a callable f, not to a named divergence")
        from kltools.discrete import kl
        from kltools.information import jensen_shannon

        named = {"kl": kl, "reverse_kl": lambda a, b, axis: kl(b, a, axis=axis),
                 "total_variation": total_variation, "chi_square": chi_square, "hellinger": hellinger,
                 "jensen_shannon": jensen_shannon}
        return named[f](p, q, axis=axis)
    if not callable(f):
        raise TypeError(f"f must be a function of the likelihood ratio or a name such as 'kl', got {f!r}")
    if f_limit is not None and (isinstance(f_limit, bool) or not isinstance(f_limit, Real)
                                or math.isnan(f_limit)):
        raise TypeError(f"f_limit must be a real number (or inf), the limit of f(t)/t, got {f_limit!r}")
    at_one = np.asarray(f(np.ones(1)), dtype=float)
    if at_one.shape != (1,) or not abs(at_one[0]) <= 1e-12:
        raise ValueError(f"f must satisfy f(1) = 0 and return one value per ratio; f(1) gave {at_one!r}")
    pair, batch = _prepare(p, q, axis)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        far_ratio = pair.ph / np.where(pair.q0, 1.0, pair.qh)
        ratio = np.where(pair.q0, 1.0, np.where(pair.near, 1.0 + pair.dh, far_ratio))
        values = np.asarray(f(ratio), dtype=float)
        if values.shape != ratio.shape:
            raise ValueError(f"f must return one value per ratio: given {ratio.shape} it gave {values.shape}")
        terms = np.where(pair.q0, 0.0, pair.qh * values)
    lost = np.where(pair.q0, pair.ph, 0.0).sum(axis=-1)
    if (lost > 0).any():
        if f_limit is None:
            raise ValueError("q is 0 at an outcome where p is positive: pass f_limit, the limit of f(t)/t as "
                             "t -> inf (inf for KL, 0.5 for total variation), to say what it contributes")
        with np.errstate(invalid="ignore"):
            extra = np.where(lost > 0, lost * f_limit, 0.0)
    else:
        extra = 0.0
    if np.isnan(terms).any():
        raise ValueError("f returned NaN at a ratio p/q in [0, inf); it must be defined on [0, inf)")
    return as_result(terms.sum(axis=-1) + extra, batch)


# --- Rényi divergences --------------------------------------------------------------------------


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a real number >= 0 (or math.inf), got {alpha!r}")
    alpha = float(alpha)
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0 (or math.inf), got {alpha!r}")
    return alpha


def renyi(p: ArrayLike, q: ArrayLike, alpha: float, *, base: float | None = None, axis: int = -1):
    r"""Rényi divergence of order :math:`\alpha` of discrete distributions.

    .. math:: D_\alpha(P \| Q) = \frac{1}{\alpha - 1} \log \sum_x p(x)^\alpha q(x)^{1 - \alpha}

    for :math:`\alpha \in (0, 1) \cup (1, \infty)` (Rényi 1961; van Erven and Harremoës 2014),
    with the limits :math:`D_0 = -\log Q(p > 0)`, :math:`D_1 = D(P \| Q)` (Kullback-Leibler) and
    :math:`D_\infty = \log \max_x p(x)/q(x)`. It is non-decreasing in :math:`\alpha`, and
    :math:`D_{1/2} = -2 \log(1 - H^2/2)` with :math:`H^2` as in :func:`hellinger`.

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``, as for :func:`~kltools.discrete.kl`.
    alpha : float
        The order, :math:`\ge 0`; ``math.inf`` for the maximum log-ratio.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.

    Returns
    -------
    float or ndarray
        The divergence; ``inf`` where :math:`q = 0 < p` and :math:`\alpha \ge 1`, or where P and Q
        have disjoint supports.

    Notes
    -----
    Computed as :math:`\mathrm{log1p}(\sum_x \hat q\, h_\alpha(\hat d)) / (\alpha - 1)` from terms of
    one sign (see the module documentation), so that it keeps its digits when P and Q are nearly
    equal and when :math:`\alpha` is close to 1. For :math:`\alpha < 1/2` the skew symmetry
    :math:`D_\alpha(P \| Q) = \frac{\alpha}{1 - \alpha} D_{1 - \alpha}(Q \| P)` is used, which keeps
    the two pieces of :math:`h_\alpha` from cancelling.

    Examples
    --------
    >>> from kltools import kl, renyi
    >>> p, q = [0.2, 0.8], [0.7, 0.3]
    >>> [round(renyi(p, q, a), 6) for a in (0.5, 1, 2)]
    [0.292218, 0.534111, 0.784119]
    >>> round(renyi(p, q, float("inf")), 6)  # log(0.8 / 0.3)
    0.980829
    """
    alpha = _check_alpha(alpha)
    scale = log_base(base)
    if alpha == 1:
        from kltools.discrete import kl

        return kl(p, q, base=base, axis=axis)
    pair, batch = _prepare(p, q, axis)
    if alpha == math.inf:
        with np.errstate(divide="ignore"):
            far = np.log(pair.ph) - np.log(np.where(pair.q0, 1.0, pair.qh))
            close = pair.near & (pair.dh >= -0.5)
            logs = np.where(close, np.log1p(np.where(close, pair.dh, 0.0)), far)
        logs = np.where(pair.q0, np.where(pair.p > 0, np.inf, -np.inf), logs)
        return as_result(logs.max(axis=-1) / scale, batch)
    if alpha == 0:
        missing = np.where(pair.p == 0, pair.qh, 0.0).sum(axis=-1)
        kept = np.where(pair.p > 0, pair.qh, 0.0).sum(axis=-1)
        with np.errstate(divide="ignore"):
            out = np.where(kept < 0.5, -np.log(kept), -np.log1p(-np.minimum(missing, 0.5)))
        return as_result(out / scale, batch)
    if alpha < 0.5:
        swapped = _Pair(pair.q, pair.p)
        return as_result(alpha / (1 - alpha) * _renyi_kernel(swapped, 1 - alpha) / scale, batch)
    return as_result(_renyi_kernel(pair, alpha) / scale, batch)


def _renyi_kernel(pair: _Pair, alpha: float) -> np.ndarray:
    """D_alpha in nats for rows of a _Pair, alpha in [1/2, 1) or (1, inf)."""
    beta = alpha - 1
    ph, qh, dh, diff = pair.ph, pair.qh, pair.dh, pair.diff
    safe_q = np.where(pair.q0, 1.0, qh)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # log(p/q): by log1p where the ratio is in [1/2, 2], from the logarithms elsewhere (where
        # 1 + d would have lost the digits of a tiny p).
        close = pair.near & (dh >= -0.5)
        log_ratio = np.where(close, np.log1p(np.where(close, dh, 0.0)), np.log(ph) - np.log(safe_q))
        # q phi(d) = p L - (p - q), the KL term: by phi_over_d where the ratio is at most 2.
        kl_term = np.where(pair.near, diff * phi_over_d(np.where(pair.near, dh, 0.0)), ph * log_ratio - diff)
        if beta > 0:  # both pieces >= 0
            terms = ph * expm1mx(beta * log_ratio) + beta * kl_term
        else:
            near_terms = ph * expm1mx(beta * log_ratio) + beta * kl_term
            far_terms = ph * np.expm1(beta * log_ratio) - beta * diff  # no cancellation for p > 2q
            terms = np.where(pair.near, near_terms, far_terms)
        terms = np.where(ph == 0, beta * qh, terms)  # h(-1) = alpha - 1
    if beta > 0:
        terms = np.where(pair.q0, np.where(pair.p > 0, np.inf, 0.0), terms)
    else:
        terms = np.where(pair.q0, -alpha * ph, terms)
    total = terms.sum(axis=-1)
    with np.errstate(divide="ignore"):
        out = np.log1p(np.maximum(total, -1.0)) / beta
    # Where the sum of p^alpha q^(1 - alpha) is below 1/2, log1p of total = sum - 1 would lose its
    # digits, and where it overflows (a log-ratio of hundreds) D_alpha may still be finite: sum in logs.
    redo = (total < -0.5) | (np.isinf(total) & ~(pair.q0 & (pair.p > 0)).any(axis=-1))
    if redo.any():
        with np.errstate(divide="ignore"):
            logs = np.where(ph[redo] > 0, alpha * np.log(ph[redo]) + (1 - alpha) * np.log(qh[redo]), -np.inf)
        out[redo] = special.logsumexp(logs, axis=-1) / beta
    return np.maximum(out, 0.0)


# --- Rényi divergences in closed form ---------------------------------------------------------------


def renyi_between(P, Q, alpha: float, *, base: float | None = None) -> float:
    r"""Rényi divergence :math:`D_\alpha(P \| Q)` of two SciPy distributions of one family, in closed form.

    For members of an exponential family :math:`p_\theta(x) = h(x) \exp(\theta^\top T(x) - A(\theta))`
    with natural parameters :math:`\theta_1, \theta_2` and log-partition function A,

    .. math:: D_\alpha(P_{\theta_1} \| P_{\theta_2}) = \frac{\alpha A(\theta_1) + (1 - \alpha) A(\theta_2)
       - A(\alpha\theta_1 + (1 - \alpha)\theta_2)}{1 - \alpha},

    finite when :math:`\theta_\alpha = \alpha\theta_1 + (1 - \alpha)\theta_2` is a natural parameter
    and infinite otherwise (Liese and Vajda 1987; Gil, Alajaji and Linder 2013). For two normal
    distributions this is, with :math:`\sigma_\alpha^2 = \alpha\sigma_2^2 + (1 - \alpha)\sigma_1^2`,

    .. math:: D_\alpha = \log\frac{\sigma_2}{\sigma_1} + \frac{1}{2(\alpha - 1)}
       \log\frac{\sigma_2^2}{\sigma_\alpha^2} + \frac{\alpha (\mu_1 - \mu_2)^2}{2 \sigma_\alpha^2}.

    Parameters
    ----------
    P, Q : frozen scipy.stats distributions
        Of one of the families ``norm``, ``multivariate_normal``, ``expon`` (``loc`` 0),
        ``gamma`` (``loc`` 0), ``beta`` (``loc`` 0, ``scale`` 1), ``poisson`` (``loc`` 0),
        ``bernoulli`` or ``binom`` (same ``n``; by the exact sum).
    alpha : float
        The order, > 0 (``alpha = 1`` gives the Kullback-Leibler divergence, by
        :func:`~kltools.distributions.kl_between`).
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    float
        The divergence; ``inf`` when :math:`\theta_\alpha` leaves the natural parameter space (for
        normals with :math:`\alpha > 1`: when :math:`\sigma_\alpha^2 \le 0`).

    Raises
    ------
    NotImplementedError
        For a pair of families without a closed form here.

    Notes
    -----
    The normal form is evaluated as :math:`[\mathrm{log1pmx}((1 - \alpha) w) - (1 - \alpha)
    \mathrm{log1pmx}(w)] / (2(1 - \alpha)) + \alpha\Delta\mu^2 / (2\sigma_\alpha^2)` with
    :math:`w = \sigma_1^2/\sigma_2^2 - 1`, accurate near P = Q except for a loss of a factor
    :math:`1/\alpha` for small :math:`\alpha`. The other families use the log-partition form
    above, whose terms cancel when P and Q are nearly equal: its absolute error is about
    :math:`10^{-16} |A| / |1 - \alpha|`.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools import renyi_between
    >>> round(renyi_between(stats.norm(0, 1), stats.norm(1, 1), 2.0), 6)  # alpha (mu1 - mu2)^2 / 2
    1.0
    >>> round(renyi_between(stats.poisson(2.0), stats.poisson(3.0), 0.5), 6)
    0.101021
    """
    from kltools import _scipy
    from kltools.distributions import kl_between

    alpha = _check_alpha(alpha)
    if alpha == 0 or alpha == math.inf:
        raise ValueError(f"alpha must be finite and positive for renyi_between, got {alpha!r}")
    scale = log_base(base)
    if alpha == 1:
        return kl_between(P, Q, base=base)
    if not (_scipy.is_distribution(P) and _scipy.is_distribution(Q)):
        raise TypeError("P and Q must be frozen scipy.stats distributions, such as stats.norm(0, 1); "
                        "for arrays of probabilities use kltools.renyi")
    P, Q = _scipy.resolve(P, "P"), _scipy.resolve(Q, "Q")
    family_p, family_q = _scipy.family(P), _scipy.family(Q)
    if family_p != family_q or family_p not in _CLOSED_FORMS:
        raise NotImplementedError(
            f"no closed-form Rényi divergence between P = {family_p} and Q = {family_q}; the closed forms "
            f"are for two members of one of {sorted(_CLOSED_FORMS)}; for others compute "
            "the integral of p**alpha q**(1 - alpha) numerically"
        )
    p, q = _scipy.parameters(P, "P"), _scipy.parameters(Q, "Q")
    return float(_CLOSED_FORMS[family_p](p, q, alpha)) / scale


def _renyi_norm(p: dict, q: dict, alpha: float) -> float:
    s1, s2 = p["scale"], q["scale"]
    var_alpha = alpha * s2 * s2 + (1 - alpha) * s1 * s1
    if var_alpha <= 0:
        return math.inf
    w = (s1 - s2) * (s1 + s2) / (s2 * s2)  # sigma1^2 / sigma2^2 - 1, exact-ish for close scales
    b = 1 - alpha
    variance_part = (log1pmx(b * w) - b * log1pmx(w)) / (2 * b)
    dmu = p["loc"] - q["loc"]
    return float(variance_part) + alpha * dmu * dmu / (2 * var_alpha)


def _renyi_mvn(p: dict, q: dict, alpha: float) -> float:
    m1, c1, m2, c2 = p["mean"], p["cov"], q["mean"], q["cov"]
    if m1.shape != m2.shape:
        raise ValueError(f"P and Q must have the same dimension, got {m1.size} and {m2.size}")
    c1, c2 = np.atleast_2d(c1) * np.ones((m1.size, m1.size)), np.atleast_2d(c2) * np.ones((m1.size, m1.size))
    c_alpha = alpha * c2 + (1 - alpha) * c1
    eig = np.linalg.eigvalsh(c_alpha)
    if eig.min() <= 0:
        return math.inf
    dm = m1 - m2
    logdet = [np.linalg.slogdet(c)[1] for c in (c_alpha, c1, c2)]
    quad = dm @ np.linalg.solve(c_alpha, dm)
    return 0.5 * alpha * quad - (logdet[0] - (1 - alpha) * logdet[1] - alpha * logdet[2]) / (2 * (alpha - 1))


def _exponential_family(natural: Callable[[dict], np.ndarray], log_partition: Callable[[np.ndarray], float],
                        valid: Callable[[np.ndarray], bool], requirement: Callable[[dict], str | None]):
    def divergence(p: dict, q: dict, alpha: float) -> float:
        for role, values in (("P", p), ("Q", q)):
            problem = requirement(values)
            if problem:
                raise ValueError(f"{role}: {problem}")
        t1, t2 = natural(p), natural(q)
        mixed = alpha * t1 + (1 - alpha) * t2
        if not valid(mixed):
            return math.inf
        gap = alpha * log_partition(t1) + (1 - alpha) * log_partition(t2) - log_partition(mixed)
        return max(gap / (1 - alpha), 0.0)

    return divergence


def _loc_zero(values: dict) -> str | None:
    if values.get("loc", 0.0) == 0:
        return None
    return "loc must be 0 for the closed form (shift both, or neither)"


def _beta_standard(values: dict) -> str | None:
    if values["loc"] != 0 or values["scale"] != 1:
        return "beta needs loc = 0 and scale = 1 for the closed form"
    return None


def _renyi_discrete(pmf: Callable[[dict], np.ndarray]):
    def divergence(p: dict, q: dict, alpha: float) -> float:
        return renyi(pmf(p), pmf(q), alpha)

    return divergence


def _binom_pmf(v: dict) -> np.ndarray:
    from scipy import stats

    return stats.binom.pmf(np.arange(int(v["n"]) + 1), int(v["n"]), v["p"])


def _binom_pair(p: dict, q: dict, alpha: float) -> float:
    if p["n"] != q["n"]:
        raise ValueError(f"P and Q must have the same number of trials n, got {p['n']:g} and {q['n']:g}")
    return renyi(_binom_pmf(p), _binom_pmf(q), alpha)


_CLOSED_FORMS: dict[str, Callable[[dict, dict, float], float]] = {
    "norm": _renyi_norm,
    "multivariate_normal": _renyi_mvn,
    # Exponential with rate lambda = 1/scale: theta = -lambda, A = -log(-theta).
    "expon": _exponential_family(lambda v: np.array([-1 / v["scale"]]), lambda t: -math.log(-t[0]),
                                 lambda t: t[0] < 0, _loc_zero),
    # Gamma(a, rate b): theta = (a - 1, -b), A = lnGamma(theta1 + 1) - (theta1 + 1) log(-theta2).
    "gamma": _exponential_family(lambda v: np.array([v["a"] - 1, -1 / v["scale"]]),
                                 lambda t: math.lgamma(t[0] + 1) - (t[0] + 1) * math.log(-t[1]),
                                 lambda t: t[0] > -1 and t[1] < 0, _loc_zero),
    # Beta(a, b): theta = (a - 1, b - 1), A = ln B(theta1 + 1, theta2 + 1).
    "beta": _exponential_family(lambda v: np.array([v["a"] - 1, v["b"] - 1]),
                                lambda t: float(special.betaln(t[0] + 1, t[1] + 1)),
                                lambda t: t[0] > -1 and t[1] > -1, _beta_standard),
    # Poisson(mu): theta = log mu, A = exp(theta).
    "poisson": _exponential_family(lambda v: np.array([math.log(v["mu"]) if v["mu"] > 0 else -math.inf]),
                                   lambda t: math.exp(t[0]), lambda t: bool(np.isfinite(t[0])),
                                   lambda v: _loc_zero(v) or (None if v["mu"] > 0 else "mu must be > 0")),
    "bernoulli": _renyi_discrete(lambda v: np.array([1 - v["p"], v["p"]])),
    "binom": _binom_pair,
}
