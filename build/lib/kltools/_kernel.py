"""The kernel of :func:`kltools.discrete.kl`: row sums of p log(p/q) - p + q, fast and exact.

Each term is written as :math:`q\\,\\varphi(d)` with :math:`d = (p - q)/q`, which is never negative
and is evaluated without cancellation (:mod:`kltools.stable`). What is here beyond that formula
is speed: the arrays are processed in blocks, and two rare cases are handled apart (outcomes that
Q rules out, and ratios that overflow).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from kltools.stable import _phi_over_d

# Entries handled at once: temporaries of this size (125 kB) stay in the CPU cache and below the
# size at which the C library maps fresh memory for each, so the dozen or so passes of the kernel
# cost about as much as the two or three of a naive sum over the whole array.
_BLOCK = 16_000


def generalized_kl(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
                terms = _phi_over_d(diff / qb)
                terms *= diff
            generalized[rs] += terms.sum(axis=1)
    # d = (p - q) / q overflows to inf when q < p / 1.8e308 (q subnormal), and phi(d) / d turns
    # that into NaN: sum those rows in the form p log p - p log q - p + q, which cannot overflow.
    overflowed = np.isnan(generalized)
    if overflowed.any():
        po, qo = p[overflowed], q[overflowed]
        generalized[overflowed] = (special.xlogy(po, po) - special.xlogy(po, qo) - po + qo).sum(axis=1)
    return generalized, p.sum(axis=1), excess
