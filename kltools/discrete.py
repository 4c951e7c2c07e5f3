"""Entropy, cross-entropy and Kullback-Leibler divergence of discrete distributions.

The functions take arrays of probabilities as ``scipy.stats.entropy`` does, broadcast their
arguments against each other and give the result in nats unless ``base`` says otherwise (``base=2``
for bits). Two differences from SciPy: they reduce along the *last* axis by default, like
``torch.distributions`` (SciPy's default is ``axis=0``), and they refuse inputs that do not sum to
1 unless ``normalize=True`` (SciPy normalizes silently). One distribution gives a Python float, a
batch a float64 array; float32 input is computed in float64 (longdouble is refused).

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

from kltools._kernel import generalized_kl
from kltools.validation import as_pmf, as_pmf_pair, as_result, log_base

__all__ = ["cross_entropy", "entropy", "kl"]

def kl(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, normalize: bool = False):
    r"""Kullback-Leibler divergence :math:`D(P \| Q)` of discrete distributions.

    .. math:: D(P \| Q) = \sum_x p(x) \log \frac{p(x)}{q(x)},

    with :math:`0 \log(0/q) = 0` and :math:`p \log(p/0) = \infty` for :math:`p > 0`
    (Kullback and Leibler 1951; Cover and Thomas 2006, eq. 2.26).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``: finite, non-negative, summing to 1 (within
        ``sqrt(eps)``). Other axes broadcast, as in NumPy. (``kltools.kl`` also takes two
        scipy.stats distributions, which it hands to :func:`kltools.distributions.kl_between`.)
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
    In exact arithmetic this is ``np.sum(scipy.special.rel_entr(p, q), axis=axis)``. In floating
    point that sum loses its digits when ``q`` is close to ``p`` (``scipy.stats.entropy`` then
    returns noise or negative numbers); here the result is accurate to a few units in the last place
    even when ``q`` is within 1e-10 of ``p``: it is computed as a sum of non-negative terms
    :math:`q\,\varphi((p - q)/q)` (``kltools._kernel``) and corrected exactly for the rounding
    in the sums of ``p`` and ``q`` (see the module documentation).

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

    A batch of distributions, one per row (the outcomes are along the last axis, as in torch and
    unlike ``scipy.stats.entropy``, whose default is ``axis=0``):

    >>> kl([[0.2, 0.8], [0.5, 0.5]], [0.7, 0.3]).round(4)
    array([0.5341, 0.0872])
    """
    p, q = as_pmf_pair(p, q, axis=axis, normalize=normalize)
    p = np.moveaxis(p, axis, -1)
    q = np.moveaxis(q, axis, -1)
    batch = p.shape[:-1]
    p = p.reshape(-1, p.shape[-1])
    q = q.reshape(-1, q.shape[-1])
    generalized, mass_p, excess = generalized_kl(p, q)
    # generalized = sum(p log(p/q) - p + q). For the divergence of p / sum(p) and q / sum(q),
    # divide by sum(p) and subtract psi(x) = log1p(x) - x / (1 + x) with x = sum(p - q) / sum(q):
    # an exact identity, in which psi(x) ~ x**2 / 2 stands for the rounding in the inputs' sums.
    x = excess / (mass_p - excess)
    with np.errstate(divide="ignore", invalid="ignore"):
        psi = np.where(np.abs(x) < 1e-4, x * x * (0.5 - x * (2 / 3 - 0.75 * x)), np.log1p(x) - x / (1 + x))
    divergence = np.maximum(generalized / mass_p - psi, 0.0) / log_base(base)
    return as_result(divergence, batch)


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
    return as_result(np.maximum(h, 0.0) / log_base(base), h.shape)


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
    return as_result(np.maximum(h, 0.0) / log_base(base), h.shape)
