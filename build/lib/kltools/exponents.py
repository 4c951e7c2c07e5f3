"""Error exponents of hypothesis tests: Chernoff information and the I-projection.

Two quantities that large-deviation theory attaches to discrete distributions:

- the **Chernoff information** :math:`C(P, Q) = -\\min_{0 \\le \\lambda \\le 1} \\log \\sum_x
  p(x)^\\lambda q(x)^{1 - \\lambda}`, the exponent of the smallest Bayes error of a test between
  :math:`P` and :math:`Q` (Chernoff 1952; Cover and Thomas 2006, section 11.9);
- the **I-projection** of :math:`P` onto the distributions that satisfy linear constraints
  :math:`\\sum_x Q(x)\\, a(x) = b`, the :math:`Q` that minimizes :math:`D(Q \\| P)` among them
  (Csiszár 1975), which is the exponent of Sanov's theorem and the limit of the conditional
  limit theorem.

Near :math:`P = Q` the Chernoff information is of second order in :math:`P - Q`, and the textbook
expression :math:`-\\log \\sum_x p^\\lambda q^{1-\\lambda}` is the logarithm of a number within
rounding of 1. :func:`chernoff_information` instead writes
:math:`1 - \\sum_x p^\\lambda q^{1-\\lambda}` as a sum of non-negative terms
:math:`\\lambda p + (1 - \\lambda) q - p^\\lambda q^{1 - \\lambda}` (the weighted inequality of the
arithmetic and geometric means), each evaluated without cancellation by :mod:`kltools.stable`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

from kltools.discrete import kl
from kltools.stable import expm1mx, log1pmx, phi_over_d
from kltools.validation import as_float_array, as_int, as_pmf, as_pmf_pair, log_base

__all__ = ["ChernoffResult", "IProjection", "chernoff_information", "i_projection"]


class ChernoffResult(NamedTuple):
    """What :func:`chernoff_information` returns: the information and the optimal exponent."""

    information: float | np.ndarray  # C(P, Q), in the unit of ``base``
    lam: float | np.ndarray  # the lambda in [0, 1] that attains the minimum


class IProjection(NamedTuple):
    """What :func:`i_projection` returns: the projection, its tilt and its divergence from p."""

    q: np.ndarray  # the I-projection Q*, a probability vector
    theta: np.ndarray  # Q*(x) is proportional to p(x) exp(theta . a(x))
    divergence: float  # D(Q* || P), in nats


def _amgm_gap(small: np.ndarray, big: np.ndarray, mu: float) -> np.ndarray:
    """g = 1 + mu (r - 1) - r**mu >= 0 for r = small / big in [0, 1] (big > 0) and mu in [0, 1].

    With d = r - 1, computed as (small - big) / big (the difference of two nearby floats is exact,
    while r - 1 would carry the rounding error of r, which is large next to d**2), and L = log r
    (as log1p(d) where r >= 1/2): for mu <= 1/2, g = -mu log1pmx(d) - expm1mx(mu L) where
    |d| < 1/2 and g = mu d - expm1(mu L) elsewhere; for mu > 1/2, with nu = 1 - mu,
    g = nu phi(d) - r expm1mx(-nu L), phi(d) = (1 + d) log1p(d) - d. In each form the two terms
    differ by a factor of at least about 2, so nothing cancels. At r = 0 the value is 1 - mu
    (the convention 0**0 = 0, the limit of r**mu as mu decreases to 0).
    """
    zero = small == 0
    small = np.where(zero, big, small)  # placeholders (r = 1); the value 1 - mu is set at the end
    r = small / big
    d = (small - big) / big
    near = r >= 0.5
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_r = np.where(near, np.log1p(np.where(near, d, 0.0)), np.log(r))
        if mu <= 0.5:
            d_near, log_near = np.where(near, d, 0.0), np.where(near, log_r, 0.0)
            g = np.where(near, -mu * log1pmx(d_near) - expm1mx(mu * log_near), mu * d - np.expm1(mu * log_r))
        else:
            nu = 1.0 - mu
            g = nu * d * phi_over_d(d) - r * expm1mx(-nu * log_r)
    return np.where(zero, 1.0 - mu, np.maximum(g, 0.0))


def _chernoff_objective(p: np.ndarray, q: np.ndarray, lam: float) -> float:
    """F(lam) = -log sum p**lam q**(1-lam), for p and q normalized exactly (1-D arrays)."""
    # a, c: the sums' distances from 1, to a relative eps (fsum rounds the exact sum once).
    a, c = math.fsum([*p, -1.0]), math.fsum([*q, -1.0])
    both = (p > 0) & (q > 0)
    if not both.any():
        log_sum = -np.inf
    elif lam in (0.0, 1.0):  # the limits: -log Q(supp P) at 0, -log P(supp Q) at 1
        log_sum = np.log(math.fsum((q if lam == 0.0 else p)[both]))
    else:
        log_sum = special.logsumexp(lam * np.log(p[both]) + (1.0 - lam) * np.log(q[both]))
    if log_sum < -0.7:  # the sum is below 1/2: its logarithm, taken directly, is accurate
        return float(-log_sum + lam * np.log1p(a) + (1.0 - lam) * np.log1p(c))
    big = np.where(p >= q, p, q)
    keep = big > 0
    p_big = (p >= q)[keep]
    big = big[keep]
    small = np.where(p_big, q[keep], p[keep])
    gaps = np.empty_like(big)
    # Where p >= q the smaller entry q carries the exponent 1 - lam; elsewhere p carries lam.
    gaps[p_big] = _amgm_gap(small[p_big], big[p_big], 1.0 - lam)
    gaps[~p_big] = _amgm_gap(small[~p_big], big[~p_big], lam)
    gap = float(np.sum(big * gaps))  # sum of lam p + (1 - lam) q - p**lam q**(1 - lam), all >= 0
    mean = 1.0 + lam * a + (1.0 - lam) * c
    # sum p**lam q**(1-lam) = mean - gap exactly. Dividing it by the sums' weighted geometric mean
    # (1 + a)**lam (1 + c)**(1 - lam) normalizes p and q exactly; that changes F by the Jensen gap
    # log(mean) - lam log1p(a) - (1 - lam) log1p(c) ~ lam (1 - lam) (a - c)**2 / 2, written so
    # that its first-order parts cancel exactly.
    x1, x2 = (1.0 - lam) * (c - a) / (1.0 + a), lam * (a - c) / (1.0 + c)
    jensen = (lam * (1.0 - lam) * (c - a) ** 2 / ((1.0 + a) * (1.0 + c))
              + lam * float(log1pmx(x1)) + (1.0 - lam) * float(log1pmx(x2)))
    return float(-np.log1p(-gap / mean) - jensen)


def _chernoff_1d(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    if np.array_equal(p, q):
        return 0.0, 0.5
    mid = _chernoff_objective(p, q, 0.5)
    if np.isinf(mid):  # disjoint supports: every lam in (0, 1) gives the same infinite value
        return np.inf, 0.5
    found = optimize.minimize_scalar(lambda lam: -_chernoff_objective(p, q, lam), bounds=(0.0, 1.0),
                                     method="bounded", options={"xatol": 1e-12})
    # F is concave on [0, 1]; the ends are compared too, where the optimum may lie.
    candidates = [(-found.fun, float(found.x)), (mid, 0.5),
                  (_chernoff_objective(p, q, 0.0), 0.0), (_chernoff_objective(p, q, 1.0), 1.0)]
    value, lam = max(candidates)
    return max(value, 0.0), lam


def chernoff_information(p: ArrayLike, q: ArrayLike, *, axis: int = -1,
                         base: float | None = None) -> ChernoffResult:
    r"""Chernoff information :math:`C(P, Q)` of two discrete distributions, and its optimal :math:`\lambda`.

    .. math:: C(P, Q) = -\min_{0 \le \lambda \le 1} \log \sum_x p(x)^\lambda\, q(x)^{1 - \lambda},

    the exponent of the smallest Bayes error of a test between :math:`P` and :math:`Q` from
    :math:`n` independent observations, :math:`P_e^{(n)} = e^{-n C + o(n)}` whatever the prior
    probabilities (Chernoff 1952; Cover and Thomas 2006, theorem 11.9.1). It is symmetric in its
    arguments, zero exactly when :math:`P = Q`, and at most
    :math:`\min(D(P \| Q), D(Q \| P))`; at :math:`\lambda = 1/2` the sum is the Bhattacharyya
    coefficient. Terms with :math:`p(x) = 0` or :math:`q(x) = 0` follow the limit
    :math:`\lambda \to 0` or :math:`1` (so that :math:`0^0 = 0`).

    Parameters
    ----------
    p, q : array_like
        Probability vectors along ``axis``: finite, non-negative, summing to 1 (within
        ``sqrt(eps)``); other axes broadcast, as in NumPy. Inputs whose sums differ from 1 in the
        last bits are treated as if they had been normalized exactly.
    axis : int, optional
        The axis that holds the outcomes. Default: the last.
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    ChernoffResult
        A named tuple ``(information, lam)``: :math:`C(P, Q)` (``inf`` if the supports are
        disjoint) and the :math:`\lambda \in [0, 1]` at which the minimum is attained (``0.5``
        when :math:`P = Q` or the supports are disjoint, where every :math:`\lambda` does). Floats
        for two vectors, arrays of the broadcast batch shape otherwise.

    Raises
    ------
    TypeError
        If ``p`` or ``q`` is not numeric.
    ValueError
        If ``p`` or ``q`` holds NaN, infinite or negative entries, does not sum to 1, is empty,
        or if the shapes do not match.

    Notes
    -----
    The sum is written as :math:`1 - \sum_x g_x` with
    :math:`g_x = \lambda p + (1 - \lambda) q - p^\lambda q^{1 - \lambda} \ge 0`, each term computed
    from the ratio of the smaller to the larger probability without cancellation, so that the
    result keeps its relative precision when :math:`Q` is within :math:`10^{-8}` of :math:`P`,
    where :math:`C \approx \chi^2(P, Q)/8 \approx D(P \| Q)/4`. The minimum over :math:`\lambda`
    (of a convex function) is found by bounded Brent search.

    Examples
    --------
    >>> from kltools import chernoff_information, kl
    >>> result = chernoff_information([0.5, 0.5], [0.9, 0.1])
    >>> round(float(result.information), 6), round(float(result.lam), 4)
    (0.112377, 0.5416)
    >>> bool(result.information <= min(kl([0.5, 0.5], [0.9, 0.1]), kl([0.9, 0.1], [0.5, 0.5])))
    True
    >>> chernoff_information([[1.0, 0.0], [0.5, 0.5]], [0.0, 1.0]).information
    array([       inf, 0.69314718])
    """
    p, q = as_pmf_pair(p, q, axis=axis)
    divisor = log_base(base)
    p, q = np.moveaxis(p, axis, -1), np.moveaxis(q, axis, -1)
    batch = p.shape[:-1]
    flat_p, flat_q = p.reshape(-1, p.shape[-1]), q.reshape(-1, q.shape[-1])
    values, lams = np.empty(len(flat_p)), np.empty(len(flat_p))
    for i, (pi, qi) in enumerate(zip(flat_p, flat_q, strict=True)):
        values[i], lams[i] = _chernoff_1d(pi, qi)
    values /= divisor
    if batch == ():
        return ChernoffResult(float(values[0]), float(lams[0]))
    return ChernoffResult(values.reshape(batch), lams.reshape(batch))


def _tilted(p: np.ndarray, a: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The distribution proportional to p exp(theta . a(x)) on the support of p (shifted: no overflow)."""
    s = theta @ a
    s = s - s.max()
    w = p * np.exp(s)
    return w / w.sum()


