"""Chernoff information and the I-projection (kltools.exponents).

References come from mpmath at 60 digits, computed from the very doubles that kltools sees,
normalized exactly, so that a failure is an error of kltools and not of the test's inputs.
Hypothesis runs derandomized (tests/kltools/conftest.py).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import pmf_pairs, pmfs
from kltools import chernoff_information, i_projection, kl

# Rounding allowance for inequalities that can hold with equality.
ULPS = 1e-12


def exact(v) -> list:
    """60-digit copies of the doubles in v, divided by their exact sum."""
    v = [mpmath.mpf(float(x)) for x in v]
    total = mpmath.fsum(v)
    return [x / total for x in v]


def chernoff_mpmath(p, q) -> tuple[mpmath.mpf, mpmath.mpf]:
    """C(P, Q) and its lambda by golden-section search in 60-digit arithmetic (F is concave)."""
    with mpmath.workdps(60):
        pe, qe = exact(p), exact(q)

        def f(lam):
            return -mpmath.log(mpmath.fsum(a**lam * b ** (1 - lam) for a, b in zip(pe, qe, strict=True)
                                           if a > 0 and b > 0))

        lo, hi = mpmath.mpf(0), mpmath.mpf(1)
        golden = (mpmath.sqrt(5) - 1) / 2
        x1, x2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
        f1, f2 = f(x1), f(x2)
        for _ in range(80):  # the bracket shrinks to 0.618**80 ~ 2e-17
            if f1 < f2:
                lo, x1, f1 = x1, x2, f2
                x2 = lo + golden * (hi - lo)
                f2 = f(x2)
            else:
                hi, x2, f2 = x2, x1, f1
                x1 = hi - golden * (hi - lo)
                f1 = f(x1)
        return f((lo + hi) / 2), (lo + hi) / 2


positive_pairs = pmf_pairs(q_zeros=False).filter(lambda pq: bool(np.all(pq[0] > 0)))


# ----------------------------------------------------------------------------------------------
# Accuracy


@settings(max_examples=60)
@given(positive_pairs)
def test_chernoff_matches_mpmath(pq):
    p, q = pq
    result = chernoff_information(p, q)
    if np.array_equal(p, q):  # the reference is then rounding noise at 60 digits
        assert result.information == 0
    else:
        reference, _ = chernoff_mpmath(p, q)
        assert abs(result.information - reference) <= 1e-12 * reference
    assert 0 <= result.lam <= 1


@pytest.mark.parametrize("delta", [1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12])
def test_chernoff_near_p_equals_q_keeps_its_digits(delta):
    # q = p (1 + delta u), normalized in floating point: C ~ chi2 / 8 ~ D / 4 is of order delta**2,
    # while -log sum p**lam q**(1-lam) evaluated directly would be rounding noise of order 1e-16.
    rng = np.random.default_rng(1952)
    p = rng.dirichlet(np.ones(12))
    q = p * (1 + delta * rng.uniform(-1, 1, p.size))
    q = q / q.sum()
    result = chernoff_information(p, q)
    reference, _ = chernoff_mpmath(p, q)
    assert abs(result.information - reference) <= 1e-13 * reference
    assert abs(result.lam - 0.5) <= 10 * delta  # the optimum tends to 1/2
    with mpmath.workdps(60):
        pe, qe = exact(p), exact(q)
        chi2 = mpmath.fsum((a - b) ** 2 / b for a, b in zip(pe, qe, strict=True))
    assert abs(result.information / (chi2 / 8) - 1) <= 10 * delta
    assert abs(4 * result.information / kl(p, q) - 1) <= 10 * delta


def test_naive_formula_fails_where_chernoff_information_does_not():
    # The point of the careful evaluation: the textbook expression loses every digit here.
    p = np.array([0.2, 0.3, 0.5])
    q = p * (1 + 1e-9 * np.array([1.0, -1.0, 0.2]))
    q = q / q.sum()
    reference, _ = chernoff_mpmath(p, q)
    naive = -np.log(np.sum(np.sqrt(p * q)))
    assert abs(naive - reference) > 0.5 * reference
    assert abs(chernoff_information(p, q).information - reference) <= 1e-13 * reference


# ----------------------------------------------------------------------------------------------
# Properties (theorems)


@given(pmf_pairs())
def test_chernoff_between_zero_and_the_smaller_divergence(pq):
    p, q = pq
    c = chernoff_information(p, q).information
    bound = min(kl(p, q), kl(q, p))
    assert 0 <= c <= bound * (1 + ULPS) + 1e-300


@given(pmf_pairs())
def test_chernoff_is_symmetric(pq):
    p, q = pq
    forward, backward = chernoff_information(p, q), chernoff_information(q, p)
    if math.isinf(forward.information):
        assert math.isinf(backward.information)
    else:
        assert math.isclose(forward.information, backward.information, rel_tol=1e-12, abs_tol=1e-300)


@given(st.integers(min_value=1, max_value=10).flatmap(lambda n: pmfs(n)))
def test_chernoff_is_zero_for_equal_distributions(p):
    assert chernoff_information(p, p).information == 0


@given(pmf_pairs())
def test_chernoff_is_positive_for_different_distributions(pq):
    p, q = pq
    assume(np.max(np.abs(p - q)) > 1e-6)
    assert chernoff_information(p, q).information > 0


def test_chernoff_exact_values_at_the_edges():
    # Disjoint supports: the Bayes error is 0 from one observation on.
    assert chernoff_information([0.5, 0.5, 0.0], [0.0, 0.0, 1.0]).information == math.inf
    # supp P inside supp Q: F(lam) = log 2 - lam log 2, largest at lam = 0, C = -log Q(supp P).
    result = chernoff_information([0.5, 0.5, 0.0], [0.25, 0.25, 0.5])
    assert math.isclose(result.information, math.log(2), rel_tol=1e-14)
    assert result.lam == 0.0
    # The other way round, supp Q inside supp P: the optimum is at lam = 1, C = -log P(supp Q).
    result = chernoff_information([0.5, 0.5], [1.0, 0.0])
    assert math.isclose(result.information, math.log(2), rel_tol=1e-14)
    assert result.lam == 1.0


def test_chernoff_batches_axis_and_base():
    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(4), size=(3, 2)), rng.dirichlet(np.ones(4), size=(3, 2))
    result = chernoff_information(p, q)
    assert result.information.shape == (3, 2) and result.lam.shape == (3, 2)
    one = chernoff_information(p[2, 1], q[2, 1])
    assert result.information[2, 1] == one.information and result.lam[2, 1] == one.lam
    moved = chernoff_information(np.moveaxis(p, -1, 0), np.moveaxis(q, -1, 0), axis=0)
    np.testing.assert_array_equal(moved.information, result.information)
    bits = chernoff_information(p[0, 0], q[0, 0], base=2).information
    assert math.isclose(bits, result.information[0, 0] / math.log(2), rel_tol=1e-15)


@pytest.mark.parametrize(("p", "q", "message"), [
    ([0.5, np.nan], [0.5, 0.5], "p contains NaN"),
    ([0.5, 0.5], [1.5, -0.5], "q has a negative entry"),
    ([0.5, 0.6], [0.5, 0.5], "p must sum to 1"),
    ([0.5, 0.5], [0.2, 0.3, 0.5], "same number of outcomes"),
    ("ab", [0.5, 0.5], "p must be an array of real numbers"),
])
def test_chernoff_rejects_bad_input(p, q, message):
    with pytest.raises((ValueError, TypeError), match=message):
        chernoff_information(p, q)


def test_chernoff_rejects_bad_base():
    with pytest.raises(ValueError, match="base"):
        chernoff_information([0.5, 0.5], [0.2, 0.8], base=1)


# ----------------------------------------------------------------------------------------------
# I-projection


def test_i_projection_one_constraint_matches_a_root_of_the_moment_equation():
    from scipy import optimize

    p, values, target = np.full(6, 1 / 6), np.arange(1.0, 7.0), 4.5
    result = i_projection(p, values, target)

    def mean_minus_target(theta):
        w = p * np.exp(theta * values)
        return w @ values / w.sum() - target

    theta = optimize.brentq(mean_minus_target, 0.0, 5.0, xtol=1e-15)
    tilted = p * np.exp(theta * values)
    tilted /= tilted.sum()
    np.testing.assert_allclose(result.q, tilted, rtol=1e-12)
    assert math.isclose(result.theta[0], theta, rel_tol=1e-10)
    assert math.isclose(result.q @ values, target, rel_tol=1e-13)
    assert math.isclose(result.divergence, kl(tilted, p), rel_tol=1e-12)


@given(st.integers(min_value=3, max_value=8).flatmap(
    lambda n: st.tuples(pmfs(n, zeros=False), pmfs(n, zeros=False),
                        st.lists(st.floats(-3, 3), min_size=2 * n, max_size=2 * n))))
def test_i_projection_pythagorean_identity(draw):
    # For every R in the linear family {E_R[a] = b}: D(R||P) = D(R||Q*) + D(Q*||P) (Csiszar 1975),
    # so Q* is the minimizer. Taking b = a R puts R in the family.
    p, r, entries = draw
    assume(p.min() > 1e-12 and r.min() > 1e-12)
    a = np.array(entries).reshape(2, -1)
    b = a @ r
    result = i_projection(p, a, b)
    np.testing.assert_allclose(a @ result.q, b, rtol=0, atol=1e-10)
    left, right = kl(r, p), kl(r, result.q) + result.divergence
    assert math.isclose(left, right, rel_tol=1e-8, abs_tol=1e-12)
    # Q* meets the moments to tol = 1e-12, so D(Q*||P) may exceed its exact value by that much.
    assert result.divergence <= left + 1e-12


def test_i_projection_at_the_mean_of_p_is_p_and_dependent_rows_are_fine():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    a = np.array([[0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 4.0, 6.0]])
    result = i_projection(p, a, a @ p)
    np.testing.assert_allclose(result.q, p, rtol=1e-14)
    assert result.divergence < 1e-28
    moved = i_projection(p, a, [2.5, 1.0, 5.0])
    assert math.isclose(moved.q @ a[0], 2.5, rel_tol=1e-13)


def test_i_projection_keeps_zeros_of_p():
    result = i_projection([0.5, 0.0, 0.5], [0.0, 1.0, 2.0], 1.5)
    assert result.q[1] == 0
    np.testing.assert_allclose(result.q, [0.25, 0.0, 0.75], rtol=1e-12)


@pytest.mark.parametrize(("p", "a", "b", "message"), [
    ([0.5, 0.5], [0.0, 1.0], 2.0, "outside the convex hull"),
    ([0.5, 0.5], [0.0, 1.0], 1.0, "on the boundary"),
    ([0.5, 0.0, 0.5], [0.0, 1.0, 2.0], 2.0, "on the boundary"),
    ([0.5, 0.0, 0.5], [0.0, 1.0, 2.0], 2.5, "outside the convex hull"),
    ([0.5, 0.5], [[0.0, 1.0, 2.0]], 1.0, "a must have shape"),
    ([0.5, 0.5], [0.0, 1.0], [0.5, 0.5], "b must hold one required mean"),
    ([0.5, 0.5], [0.0, np.inf], 0.5, "finite"),
    ([[0.5, 0.5]], [0.0, 1.0], 0.5, "one probability vector"),
    ([0.5, 0.6], [0.0, 1.0], 0.5, "p must sum to 1"),
])
def test_i_projection_rejects_bad_input(p, a, b, message):
    with pytest.raises(ValueError, match=message):
        i_projection(p, a, b)
