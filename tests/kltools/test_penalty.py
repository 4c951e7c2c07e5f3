"""Tests of kltools.penalty: the three sample estimators of the KL penalty.

- Accuracy: against mpmath at 50 digits, also for nearly equal log-probabilities.
- Properties (hypothesis): k2, k3 >= 0; k1 and k3 unbiased (their exact mean under P is kl(P, R)).
- Bad input: clear errors.
"""

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kltools import kl
from kltools.penalty import kl_penalty

mp.mp.dps = 50


def mp_k3(lp, lr):
    ell = mp.mpf(lr) - mp.mpf(lp)
    return float(mp.exp(ell) - 1 - ell)


@pytest.mark.parametrize("lp, lr", [(-1.0, -2.5), (-0.3, -0.3 + 1e-9), (-5.0, -5.0 - 3e-12), (0.2, -40.0)])
def test_k3_against_mpmath(lp, lr):
    got = kl_penalty(np.array([lp]), np.array([lr]), "k3")[0]
    assert got == pytest.approx(mp_k3(lp, lr), rel=1e-14)


pmfs = st.lists(st.floats(0.01, 1.0), min_size=2, max_size=6)


@given(pmfs, st.data())
def test_unbiased_and_nonnegative(w, data):
    v = data.draw(st.lists(st.floats(0.01, 1.0), min_size=len(w), max_size=len(w)))
    p, r = np.array(w) / sum(w), np.array(v) / sum(v)
    exact = kl(p, r)
    for name in ("k1", "k3"):
        assert p @ kl_penalty(np.log(p), np.log(r), name) == pytest.approx(exact, rel=1e-9, abs=1e-12)
    assert np.all(kl_penalty(np.log(p), np.log(r), "k2") >= 0)
    assert np.all(kl_penalty(np.log(p), np.log(r), "k3") >= 0)


def test_k2_bias_is_third_order():
    # P = N(0, 1), R = N(mu, 1): E[k2] = D + mu^4 / 8 with D = mu^2 / 2 (log r ~ N(-mu^2/2, mu^2))
    x = np.random.default_rng(1).standard_normal(400_000)
    mu = 0.5
    lp, lr = -0.5 * x**2, -0.5 * (x - mu) ** 2
    assert kl_penalty(lp, lr, "k2").mean() == pytest.approx(mu**2 / 2 + mu**4 / 8, rel=5e-3)


def test_minus_infinity_reference():
    assert kl_penalty([-1.0], [-np.inf], "k3")[0] == np.inf


@pytest.mark.parametrize("lp, lr, est, match", [
    ([0.0], [0.0], "k4", "estimator"), ([np.nan], [0.0], "k1", "log_p"), ([0.0], [np.inf], "k1", "log_ref"),
    ([0.0, 1.0], [0.0, 1.0, 2.0], "k1", "broadcast")])
def test_bad_input(lp, lr, est, match):
    with pytest.raises(ValueError, match=match):
        kl_penalty(lp, lr, est)


def test_not_numbers():
    with pytest.raises(TypeError, match="log_p"):
        kl_penalty(["a"], [0.0])
