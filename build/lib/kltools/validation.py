"""Checks that turn user input into probability arrays, or fail with a message that says what to do.

The public functions of kltools's array modules call these before they compute anything, so a bad
input gives a clear ``TypeError`` or ``ValueError`` naming the argument, never a silently wrong
number. (Distributions are checked by :mod:`kltools._scipy`.) :func:`as_result` gives results
their form: a Python float for one distribution, a float64 array for a batch.

A probability vector is accepted when its entries are finite and non-negative and its sum is 1
within ``sqrt(eps)`` of its floating-point type (about 1.5e-8 for float64): the same tolerance
``numpy.random.Generator.choice`` allows. Counts and other unnormalized weights are accepted with
``normalize=True``.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def shown(value) -> str:
    """``value`` as the user would type it: ``0.5`` rather than ``np.float64(0.5)``."""
    if isinstance(value, np.generic) and np.ndim(value) == 0 and value.dtype.kind in "iufb":
        value = value.item()
    return repr(value)


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float array, or raise ``TypeError`` if it is not an array of real numbers."""
    if hasattr(x, "logpdf") or hasattr(x, "logpmf"):
        raise TypeError(
            f"{name} is a scipy.stats distribution, not an array of probabilities: kltools.kl (or "
            "kl_between) compares two distributions, a distribution's entropy is its .entropy() method, "
            "and other quantities can be estimated from samples (kltools.kl_monte_carlo)"
        )
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers ({err})") from None
    if arr.dtype.kind == "f" and arr.dtype.itemsize > 8:
        raise TypeError(f"{name} has dtype {arr.dtype}; kltools computes in float64: convert it with "
                        "np.asarray(..., dtype=np.float64)")
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers, got dtype {arr.dtype}; "
            "convert it with np.asarray(..., dtype=float)"
        )
    return arr.astype(np.result_type(arr.dtype, np.float64), copy=False)


def sum_tolerance(x) -> float:
    """How far from 1 the sum of a probability vector may be: ``sqrt(eps)`` of its float type.

    About 1.5e-8 for float64 (and for integers), 3.5e-4 for float32.
    """
    dtype = np.asarray(x).dtype
    return math.sqrt(np.finfo(dtype if dtype.kind == "f" else np.float64).eps)


def as_pmf(x, name: str, *, axis: int = -1, normalize: bool = False) -> np.ndarray:
    """Check that ``x`` holds probability vectors along ``axis`` and return it as a float array.

    Raises ``TypeError`` for non-numeric input and ``ValueError`` for an empty or 0-d array, NaN,
    infinite or negative entries, or a sum that is not 1 (with ``normalize=False``) or not positive
    (with ``normalize=True``, in which case ``x`` is divided by its sum).
    """
    arr = as_float_array(x, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be an array of probabilities, got the scalar {float(arr[()]):g}")
    index = normalize_axis(axis, arr.ndim, name)
    if arr.shape[index] == 0:
        raise ValueError(f"{name} is empty along axis {axis}: a distribution needs at least one outcome")
    if arr.size == 0:  # an empty batch of distributions: nothing to check
        return arr
    # Two cheap reductions decide; the slower diagnosis runs only when something is wrong.
    # (min is NaN when an entry is NaN; the sum, or the max, is not finite when an entry is infinite.)
    if normalize:
        # Scaled by the largest entry first, so that huge counts cannot overflow the sum.
        peak = arr.max(axis=index, keepdims=True)
        if not (arr.min() >= 0 and np.isfinite(peak).all()):
            _raise_bad_entries(arr, name)
        if (peak == 0).any():
            raise ValueError(f"{name} sums to 0 along axis {axis}, so it cannot be normalized")
        arr = arr / peak
        return arr / arr.sum(axis=index, keepdims=True)
    total = arr.sum(axis=index, keepdims=True)
    if not (arr.min() >= 0 and np.isfinite(total).all()):
        _raise_bad_entries(arr, name)
    worst = np.abs(total - 1).max()
    if worst > sum_tolerance(x):
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (within {sum_tolerance(x):.1e}), "
            f"but a sum is off by {worst:.3g}; pass normalize=True to divide counts by their total"
        )
    return arr


def _raise_bad_entries(arr: np.ndarray, name: str):
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; every probability must be a number")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains an infinite entry; probabilities must be finite")
    if (arr < 0).any():
        raise ValueError(f"{name} has a negative entry ({float(arr.min())}); probabilities must be >= 0")
    raise ValueError(f"{name} sums to infinity; its entries are too large to be probabilities")


