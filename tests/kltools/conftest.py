"""Shared settings and Hypothesis strategies for the kltools tests.

Hypothesis runs derandomized by default (the profile "ci"): every run draws the same examples, so
the suite gives the same verdict run after run and a failure it reports can be reproduced by running
it again. A developer who wants fresh examples asks for them, as numpy's own conftest allows:
``HYPOTHESIS_PROFILE=random make unit`` draws new ones each run (and more of them).
"""

import os

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=200,
    print_blob=True,
    database=None,  # nothing is written to disk; with derandomize=True there is nothing to replay
)
settings.register_profile("random", deadline=None, max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Number of outcomes of the generated distributions.
SIZES = st.integers(min_value=1, max_value=10)

# Unnormalized weights. Their ratios span 100 orders of magnitude, so that divergences of a few
# hundred nats occur. The floor keeps the tests' own arithmetic (products as in p @ K, mixtures,
# conditionals) away from the subnormal range, where it would lose its relative precision or
# underflow to 0 and make a theorem look false. test_discrete.py looks at tinier probabilities.
WEIGHTS = st.floats(min_value=1e-100, max_value=1.0)


@st.composite
def pmfs(draw, n: int, *, zeros: bool = True) -> np.ndarray:
    """A probability vector of length ``n``: positive weights, some set to exactly 0, normalized.

    With ``zeros=True`` any number of entries but one may be 0. The float division leaves the sum
    within a few units in the last place of 1, well inside the 1.5e-8 that kltools accepts.
    """
    weights = np.array(draw(st.lists(WEIGHTS, min_size=n, max_size=n)))
    if zeros:
        zero_at = draw(st.sets(st.integers(min_value=0, max_value=n - 1), max_size=n - 1))
        weights[sorted(zero_at)] = 0.0
    return weights / weights.sum()


@st.composite
def pmf_lists(draw, count: int, *, zeros: bool = True) -> list[np.ndarray]:
    """``count`` probability vectors of one common length, as :func:`pmfs` draws them."""
    n = draw(SIZES)
    return [draw(pmfs(n, zeros=zeros)) for _ in range(count)]


@st.composite
def pmf_pairs(draw, *, q_zeros: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A pair ``(p, q)`` of the same length; with ``q_zeros=False``, ``q`` is positive everywhere."""
    n = draw(SIZES)
    return draw(pmfs(n)), draw(pmfs(n, zeros=q_zeros))
