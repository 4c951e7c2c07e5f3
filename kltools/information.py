"""Mutual information, conditional and joint entropy, and the Jensen-Shannon divergence.

The quantities of this module are all Kullback-Leibler divergences or entropies in disguise, and
they are computed as such, with :func:`~kltools.discrete.kl` and
:func:`~kltools.discrete.entropy`, so that they add only non-negative terms and keep the
accuracy of those functions.

A joint distribution of two discrete variables X and Y is a 2-D array ``joint`` with
``joint[x, y] = p(x, y)``: rows are the outcomes of X, columns those of Y, and all the entries
together sum to 1.

References: T. M. Cover and J. A. Thomas, Elements of Information Theory, 2nd ed., Wiley (2006),
chapter 2; J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans. Inf. Theory
37(1):145-151 (1991); D. M. Endres and J. E. Schindelin, "A new metric for probability
distributions", IEEE Trans. Inf. Theory 49(7):1858-1860 (2003).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from kltools.discrete import entropy, kl
from kltools.stable import _phi_over_d
from kltools.validation import as_joint_pmf, as_pmf_pair, as_result, log_base

__all__ = ["conditional_entropy", "jensen_shannon", "joint_entropy", "mutual_information"]


def mutual_information(joint: ArrayLike, *, base: float | None = None, normalize: bool = False) -> float:
    r"""Mutual information :math:`I(X; Y)` of two discrete variables, from their joint distribution.

    .. math:: I(X; Y) = \sum_{x, y} p(x, y) \log \frac{p(x, y)}{p(x)\, p(y)}
       = D\big(p(x, y) \,\big\|\, p(x)\, p(y)\big)
       = \sum_x p(x)\, D\big(p(y \mid x) \,\big\|\, p(y)\big)

    (Cover and Thomas 2006, eq. 2.28): how far the joint distribution is from the product of its
    marginals, that is, from independence.

    Parameters
    ----------
    joint : array_like
        2-D array of probabilities ``p(x, y)``: rows are the outcomes of X, columns those of Y.
        Finite, non-negative, and summing to 1 over all entries (within ``sqrt(eps)``).
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    normalize : bool, optional
        Divide ``joint`` by its total first (for a table of counts). Default ``False``.

    Returns
    -------
    float
        The mutual information, between 0 and ``min(H(X), H(Y))``. Never negative.

    Raises
    ------
    TypeError
        If ``joint`` is not numeric.
    ValueError
        If ``joint`` is not 2-D, is empty, holds NaN, infinite or negative entries, or does not
        sum to 1.

    Notes
    -----
    The last form of the formula is the one computed: :func:`~kltools.discrete.kl` of each conditional
    distribution :math:`p(y \mid x)` from the marginal :math:`p(y)`, averaged with the weights
    :math:`p(x)`. It is the same divergence as the first form, term by term, but it never forms
    the products :math:`p(x) p(y)`, which underflow to 0 (and would make the result infinite)
    when both marginals are below about 1e-162. Every term is non-negative, so nothing cancels.

    For a joint distribution that is exactly a product, the result is not exactly 0 but of the
    order of 1e-32: the conditionals :math:`p(x, y) / p(x)` are rounded to the nearest double, and
    a divergence grows as the square of the difference. In general, rounding the marginals and the
    conditionals moves the result by up to about ``eps * sqrt(I)`` (Pinsker's inequality): a
    relative error of ``eps / sqrt(I)``, which leaves all but a few digits for I above 1e-6 and
    about ten for I = 1e-13. Forming :math:`p(x) p(y)` and calling :func:`~kltools.discrete.kl` has the same
    limit.

    Examples
    --------
    A binary symmetric channel that flips a fair bit with probability 0.1 carries
    :math:`1 - h(0.1) \approx 0.531` bits per use:

    >>> from kltools.information import mutual_information
    >>> joint = [[0.45, 0.05],
    ...          [0.05, 0.45]]
    >>> round(mutual_information(joint, base=2), 6)
    0.531004

    Independent variables share no information, and a variable shares all of its entropy with
    itself:

    >>> mutual_information([[0.25, 0.25], [0.25, 0.25]])
    0.0
    >>> mutual_information([[0.5, 0.0], [0.0, 0.5]], base=2)
    1.0
    """
    joint = as_joint_pmf(joint, "joint", normalize=normalize)
    weights, conditionals = _conditionals(joint)
    # p(y) sums to 1 only up to rounding; kl allows for that exactly, and the weights are divided
    # by their sum: the result is that of joint / joint.sum().
    divergences = kl(conditionals, joint.sum(axis=0), base=base)
    return float(weights @ divergences)


def conditional_entropy(joint: ArrayLike, *, base: float | None = None, normalize: bool = False) -> float:
    r"""Conditional entropy :math:`H(Y \mid X)` of the column variable given the row variable.

    .. math:: H(Y \mid X) = \sum_x p(x)\, H(Y \mid X = x)
       = -\sum_{x, y} p(x, y) \log \frac{p(x, y)}{p(x)} = H(X, Y) - H(X)

    (Cover and Thomas 2006, eq. 2.10 and Theorem 2.2.1): the uncertainty left in Y once X is known.

    Parameters
    ----------
    joint : array_like
        2-D array of probabilities ``p(x, y)``: rows are the outcomes of X (the variable that is
        known), columns those of Y. For :math:`H(X \mid Y)`, pass ``joint.T``.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    normalize : bool, optional
        Divide ``joint`` by its total first (for a table of counts). Default ``False``.

    Returns
    -------
    float
        The conditional entropy, between 0 and :math:`H(Y)`.

    Raises
    ------
    TypeError, ValueError
        For a bad ``joint``, as :func:`mutual_information`.

    Notes
    -----
    The first form is the one computed: the entropies of the rows :math:`p(y \mid x)`, averaged
    with the weights :math:`p(x)`. Unlike the difference :math:`H(X, Y) - H(X)`, it adds only
    non-negative terms, so it cannot come out negative or lose its digits when it is small.

    Examples
    --------
    Y is a copy of a fair bit X, flipped with probability 0.1: knowing X leaves
    :math:`h(0.1) \approx 0.469` bits of uncertainty about Y.

    >>> from kltools.information import conditional_entropy
    >>> round(conditional_entropy([[0.45, 0.05], [0.05, 0.45]], base=2), 6)
    0.468996
    >>> conditional_entropy([[0.5, 0.0], [0.0, 0.5]])
    0.0
    """
    joint = as_joint_pmf(joint, "joint", normalize=normalize)
    weights, conditionals = _conditionals(joint)
    return float(weights @ entropy(conditionals, base=base))


def joint_entropy(joint: ArrayLike, *, base: float | None = None, normalize: bool = False) -> float:
    r"""Joint entropy :math:`H(X, Y)` of two discrete variables.

    .. math:: H(X, Y) = -\sum_{x, y} p(x, y) \log p(x, y)

    (Cover and Thomas 2006, eq. 2.8): the entropy of the pair, that is, of the flattened array.

    Parameters
    ----------
    joint : array_like
        2-D array of probabilities ``p(x, y)``, as for :func:`mutual_information`.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    normalize : bool, optional
        Divide ``joint`` by its total first (for a table of counts). Default ``False``.

    Returns
    -------
    float
        The joint entropy, between :math:`\max(H(X), H(Y))` and :math:`H(X) + H(Y)`.

    Raises
    ------
    TypeError, ValueError
        For a bad ``joint``, as :func:`mutual_information`.

    Examples
    --------
    >>> from kltools.information import joint_entropy
    >>> joint_entropy([[0.25, 0.25], [0.25, 0.25]], base=2)
    2.0
    >>> joint_entropy([[0.5, 0.0], [0.0, 0.5]], base=2)
    1.0
    """
    joint = as_joint_pmf(joint, "joint", normalize=normalize)
    return entropy(joint.ravel(), base=base)


def jensen_shannon(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1,
                   normalize: bool = False):
    r"""Jensen-Shannon divergence of two discrete distributions.

    .. math:: \mathrm{JS}(P, Q) = \tfrac12 D(P \| M) + \tfrac12 D(Q \| M), \qquad M = \tfrac12 (P + Q)

    (Lin 1991). It is symmetric, always finite, and between 0 and :math:`\log 2` (1 bit). This is
    the divergence itself, not its square root, the Jensen-Shannon *distance* (a metric: Endres and
    Schindelin 2003) that ``scipy.spatial.distance.jensenshannon`` returns.

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``: finite, non-negative, summing to 1 (within
        ``sqrt(eps)``). Other axes broadcast, as in NumPy.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        The axis that holds the outcomes. Default: the last (as in torch; SciPy's is 0).
    normalize : bool, optional
        Divide ``p`` and ``q`` by their sums first (for counts). Default ``False``.

    Returns
    -------
    float or ndarray
        The divergence, between 0 and ``log(2)`` (1 in bits).

    Raises
    ------
    TypeError
        If ``p`` or ``q`` is not numeric.
    ValueError
        As :func:`~kltools.discrete.kl`: NaN, infinite or negative entries, sums that are not 1, or shapes
        that do not match.

    Notes
    -----
    With :math:`t = (p - q)/(p + q)` for each outcome, the two divergences combine into

    .. math:: \mathrm{JS}(P, Q) = \tfrac14 \sum_x \big(p(x) + q(x)\big)
       \big[\varphi(t) + \varphi(-t)\big],

    where :math:`\varphi(t) = (1 + t)\log(1 + t) - t \ge 0`: a sum of non-negative terms, with
    :math:`\varphi` evaluated without cancellation
    (:mod:`kltools.stable`). The mixture :math:`M` is never rounded, and :math:`p - q` is exact
    for nearly equal probabilities, so the result keeps its digits even when ``p`` and ``q`` are
    nearly equal. Inputs whose sums differ from 1 in the last bits are scaled to a common sum,
    ``p (1 + h)`` and ``q (1 - h)`` with :math:`h = -\sum(p - q) / \sum(p + q)`, applied as a
    correction to :math:`p - q` and :math:`p + q` so that no digit of :math:`p - q` is lost (as
    :func:`~kltools.discrete.kl` does). The result is symmetric in ``p`` and ``q`` to the last bit, and
    within a relative 1e-13 of the exact value of the normalized inputs, but for the rounding of
    that correction: an absolute ``eps * |h| * sqrt(8 JS)``, which matters only for inputs that
    are equal up to a factor and whose sums differ by much more than ``eps``.

    Examples
    --------
    >>> from kltools.information import jensen_shannon
    >>> round(jensen_shannon([0.2, 0.8], [0.7, 0.3]), 6)
    0.132505
    >>> jensen_shannon([1.0, 0.0], [0.0, 1.0], base=2)
    1.0
    >>> jensen_shannon([[0.5, 0.5], [0.9, 0.1]], [0.5, 0.5]).round(6)
    array([0.      , 0.101749])
    """
    p, q = as_pmf_pair(p, q, axis=axis, normalize=normalize)
    p = np.moveaxis(p, axis, -1)
    q = np.moveaxis(q, axis, -1)
    diff = p - q
    total = p + q
    # Scale p by 1 + h and q by 1 - h, so that their sums agree (h is at most about 1e-8).
    h = -diff.sum(axis=-1, keepdims=True) / total.sum(axis=-1, keepdims=True)
    diff, total = diff + h * total, total + h * diff
    t = np.divide(diff, total, out=np.zeros_like(total), where=total > 0).clip(-1.0, 1.0)
    # phi(t) + phi(-t) = t * (phi(t)/t - phi(-t)/(-t)), and (p + q) t = p - q: every term is >= 0.
    terms = diff * (_phi_over_d(t) - _phi_over_d(-t))
    js = terms.sum(axis=-1) / (2 * total.sum(axis=-1))
    return as_result(np.clip(js, 0.0, math.log(2)) / log_base(base), js.shape)


def _conditionals(joint: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weights p(x) / sum(p) and the rows p(y | x) = p(x, y) / p(x), for the x with p(x) > 0."""
    px = joint.sum(axis=1)
    seen = px > 0
    return px[seen] / px.sum(), joint[seen] / px[seen, np.newaxis]
