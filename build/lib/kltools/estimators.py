"""Estimates of divergences and mutual information from random draws.

When the distributions are not tables of probabilities, the divergence can only be estimated:

- :func:`kl_monte_carlo` averages :math:`\\log p(X) - \\log q(X)` over draws of P, when both
  densities can be evaluated;
- :func:`kl_from_samples` needs only samples of P and of Q, and compares nearest-neighbour
  distances (Wang, Kulkarni and Verdú 2009);
- :func:`mutual_information_from_samples` estimates :math:`I(X; Y)` from paired samples by counting
  neighbours (Kraskov, Stögbauer and Grassberger 2004).

All results are in nats. The estimates are random and biased for finite samples; the functions
return them as they are (no clipping, no added noise), because the book studies that error.
Everything random takes a ``numpy.random.Generator``, so that every number can be reproduced.

References: Q. Wang, S. R. Kulkarni and S. Verdú, "Divergence estimation for multidimensional
densities via k-nearest-neighbor distances", IEEE Trans. Inf. Theory 55(5):2392-2405 (2009);
A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual information", Phys. Rev. E 69,
066138 (2004); C. P. Robert and G. Casella, Monte Carlo Statistical Methods, 2nd ed., Springer
(2004).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree
from scipy.special import digamma

from kltools import _scipy
from kltools.validation import as_generator, as_int, as_samples

__all__ = ["KLEstimate", "kl_from_samples", "kl_monte_carlo", "mutual_information_from_samples"]


class KLEstimate(NamedTuple):
    """A Monte Carlo estimate and its standard error, in nats."""

    estimate: float
    stderr: float


def kl_monte_carlo(P, Q, n: int, rng: np.random.Generator) -> KLEstimate:
    r"""Monte Carlo estimate of :math:`D(P \| Q)` from ``n`` draws of P.

    .. math:: \hat D = \frac1n \sum_{i=1}^n \big[\log p(X_i) - \log q(X_i)\big],
       \qquad X_1, \dots, X_n \sim P,

    an unbiased estimate of :math:`D(P \| Q) = \mathbb{E}_P[\log p(X) - \log q(X)]` (Kullback and
    Leibler 1951), with standard error :math:`s / \sqrt{n}`, where :math:`s` is the sample
    standard deviation (``ddof=1``) of the log-ratios (Robert and Casella 2004, section 3.2).

    Parameters
    ----------
    P, Q : scipy.stats distributions
        Distributions of the same variable, with their parameters set, such as
        ``scipy.stats.norm(0, 1)``, ``scipy.stats.multivariate_normal(mean, cov)`` or
        ``scipy.stats.Normal(mu=0, sigma=1)``: both continuous (``logpdf``) or both discrete
        (``logpmf``). Draws come from ``P.rvs`` (``P.sample`` for the new classes).
    n : int
        Number of draws, at least 2 (the standard error needs two).
    rng : numpy.random.Generator
        The source of randomness, e.g. ``np.random.default_rng(seed)``. Seeds and ``None`` are
        refused, so that every estimate can be reproduced.

    Returns
    -------
    KLEstimate
        The named tuple ``(estimate, stderr)``. The estimate is ``inf`` (and the standard error
        ``nan``) if Q gives probability 0 to a draw of P, since then :math:`D(P \| Q) = \infty`.

    Raises
    ------
    TypeError
        If ``P`` or ``Q`` is not a frozen distribution, ``n`` is not an integer, or ``rng`` is not
        a ``numpy.random.Generator``.
    ValueError
        If ``n < 2``, if one distribution is discrete and the other continuous, if they are
        distributions of variables of different dimensions, or if their log-probabilities are NaN
        (invalid parameters, such as a negative scale).

    Examples
    --------
    Two normals, for which :math:`D = \log 2 + 2/8 - 1/2 \approx 0.4431`:

    >>> import numpy as np
    >>> from scipy import stats
    >>> from kltools.estimators import kl_monte_carlo
    >>> rng = np.random.default_rng(0)
    >>> estimate, stderr = kl_monte_carlo(stats.norm(0, 1), stats.norm(1, 2), 100_000, rng)
    >>> round(estimate, 4), round(stderr, 4)
    (0.4433, 0.0019)
    """
    P, Q = _scipy.resolve(P, "P"), _scipy.resolve(Q, "Q")
    log_p = _log_probability(P, "P")
    log_q = _log_probability(Q, "Q")
    if log_p.__name__ != log_q.__name__:
        raise ValueError(
            f"P has {log_p.__name__} and Q has {log_q.__name__}: one is continuous and the other "
            "discrete, so P and Q must be distributions of the same kind of variable"
        )
    n = as_int(n, "n", minimum=2)
    rng = as_generator(rng)
    draws = P.rvs(size=n, random_state=rng)
    try:
        log_p_draws = np.asarray(log_p(draws), dtype=float)
        log_q_draws = np.asarray(log_q(draws), dtype=float)
    except ValueError as err:  # SciPy's complaint about the shape of the draws
        raise ValueError(f"{_mismatch(draws)}: {err}") from None
    if log_p_draws.shape != (n,) or log_q_draws.shape != (n,):
        raise ValueError(_mismatch(draws))
    for name, values in (("P", log_p_draws), ("Q", log_q_draws)):
        if np.isnan(values).any():
            raise ValueError(f"{name} returns NaN log-probabilities for draws of P: check its parameters")
    if np.isneginf(log_p_draws).any():
        raise ValueError("P gives probability 0 to one of its own draws: check the parameters of P")
    log_ratios = log_p_draws - log_q_draws
    if np.isposinf(log_ratios).any():
        return KLEstimate(math.inf, math.nan)
    return KLEstimate(float(log_ratios.mean()), float(log_ratios.std(ddof=1) / math.sqrt(n)))


def kl_from_samples(x: ArrayLike, y: ArrayLike, k: int = 1) -> float:
    r"""k-nearest-neighbour estimate of :math:`D(P \| Q)` from samples of P and of Q.

    .. math:: \hat D = \frac{d}{n} \sum_{i=1}^n \log \frac{\nu_k(i)}{\rho_k(i)} + \log \frac{m}{n - 1}

    (Wang, Kulkarni and Verdú 2009), where :math:`\rho_k(i)` is the Euclidean distance from
    :math:`x_i` to its k-th nearest neighbour among the other :math:`n - 1` samples of P, and
    :math:`\nu_k(i)` its distance to its k-th nearest neighbour among the :math:`m` samples of Q.
    The estimate is consistent (it converges to the divergence as n and m grow) for continuous
    distributions with densities on :math:`\mathbb{R}^d`.

    Parameters
    ----------
    x : array_like, shape (n, d) or (n,)
        Samples of P, one per row; a 1-D array holds n scalar samples.
    y : array_like, shape (m, d) or (m,)
        Samples of Q, with the same dimension d.
    k : int, optional
        Which neighbour to use, ``1 <= k < n`` and ``k <= m``. Default 1. A larger k lowers the
        variance and raises the bias.

    Returns
    -------
    float
        The estimate, in nats. It can be negative.

    Raises
    ------
    TypeError
        If ``x`` or ``y`` is not numeric, or ``k`` is not an integer.
    ValueError
        If ``x`` or ``y`` has more than 2 dimensions, no samples, NaN or infinite values; if their
        dimensions differ; if ``k`` is out of range; or if repeated points make a distance 0.

    Notes
    -----
    The estimator assumes continuous distributions, in which no two draws coincide. If a point
    of ``x`` is repeated k + 1 times, or coincides with k points of ``y``, a distance is 0 and
    the logarithm infinite: this raises a ``ValueError``. Discrete data should be counted and
    compared with :func:`~kltools.discrete.kl` instead.

    Examples
    --------
    N(0, 1) against N(1, 2²), for which :math:`D = \log 2 + 2/8 - 1/2 \approx 0.443`. With
    20,000 draws of each, the estimate's standard deviation is about 0.016 for k = 1 and 0.010
    for k = 5:

    >>> import numpy as np
    >>> from kltools.estimators import kl_from_samples
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(0, 1, size=20_000)
    >>> y = rng.normal(1, 2, size=20_000)
    >>> round(kl_from_samples(x, y), 3), round(kl_from_samples(x, y, k=5), 3)
    (0.423, 0.449)
    """
    x = as_samples(x, "x")
    y = as_samples(y, "y")
    (n, d), m = x.shape, y.shape[0]
    if y.shape[1] != d:
        raise ValueError(
            f"x and y must have the same dimension, but x has {d} column(s) and y has {y.shape[1]}"
        )
    k = as_int(k, "k", minimum=1)
    if k >= n:
        raise ValueError(f"k must be smaller than the number of samples in x ({n}), got k = {k}")
    if k > m:
        raise ValueError(f"k must be at most the number of samples in y ({m}), got k = {k}")
    rho = cKDTree(x).query(x, k=[k + 1])[0][:, 0]  # neighbour k + 1, since the nearest is x_i itself
    nu = cKDTree(y).query(x, k=[k])[0][:, 0]
    if rho.min() == 0:
        raise ValueError(
            f"x repeats a point more than k = {k} times, so a distance rho is 0 and the estimate infinite; "
            "the estimator is for continuous distributions (use kltools.kl on counts for discrete data)"
        )
    if nu.min() == 0:
        raise ValueError(
            f"a point of x coincides with {k} or more points of y, so a distance nu is 0; the estimator "
            "is for continuous distributions (use kltools.kl on counts for discrete data)"
        )
    return float(d * np.mean(np.log(nu) - np.log(rho)) + math.log(m / (n - 1)))


def mutual_information_from_samples(x: ArrayLike, y: ArrayLike, k: int = 3) -> float:
    r"""Kraskov-Stögbauer-Grassberger estimate of :math:`I(X; Y)` from paired samples.

    .. math:: \hat I = \psi(k) + \psi(N) - \frac1N \sum_{i=1}^N \big[\psi(n_x(i) + 1)
       + \psi(n_y(i) + 1)\big]

    (Kraskov, Stögbauer and Grassberger 2004, algorithm 1, eq. 8), where :math:`\psi` is the
    digamma function, :math:`\varepsilon_i` the max-norm distance from :math:`(x_i, y_i)` to its
    k-th nearest neighbour among the other pairs, and :math:`n_x(i)` (:math:`n_y(i)`) the number
    of other points :math:`x_j` (:math:`y_j`) strictly closer than :math:`\varepsilon_i` to
    :math:`x_i` (:math:`y_i`) in the max-norm.

    Parameters
    ----------
    x : array_like, shape (N, dx) or (N,)
        Samples of X, one per row.
    y : array_like, shape (N, dy) or (N,)
        The paired samples of Y: ``(x[i], y[i])`` is one draw of the pair.
    k : int, optional
        Number of neighbours, ``1 <= k < N``. Default 3, as Kraskov et al. suggest.

    Returns
    -------
    float
        The estimate, in nats. It is not clipped: it can be slightly negative, in particular for
        independent variables.

    Raises
    ------
    TypeError
        If ``x`` or ``y`` is not numeric, or ``k`` is not an integer.
    ValueError
        If ``x`` or ``y`` has more than 2 dimensions, NaN or infinite values; if they hold different
        numbers of samples; if ``k`` is out of range; or if k + 1 pairs coincide.

    Notes
    -----
    ``sklearn.feature_selection.mutual_info_regression`` uses the same estimator, but adds a little
    noise to the data and clips negative estimates to 0. This function does neither: the bias and
    the spread of the estimate around the true value are part of what the book shows.

    Examples
    --------
    A bivariate normal with correlation 0.9, for which :math:`I = -\tfrac12 \log(1 - 0.9^2)
    \approx 0.830`. With 20,000 pairs the estimate's standard deviation is about 0.01:

    >>> import numpy as np
    >>> from kltools.estimators import mutual_information_from_samples
    >>> rng = np.random.default_rng(0)
    >>> xy = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=20_000)
    >>> round(mutual_information_from_samples(xy[:, 0], xy[:, 1]), 3)
    0.833
    """
    x = as_samples(x, "x")
    y = as_samples(y, "y")
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(
            f"x and y must hold the same number of samples, one pair (x[i], y[i]) per draw, "
            f"but x has {n} and y has {y.shape[0]}"
        )
    k = as_int(k, "k", minimum=1)
    if k >= n:
        raise ValueError(f"k must be smaller than the number of samples ({n}), got k = {k}")
    pairs = np.hstack([x, y])
    # Neighbour k + 1 in the joint space, since the nearest is the pair itself.
    eps = cKDTree(pairs).query(pairs, k=[k + 1], p=np.inf)[0][:, 0]
    if eps.min() == 0:
        raise ValueError(
            f"more than k = {k} pairs (x[i], y[i]) coincide, so a distance is 0; the estimator is for "
            "continuous distributions (use kltools.mutual_information on a table of counts for discrete data)"
        )
    # Points within the largest double below eps are the points strictly closer than eps.
    below = np.nextafter(eps, 0)
    n_x = cKDTree(x).query_ball_point(x, below, p=np.inf, return_length=True) - 1  # minus x_i itself
    n_y = cKDTree(y).query_ball_point(y, below, p=np.inf, return_length=True) - 1
    return float(digamma(k) + digamma(n) - np.mean(digamma(n_x + 1) + digamma(n_y + 1)))


def _mismatch(draws) -> str:
    """The message for distributions P and Q of different variables."""
    shape = "scalars" if np.ndim(draws) == 1 else f"vectors of length {np.shape(draws)[-1]}"
    return f"P and Q must be distributions of the same variable, but Q cannot evaluate P's draws ({shape})"


def _log_probability(dist, name: str):
    """The ``logpdf`` or ``logpmf`` method of a frozen distribution, or a TypeError that says what to pass."""
    if callable(dist):
        # scipy.stats.norm is a family of distributions (calling it freezes one); norm(0, 1) is not callable.
        raise TypeError(
            f"{name} must be a frozen distribution, with its parameters set, such as "
            f"scipy.stats.norm(0, 1); got {dist!r}, which is a family: call it with its parameters"
        )
    if hasattr(dist, "rvs"):
        for method in ("logpdf", "logpmf"):
            if hasattr(dist, method):
                return getattr(dist, method)
    raise TypeError(
        f"{name} must be a frozen scipy.stats distribution such as scipy.stats.norm(0, 1), with rvs and "
        f"logpdf (or logpmf) methods; got {type(dist).__name__}"
    )
