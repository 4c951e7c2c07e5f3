"""Elementary functions evaluated without cancellation.

Divergences between nearly equal distributions are small differences of large terms. The
functions here compute the few quantities that such formulas reduce to, accurate to a few units
in the last place even when their argument is tiny:

- :math:`\\varphi(d) = (1 + d)\\log(1 + d) - d \\ge 0`, the divergence of a point mass ratio:
  :math:`D(P \\| Q) = \\sum_x q(x)\\,\\varphi(p(x)/q(x) - 1)`.
- :math:`\\log(1 + x) - x` and :math:`e^x - 1 - x`, the pieces of the normal, exponential and
  Laplace divergences (:func:`log1pmx`, :func:`expm1mx`).
- :math:`\\ln\\Gamma(a + h) - \\ln\\Gamma(a) - h\\,\\psi(a)`, from which the Gamma, Beta and
  Dirichlet divergences are built (:func:`lgamma_bregman`).

Each uses the direct formula where it is accurate and its Taylor series where it is not. Each
checks its argument (a NaN, or a value outside the function's domain, raises ``ValueError``);
kltools' own modules call the unchecked versions (``_phi_over_d``), whose inputs they have checked.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from kltools.validation import as_float_array

# phi(d) / d**2 = 1/2 - d/6 + d**2/12 - ... = sum over k >= 2 of (-1)**k d**(k-2) / (k (k-1)).
_SERIES = [(-1) ** k / (k * (k - 1)) for k in range(2, 14)]
# _RADIUS[m]: the largest |d| for which the series cut after d**m is exact to 2**-56 relative.
_RADIUS = [(2.0**-56 * 0.5 * (m + 2) * (m + 3)) ** (1 / (m + 1)) for m in range(len(_SERIES) - 1)]
# Below this |d| the series is used; above it the direct formula loses at most 2 eps / |d| = 2e-14.
_SERIES_CUTOFF = 0.02


def _checked(x: ArrayLike, name: str, *, at_least: float | None = None, above: float | None = None,
             finite: bool = False) -> np.ndarray:
    """``x`` as a float array, or a ValueError that names it: NaN, or outside the domain."""
    arr = as_float_array(x, name)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    if at_least is not None and (arr < at_least).any():
        raise ValueError(f"{name} must be >= {at_least:g}, got {float(arr.min()):g}")
    if above is not None and (arr <= above).any():
        raise ValueError(f"{name} must be > {above:g}, got {float(arr.min()):g}")
    return arr


def phi_over_d(d: ArrayLike) -> np.ndarray:
    """:math:`\\varphi(d)/d`, where :math:`\\varphi(d) = (1 + d)\\log(1 + d) - d`, for finite d >= -1.

    Accurate to a few units in the last place for every d: where ``|d| < 0.02`` the subtraction
    in ``(1 + d) * log1p(d) - d`` would cancel, so the Taylor series is summed instead, with just
    as many terms as the largest ``|d|`` needs. (At ``d = 0`` the value is 0; at ``d = inf``,
    which a ratio of floats can reach, it is NaN, and callers must handle it.)

    >>> import numpy as np
    >>> from kltools.stable import phi_over_d
    >>> d = np.array([-1.0, -1e-9, 0.0, 1e-9, 0.5])
    >>> [float(f"{v:.6g}") for v in phi_over_d(d) * d]
    [1.0, 5e-19, 0.0, 5e-19, 0.108198]
    >>> round(float(phi_over_d(0.5)), 12)  # (1.5 log 1.5 - 0.5) / 0.5
    0.216395324324
    """
    d = _checked(d, "d", at_least=-1.0, finite=True)
    out = _phi_over_d(np.atleast_1d(d))
    return out.reshape(d.shape)[()] if d.ndim == 0 else out


def _phi_over_d(d: np.ndarray) -> np.ndarray:
    """:func:`phi_over_d` without the checks, for 1-D or larger arrays (inf gives NaN)."""
    largest = max(d.max(initial=0.0), -d.min(initial=0.0))
    if largest < _SERIES_CUTOFF:
        return _phi_over_d_series(d, largest)
    # ((1 + d) L - d) / d with L = log1p(d), rearranged as L / d + L - 1 so that it cannot
    # overflow for huge d (q far below p); it is equally accurate at the cutoff (|d| = 0.02).
    with np.errstate(divide="ignore", invalid="ignore"):
        log1p_d = np.log1p(d)
        out = log1p_d / d
        out += log1p_d
        out -= 1.0
    np.copyto(out, -1.0, where=d == -1)  # p = 0: the term is q, and phi(-1) / -1 = -1
    size = np.abs(d)
    small = size < _SERIES_CUTOFF
    if small.any():
        series = _phi_over_d_series(np.where(small, d, 0.0), size.max(where=small, initial=0.0))
        np.copyto(out, series, where=small)
    return out


def _phi_over_d_series(d: np.ndarray, largest: float) -> np.ndarray:
    """phi(d) / d = d/2 - d**2/6 + d**3/12 - ..., with just enough terms for |d| <= largest."""
    degree = int(np.searchsorted(_RADIUS, largest))
    out = d * _SERIES[degree]
    for coefficient in reversed(_SERIES[:degree]):
        out += coefficient
        out *= d
    return out


def _polynomial(x: np.ndarray, coefficients: list[float], radius: list[float], largest: float) -> np.ndarray:
    """c0 + c1 x + c2 x**2 + ..., cut after the first degree whose ``radius`` covers ``largest``."""
    degree = int(np.searchsorted(radius, largest))
    out = np.full_like(x, coefficients[degree])
    for coefficient in reversed(coefficients[:degree]):
        out *= x
        out += coefficient
    return out


def _direct_or_series(x: ArrayLike, direct, coefficients: list[float], radius: list[float], cutoff: float):
    """``direct`` (the formula's values) where ``|x| >= cutoff``; ``x**2 (c0 + c1 x + ...)`` below."""
    x = np.asarray(x, dtype=float)
    size = np.abs(x)
    small = size < cutoff
    out = np.asarray(direct, dtype=float)
    if small.any():
        x_small = np.where(small, x, 0.0)
        largest = size.max(where=small, initial=0.0)
        series = x_small * x_small * _polynomial(x_small, coefficients, radius, largest)
        out = np.where(small, series + 0.0, out)  # + 0.0 turns -0.0 (at x = 0) into 0.0
    return out[()] if out.ndim == 0 else out


# log1p(x) - x = x**2 (-1/2 + x/3 - x**2/4 + ...) = x**2 * sum over j >= 0 of (-1)**(j+1) x**j / (j+2).
_LOG1PMX_SERIES = [(-1) ** (j + 1) / (j + 2) for j in range(18)]
# Largest |x| for which the series cut after x**m is exact to 2**-56: |x|**(m+1) / (m+3) <= 2**-56 / 2.
_LOG1PMX_RADIUS = [(2.0**-56 * (m + 3) / 2) ** (1 / (m + 1)) for m in range(len(_LOG1PMX_SERIES) - 1)]
# Above this |x| the direct log1p(x) - x loses at most about 2 eps / |x| = 4.4e-15 relative.
_LOG1PMX_CUTOFF = 0.1


def log1pmx(x: ArrayLike) -> np.ndarray:
    """:math:`\\log(1 + x) - x \\le 0`, for x > -1 (``-inf`` at x = -1).

    With :math:`r = 1 + x`, :math:`-\\mathrm{log1pmx}(r - 1) = r - 1 - \\log r \\ge 0` is the
    divergence of two exponential distributions whose means have the ratio r, and the variance
    term of two normal ones. Where ``|x| < 0.1`` the difference ``log1p(x) - x`` would cancel, so
    the Taylor series :math:`-x^2/2 + x^3/3 - \\dots` is summed instead, with just as many terms as
    the largest such ``|x|`` needs; elsewhere the direct formula is accurate.

    >>> import numpy as np
    >>> from kltools.stable import log1pmx
    >>> [float(f"{v:.6g}") for v in log1pmx(np.array([-1e-9, 0.0, 1e-5, 1.0]))]
    [-5e-19, 0.0, -4.99997e-11, -0.306853]
    >>> float(log1pmx(-1.0))
    -inf
    """
    x = _checked(x, "x", at_least=-1.0, finite=True)
    with np.errstate(divide="ignore"):
        direct = np.log1p(x) - x
    return _direct_or_series(x, direct, _LOG1PMX_SERIES, _LOG1PMX_RADIUS, _LOG1PMX_CUTOFF)


# expm1(x) - x = x**2 (1/2 + x/6 + x**2/24 + ...) = x**2 * sum over j >= 0 of x**j / (j+2)!.
_EXPM1MX_SERIES = [1 / math.factorial(j + 2) for j in range(16)]
# Largest |x| for which the series cut after x**m is exact to 2**-56: |x|**(m+1) / (m+3)! <= 2**-56 / 2.
_EXPM1MX_RADIUS = [
    (2.0**-56 * math.factorial(m + 3) / 2) ** (1 / (m + 1)) for m in range(len(_EXPM1MX_SERIES) - 1)
]
# Above this |x| the direct expm1(x) - x loses at most a factor 4 to cancellation: 5e-16 relative.
_EXPM1MX_CUTOFF = 0.5


def expm1mx(x: ArrayLike) -> np.ndarray:
    """:math:`e^x - 1 - x \\ge 0`.

    With x = -t, :math:`e^{-t} - 1 + t` is the term of the divergence of two Laplace
    distributions whose centres are t scale units apart. Where ``|x| < 0.5`` the difference
    ``expm1(x) - x`` would cancel, so the Taylor series :math:`x^2/2 + x^3/6 + \\dots` is summed
    instead, with just as many terms as the largest such ``|x|`` needs.

    >>> import numpy as np
    >>> from kltools.stable import expm1mx
    >>> [float(f"{v:.6g}") for v in expm1mx(np.array([-30.0, -1e-9, 0.0, 1e-5, 1.0]))]
    [29.0, 5e-19, 0.0, 5.00002e-11, 0.718282]
    """
    x = _checked(x, "x")
    with np.errstate(over="ignore", invalid="ignore"):
        direct = np.where(np.isinf(x), np.inf, np.expm1(x) - x)
    return _direct_or_series(x, direct, _EXPM1MX_SERIES, _EXPM1MX_RADIUS, _EXPM1MX_CUTOFF)


# lgamma_bregman works with a >= _SHIFTED_START (smaller a are shifted up by the recurrence), sums
# the Taylor series where |h| / a < _LGAMMA_SERIES_CUTOFF, and uses Stirling's formula elsewhere,
# with Stirling's series for R(x) where x >= _STIRLING_START.
_SHIFTED_START = 20.0
_STIRLING_START = 10.0
_LGAMMA_SERIES_CUTOFF = 0.25
# Stirling's series lnΓ(x) = (x - 1/2) log x - x + log(2π)/2 + R(x), R(x) = sum over k >= 1 of
# B_2k / (2k (2k - 1) x**(2k - 1)) (Abramowitz and Stegun 6.1.40); for x >= 10 these eight terms
# leave out less than 2e-18.
_STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400]
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def lgamma_bregman(a: ArrayLike, h: ArrayLike) -> np.ndarray:
    """:math:`G(a, h) = \\ln\\Gamma(a + h) - \\ln\\Gamma(a) - h\\,\\psi(a) \\ge 0`, for a > 0 and a + h > 0.

    The Bregman divergence of the convex function :math:`\\ln\\Gamma` between a + h and a: the
    Gamma, Beta and Dirichlet divergences are sums of these. The step h is an argument of its own
    so that callers can pass a difference of parameters computed exactly (``a2 - a1``), rather than
    a rounded sum ``a + h``. The direct formula subtracts numbers much larger than the result
    (about :math:`a \\log a` against :math:`h^2 / (2a)`); instead G is built from pieces that
    are each :math:`\\ge 0` and computed without cancellation:

    - For a < 20, the recurrences :math:`\\ln\\Gamma(a) = \\ln\\Gamma(a + 1) - \\log a` and
      :math:`\\psi(a) = \\psi(a + 1) - 1/a` give
      :math:`G(a, h) = G(a + 1, h) - \\mathrm{log1pmx}(h / a)`, applied until a >= 20.
    - Where :math:`|h| < a/4`, the Taylor series
      :math:`G = \\sum_{k \\ge 2} \\psi^{(k-1)}(a)\\, h^k / k! = \\sum_{k \\ge 2} (-h)^k \\zeta(k, a) / k`,
      with :math:`\\psi^{(k-1)}(a) = (-1)^k (k-1)!\\, \\zeta(k, a)` (Hurwitz zeta; Abramowitz and
      Stegun 6.4.10). Successive terms shrink by a factor :math:`|h|/a` or more, which fixes how many the
      largest :math:`|h|/a` needs.
    - Elsewhere, Stirling's formula :math:`\\ln\\Gamma(x) = (x - \\tfrac12)\\log x - x +
      \\tfrac12 \\log 2\\pi + R(x)` turns G into
      :math:`a\\,\\varphi(h/a) - \\tfrac12 \\mathrm{log1pmx}(h/a) + [R(a + h) - R(a) - h R'(a)]`,
      three non-negative pieces (R is convex), of which the first dominates.

    The result is accurate to a few units in the last place for every a and h.

    >>> from kltools.stable import lgamma_bregman
    >>> float(f"{lgamma_bregman(3.0, 1e-8):.6g}")  # ψ'(3) h²/2, ψ'(3) = π²/6 - 5/4 = 0.394934
    1.97467e-17
    >>> float(f"{lgamma_bregman(1.0, 1.0):.6g}")  # lnΓ(2) - lnΓ(1) + γ = 0.577216
    0.577216
    """
    a = _checked(a, "a", above=0.0, finite=True)
    h = _checked(h, "h", finite=True)
    if ((a + h) <= 0).any():
        raise ValueError("a + h must be > 0: lnΓ is defined for positive arguments")
    a, h = np.broadcast_arrays(a, h)
    shape = a.shape
    a, h = a.ravel(), h.ravel()
    out = np.zeros(a.shape)
    b = a + h  # exact where it matters: where b < a / 2 (Sterbenz)
    # Shift a up to 20 or more: G(a, h) = G(a + 1, h) - log1pmx(h / a), repeatedly.
    steps = np.ceil(np.maximum(_SHIFTED_START - a, 0.0))
    j = np.arange(steps.max(initial=0.0))[:, None]
    out -= np.where(j < steps, _log1pmx_of_ratio(a + j, b + j, h), 0.0).sum(axis=0)
    a, b = a + steps, b + steps
    ratio = h / a
    small = np.abs(ratio) < _LGAMMA_SERIES_CUTOFF
    with np.errstate(over="ignore", invalid="ignore"):
        series = _lgamma_bregman_series(a[small], ratio[small])
    # a**k overflows in the series for a above about 1e10, where Stirling's form is accurate.
    stirling = ~small
    stirling[small] = ~np.isfinite(series)
    big = np.zeros(a.shape)
    big[small] = series
    if stirling.any():
        big[stirling] = _lgamma_bregman_stirling(a[stirling], b[stirling], h[stirling])
    out += big
    return out.reshape(shape)[()]


