"""The book's theorems about entropy and divergence, checked as properties of kltools.

Hypothesis draws probability vectors (see conftest.py) and every test checks one theorem on them.
Equalities hold up to rounding: ``agree`` allows 1e-12 of the size of the quantities involved
(but at least 1e-12 absolute), some ten thousand times the rounding error of a float64 sum.
Inequalities are allowed to fail by the same margin.
"""

import math

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import SIZES, pmf_lists, pmf_pairs, pmfs
from kltools import cross_entropy, entropy, kl

ROUNDING = 1e-12


def agree(a: float, b: float) -> bool:
    """Equal up to rounding, relative to the size of a and b (absolute below 1)."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= ROUNDING * max(1.0, abs(a), abs(b))


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    return 0.5 * float(np.abs(p - q).sum())


@given(pmf_pairs())
def test_gibbs_inequality(pair):
    """Gibbs' inequality: D(P||Q) >= 0, with equality if and only if P = Q.

    kl clamps its result at 0, so ">= 0" would hold for any sign error: the test asserts the
    strict inequality for P != Q, at least the Pinsker bound 2 TV², which a clamp cannot fake,
    and exactly 0 for P = Q.
    """
    p, q = pair
    assert kl(p, p) == 0.0
    assert kl(q, q) == 0.0
    tv = total_variation(p, q)
    if tv > 1e-6:
        assert kl(p, q) > 0.0
        assert kl(p, q) >= 2 * tv * tv * (1 - ROUNDING)


@given(pmf_pairs(q_zeros=False))
# Found by Hypothesis when the weights were allowed down to the subnormals: kl returns inf.
@example(pair=(np.array([1.0, 0.0]), np.array([2.0**-1023, 1.0])))
def test_divergence_is_cross_entropy_minus_entropy(pair):
    """D(P||Q) = H(P, Q) - H(P), the extra code length paid for coding P with a code made for Q."""
    p, q = pair
    assert agree(kl(p, q), cross_entropy(p, q) - entropy(p))


@given(SIZES.flatmap(pmfs))
def test_entropy_is_log_n_minus_divergence_from_uniform(p):
    """H(P) = log n - D(P||U) for the uniform distribution U on the n outcomes."""
    n = len(p)
    uniform = np.full(n, 1 / n)
    assert agree(entropy(p), math.log(n) - kl(p, uniform))


@given(SIZES.flatmap(pmfs))
def test_entropy_lies_between_0_and_log_n(p):
    """0 <= H(P) <= log n, with H(P) = 0 exactly for a certain outcome and log n for the uniform one.

    entropy clamps at 0, so the lower bound is asserted where it is strict: H > 0 whenever two
    outcomes have probability (the smallest of them, p_min, alone contributes -p_min log p_min).
    """
    h = entropy(p)
    positive = p[p > 0]
    if positive.size >= 2:
        smallest = positive.min()
        assert h >= -smallest * math.log(smallest) * (1 - ROUNDING) > 0.0
    else:
        assert h == 0.0
    assert h <= math.log(len(p)) + ROUNDING * max(1.0, math.log(len(p)))


@given(pmf_pairs())
def test_cross_entropy_is_at_least_entropy(pair):
    """H(P, Q) >= H(P): no code beats the one made for the true distribution (Gibbs again)."""
    p, q = pair
    h = entropy(p)
    assert cross_entropy(p, q) >= h - ROUNDING * max(1.0, h)


@st.composite
def joint_pmf_pairs(draw):
    """Two joint distributions p(x, y), q(x, y) on a grid of up to 4 x 4; q is positive."""
    rows = draw(st.integers(min_value=1, max_value=4))
    columns = draw(st.integers(min_value=1, max_value=4))
    p = draw(pmfs(rows * columns)).reshape(rows, columns)
    q = draw(pmfs(rows * columns, zeros=False)).reshape(rows, columns)
    return p, q


@given(joint_pmf_pairs())
def test_chain_rule(pair):
    """Chain rule: D(p(x, y)||q(x, y)) = D(p(x)||q(x)) + sum_x p(x) D(p(y|x)||q(y|x))."""
    p, q = pair
    p_x, q_x = p.sum(axis=1), q.sum(axis=1)
    seen = p_x > 0  # p(y|x) is defined where p(x) > 0; the other rows have weight 0
    p_y_given_x = p[seen] / p_x[seen, None]
    q_y_given_x = q[seen] / q_x[seen, None]
    conditional = float(np.dot(p_x[seen], kl(p_y_given_x, q_y_given_x, axis=-1)))
    assert agree(kl(p.ravel(), q.ravel()), kl(p_x, q_x) + conditional)


@st.composite
def pmf_pairs_and_channels(draw):
    """(p, q, K): p and q on n outcomes and an n x m matrix K whose rows are distributions."""
    p, q = draw(pmf_pairs())
    m = draw(SIZES)
    channel = np.array([draw(pmfs(m)) for _ in range(len(p))])
    return p, q, channel


@given(pmf_pairs_and_channels())
def test_data_processing_inequality(triple):
    """Data processing: passing both distributions through one channel K cannot increase the
    divergence, D(PK||QK) <= D(P||Q)."""
    p, q, channel = triple
    assert kl(p @ channel, q @ channel) <= kl(p, q) + ROUNDING * max(1.0, kl(p, q))


@given(pmf_lists(4), st.floats(min_value=1e-6, max_value=1 - 1e-6))
def test_joint_convexity(pmfs_, lam):
    """Joint convexity: D(l p1 + (1-l) p2 || l q1 + (1-l) q2) <= l D(p1||q1) + (1-l) D(p2||q2).

    (At l = 0 or 1 both sides are the same divergence.)"""
    p1, p2, q1, q2 = pmfs_
    mixed = kl(lam * p1 + (1 - lam) * p2, lam * q1 + (1 - lam) * q2)
    bound = lam * kl(p1, q1) + (1 - lam) * kl(p2, q2)
    assert mixed <= bound + ROUNDING * max(1.0, bound)


@given(pmf_pairs())
def test_pinsker_inequality(pair):
    """Pinsker's inequality: D(P||Q) >= 2 TV(P, Q)**2 in nats, with TV = (1/2) sum |p - q|."""
    p, q = pair
    assert kl(p, q) >= 2 * total_variation(p, q) ** 2 - ROUNDING


