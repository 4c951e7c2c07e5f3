"""Bad input is refused with an exception that names the offending argument, never a number.

Each case below is one call of kl, entropy or cross_entropy, the exception it must raise, and a
regular expression that the message must match: the name of the argument that is wrong.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from kltools import cross_entropy, entropy, jensen_shannon, kl, mutual_information

COIN = [0.5, 0.5]
THIRDS = [1 / 3, 1 / 3, 1 / 3]
THIRDS_2_BY_3 = np.full((2, 3), 1 / 3)
THIRDS_4_BY_3 = np.full((4, 3), 1 / 3)
NAN = math.nan
INF = math.inf

# Regular expressions for the names of the arguments, as whole words.
P = r"\bp\b"
Q = r"\bq\b"
P_AND_Q = r"\bp\b.*\bq\b"
AXIS = r"\baxis\b"
BASE = r"\bbase\b"


def case(name, error, argument, function, *args, **kwargs):
    """One bad call, ``function(*args, **kwargs)``, that must raise ``error`` naming ``argument``."""
    return pytest.param(function, args, kwargs, error, argument, id=name)


BAD_INPUTS = [
    # Entries that are not probabilities.
    case("kl-nan-in-p", ValueError, P, kl, [NAN, 1.0], COIN),
    case("kl-nan-in-q", ValueError, Q, kl, COIN, [0.5, NAN]),
    case("entropy-all-nan", ValueError, P, entropy, [NAN, NAN]),
    case("kl-plus-inf-in-p", ValueError, P, kl, [INF, 0.0], COIN),
    case("cross-entropy-minus-inf-in-q", ValueError, Q, cross_entropy, COIN, [-INF, 1.0]),
    case("kl-negative-mass-in-p", ValueError, P, kl, [-0.1, 1.1], COIN),
    case("kl-negative-mass-in-q", ValueError, Q, kl, COIN, [1.5, -0.5]),
    case("entropy-tiny-negative-mass", ValueError, P, entropy, [-1e-300, 1.0]),
    # Sums other than 1.
    case("kl-p-sums-to-0.9", ValueError, P, kl, [0.4, 0.5], COIN),
    case("kl-q-sums-to-1.1", ValueError, Q, kl, COIN, [0.6, 0.5]),
    case("entropy-sums-to-1-plus-1e-6", ValueError, P, entropy, [0.5, 0.5 + 1e-6]),
    case("kl-q-sums-to-0.6", ValueError, Q, kl, COIN, [0.3, 0.3]),
    case("cross-entropy-counts-without-normalize", ValueError, P, cross_entropy, [1, 2, 3], THIRDS),
    case("entropy-float32-sum", ValueError, P, entropy, np.array([0.5, 0.51], dtype=np.float32)),
    case("kl-all-zero-normalize", ValueError, P, kl, [0.0, 0.0], COIN, normalize=True),
    case("entropy-zero-row-normalize", ValueError, P, entropy, [[1, 1], [0, 0]], normalize=True),
    case("kl-negative-counts-normalize", ValueError, P, kl, [3, -1], [1, 1], normalize=True),
    case("cross-entropy-negative-q-counts", ValueError, Q, cross_entropy, [1, 1], [2, -1], normalize=True),
    # Shapes.
    case("kl-empty-list", ValueError, P, kl, [], []),
    case("entropy-empty-along-axis", ValueError, P, entropy, np.zeros((3, 0))),
    case("kl-empty-along-axis-0", ValueError, P, kl, np.zeros((0, 2)), np.zeros((0, 2)), axis=0),
    case("kl-0d-scalar", ValueError, P, kl, 1.0, 1.0),
    case("entropy-0d-numpy-scalar", ValueError, P, entropy, np.float64(1.0)),
    case("kl-ragged-p", ValueError, P, kl, [[0.5, 0.5], [1.0]], COIN),
    case("cross-entropy-ragged-q", ValueError, Q, cross_entropy, COIN, [[1.0], [0.5, 0.5]]),
    case("kl-mismatched-lengths", ValueError, P_AND_Q, kl, COIN, THIRDS),
    case("cross-entropy-mismatched-lengths", ValueError, P_AND_Q, cross_entropy, [1.0], COIN),
    case("kl-batches-do-not-broadcast", ValueError, P_AND_Q, kl, THIRDS_2_BY_3, THIRDS_4_BY_3),
    # Types that are not real numbers.
    case("kl-strings", TypeError, P, kl, ["0.5", "0.5"], COIN),
    case("entropy-a-string", TypeError, P, entropy, "abc"),
    case("kl-p-none", TypeError, P, kl, None, COIN),
    case("cross-entropy-q-none", TypeError, Q, cross_entropy, COIN, None),
    case("kl-complex", TypeError, P, kl, [0.5 + 0j, 0.5], COIN),
    case("entropy-complex", TypeError, P, entropy, np.array([1j, 1 - 1j])),
    case("kl-booleans", TypeError, P, kl, [True, False], [1.0, 0.0]),
    case("entropy-boolean-array", TypeError, P, entropy, np.array([False, True])),
    case("kl-object-array", TypeError, Q, kl, COIN, np.array(COIN, dtype=object)),
    case("entropy-fractions", TypeError, P, entropy, [Fraction(1, 2), Fraction(1, 2)]),
    case("kl-dict", TypeError, P, kl, {"heads": 0.5, "tails": 0.5}, COIN),
    # axis.
    case("kl-axis-out-of-range", ValueError, AXIS, kl, COIN, COIN, axis=1),
    case("entropy-axis-minus-3", ValueError, AXIS, entropy, np.full((2, 2), 0.5), axis=-3),
    case("kl-axis-float", TypeError, AXIS, kl, COIN, COIN, axis=0.0),
    case("cross-entropy-axis-true", TypeError, AXIS, cross_entropy, COIN, COIN, axis=True),
    case("entropy-axis-string", TypeError, AXIS, entropy, COIN, axis="0"),
    case("entropy-axis-none", TypeError, AXIS, entropy, COIN, axis=None),
    # base.
    case("kl-base-1", ValueError, BASE, kl, COIN, COIN, base=1),
    case("entropy-base-1.0", ValueError, BASE, entropy, COIN, base=1.0),
    case("kl-base-0", ValueError, BASE, kl, COIN, COIN, base=0),
    case("cross-entropy-base-minus-2", ValueError, BASE, cross_entropy, COIN, COIN, base=-2),
    case("entropy-base-nan", ValueError, BASE, entropy, COIN, base=NAN),
    case("kl-base-inf", ValueError, BASE, kl, COIN, COIN, base=INF),
    case("kl-base-string", TypeError, BASE, kl, COIN, COIN, base="2"),
    case("entropy-base-true", TypeError, BASE, entropy, COIN, base=True),
    case("cross-entropy-base-complex", TypeError, BASE, cross_entropy, COIN, COIN, base=2j),
    case("kl-base-list", TypeError, BASE, kl, COIN, COIN, base=[2]),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "error", "argument"), BAD_INPUTS)
def test_bad_input_raises_an_error_that_names_the_argument(function, args, kwargs, error, argument):
    with pytest.raises(error, match=argument):
        function(*args, **kwargs)


def test_the_sum_tolerance_is_sqrt_eps():
    # Off by 1.4e-8 (below sqrt(eps) = 1.49e-8) is rounding; off by 1.6e-8 is a mistake.
    assert math.isfinite(kl([0.5 + 1.4e-8, 0.5], COIN))  # accepted
    with pytest.raises(ValueError, match=r"off by 1\.6e-08"):
        kl([0.5 + 1.6e-8, 0.5], COIN)


@pytest.mark.parametrize("function", [entropy, lambda p: cross_entropy(p, p), lambda p: jensen_shannon(p, p)])
def test_a_distribution_given_to_an_array_function_says_what_to_call(function):
    with pytest.raises(TypeError, match=r"is a scipy\.stats distribution.*\.entropy\(\) method"):
        function(stats.norm(0, 1))


def test_numbers_in_messages_are_printed_as_numbers():
    with pytest.raises(ValueError, match=r"got the scalar 0\.5$"):
        entropy(np.float64(0.5))
    with pytest.raises(ValueError, match=r"got 1\.0$"):
        kl(COIN, COIN, base=np.float64(1.0))
    with pytest.raises(ValueError, match="they sum to 10;"):
        mutual_information(np.array([[4.0, 1.0], [2.0, 3.0]]))


def test_longdouble_is_refused_rather_than_cut_to_float64():
    p = np.array([0.5, 0.5], dtype=np.longdouble)
    if np.finfo(np.longdouble).eps < np.finfo(np.float64).eps:  # x86: 80-bit extended precision
        with pytest.raises(TypeError, match="computes in float64"):
            kl(p, COIN)
    else:  # where longdouble is float64 itself, nothing is lost
        assert kl(p, COIN) == 0.0


def test_unnormalized_q_is_refused_where_scipy_normalizes_silently():
    # SciPy divides q = (0.3, 0.3) by its sum and answers 0: the mistake goes unnoticed.
    assert stats.entropy(COIN, [0.3, 0.3]) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(ValueError, match=Q):
        kl(COIN, [0.3, 0.3])
    with pytest.raises(ValueError, match=Q):
        cross_entropy(COIN, [0.3, 0.3])
    # Counts are welcome when the caller says so.
    assert kl(COIN, [0.3, 0.3], normalize=True) == 0.0
