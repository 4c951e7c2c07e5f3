"""Unit tests of kl, entropy and cross_entropy: known values, semantics, accuracy, large arrays.

Reference values come from mpmath at 50 significant digits. The references take the float inputs
as exact numbers and normalize them exactly, so they measure only the error that kltools adds.
"""

import math

import mpmath
import numpy as np
import pytest
from scipy import stats

from kltools import _kernel, cross_entropy, entropy, kl

# "A few units in the last place" of a float64 (eps = 2.2e-16), for single known values.
FEW_ULPS = 1e-14
# What the accuracy tests require of sums over 1000 or more outcomes.
ACCURATE = 1e-13


# --- references computed with mpmath at 50 digits ----------------------------------------------


def mp_normalized(x) -> list:
    """The entries of ``x`` as exact mpmath numbers, divided by their (50-digit) sum."""
    values = [mpmath.mpf(float(v)) for v in np.ravel(x)]
    total = mpmath.fsum(values)
    return [v / total for v in values]


def mp_kl(p, q):
    """D(P||Q) = sum p log(p/q) for p and q normalized exactly, at 50 digits."""
    with mpmath.workdps(50):
        pairs = zip(mp_normalized(p), mp_normalized(q), strict=True)
        return mpmath.fsum(a * mpmath.log(a / b) for a, b in pairs if a > 0)


def mp_entropy(p):
    """H(P) = -sum p log p at 50 digits."""
    with mpmath.workdps(50):
        return -mpmath.fsum(a * mpmath.log(a) for a in mp_normalized(p) if a > 0)


def mp_cross_entropy(p, q):
    """H(P, Q) = -sum p log q at 50 digits."""
    with mpmath.workdps(50):
        pairs = zip(mp_normalized(p), mp_normalized(q), strict=True)
        return -mpmath.fsum(a * mpmath.log(b) for a, b in pairs if a > 0)


def mp_coin_kl(a, b):
    """Closed form for two coins: a log(a/b) + (1 - a) log((1 - a)/(1 - b)), at 50 digits."""
    with mpmath.workdps(50):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        return a * mpmath.log(a / b) + (1 - a) * mpmath.log((1 - a) / (1 - b))


def relative_error(value: float, reference) -> float:
    with mpmath.workdps(50):
        return float(abs(mpmath.mpf(value) - reference) / abs(reference))


# --- test distributions ------------------------------------------------------------------------


def random_pmfs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two independent draws from the flat Dirichlet distribution on n outcomes."""
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))


def nearly_equal_pmfs(n: int, delta: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """p from Dirichlet(1) and q = p (1 + delta u) renormalized, u uniform on (-1, 1)."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    q = p * (1 + delta * rng.uniform(-1, 1, n))
    return p, q / q.sum()