def _check_interior(av: np.ndarray, b: np.ndarray) -> None:
    """Raise ValueError unless some Q > 0 on the support (columns of av) has av Q = b.

    A linear programme: the largest t with Q >= t, sum Q = 1, av Q = b. If it is infeasible, b lies
    outside the convex hull of the columns; if t is 0, on its boundary, where theta is infinite.
    """
    k, m = av.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0  # maximize t
    equalities = np.zeros((k + 1, m + 1))
    equalities[:k, :m], equalities[k, :m] = av, 1.0
    upper = np.hstack([-np.eye(m), np.ones((m, 1))])  # t - Q(x) <= 0
    found = optimize.linprog(cost, A_ub=upper, b_ub=np.zeros(m), A_eq=equalities,
                             b_eq=np.append(b, 1.0), bounds=[(0, None)] * m + [(None, 1)], method="highs")
    if found.status == 2:
        raise ValueError("no distribution on the support of p meets the constraints a Q = b: b lies outside "
                         "the convex hull of the columns of a (over the support of p); check a and b")
    if found.status != 0 or -found.fun <= 1e-12:
        raise ValueError("no distribution that is positive wherever p is meets the constraints a Q = b: "
                         "b lies on the boundary of the convex hull of the columns of a (over the support "
                         "of p), where the tilt theta would be infinite; move b inside, or drop the outcomes "
                         "that must get probability 0 from p and a")


