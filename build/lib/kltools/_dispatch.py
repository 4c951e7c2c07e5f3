"""The one entry point for the divergence: :func:`kl` takes arrays of probabilities or distributions.

It imports both sides and calls one of them, so that neither :mod:`kltools.discrete` nor
:mod:`kltools.distributions` imports the other.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from kltools import _scipy, discrete, distributions

__all__ = ["kl"]


def kl(p: ArrayLike, q: ArrayLike, *, base: float | None = None, axis: int = -1, normalize: bool = False):
    r"""Kullback-Leibler divergence :math:`D(P \| Q)`, of probability arrays or of distributions.

    .. math:: D(P \| Q) = \sum_x p(x) \log \frac{p(x)}{q(x)}
       \quad\text{or}\quad \int p(x) \log \frac{p(x)}{q(x)}\, dx

    (Kullback and Leibler 1951; Cover and Thomas 2006, eq. 2.26). Two arrays go to
    :func:`kltools.discrete.kl` (``axis``, ``normalize`` and batches apply); two scipy.stats
    distributions to :func:`kltools.distributions.kl_between` (closed forms, else numerical
    integration or summation).

    Parameters
    ----------
    p, q : array_like, or scipy.stats distributions
        Probability vectors along ``axis`` (see :func:`kltools.discrete.kl`), or two distributions
        such as ``stats.norm(0, 1)`` or ``stats.Normal(mu=0, sigma=1)``.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    axis : int, optional
        For arrays: the axis that holds the outcomes. Default: the last (as in torch; SciPy's
        ``stats.entropy`` reduces along axis 0).
    normalize : bool, optional
        For arrays: divide ``p`` and ``q`` by their sums first. Default ``False``.

    Returns
    -------
    float or ndarray
        The divergence; ``inf`` where Q rules out what P allows.

    Raises
    ------
    TypeError
        For one array and one distribution, or ``axis``/``normalize`` given with distributions;
        otherwise as the function it calls.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools import kl
    >>> round(kl([0.2, 0.8], [0.7, 0.3]), 4)
    0.5341
    >>> kl(stats.Normal(mu=0, sigma=1), stats.Normal(mu=1, sigma=2))  # log 2 + (1 + 1)/8 - 1/2
    0.4431471805599453
    """
    p_is, q_is = _scipy.is_distribution(p), _scipy.is_distribution(q)
    if p_is and q_is:
        if axis != -1 or normalize:
            raise TypeError("axis and normalize apply to arrays of probabilities, not to distributions")
        return distributions.kl_between(p, q, base=base)
    if p_is or q_is:
        raise TypeError("kl compares two arrays of probabilities or two scipy.stats distributions; "
                        f"got {'a distribution' if p_is else 'an array'} for p and "
                        f"{'a distribution' if q_is else 'an array'} for q")
    return discrete.kl(p, q, base=base, axis=axis, normalize=normalize)