def pmfs_with_zeros(n: int, seed: int) -> np.ndarray:
    """A Dirichlet(1) draw on n outcomes with about a third of the entries set to exactly 0."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(n))
    weights[rng.random(n) < 1 / 3] = 0.0
    weights[rng.integers(n)] += 1 / n  # at least one outcome keeps some mass
    return weights / weights.sum()


# --- known values ------------------------------------------------------------------------------


def test_kl_of_two_coins_matches_closed_form():
    p, q = [0.2, 0.8], [0.7, 0.3]
    assert kl(p, q) == pytest.approx(float(mp_coin_kl(0.2, 0.7)), rel=FEW_ULPS, abs=0)
    assert kl(q, p) == pytest.approx(float(mp_coin_kl(0.7, 0.2)), rel=FEW_ULPS, abs=0)


def test_kl_of_two_coins_is_not_symmetric():
    assert kl([0.2, 0.8], [0.7, 0.3]) == pytest.approx(0.5341, abs=5e-5)
    assert kl([0.7, 0.3], [0.2, 0.8]) == pytest.approx(0.5827, abs=5e-5)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1000, 65_536])
def test_entropy_of_uniform_is_log_n(n):
    assert entropy(np.full(n, 1 / n)) == pytest.approx(math.log(n), rel=FEW_ULPS, abs=0)


def test_bits_are_nats_divided_by_log_2():
    p, q = [0.2, 0.8], [0.7, 0.3]
    assert kl(p, q, base=2) == pytest.approx(kl(p, q) / math.log(2), rel=FEW_ULPS, abs=0)
    in_bits = cross_entropy(p, q) / math.log(2)
    assert cross_entropy(p, q, base=2) == pytest.approx(in_bits, rel=FEW_ULPS, abs=0)
    assert entropy([0.5, 0.5], base=2) == 1.0
    assert entropy(np.full(8, 1 / 8), base=2) == pytest.approx(3.0, rel=FEW_ULPS, abs=0)
    assert kl([0.5, 0.5], [0.25, 0.75], base=2) == pytest.approx(0.207519, abs=5e-7)


def test_base_10_gives_hartleys():
    p, q = [0.2, 0.8], [0.7, 0.3]
    assert kl(p, q, base=10) == pytest.approx(kl(p, q) / math.log(10), rel=FEW_ULPS, abs=0)
    assert entropy(np.full(10, 0.1), base=10) == pytest.approx(1.0, rel=FEW_ULPS, abs=0)
    assert entropy(np.full(100, 0.01), base=10) == pytest.approx(2.0, rel=FEW_ULPS, abs=0)


# --- semantics ---------------------------------------------------------------------------------


def test_kl_is_infinite_where_q_rules_out_an_outcome_that_p_allows():
    assert kl([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl([0.0, 1.0], [1.0, 0.0]) == math.inf
    assert kl([1e-300, 1.0], [1.0, 0.0]) == math.inf


def test_zero_probability_contributes_nothing():
    # 0 log(0/q) = 0: only the outcome with p = 1 counts, and it gives log(1/0.5).
    assert kl([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=FEW_ULPS, abs=0)
    assert entropy([0.0, 0.5, 0.5]) == pytest.approx(math.log(2), rel=FEW_ULPS, abs=0)
    assert entropy([1.0, 0.0, 0.0]) == 0.0
    assert cross_entropy([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=FEW_ULPS, abs=0)


def test_outcomes_impossible_under_both_p_and_q_are_ignored():
    assert kl([0.0, 0.5, 0.5], [0.0, 0.25, 0.75]) == kl([0.5, 0.5], [0.25, 0.75])
    assert kl([0.5, 0.0, 0.5], [0.25, 0.0, 0.75]) == kl([0.5, 0.5], [0.25, 0.75])
    assert cross_entropy([0.0, 0.5, 0.5], [0.0, 0.25, 0.75]) == pytest.approx(
        cross_entropy([0.5, 0.5], [0.25, 0.75]), rel=FEW_ULPS, abs=0
    )


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1000, 40_000])
@pytest.mark.parametrize("seed", range(5))
def test_kl_of_a_distribution_with_itself_is_exactly_zero(n, seed):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n))
    assert kl(p, p) == 0.0
    p_with_zeros = pmfs_with_zeros(n, seed)
    assert kl(p_with_zeros, p_with_zeros) == 0.0


def test_single_distribution_gives_python_float_and_batch_gives_array():
    p, q = random_pmfs(5, seed=0)
    for value in (kl(p, q), entropy(p), cross_entropy(p, q), kl(list(p), list(q))):
        assert type(value) is float
    batch_p, batch_q = np.stack([p, q, p]), np.stack([q, p, p])
    for value in (kl(batch_p, batch_q), entropy(batch_p), cross_entropy(batch_p, batch_q)):
        assert isinstance(value, np.ndarray)
        assert value.shape == (3,)
        assert value.dtype == np.float64


def test_axis_0_on_the_transpose_equals_axis_minus_1():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(6), size=4)  # four distributions on six outcomes, one per row
    q = rng.dirichlet(np.ones(6), size=4)
    np.testing.assert_array_equal(kl(p.T, q.T, axis=0), kl(p, q, axis=-1))
    np.testing.assert_array_equal(kl(p, q, axis=1), kl(p, q, axis=-1))
    np.testing.assert_array_equal(entropy(p.T, axis=0), entropy(p, axis=-1))
    np.testing.assert_array_equal(cross_entropy(p.T, q.T, axis=0), cross_entropy(p, q, axis=-1))


def test_axis_selects_the_outcomes_of_a_3d_array():
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.ones(5), size=(2, 3))  # shape (2, 3, 5)
    q = rng.dirichlet(np.ones(5), size=(2, 3))
    expected = np.array([[kl(p[i, j], q[i, j]) for j in range(3)] for i in range(2)])
    np.testing.assert_array_equal(kl(p, q), expected)
    np.testing.assert_array_equal(kl(np.moveaxis(p, -1, 1), np.moveaxis(q, -1, 1), axis=1), expected)


def test_batch_broadcasts_against_a_single_distribution():
    rng = np.random.default_rng(3)
    batch = rng.dirichlet(np.ones(7), size=3)
    single = rng.dirichlet(np.ones(7))
    np.testing.assert_array_equal(kl(batch, single), [kl(row, single) for row in batch])
    np.testing.assert_array_equal(kl(single, batch), [kl(single, row) for row in batch])
    np.testing.assert_array_equal(cross_entropy(batch, single), [cross_entropy(row, single) for row in batch])
    # Along axis 0 the single vector lines up with the columns of a (7, 3) batch.
    np.testing.assert_array_equal(kl(batch.T, single[:, None], axis=0), kl(batch, single))


def test_normalize_divides_counts_by_their_sum():
    counts_p = np.array([3, 1, 0, 4])
    counts_q = np.array([1, 2, 3, 2])
    p, q = counts_p / counts_p.sum(), counts_q / counts_q.sum()
    assert kl(counts_p, counts_q, normalize=True) == kl(p, q)
    assert entropy(counts_p, normalize=True) == entropy(p)
    assert cross_entropy(counts_p, counts_q, normalize=True) == cross_entropy(p, q)
    assert entropy([[1, 0], [1, 1]], base=2, normalize=True).tolist() == [0.0, 1.0]


def test_normalize_along_axis_0_normalizes_columns():
    counts = np.array([[1.0, 5.0], [3.0, 5.0]])
    reference = np.array([0.5, 0.5])
    by_column = kl(counts, reference[:, None], axis=0, normalize=True)
    expected = [kl(counts[:, j] / counts[:, j].sum(), reference) for j in range(2)]
    np.testing.assert_array_equal(by_column, expected)
    assert by_column[1] == 0.0


# --- accuracy against 50-digit references ------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_kl_of_random_pmfs_is_accurate(seed):
    p, q = random_pmfs(1000, seed)
    assert relative_error(kl(p, q), mp_kl(p, q)) <= ACCURATE


@pytest.mark.parametrize("delta", [1e-2, 1e-4, 1e-6, 1e-8, 1e-10])
@pytest.mark.parametrize("seed", range(3))
def test_kl_of_nearly_equal_pmfs_is_accurate(delta, seed):
    p, q = nearly_equal_pmfs(1000, delta, seed)
    assert relative_error(kl(p, q), mp_kl(p, q)) <= ACCURATE


@pytest.mark.parametrize("seed", range(3))
def test_naive_sum_of_scipy_loses_the_digits_that_kl_keeps(seed):
    """Why kltools has its own kernel: at delta = 1e-8, D is about 1e-17, and the textbook sum of
    p log(p/q), whose terms are about 1e-11, is left with rounding noise."""
    p, q = nearly_equal_pmfs(1000, 1e-8, seed)
    reference = mp_kl(p, q)
    assert relative_error(stats.entropy(p, q), reference) > 1e-3
    assert relative_error(kl(p, q), reference) <= ACCURATE


@pytest.mark.parametrize("seed", range(5))
def test_entropy_and_cross_entropy_are_accurate(seed):
    p, q = random_pmfs(1000, seed)
    assert relative_error(entropy(p), mp_entropy(p)) <= ACCURATE
    assert relative_error(cross_entropy(p, q), mp_cross_entropy(p, q)) <= ACCURATE


@pytest.mark.parametrize("delta", [1e-4, 1e-10])
def test_entropy_and_cross_entropy_of_nearly_equal_pmfs_are_accurate(delta):
    p, q = nearly_equal_pmfs(1000, delta, seed=0)
    assert relative_error(entropy(q), mp_entropy(q)) <= ACCURATE
    assert relative_error(cross_entropy(p, q), mp_cross_entropy(p, q)) <= ACCURATE


def test_entropy_with_zeros_is_accurate():
    p = pmfs_with_zeros(1000, seed=4)
    assert relative_error(entropy(p), mp_entropy(p)) <= ACCURATE


@pytest.mark.parametrize(
    "tiny",
    [1e-320, 1e-310, 2.0**-1023, 1e-308, 1e-307, 1e-306, 1e-300, 1e-200],
    ids=lambda tiny: f"{tiny:.3g}",
)
def test_kl_is_finite_and_accurate_when_q_is_tiny(tiny):
    """q = (tiny, 1 - tiny) against a fair coin: D is about log(0.5 / tiny) / 2, a few hundred nats.
    The smallest values are subnormal; the ratio p / q then overflows to inf, or nearly does."""
    p, q = [0.5, 0.5], [tiny, 1 - tiny]
    value = kl(p, q)
    assert math.isfinite(value)
    assert relative_error(value, mp_kl(p, q)) <= FEW_ULPS


def test_kl_is_finite_and_accurate_when_q_is_tiny_and_p_certain():
    p, q = [1.0, 0.0], [2.0**-1023, 1.0]  # D = 1023 log 2 = 709.09 nats
    assert kl(p, q) == pytest.approx(1023 * math.log(2), rel=FEW_ULPS, abs=0)


# --- large arrays ------------------------------------------------------------------------------

BLOCK = 16_000  # the number of entries that kltools' kernel handles at once
ACROSS_BLOCKS = 2 * BLOCK + 7


def test_block_size_is_the_one_the_large_array_tests_cross():
    assert _kernel._BLOCK == BLOCK  # if the kernel changes it, update BLOCK here


@pytest.mark.parametrize("kind", ["random", "nearly equal"])
def test_kl_across_block_boundaries_is_accurate(kind):
    if kind == "random":
        p, q = random_pmfs(ACROSS_BLOCKS, seed=5)
    else:
        p, q = nearly_equal_pmfs(ACROSS_BLOCKS, 1e-8, seed=5)
    assert relative_error(kl(p, q), mp_kl(p, q)) <= ACCURATE


def test_kl_across_block_boundaries_adds_up_over_the_pieces():
    """The grouping rule: with pieces A = [0, 16000), [16000, 32000), [32000, 32007),
    D(P||Q) = D((P(A))_A || (Q(A))_A) + sum_A P(A) D(P|A || Q|A)."""
    p, q = random_pmfs(ACROSS_BLOCKS, seed=6)
    pieces = [slice(0, BLOCK), slice(BLOCK, 2 * BLOCK), slice(2 * BLOCK, None)]
    mass_p = np.array([p[piece].sum() for piece in pieces])
    mass_q = np.array([q[piece].sum() for piece in pieces])
    within = [kl(p[piece], q[piece], normalize=True) for piece in pieces]
    grouped = kl(mass_p, mass_q, normalize=True) + math.fsum(mass_p * within)
    assert kl(p, q) == pytest.approx(grouped, rel=ACCURATE, abs=0)


@pytest.mark.parametrize("delta", [None, 1e-8], ids=["random", "nearly equal"])
def test_kl_of_a_million_outcomes_matches_the_reference_of_a_thousand(delta):
    """Each of 1000 outcomes split into 1024 equal parts (division by 1024 is exact), and shuffled:
    the divergence does not change, so the 50-digit reference on 1000 outcomes still applies."""
    if delta is None:
        p_small, q_small = random_pmfs(1000, seed=7)
    else:
        p_small, q_small = nearly_equal_pmfs(1000, delta, seed=7)
    shuffle = np.random.default_rng(8).permutation(1000 * 1024)
    p = np.tile(p_small, 1024)[shuffle] / 1024
    q = np.tile(q_small, 1024)[shuffle] / 1024
    assert relative_error(kl(p, q), mp_kl(p_small, q_small)) <= ACCURATE


def test_batch_of_long_rows_matches_row_by_row_calls():
    rng = np.random.default_rng(9)
    p = rng.dirichlet(np.ones(40_000), size=3)
    q = np.empty_like(p)
    q[0] = rng.dirichlet(np.ones(40_000))  # unrelated to p[0]
    q[1] = p[1] * (1 + 1e-6 * rng.uniform(-1, 1, 40_000))  # nearly equal to p[1]
    q[1] /= q[1].sum()
    q[2] = p[2]  # equal to p[2]
    np.testing.assert_allclose(kl(p, q), [kl(a, b) for a, b in zip(p, q, strict=True)], rtol=FEW_ULPS, atol=0)
    assert kl(p, q)[2] == 0.0
