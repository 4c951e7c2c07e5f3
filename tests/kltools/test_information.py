"""Mutual information, conditional and joint entropy, Jensen-Shannon divergence (kltools.information).

Exact references come from mpmath, computed from the very doubles that kltools sees (normalized
exactly), so a failure is an error of kltools and not of the test's inputs. Hypothesis runs
derandomized (tests/kltools/conftest.py).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial.distance import jensenshannon

from kltools.discrete import entropy, kl
from kltools.information import conditional_entropy, jensen_shannon, joint_entropy, mutual_information

# Digits for the references: enough for entries down to the smallest double, 5e-324, to count
# next to entries near 1.
exact_arithmetic = mpmath.workdps(700)
LOG2 = math.log(2)
EPS = np.finfo(float).eps
# Rounding allowance for inequalities that can hold with equality (a few units in the last place).
ULPS = 1e-13


def close_information(value: float, expected: float) -> bool:
    """Equal up to the error that rounding the marginals brings: relative 1e-12, absolute eps sqrt(I).

    The marginals p(x), p(y) and the conditionals are rounded to doubles, which moves a divergence
    D by up to about eps * sqrt(2 D) + eps**2 (Pinsker's inequality), so for tiny values that is
    the honest tolerance.
    """
    scale = max(value, expected)
    return abs(value - expected) <= 1e-12 * scale + 4 * EPS * math.sqrt(scale) + 16 * EPS**2


def js_rescaling_error(p: np.ndarray, q: np.ndarray, exact: float) -> float:
    """The absolute error that jensen_shannon's rescaling may leave, on top of its relative 1e-13.

    It scales p and q by 1 + h and 1 - h, h = sum(q - p) / sum(p + q), to a common sum. Rounding
    h (p + q) moves p - q by eps |h| (p + q), and the result by about eps |h| sum|p~ - q~| / 2,
    where p~, q~ are the normalized inputs and sum|p~ - q~| <= sqrt(8 JS); when they are equal,
    (eps h)**2 remains. h is about eps for sums that are 1 to rounding, and at most 1.5e-8 for
    sums that kltools accepts.
    """
    h = abs(np.sum(q - p)) / np.sum(p + q)
    return 4 * EPS * h * math.sqrt(8 * exact) + 4 * (EPS * h) ** 2


# ----------------------------------------------------------------------------------------------
# Strategies and exact references


# Unnormalized probabilities: zeros, subnormal numbers and everything up to 1.
PROBABILITY_WEIGHTS = st.floats(0, 1)


@st.composite
def joints(draw, max_side: int = 6) -> np.ndarray:
    """A random joint pmf, with zeros and tiny entries among the others."""
    shape = (draw(st.integers(1, max_side)), draw(st.integers(1, max_side)))
    weights = draw(hnp.arrays(np.float64, shape, elements=PROBABILITY_WEIGHTS))
    assume(weights.sum() > 0)
    return weights / weights.sum()


@st.composite
def channels(draw, inputs: int, max_outputs: int = 5) -> np.ndarray:
    """A random channel matrix: row x is the distribution of the output given the input x."""
    shape = (inputs, draw(st.integers(1, max_outputs)))
    weights = draw(hnp.arrays(np.float64, shape, elements=PROBABILITY_WEIGHTS))
    weights[weights.sum(axis=1) == 0] = 1.0  # a row of zeros would not be a distribution
    return weights / weights.sum(axis=1, keepdims=True)


@st.composite
def distribution_pairs(draw, max_size: int = 8) -> tuple[np.ndarray, np.ndarray]:
    size = draw(st.integers(1, max_size))
    pair = []
    for _ in range(2):
        weights = draw(hnp.arrays(np.float64, size, elements=PROBABILITY_WEIGHTS))
        assume(weights.sum() > 0)
        pair.append(weights / weights.sum())
    return tuple(pair)


def mp_pmf(values) -> list:
    """The doubles of ``values`` as exact mpmath numbers, divided exactly by their total."""
    values = [mpmath.mpf(float(v)) for v in np.ravel(values)]
    total = mpmath.fsum(values)
    return [v / total for v in values]


@exact_arithmetic
def mp_mutual_information(joint: np.ndarray) -> mpmath.mpf:
    rows, cols = joint.shape
    p = mp_pmf(joint)
    px = [mpmath.fsum(p[i * cols : (i + 1) * cols]) for i in range(rows)]
    py = [mpmath.fsum(p[j::cols]) for j in range(cols)]
    return mpmath.fsum(
        p[i * cols + j] * mpmath.log(p[i * cols + j] / (px[i] * py[j]))
        for i in range(rows)
        for j in range(cols)
        if p[i * cols + j] > 0
    )


@exact_arithmetic
def mp_jensen_shannon(p, q) -> mpmath.mpf:
    p, q = mp_pmf(p), mp_pmf(q)
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl_from_m(a):
        return mpmath.fsum(x * mpmath.log(x / y) for x, y in zip(a, m, strict=True) if x > 0)

    return (kl_from_m(p) + kl_from_m(q)) / 2


@exact_arithmetic
def binary_entropy(eps: float) -> mpmath.mpf:
    """h(eps) of the double ``eps``, exactly."""
    eps = mpmath.mpf(eps)
    return -eps * mpmath.log(eps) - (1 - eps) * mpmath.log(1 - eps)


@exact_arithmetic
def mp_binary_symmetric_channel(joint: np.ndarray) -> mpmath.mpf:
    """log 2 - h(eps), where eps = joint[0, 1] / (joint[0, 0] + joint[0, 1]) exactly."""
    a, b = mpmath.mpf(joint[0, 0]), mpmath.mpf(joint[0, 1])
    eps = b / (a + b)
    return mpmath.log(2) + eps * mpmath.log(eps) + (1 - eps) * mpmath.log(1 - eps)


# ----------------------------------------------------------------------------------------------
# Mutual information


def test_independent_variables_share_almost_nothing():
    rng = np.random.default_rng(20240601)
    for rows, cols in [(2, 2), (3, 7), (50, 40)]:
        px = rng.dirichlet(np.ones(rows))
        py = rng.dirichlet(np.ones(cols))
        # p(x) p(y) in doubles is not exactly a product of its own marginals: the result is not 0,
        # but of the order of the squared rounding error, 1e-32.
        value = mutual_information(np.outer(px, py))
        assert 0 <= value < 1e-30  # measured: 9e-34, 3e-33 and 2e-32
    assert mutual_information(np.full((4, 4), 1 / 16)) == 0.0


@pytest.mark.parametrize("eps", [0.1, 0.25, 1e-3, 1e-10, 0.4999, 0.5 - 1e-6, 0.5 - 1e-9])
def test_binary_symmetric_channel(eps):
    # A fair bit sent through a channel that flips it with probability eps: I = log 2 - h(eps).
    joint = np.array([[(1 - eps) / 2, eps / 2], [eps / 2, (1 - eps) / 2]])
    exact = mp_binary_symmetric_channel(joint)
    assert mutual_information(joint) == pytest.approx(float(exact), rel=1e-13, abs=0)
    assert mutual_information(joint, base=2) == pytest.approx(float(exact / mpmath.log(2)), rel=1e-13, abs=0)


def test_against_mpmath_on_random_joints():
    rng = np.random.default_rng(7)
    for shape in [(2, 3), (5, 5), (8, 3)]:
        joint = rng.dirichlet(np.full(np.prod(shape), 0.5)).reshape(shape)
        joint[0, 0] = 0.0
        joint /= joint.sum()
        expected = float(mp_mutual_information(joint))
        assert mutual_information(joint) == pytest.approx(expected, rel=1e-13, abs=0)


def test_perfectly_correlated_variables_share_all_their_entropy():
    px = np.array([0.5, 0.25, 0.0, 0.125, 0.125])
    assert mutual_information(np.diag(px)) == pytest.approx(entropy(px), rel=1e-14, abs=0)
    assert mutual_information(np.diag(px), base=2) == pytest.approx(1.75, rel=1e-14, abs=0)
    # The same holds for any one-to-one relation, such as a permutation of the columns.
    assert mutual_information(np.diag(px)[:, ::-1]) == pytest.approx(entropy(px), rel=1e-14, abs=0)


@given(joints())
def test_mutual_information_is_symmetric_and_zero_only_for_independence(joint):
    value = mutual_information(joint)
    assert close_information(mutual_information(joint.T), value)
    product = np.outer(joint.sum(axis=1), joint.sum(axis=0))
    gap = 0.5 * np.abs(joint - product).sum()  # total variation from independence
    if gap > 1e-6:  # Pinsker: I >= 2 TV(joint, product)², which a clamp at 0 cannot fake
        assert value >= 2 * gap * gap * (1 - 1e-9) > 0


@given(joints())
def test_mutual_information_from_entropies(joint):
    h_x, h_y = entropy(joint.sum(axis=1)), entropy(joint.sum(axis=0))
    assert mutual_information(joint) == pytest.approx(h_x + h_y - joint_entropy(joint), abs=1e-12)


@given(joints())
def test_mutual_information_is_the_divergence_from_the_product(joint):
    product = np.outer(joint.sum(axis=1), joint.sum(axis=0))
    assume(not np.any((product == 0) & (joint > 0)))  # p(x) p(y) underflowed: see the next test
    expected = kl(joint.ravel(), product.ravel())
    assert close_information(mutual_information(joint), expected)


def test_mutual_information_when_the_product_of_marginals_underflows():
    # p(x) p(y) = 4e-454 rounds to 0, so kl(joint, p(x) p(y)) is infinite; the true value is not.
    tiny = 1e-227
    joint = np.array([[1.0, tiny], [tiny, tiny]])
    product = np.outer(joint.sum(axis=1), joint.sum(axis=0))
    assert kl(joint.ravel(), product.ravel()) == math.inf
    exact = float(mp_mutual_information(joint))  # 5.2e-225
    value = mutual_information(joint)
    # Rounding 1 + tiny to 1 shifts the result by about tiny: far below eps * sqrt(I), not below I.
    assert close_information(value, exact)
    assert value == pytest.approx(exact, rel=1e-2, abs=0)


@given(st.data())
def test_data_processing_inequality(data):
    # X -> Y -> Z: Z depends on X only through Y, so it cannot know more about X than Y does.
    px = data.draw(hnp.arrays(np.float64, st.integers(1, 5), elements=PROBABILITY_WEIGHTS), "px weights")
    assume(px.sum() > 0)
    px = px / px.sum()
    y_given_x = data.draw(channels(px.size), "y_given_x")
    z_given_y = data.draw(channels(y_given_x.shape[1]), "z_given_y")
    joint_xy = px[:, np.newaxis] * y_given_x
    joint_xz = joint_xy @ z_given_y
    assert mutual_information(joint_xz) <= mutual_information(joint_xy) * (1 + ULPS) + 1e-30


def test_joint_entropy():
    joint = np.array([[0.5, 0.25], [0.125, 0.125]])
    assert joint_entropy(joint, base=2) == 1.75
    assert joint_entropy(joint) == pytest.approx(1.75 * LOG2, rel=1e-15, abs=0)


# ----------------------------------------------------------------------------------------------
# Conditional entropy


def test_conditional_entropy_of_a_binary_symmetric_channel():
    eps = 0.125
    joint = np.array([[(1 - eps) / 2, eps / 2], [eps / 2, (1 - eps) / 2]])
    assert conditional_entropy(joint) == pytest.approx(float(binary_entropy(eps)), rel=1e-14, abs=0)
    # Y is a function of X, and X is independent of Y.
    assert conditional_entropy(np.diag([0.5, 0.5])) == 0.0
    assert conditional_entropy(np.full((2, 4), 1 / 8), base=2) == 2.0


@given(joints())
def test_conditional_entropy_chain_rule_and_bounds(joint):
    h_y_given_x = conditional_entropy(joint)
    h_x, h_y = entropy(joint.sum(axis=1)), entropy(joint.sum(axis=0))
    assert h_y_given_x == pytest.approx(joint_entropy(joint) - h_x, abs=1e-12)
    assert 0 <= h_y_given_x <= h_y * (1 + ULPS)
    assert h_y_given_x == pytest.approx(h_y - mutual_information(joint), abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Jensen-Shannon divergence


@given(distribution_pairs())
def test_jensen_shannon_is_symmetric_and_bounded(pair):
    p, q = pair
    value = jensen_shannon(p, q)
    assert value == jensen_shannon(q, p)
    assert jensen_shannon(p, p) == 0.0
    # The result is clipped to [0, log 2]; the assertions are the strict ones a clip cannot fake:
    # JS >= TV²/2 (Pinsker on each half, with TV(P, M) = TV(P, Q)/2), and JS < log 2 unless the
    # supports are disjoint (up to rounding: JS = log 2 - O(overlap)).
    tv = 0.5 * float(np.abs(p - q).sum())
    if tv > 1e-6:
        assert value >= 0.5 * tv * tv * (1 - 1e-9) > 0
    if np.minimum(p, q).sum() > 1e-12:  # supports that overlap by more than rounding
        assert value < LOG2
    assert jensen_shannon(p, q, base=2) == pytest.approx(value / LOG2, rel=1e-15, abs=0)


@given(distribution_pairs(max_size=5))
def test_jensen_shannon_against_mpmath(pair):
    p, q = pair
    expected = float(mp_jensen_shannon(p, q))
    assert jensen_shannon(p, q) == pytest.approx(expected, rel=1e-13, abs=js_rescaling_error(p, q, expected))


def test_jensen_shannon_of_inputs_whose_sums_are_not_exactly_1():
    # The sums are 1 - 1e-9 and 1 + 1e-9; the references normalize exactly. Without the rescaling
    # in jensen_shannon, the mismatch of the sums would add about (2e-9)**2 / 8 = 5e-19.
    p = np.array([0.2, 0.3, 0.499999999])
    q = np.array([0.2000000005, 0.3, 0.4999999995]) * (1 + 2e-9)
    assert jensen_shannon(p, q) == pytest.approx(float(mp_jensen_shannon(p, q)), rel=1e-13, abs=0)
    # Equal to p but for a factor and the rounding of each entry: the exact value is 1.3e-34.
    nearly_p = p * (1 + 2e-9)
    expected = float(mp_jensen_shannon(p, nearly_p))
    allowance = js_rescaling_error(p, nearly_p, expected)  # 3e-41: 2e-7 relative
    assert jensen_shannon(p, nearly_p) == pytest.approx(expected, rel=1e-13, abs=allowance)


@pytest.mark.parametrize("delta", [1e-3, 1e-8, 1e-12])
def test_jensen_shannon_of_nearly_equal_distributions(delta):
    # The mixture is never rounded, so the digits survive where 0.5 kl(p, m) + 0.5 kl(q, m) loses them.
    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.ones(20))
    q = p * (1 + delta * rng.standard_normal(20))
    q /= q.sum()
    assert jensen_shannon(p, q) == pytest.approx(float(mp_jensen_shannon(p, q)), rel=1e-13, abs=0)


def test_jensen_shannon_extremes_and_scipy():
    assert jensen_shannon([1.0, 0.0], [0.0, 1.0]) == pytest.approx(LOG2, rel=1e-15, abs=0)
    assert jensen_shannon([0.5, 0.5, 0.0], [0.0, 0.0, 1.0], base=2) == pytest.approx(1.0, rel=1e-15, abs=0)
    p, q = [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]
    # SciPy returns the Jensen-Shannon distance: the square root of the divergence.
    assert jensen_shannon(p, q) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-12, abs=0)


def test_jensen_shannon_broadcasts_along_axis():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(4), size=(3, 5))  # 3 x 5 distributions over 4 outcomes
    q = rng.dirichlet(np.ones(4), size=5)  # 5 distributions, broadcast against the 3
    values = jensen_shannon(p, q)
    assert values.shape == (3, 5)
    assert values[2, 1] == jensen_shannon(p[2, 1], q[1])
    np.testing.assert_array_equal(jensen_shannon(np.moveaxis(p, -1, 0), q.T[:, np.newaxis], axis=0), values)
    assert isinstance(jensen_shannon(p[0, 0], q[0]), float)


# ----------------------------------------------------------------------------------------------
# Bad input: the right exception, and a message that names the argument


JOINT_FUNCTIONS = [mutual_information, conditional_entropy, joint_entropy]


@pytest.mark.parametrize("function", JOINT_FUNCTIONS)
@pytest.mark.parametrize(
    ("joint", "error", "message"),
    [
        ([0.5, 0.5], ValueError, r"joint must be a 2-D array"),  # one variable, not two
        (np.full((2, 2, 2), 1 / 8), ValueError, r"joint must be a 2-D array"),
        (np.zeros((0, 3)), ValueError, r"joint is empty"),
        ([[0.75, -0.25], [0.25, 0.25]], ValueError, r"joint has a negative entry"),
        ([[0.5, np.nan], [0.25, 0.25]], ValueError, r"joint contains NaN"),
        ([[0.5, np.inf], [0.25, 0.25]], ValueError, r"joint contains an infinite entry"),
        ([[0.5, 0.5], [0.5, 0.5]], ValueError, r"entries of joint must sum to 1"),
        ([[1, 2], [3, 4]], ValueError, r"entries of joint must sum to 1.*divide counts"),
        ([["a", "b"], ["c", "d"]], TypeError, r"joint must be an array of real numbers"),
        ([[0.5], [0.25, 0.25]], ValueError, r"joint must be a rectangular array"),
    ],
)
def test_bad_joint(function, joint, error, message):
    with pytest.raises(error, match=message):
        function(joint)


@pytest.mark.parametrize("function", JOINT_FUNCTIONS)
def test_bad_base(function):
    with pytest.raises(ValueError, match=r"base must be"):
        function([[0.5, 0.0], [0.0, 0.5]], base=1)
    with pytest.raises(TypeError, match=r"base must be"):
        function([[0.5, 0.0], [0.0, 0.5]], base="2")


@pytest.mark.parametrize(
    ("p", "q", "kwargs", "error", "message"),
    [
        ([0.5, np.nan], [0.5, 0.5], {}, ValueError, r"p contains NaN"),
        ([0.5, 0.5], [1.5, -0.5], {}, ValueError, r"q has a negative entry"),
        ([0.5, 0.6], [0.5, 0.5], {}, ValueError, r"p must sum to 1"),
        ([0.5, 0.5], [0.2, 0.3, 0.5], {}, ValueError, r"p and q must have the same number of outcomes"),
        ([[0.5, 0.5]] * 2, [[0.5, 0.5]] * 3, {}, ValueError, r"p and q have shapes .* do not broadcast"),
        ([0.5, 0.5], [0.5, 0.5], {"axis": 1}, ValueError, r"axis 1 is out of range for p"),
        ([0.5, 0.5], [0.5, 0.5], {"base": -2}, ValueError, r"base must be"),
        (0.5, [0.5, 0.5], {}, ValueError, r"p must be an array of probabilities"),
        ([0.5, 0.5], ["x", "y"], {}, TypeError, r"q must be an array of real numbers"),
    ],
)
def test_bad_jensen_shannon_input(p, q, kwargs, error, message):
    with pytest.raises(error, match=message):
        jensen_shannon(p, q, **kwargs)


@given(joints(), st.randoms(use_true_random=False))
def test_information_does_not_depend_on_the_order_of_the_outcomes(joint, random):
    rows, columns = list(range(joint.shape[0])), list(range(joint.shape[1]))
    random.shuffle(rows)
    random.shuffle(columns)
    shuffled = joint[np.ix_(rows, columns)]
    assert close_information(mutual_information(shuffled), mutual_information(joint))
    assert conditional_entropy(shuffled) == pytest.approx(conditional_entropy(joint), abs=1e-12)
    assert joint_entropy(shuffled) == pytest.approx(joint_entropy(joint), abs=1e-12)


def test_counts_are_accepted_with_normalize():
    counts = np.array([[3, 1], [0, 4]])
    joint = counts / counts.sum()
    assert mutual_information(counts, normalize=True) == mutual_information(joint)
    assert conditional_entropy(counts, normalize=True) == conditional_entropy(joint)
    assert joint_entropy(counts, normalize=True) == joint_entropy(joint)
    assert jensen_shannon([3, 1], [1, 1], normalize=True) == jensen_shannon([0.75, 0.25], [0.5, 0.5])
    with pytest.raises(ValueError, match="pass normalize=True"):
        mutual_information(counts)