def as_pmf_pair(p, q, *, axis: int = -1, normalize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Check two arrays of probability vectors and broadcast them against each other.

    Both are validated as by :func:`as_pmf`; they must broadcast and have the same number of
    outcomes along ``axis``.
    """
    p = as_pmf(p, "p", axis=axis, normalize=normalize)
    q = as_pmf(q, "q", axis=axis, normalize=normalize)
    if p.ndim != q.ndim:
        # Line the reduction axes up as broadcasting would: leading dimensions are added.
        ndim = max(p.ndim, q.ndim)
        if axis >= 0:
            raise ValueError(
                f"p has {p.ndim} dimensions and q has {q.ndim}; with a non-negative axis they must have "
                "the same number of dimensions (use a negative axis to count from the end)"
            )
        p = p.reshape((1,) * (ndim - p.ndim) + p.shape)
        q = q.reshape((1,) * (ndim - q.ndim) + q.shape)
    if p.shape[axis] != q.shape[axis]:
        raise ValueError(
            f"p and q must have the same number of outcomes along axis {axis}, "
            f"got {p.shape[axis]} and {q.shape[axis]}"
        )
    try:
        p, q = np.broadcast_arrays(p, q)
    except ValueError:
        raise ValueError(f"p and q have shapes {p.shape} and {q.shape}, which do not broadcast") from None
    return p, q


def normalize_axis(axis, ndim: int, name: str) -> int:
    """Return ``axis`` as a non-negative index into ``ndim`` dimensions, or raise ``ValueError``."""
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an integer, got {shown(axis)}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for {name}, which has {ndim} dimension(s)")
    return int(axis) % ndim


def log_base(base) -> float:
    """Return ``log(base)``, the divisor that converts nats to the unit of ``base`` (1.0 for nats).

    ``base=None`` means natural logarithms (nats); ``base=2`` gives bits. Any other value must be a
    finite real number greater than 0 and different from 1.
    """
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, Real):
        raise TypeError(f"base must be a real number such as 2 or math.e (None for nats), got {shown(base)}")
    if not (math.isfinite(base) and base > 0 and base != 1):
        raise ValueError(f"base must be finite, positive and different from 1, got {shown(base)}")
    return math.log(base)


def as_joint_pmf(x, name: str, *, normalize: bool = False) -> np.ndarray:
    """Check that ``x`` is the joint distribution of two variables and return it as a float array.

    A joint distribution is a 2-D array of probabilities (rows: outcomes of the first variable,
    columns: outcomes of the second) whose entries, all of them together, sum to 1 within
    :func:`sum_tolerance`; with ``normalize=True``, a table of counts or weights, divided by its
    total. Raises as :func:`as_pmf` does, and ``ValueError`` if ``x`` is not 2-D.
    """
    arr = as_float_array(x, name)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (rows: outcomes of X, columns: outcomes of Y), got {arr.ndim} "
            "dimension(s); for a single distribution use entropy or kl instead"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}): each variable needs at least one outcome")
    if normalize:
        return as_pmf(arr.reshape(-1), name, normalize=True).reshape(arr.shape)
    total = arr.sum()
    if not (arr.min() >= 0 and np.isfinite(total)):
        _raise_bad_entries(arr, name)
    if abs(total - 1) > sum_tolerance(x):
        raise ValueError(
            f"the entries of {name} must sum to 1 (within {sum_tolerance(x):.1e}), but they sum to "
            f"{float(total):g}; pass normalize=True to divide counts by their total"
        )
    return arr


def as_samples(x, name: str) -> np.ndarray:
    """Return samples as a 2-D float array of shape (n, d), one sample per row.

    A 1-D array holds n samples of a scalar and becomes an (n, 1) column. Raises ``TypeError`` for
    non-numeric input and ``ValueError`` for more than two dimensions, no samples, or NaN or
    infinite values.
    """
    arr = as_float_array(x, name)
    if arr.ndim == 1:
        arr = arr[:, np.newaxis]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 1-D array of scalar samples or a 2-D array with one sample per row, "
            f"got shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} holds no samples (shape {arr.shape})")
    if not np.isfinite(arr).all():
        what = "NaN" if np.isnan(arr).any() else "an infinite value"
        raise ValueError(f"{name} contains {what}; every sample must be a finite number")
    return arr


def as_int(value, name: str, *, minimum: int) -> int:
    """Return ``value`` as a Python int, or raise if it is not an integer at least ``minimum``.

    Raises ``TypeError`` for anything that is not an integer (including ``True`` and ``3.0``) and
    ``ValueError`` for an integer below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {shown(value)} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, or raise ``TypeError``.

    Seeds, ``None`` and the legacy ``RandomState`` are refused on purpose: a result that depends on
    random draws is reproducible only if the caller owns the generator and its seed.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, got {rng!r}; pass np.random.default_rng(seed) "
            "with a fixed seed, so that the result can be reproduced"
        )
    return rng


def as_result(values, shape: tuple[int, ...]):
    """A Python float for a single distribution, a float64 array of ``shape`` for a batch."""
    values = np.asarray(values, dtype=float).reshape(shape)
    return float(values) if values.ndim == 0 else values
