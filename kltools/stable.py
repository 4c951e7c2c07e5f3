"""Elementary functions evaluated without cancellation.

Divergences between nearly equal distributions are small differences of large terms. The
functions here compute the few quantities that such formulas reduce to, accurate to a few units
in the last place even when their argument is tiny:

- :math:`\\varphi(d) = (1 + d)\\log(1 + d) - d \\ge 0`, the divergence of a point mass ratio:
  :math:`D(P \\| Q) = \\sum_x q(x)\\,\\varphi(p(x)/q(x) - 1)`.

Each uses the direct formula where it is accurate and its Taylor series where it is not.
"""

from __future__ import annotations

import numpy as np

# phi(d) / d**2 = 1/2 - d/6 + d**2/12 - ... = sum over k >= 2 of (-1)**k d**(k-2) / (k (k-1)).
_SERIES = [(-1) ** k / (k * (k - 1)) for k in range(2, 14)]
# _RADIUS[m]: the largest |d| for which the series cut after d**m is exact to 2**-56 relative.
_RADIUS = [(2.0**-56 * 0.5 * (m + 2) * (m + 3)) ** (1 / (m + 1)) for m in range(len(_SERIES) - 1)]
# Below this |d| the series is used; above it the direct formula loses at most 2 eps / |d| = 2e-14.
_SERIES_CUTOFF = 0.02


def phi_over_d(d: np.ndarray) -> np.ndarray:
    """:math:`\\varphi(d)/d`, where :math:`\\varphi(d) = (1 + d)\\log(1 + d) - d`, for arrays of d >= -1.

    Accurate to a few units in the last place for every d: where ``|d| < 0.02`` the subtraction
    in ``(1 + d) * log1p(d) - d`` would cancel, so the Taylor series is summed instead, with just
    as many terms as the largest ``|d|`` needs. (At ``d = 0`` the value is 0; at ``d = inf``,
    which a ratio of floats can reach, it is NaN, and callers must handle it.)

    >>> import numpy as np
    >>> from kltools.stable import phi_over_d
    >>> d = np.array([-1.0, -1e-9, 0.0, 1e-9, 0.5])
    >>> [float(f"{v:.6g}") for v in phi_over_d(d) * d]
    [1.0, 5e-19, 0.0, 5e-19, 0.108198]
    """
    size = np.abs(d)
    largest = size.max(initial=0.0)
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
