"""Entropy, cross-entropy and Kullback-Leibler divergence of discrete distributions.

The functions follow ``scipy.stats.entropy``: they take arrays of probabilities, reduce along
``axis`` (default: the last one), broadcast their arguments against each other, and give the result
in nats unless ``base`` says otherwise (``base=2`` for bits).

Unlike SciPy they do not lose digits when the two distributions are nearly equal. The textbook sum
:math:`\\sum_x p(x) \\log(p(x)/q(x))` adds terms of both signs that nearly cancel, and whatever error
the inputs' sums carry (about 1e-16) leaks into the result at first order. :func:`kl` instead adds
terms that are all non-negative,

.. math:: D(P \\| Q) = \\sum_x q(x)\\, \\varphi\\!\\left(\\frac{p(x) - q(x)}{q(x)}\\right),
   \\qquad \\varphi(d) = (1 + d) \\log(1 + d) - d \\ \\ge 0,

with :math:`\\varphi` evaluated without cancellation (:mod:`kltools.stable`), and then corrects
exactly for inputs whose sums differ from 1 in the last bits.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kltools.stable import phi_over_d
from kltools.validation import as_pmf, as_pmf_pair, log_base

__all__ = ["cross_entropy", "entropy", "kl"]

# Entries handled at once: temporaries of this size (125 kB) stay in the CPU cache and below the
# size at which the C library maps fresh memory for each, so the dozen or so passes of the kernel
# cost about as much as the two or three of a naive sum over the whole array.
_BLOCK = 16_000


def kl(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, normalize: bool = False):
    r"""Kullback-Leibler divergence :math:`D(P \| Q)` of discrete distributions.

    .. math:: D(P \| Q) = \sum_x p(x) \log \frac{p(x)}{q(x)},

    with :math:`0 \log(0/q) = 0` and :math:`p \log(p/0) = \infty` for :math:`p > 0`
    (Kullback and Leibler 1951; Cover and Thomas 2006, eq. 2.26).

    Parameters
    ----------
    p, q : array_like, or frozen scipy.stats distributions
        Probability vectors along ``axis``: finite, non-negative, summing to 1 (within
        ``sqrt(eps)``). Other axes broadcast, as in NumPy. Two distributions such as
        ``stats.norm(0, 1)`` are handed to :func:`kltools.distributions.kl_between`, which
        uses a closed form where one is registered and numerical integration otherwise.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.
    normalize : bool, optional
        Divide ``p`` and ``q`` by their sums first (for counts or weights). Default ``False``:
        inputs that do not sum to 1 are rejected.

    Returns
    -------
    float or ndarray
        The divergence, never negative; ``inf`` where ``q = 0 < p``.

    Raises
    ------
    TypeError
        If ``p`` or ``q`` is not numeric.
    ValueError
        If ``p`` or ``q`` holds NaN, infinite or negative entries, does not sum to 1, is empty, or
        if the shapes do not match.

    Notes
    -----
    The result is accurate to a few units in the last place even when ``q`` is within 1e-10 of
    ``p``, where ``scipy.stats.entropy`` returns noise or negative numbers: it is computed as a sum
    of non-negative terms :math:`q\,\varphi((p - q)/q)` and corrected exactly for the rounding in
    the sums of ``p`` and ``q`` (see the module documentation).

    Examples
    --------
    Two coins, P(heads) = 0.2 and Q(heads) = 0.7:

    >>> from kltools import kl
    >>> round(kl([0.2, 0.8], [0.7, 0.3]), 4)
    0.5341
    >>> round(kl([0.7, 0.3], [0.2, 0.8]), 4)
    0.5827

    The divergence is not symmetric, and it is infinite when Q rules out an outcome P allows:

    >>> kl([0.5, 0.5], [1.0, 0.0])
    inf
    >>> round(kl([0.5, 0.5], [0.25, 0.75], base=2), 6)
    0.207519

    The same function compares SciPy's distributions, here N(0, 1) and N(1, 2²):

    >>> from scipy import stats
    >>> round(kl(stats.norm(0, 1), stats.norm(1, 2)), 6)  # log 2 + (1 + 1) / 8 - 1/2
    0.443147
    """
    if _is_distribution(p) or _is_distribution(q):
        if axis != -1 or normalize:
            raise TypeError("axis and normalize apply to arrays of probabilities, not to distributions")
        from kltools.distributions import kl_between  # which imports this module

        return kl_between(p, q, base=base)
    p, q = as_pmf_pair(p, q, axis=axis, normalize=normalize)
    p = np.moveaxis(p, axis, -1)
    q = np.moveaxis(q, axis, -1)
    batch = p.shape[:-1]
    p = p.reshape(-1, p.shape[-1])
    q = q.reshape(-1, q.shape[-1])
    generalized, mass_p, excess = _generalized_kl(p, q)
    # generalized = sum(p log(p/q) - p + q). For the divergence of p / sum(p) and q / sum(q),
    # divide by sum(p) and subtract psi(x) = log1p(x) - x / (1 + x) with x = sum(p - q) / sum(q):
    # an exact identity, in which psi(x) ~ x**2 / 2 stands for the rounding in the inputs' sums.
    x = excess / (mass_p - excess)
    with np.errstate(divide="ignore", invalid="ignore"):
        psi = np.where(np.abs(x) < 1e-4, x * x * (0.5 - x * (2 / 3 - 0.75 * x)), np.log1p(x) - x / (1 + x))
    divergence = np.maximum(generalized / mass_p - psi, 0.0) / log_base(base)
    return _shaped(divergence, batch)


def entropy(p: ArrayLike, *, base: float | None = None, axis: int = -1, normalize: bool = False):
    r"""Shannon entropy :math:`H(P) = -\sum_x p(x) \log p(x)` of a discrete distribution.

    With :math:`0 \log 0 = 0` (Shannon 1948; Cover and Thomas 2006, eq. 2.1).

    Parameters
    ----------
    p : array_like
        Probability vectors along ``axis`` (finite, non-negative, summing to 1 within ``sqrt(eps)``).
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.
    normalize : bool, optional
        Divide ``p`` by its sum first (for counts). Default ``False``.

    Returns
    -------
    float or ndarray
        The entropy, between 0 and ``log(n)`` for ``n`` outcomes.

    Examples
    --------
    >>> from kltools import entropy
    >>> entropy([0.5, 0.5], base=2)
    1.0
    >>> round(entropy([0.2, 0.8]), 6)
    0.500402
    >>> entropy([[1, 0], [1, 1]], base=2, normalize=True)
    array([0., 1.])
    """
    p = as_pmf(p, "p", axis=axis, normalize=normalize)
    mass = p.sum(axis=axis)
    # Exact for p / sum(p), so that rounding in the sum does not leak into the result.
    h = special.entr(p).sum(axis=axis) / mass + np.log(mass)
    return _shaped(np.maximum(h, 0.0) / log_base(base), h.shape)


def cross_entropy(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1,
                  normalize: bool = False):
    r"""Cross-entropy :math:`H(P, Q) = -\sum_x p(x) \log q(x)`.

    It is the average code length, in nats (or in the unit of ``base``), when outcomes drawn from P
    are coded with the ideal code lengths :math:`-\log q(x)` of Q, and it splits as
    :math:`H(P, Q) = H(P) + D(P \| Q)` (Cover and Thomas 2006, section 5.4).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``, as for :func:`kl`.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.
    normalize : bool, optional
        Divide ``p`` and ``q`` by their sums first. Default ``False``.

    Returns
    -------
    float or ndarray
        The cross-entropy; ``inf`` where ``q = 0 < p``.

    Examples
    --------
    >>> from kltools import cross_entropy, entropy, kl
    >>> p, q = [0.2, 0.8], [0.7, 0.3]
    >>> round(cross_entropy(p, q), 6)
    1.034513
    >>> round(entropy(p) + kl(p, q), 6)
    1.034513

    A one-hot target gives the negative log-likelihood of the true class:

    >>> round(cross_entropy([0, 1, 0], [0.1, 0.7, 0.2]), 6)
    0.356675
    """
    p, q = as_pmf_pair(p, q, axis=axis, normalize=normalize)
    mass_p = p.sum(axis=axis)
    mass_q = q.sum(axis=axis)
    # Exact for p / sum(p) and q / sum(q); every term -p log q is >= 0 once normalized.
    h = -special.xlogy(p, q).sum(axis=axis) / mass_p + np.log(mass_q)
    return _shaped(np.maximum(h, 0.0) / log_base(base), h.shape)


def _is_distribution(x) -> bool:
    """Whether ``x`` is a scipy.stats distribution (frozen or not) rather than probabilities."""
    return hasattr(x, "logpdf") or hasattr(x, "logpmf")


def _generalized_kl(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row sums of p log(p/q) - p + q, of p and of p - q, for 2-D arrays, one block at a time."""
    rows, n = p.shape
    generalized = np.zeros(rows)
    excess = np.zeros(rows)
    q_has_zeros = q.size > 0 and q.min() == 0
    row_step = max(1, _BLOCK // n)
    col_step = min(n, _BLOCK)
    for r in range(0, rows, row_step):
        rs = slice(r, r + row_step)
        for c in range(0, n, col_step):
            pb, qb = p[rs, c : c + col_step], q[rs, c : c + col_step]
            diff = pb - qb
            excess[rs] += diff.sum(axis=1)
            if q_has_zeros and qb.min() == 0:
                # Outcomes that Q rules out add nothing if P rules them out too, and infinity if not.
                generalized[rs] += np.where(((qb == 0) & (pb > 0)).any(axis=1), np.inf, 0.0)
                diff = np.where(qb > 0, diff, 0.0)
                qb = np.where(qb > 0, qb, 1.0)
            # The term q phi(d), d = (p - q) / q, written as (p - q) phi(d) / d: one product fewer.
            # Summed by NumPy's pairwise sum, not a BLAS dot product: as accurate as the terms,
            # and free of BLAS threads, which stall for milliseconds when the other cores are busy.
            with np.errstate(over="ignore", invalid="ignore"):
                terms = phi_over_d(diff / qb)
                terms *= diff
            generalized[rs] += terms.sum(axis=1)
    # d = (p - q) / q overflows to inf when q < p / 1.8e308 (q subnormal), and phi(d) / d turns
    # that into NaN: sum those rows in the form p log p - p log q - p + q, which cannot overflow.
    overflowed = np.isnan(generalized)
    if overflowed.any():
        po, qo = p[overflowed], q[overflowed]
        generalized[overflowed] = (special.xlogy(po, po) - special.xlogy(po, qo) - po + qo).sum(axis=1)
    return generalized, p.sum(axis=1), excess


def _shaped(values: np.ndarray, shape: tuple[int, ...]):
    """A Python float for a single distribution, an array of ``shape`` for a batch."""
    values = np.asarray(values, dtype=float).reshape(shape)
    return float(values) if values.ndim == 0 else values