def i_projection(p: ArrayLike, a: ArrayLike, b: ArrayLike, *, tol: float = 1e-12,
                 max_iter: int = 200) -> IProjection:
    r"""The I-projection of :math:`P` onto the distributions :math:`Q` with :math:`\sum_x Q(x)\, a(x) = b`.

    .. math:: Q^* = \operatorname*{arg\,min}_{Q \,:\, \mathbb{E}_Q[a] = b} D(Q \| P),
       \qquad Q^*(x) = \frac{p(x)\, e^{\theta \cdot a(x)}}{\sum_y p(y)\, e^{\theta \cdot a(y)}},

    where :math:`\theta` solves the moment equations :math:`\mathbb{E}_{Q^*}[a] = b` (Csiszár 1975;
    Cover and Thomas 2006, section 11.5). It is the exponent of Sanov's theorem for the set
    :math:`\{Q : \mathbb{E}_Q[a] \ge b\}` when :math:`b` lies above :math:`\mathbb{E}_P[a]`, and the
    limit of the conditional limit theorem.

    Parameters
    ----------
    p : array_like
        One probability vector of length ``n``.
    a : array_like
        The constraint functions, shape ``(k, n)``: row ``j`` holds :math:`a_j(x)` for every
        outcome ``x`` (a 1-D array of length ``n`` is one constraint).
    b : array_like
        The required means, shape ``(k,)`` (a number for one constraint).
    tol : float, optional
        Stop when every moment equation holds to ``tol`` times the largest :math:`|a_j(x)|`
        (and at least 1). Default ``1e-12``.
    max_iter : int, optional
        Newton steps allowed. Default 200.

    Returns
    -------
    IProjection
        A named tuple ``(q, theta, divergence)``: :math:`Q^*`, the tilt :math:`\theta` and
        :math:`D(Q^* \| P)` in nats.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If ``p`` is not a probability vector, the shapes do not match, an entry of ``a`` or ``b``
        is not finite, or no distribution that is positive on the support of ``p`` meets the
        constraints (``b`` outside the convex hull of the values :math:`a(x)`, or on its boundary,
        where :math:`\theta` would be infinite).

    Notes
    -----
    :math:`\theta` minimizes the convex function :math:`\log \sum_x p(x) e^{\theta \cdot a(x)} -
    \theta \cdot b`, whose gradient is :math:`\mathbb{E}_\theta[a] - b` and whose Hessian is the
    covariance of :math:`a` under the tilted distribution; Newton's method with backtracking finds
    it. Linearly dependent constraints are allowed (the Newton step is a least-squares solution).

    Examples
    --------
    The fair die, tilted to average 4.5 instead of 3.5:

    >>> import numpy as np
    >>> from kltools import i_projection
    >>> result = i_projection(np.full(6, 1 / 6), np.arange(1, 7), 4.5)
    >>> np.round(result.q, 4)
    array([0.0544, 0.0788, 0.1142, 0.1654, 0.2398, 0.3475])
    >>> round(result.divergence, 6)
    0.178178
    """
    p = as_pmf(p, "p")
    if p.ndim != 1:
        raise ValueError(f"p must be one probability vector (1-D), got shape {p.shape}")
    a = as_float_array(a, "a")
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != p.size:
        raise ValueError(f"a must have shape (k, {p.size}): one row of values a_j(x) per constraint, "
                         f"got shape {a.shape}")
    b = np.atleast_1d(as_float_array(b, "b"))
    if b.shape != (a.shape[0],):
        raise ValueError(f"b must hold one required mean per row of a ({a.shape[0]}), got shape {b.shape}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("a and b must be finite")
    if not (isinstance(tol, float | int) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    max_iter = as_int(max_iter, "max_iter", minimum=1)
    support = p > 0
    ps, av = p[support], a[:, support]
    _check_interior(av, b)
    scale = max(1.0, float(np.abs(a).max()))
    theta = np.zeros(a.shape[0])

    def dual(t):
        s = t @ av
        top = s.max()
        return top + np.log(np.sum(ps * np.exp(s - top))) - t @ b

    def moment_error(t):
        qs = _tilted(ps, av, t)
        return qs, av @ qs - b

    def newton_step(qs, grad):
        centred = av - (av @ qs)[:, None]
        return np.linalg.lstsq((centred * qs) @ centred.T, -grad, rcond=None)[0]

    def result(t):
        q = np.zeros_like(p)
        q[support] = _tilted(ps, av, t)
        return IProjection(q, t, float(kl(q, p)))

    for _ in range(max_iter):
        qs, grad = moment_error(theta)
        size = np.abs(grad).max()
        if size <= tol * scale:
            # Newton converges quadratically: two more full steps take the moments to rounding level.
            for _ in range(2):
                trial = theta + newton_step(qs, grad)
                trial_qs, trial_grad = moment_error(trial)
                if not np.abs(trial_grad).max() < np.abs(grad).max():
                    break
                theta, qs, grad = trial, trial_qs, trial_grad
            return result(theta)
        step = newton_step(qs, grad)
        current, t = dual(theta), 1.0
        # The full step is taken when it halves the moment error (near the solution, where the
        # dual is flat to rounding, that is the test that can still tell); else backtracking on
        # the dual (Armijo).
        if not np.abs(moment_error(theta + step)[1]).max() < size / 2:
            while t > 1e-12 and not dual(theta + t * step) <= current + 1e-4 * t * (grad @ step):
                t /= 2
            if t <= 1e-12:
                break
        theta = theta + t * step
    raise ValueError(f"the moment equations did not converge in {max_iter} Newton steps (largest error "
                     f"{size:.3g}); the constraints may be badly scaled: rescale the rows of a and b")