def _lgamma_bregman_series(a: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """sum over k >= 2 of (-ratio)**k a**k zeta(k, a) / k, for 1-D arrays with |ratio| < 1/4."""
    largest = np.abs(ratio).max(initial=0.0)
    if largest == 0:
        return np.zeros_like(a)
    # Terms shrink by a factor |ratio| or more; for h > 0 they alternate, and their sum is at
    # least (1 - 2 |ratio| / 3) times the first. Keep terms until the rest is below 2**-56 of it.
    rest = 2.0**-56 * (1 - largest) * (1 - 2 * largest / 3)
    last = 2 + max(0, math.ceil(math.log(rest) / math.log(largest)))
    k = np.arange(last, 1, -1)[:, None]  # the smallest terms first
    scaled_zeta = a**k * special.zeta(k, a)  # of order a / (k - 1)
    return ((-ratio) ** k * scaled_zeta / k).sum(axis=0)


def _lgamma_bregman_stirling(a: np.ndarray, b: np.ndarray, h: np.ndarray) -> np.ndarray:
    """G(a, h) = a phi(h/a) - log1pmx(h/a)/2 + R(b) - R(a) - h R'(a), b = a + h, for a >= 20."""
    ratio = h / a
    small_b = b < _STIRLING_START  # then G > a phi(-1/2) > 3, and R(b) needs no care
    remainder_b = _stirling_remainder(np.maximum(b, _STIRLING_START))
    if small_b.any():
        bs = b[small_b]
        remainder_b[small_b] = special.gammaln(bs) - (bs - 0.5) * np.log(bs) + bs - _HALF_LOG_2PI
    # R'(a) = -sum over k of (2k - 1) c_k / a**(2k), with R(a) = sum over k of c_k / a**(2k - 1).
    slope = -sum((2 * k + 1) * c / a ** (2 * k + 2) for k, c in enumerate(_STIRLING))
    remainder_part = remainder_b - _stirling_remainder(a) - h * slope
    # a phi(h/a) = b log(b/a) - h; where b/a >= 1/2, h/a is accurate and it is h phi_over_d(h/a).
    below = ratio < -0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        main = np.where(below, b * np.log(b / a) - h, h * phi_over_d(np.where(below, 0.0, ratio)))
    return main - 0.5 * _log1pmx_of_ratio(a, b, h) + remainder_part


def _log1pmx_of_ratio(a: np.ndarray, b: np.ndarray, h: np.ndarray) -> np.ndarray:
    """log1pmx(h / a) = log(b / a) - h / a, for b = a + h, from b where b / a < 1/2.

    There 1 + h/a would lose digits to the rounding of h / a, while b is exact (Sterbenz).
    """
    ratio = h / a
    below = ratio < -0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(below, np.log(b / a) - ratio, log1pmx(np.where(below, 0.0, ratio)))


def _stirling_remainder(x: np.ndarray) -> np.ndarray:
    """R(x) = lnΓ(x) - (x - 1/2) log x + x - log(2π)/2, by Stirling's series, for x >= 10."""
    inverse_square = 1 / (x * x)
    out = np.full_like(x, _STIRLING[-1])
    for coefficient in reversed(_STIRLING[:-1]):
        out *= inverse_square
        out += coefficient
    return out / x