@given(pmf_pairs(), st.floats(min_value=1e-3, max_value=1e3).filter(lambda b: b != 1))
def test_change_of_base(pair, base):
    """Change of base: log_b x = ln x / ln b, so a value in base b times ln b is the value in nats."""
    p, q = pair
    ln_base = math.log(base)
    assert math.isclose(kl(p, q, base=base) * ln_base, kl(p, q), rel_tol=ROUNDING)
    assert math.isclose(entropy(p, base=base) * ln_base, entropy(p), rel_tol=ROUNDING)
    assert math.isclose(cross_entropy(p, q, base=base) * ln_base, cross_entropy(p, q), rel_tol=ROUNDING)


@given(st.integers(min_value=1, max_value=5).flatmap(lambda rows: pmf_lists(2 * rows)))
def test_batch_equals_one_call_per_row(pmfs_):
    """A 2-D array is a batch of independent distributions: one call on the batch gives the same
    values as one call per row."""
    rows = len(pmfs_) // 2
    p, q = np.array(pmfs_[:rows]), np.array(pmfs_[rows:])
    one_by_one = [kl(a, b) for a, b in zip(p, q, strict=True)]
    np.testing.assert_allclose(kl(p, q), one_by_one, rtol=1e-15, atol=0)
    np.testing.assert_allclose(kl(p.T, q.T, axis=0), one_by_one, rtol=1e-15, atol=0)
    np.testing.assert_allclose(entropy(p), [entropy(a) for a in p], rtol=1e-15, atol=0)


@given(pmf_pairs(), st.randoms(use_true_random=False))
def test_divergences_do_not_depend_on_the_order_of_the_outcomes(pair, random):
    """Relabelling the outcomes (the same permutation of p and q) leaves D, H and H(P, Q) unchanged."""
    p, q = pair
    order = list(range(len(p)))
    random.shuffle(order)
    assert agree(kl(p[order], q[order]), kl(p, q)) or kl(p, q) == kl(p[order], q[order]) == math.inf
    assert agree(entropy(p[order]), entropy(p))
    assert agree(cross_entropy(p[order], q[order]), cross_entropy(p, q)) or math.isinf(cross_entropy(p, q))
