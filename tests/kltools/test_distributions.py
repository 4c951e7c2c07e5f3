"""kl_between: closed forms against 50-digit references and against integration, and its contract.

Three kinds of checks:

- Accuracy: each closed form against the textbook formula evaluated by mpmath at 50 digits on the
  same floating-point parameters: 1e-12 relative at generic parameters, 1e-10 when Q's parameters
  differ from P's by 1e-8 relative (where the textbook formula in float64 fails).
- Correctness of the formulas themselves: against numerical integration or summation of
  p log(p/q) with SciPy's densities, 1e-8 relative.
- The contract: infinite divergences, the numerical fallbacks, and the errors for unknown pairs
  and invalid parameters.
"""

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, special, stats

import kltools
from kltools.distributions import kl_between, register_kl, registered_pairs, unregister_kl

DIGITS = 50
GENERIC = 1e-12  # relative error allowed at generic parameters
NEAR = 1e-10  # relative error allowed when Q's parameters are within 1e-8 of P's
DELTA = 1e-8  # the relative perturbation

# (family, parameters of P, parameters of Q), generic: each family at ordinary parameters, at
# extreme ones, and where a parameter pair takes the series branch of lgamma_bregman.
CASES = [
    ("norm", dict(loc=0.3, scale=1.7), dict(loc=-1.2, scale=0.6)),
    ("norm", dict(loc=5.0, scale=0.01), dict(loc=5.1, scale=100.0)),
    ("norm", dict(loc=-2.0, scale=3.0), dict(loc=-2.0, scale=3.3)),
    ("laplace", dict(loc=0.3, scale=1.7), dict(loc=-1.2, scale=0.6)),
    ("laplace", dict(loc=2.0, scale=0.5), dict(loc=2.0, scale=0.7)),
    ("laplace", dict(loc=2.0, scale=0.5), dict(loc=2.01, scale=0.5)),
    ("expon", dict(scale=2.5), dict(scale=0.4)),
    ("expon", dict(loc=1.5, scale=2.5), dict(loc=0.5, scale=3.0)),
    ("expon", dict(scale=1e-6), dict(scale=1e3)),
    ("gamma", dict(a=2.5, scale=1.5), dict(a=4.0, scale=0.7)),
    ("gamma", dict(a=0.3, scale=2.0), dict(a=0.35, scale=2.1)),
    ("gamma", dict(a=150.0, loc=1.0, scale=0.02), dict(a=120.0, loc=1.0, scale=0.03)),
    ("gamma", dict(a=7.0, scale=1.0), dict(a=0.5, scale=10.0)),
    ("beta", dict(a=2.0, b=3.0), dict(a=3.5, b=2.5)),
    ("beta", dict(a=0.5, b=0.8), dict(a=0.6, b=0.7)),
    ("beta", dict(a=40.0, b=70.0), dict(a=45.0, b=60.0)),
    ("beta", dict(a=1.5, b=2.5, loc=-1.0, scale=4.0), dict(a=2.5, b=1.2, loc=-1.0, scale=4.0)),
    ("uniform", dict(loc=0.5, scale=1.5), dict(loc=0.2, scale=4.0)),
    ("uniform", dict(loc=0.0, scale=1.0), dict(loc=0.0, scale=1.1)),
    ("bernoulli", dict(p=0.3), dict(p=0.75)),
    ("bernoulli", dict(p=0.0), dict(p=0.2)),
    ("bernoulli", dict(p=0.999), dict(p=0.01)),
    ("binom", dict(n=20, p=0.3), dict(n=20, p=0.45)),
    ("binom", dict(n=1000, p=0.01), dict(n=1000, p=0.02)),
    ("geom", dict(p=0.3), dict(p=0.6)),
    ("geom", dict(p=0.05), dict(p=0.04)),
    ("poisson", dict(mu=3.7), dict(mu=5.2)),
    ("poisson", dict(mu=1e-3), dict(mu=40.0)),
    ("poisson", dict(mu=250.0), dict(mu=240.0)),
]

# The parameters that can move without moving the support, perturbed by DELTA in the tests.
MOVABLE = {
    "norm": ("loc", "scale"),
    "laplace": ("loc", "scale"),
    "expon": ("scale",),
    "gamma": ("a", "scale"),
    "beta": ("a", "b"),
    "uniform": ("scale",),
    "bernoulli": ("p",),
    "binom": ("p",),
    "geom": ("p",),
    "poisson": ("mu",),
}


def frozen(family: str, params: dict):
    return getattr(stats, family)(**params)


def relative_error(value: float, reference) -> float:
    return float(abs(mp.mpf(value) - reference) / abs(reference))


# --- The textbook formulas at 50 digits ---------------------------------------------------------


def mp_reference(family: str, p: dict, q: dict):
    """The textbook closed form (Penny 2001; Gil et al. 2013), evaluated with mpmath at 50 digits."""
    with mp.workdps(DIGITS):
        p = {k: mp.mpf(v) for k, v in p.items()}
        q = {k: mp.mpf(v) for k, v in q.items()}
        loc1, loc2 = p.get("loc", mp.mpf(0)), q.get("loc", mp.mpf(0))
        s1, s2 = p.get("scale", mp.mpf(1)), q.get("scale", mp.mpf(1))
        if family == "norm":
            return mp.log(s2 / s1) + (s1**2 + (loc1 - loc2) ** 2) / (2 * s2**2) - mp.mpf(1) / 2
        if family == "laplace":
            dist = abs(loc1 - loc2)
            return mp.log(s2 / s1) + dist / s2 + s1 / s2 * mp.exp(-dist / s1) - 1
        if family == "expon":
            return mp.log(s2 / s1) + s1 / s2 - 1 + (loc1 - loc2) / s2
        if family == "gamma":
            a1, a2, b1, b2 = p["a"], q["a"], 1 / s1, 1 / s2
            return ((a1 - a2) * mp.digamma(a1) - mp.loggamma(a1) + mp.loggamma(a2)
                    + a2 * mp.log(b1 / b2) + a1 * (b2 - b1) / b1)
        if family == "beta":
            return mp_dirichlet([p["a"], p["b"]], [q["a"], q["b"]])
        if family == "uniform":
            return mp.log(s2 / s1)
        if family in ("bernoulli", "binom", "geom"):
            p1, p2 = p["p"], q["p"]
            bernoulli = (p1 * mp.log(p1 / p2) if p1 else 0) + (1 - p1) * mp.log((1 - p1) / (1 - p2))
            factor = {"bernoulli": 1, "binom": p.get("n"), "geom": 1 / p1 if p1 else None}[family]
            return factor * bernoulli
        if family == "poisson":
            lam1, lam2 = p["mu"], q["mu"]
            return lam1 * mp.log(lam1 / lam2) - lam1 + lam2
    raise AssertionError(family)


def mp_dirichlet(alpha, beta):
    """Penny (2001): lnΓ(α0) - Σ lnΓ(α_i) - lnΓ(β0) + Σ lnΓ(β_i) + Σ (α_i - β_i)(ψ(α_i) - ψ(α0))."""
    with mp.workdps(DIGITS):
        alpha, beta = [mp.mpf(a) for a in alpha], [mp.mpf(b) for b in beta]
        a0, b0 = mp.fsum(alpha), mp.fsum(beta)
        pairs = zip(alpha, beta, strict=True)
        return (mp.loggamma(a0) - mp.fsum(mp.loggamma(a) for a in alpha) - mp.loggamma(b0)
                + mp.fsum(mp.loggamma(b) for b in beta)
                + mp.fsum((a - b) * (mp.digamma(a) - mp.digamma(a0)) for a, b in pairs))


def mp_multivariate_normal(mean1, cov1, mean2, cov2):
    """[tr(S2⁻¹ S1) - d + log det S2 - log det S1 + Δμᵀ S2⁻¹ Δμ] / 2 at 50 digits."""
    with mp.workdps(DIGITS):
        s1, s2 = mp.matrix(cov1.tolist()), mp.matrix(cov2.tolist())
        dm = mp.matrix((mean1 - mean2).tolist())
        s2_inv = mp.inverse(s2)
        d = len(mean1)
        trace = mp.fsum(s2_inv[i, j] * s1[j, i] for i in range(d) for j in range(d))
        mahalanobis = (dm.T * s2_inv * dm)[0, 0]
        return (trace - d + mp.log(mp.det(s2)) - mp.log(mp.det(s1)) + mahalanobis) / 2


def perturbed(family: str, params: dict, rng: np.random.Generator) -> dict:
    """``params`` with each movable parameter changed by DELTA relative, in a random direction."""
    out = dict(params)
    for name in MOVABLE[family]:
        sign = 1.0 if family == "uniform" else rng.choice([-1.0, 1.0])  # a uniform Q must contain P
        out[name] = params[name] * (1 + sign * DELTA * rng.uniform(0.5, 1.0))
    return out


def random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.5 * np.eye(d)


# --- Accuracy against the 50-digit references --------------------------------------------------


@pytest.mark.parametrize(("family", "p", "q"), CASES)
def test_closed_form_matches_50_digit_reference(family, p, q):
    value = kl_between(frozen(family, p), frozen(family, q))
    assert relative_error(value, mp_reference(family, p, q)) <= GENERIC


@pytest.mark.parametrize(("family", "p", "q"), CASES)
def test_closed_form_keeps_its_digits_near_equality(family, p, q):
    rng = np.random.default_rng(CASES.index((family, p, q)))
    if family == "bernoulli" and p["p"] == 0:
        p = dict(p=0.2)
    for _ in range(4):
        q_near = perturbed(family, p, rng)
        value = kl_between(frozen(family, p), frozen(family, q_near))
        reference = mp_reference(family, p, q_near)
        assert 0 < reference < 1e-6
        assert relative_error(value, reference) <= NEAR


@pytest.mark.parametrize(("a", "b"), [(2.5, 4.0), (40.0, 70.0), (300.0, 500.0)])
def test_mean_preserving_perturbations(a, b):
    """Along equal means, the pieces of the Gamma and Beta formulas cancel most; still accurate."""
    a2, scale2 = a * (1 + DELTA), 1.5 / (1 + DELTA)
    value = kl_between(stats.gamma(a, scale=1.5), stats.gamma(a2, scale=scale2))
    reference = mp_reference("gamma", dict(a=a, scale=1.5), dict(a=a2, scale=scale2))
    assert relative_error(value, reference) <= NEAR
    value = kl_between(stats.beta(a, b), stats.beta(a * (1 + DELTA), b * (1 + DELTA)))
    reference = mp_dirichlet([a, b], [a * (1 + DELTA), b * (1 + DELTA)])
    assert relative_error(value, reference) <= NEAR


@pytest.mark.parametrize("shift", [1e-30, 7.3e-128, -2.5e-140, 1e-150])
def test_tiny_shifts_of_location(shift):
    """Locations a tiny distance t apart: N(t, s^2) from N(0, s^2) is t^2 / (2 s^2) (down to 2e-301
    here), and Laplace(t, b) from Laplace(0, b) is |t|/b + exp(-|t|/b) - 1, evaluated with 700
    digits. Neither underflows to 0 nor loses its relative precision."""
    s, b = 1.7, 0.6
    assert relative_error(kl_between(stats.norm(shift, s), stats.norm(0, s)), shift**2 / (2 * s * s)) <= 1e-15
    with mp.workdps(700):
        t = abs(mp.mpf(shift)) / mp.mpf(b)
        exact = float(t + mp.exp(-t) - 1)
    assert relative_error(kl_between(stats.laplace(shift, b), stats.laplace(0, b)), exact) <= GENERIC


def naive_gamma(a1, s1, a2, s2):
    b1, b2 = 1 / s1, 1 / s2
    return ((a1 - a2) * special.digamma(a1) - special.gammaln(a1) + special.gammaln(a2)
            + a2 * math.log(b1 / b2) + a1 * (b2 - b1) / b1)


def naive_beta(a1, b1, a2, b2):
    return (special.betaln(a2, b2) - special.betaln(a1, b1) + (a1 - a2) * special.digamma(a1)
            + (b1 - b2) * special.digamma(b1) + (a2 - a1 + b2 - b1) * special.digamma(a1 + b1))


def naive_poisson(lam1, lam2):
    return lam1 * math.log(lam1 / lam2) - lam1 + lam2


def test_textbook_formulas_fail_near_equality_where_kl_between_does_not():
    """At a 1e-8 perturbation the textbook formulas in float64 are off by more than 1e-4."""
    a1, s1, a2, s2 = 2.5, 1.5, 2.5 * (1 + DELTA), 1.5 * (1 - DELTA)
    reference = mp_reference("gamma", dict(a=a1, scale=s1), dict(a=a2, scale=s2))
    assert relative_error(naive_gamma(a1, s1, a2, s2), reference) > 1e-4
    assert relative_error(kl_between(stats.gamma(a1, scale=s1), stats.gamma(a2, scale=s2)), reference) <= NEAR

    a1, b1, a2, b2 = 2.0, 3.0, 2.0 * (1 + DELTA), 3.0 * (1 - DELTA)
    reference = mp_dirichlet([a1, b1], [a2, b2])
    assert relative_error(naive_beta(a1, b1, a2, b2), reference) > 1e-4
    assert relative_error(kl_between(stats.beta(a1, b1), stats.beta(a2, b2)), reference) <= NEAR

    lam1, lam2 = 3.7, 3.7 * (1 + DELTA)
    reference = mp_reference("poisson", dict(mu=lam1), dict(mu=lam2))
    assert relative_error(naive_poisson(lam1, lam2), reference) > 1e-4
    assert relative_error(kl_between(stats.poisson(lam1), stats.poisson(lam2)), reference) <= NEAR


@pytest.mark.parametrize("k", [2, 3, 10])
def test_dirichlet_matches_50_digit_reference(k):
    rng = np.random.default_rng(k)
    alpha, beta = rng.uniform(0.2, 20, k), rng.uniform(0.2, 20, k)
    value = kl_between(stats.dirichlet(alpha), stats.dirichlet(beta))
    assert relative_error(value, mp_dirichlet(alpha, beta)) <= GENERIC
    near = alpha * (1 + DELTA * rng.uniform(-1, 1, k))
    value = kl_between(stats.dirichlet(alpha), stats.dirichlet(near))
    assert relative_error(value, mp_dirichlet(alpha, near)) <= NEAR


def test_arrays_go_through_kl_and_kl_between_refuses_them():
    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    with mp.workdps(DIGITS):
        reference = mp.fsum(mp.mpf(a) * mp.log(mp.mpf(a) / mp.mpf(b)) for a, b in zip(p, q, strict=True))
    assert relative_error(kltools.kl(p, q), reference) <= GENERIC
    with pytest.raises(TypeError, match=r"use kltools\.kl"):
        kl_between(p, q)
    with pytest.raises(TypeError, match="a distribution for p and an array for q"):
        kltools.kl(stats.norm(), q)


@pytest.mark.parametrize("d", [1, 3, 50])
def test_multivariate_normal_matches_50_digit_reference(d):
    rng = np.random.default_rng(d)
    mean1, mean2 = rng.standard_normal(d), rng.standard_normal(d)
    cov1, cov2 = random_spd(rng, d), random_spd(rng, d)
    P = stats.multivariate_normal(mean1, cov1)
    value = kl_between(P, stats.multivariate_normal(mean2, cov2))
    assert relative_error(value, mp_multivariate_normal(mean1, cov1, mean2, cov2)) <= GENERIC

    # Q within 1e-8 of P: every entry of the mean and of the (still symmetric) covariance moves.
    noise = rng.uniform(-1, 1, (d, d))
    cov_near = cov1 * (1 + DELTA * (noise + noise.T) / 2)
    mean_near = mean1 * (1 + DELTA * rng.uniform(-1, 1, d))
    value = kl_between(P, stats.multivariate_normal(mean_near, cov_near))
    reference = mp_multivariate_normal(mean1, cov1, mean_near, cov_near)
    assert 0 < reference < 1e-12
    assert relative_error(value, reference) <= NEAR


# --- The formulas themselves, against integration and summation --------------------------------


def integrated_kl(P, Q) -> float:
    """∫ p log(p/q) over the support of P, by quad on pieces between quantiles of P."""
    lower, upper = P.support()
    points = [lower, upper, *P.ppf([1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3])]
    tails = [1e-5, 1e-10, 1e-15]  # toward an infinite end, cut down to negligible mass
    if lower == -np.inf:
        points += list(P.ppf(tails))
    if upper == np.inf:
        points += list(P.isf(tails))
    points = np.unique(points)

    def integrand(x):
        # 0 where p = 0, at a singular end point, or where q underflows (p is negligible there)
        terms = P.pdf(x), P.logpdf(x), Q.logpdf(x)
        return terms[0] * (terms[1] - terms[2]) if np.isfinite(terms).all() and terms[0] > 0 else 0.0

    return sum(integrate.quad(integrand, a, b, epsabs=1e-14, epsrel=1e-12, limit=500)[0]
               for a, b in itertools.pairwise(points))


def summed_kl(P, Q) -> float:
    k = np.arange(P.support()[0], min(P.support()[1], P.isf(1e-15) + 200) + 1)
    p = P.pmf(k)
    keep = p > 0
    return math.fsum(p[keep] * (P.logpmf(k[keep]) - Q.logpmf(k[keep])))


@pytest.mark.parametrize(("family", "p", "q"), CASES)
def test_closed_form_matches_numerical_integration(family, p, q):
    P, Q = frozen(family, p), frozen(family, q)
    direct = summed_kl(P, Q) if family in ("bernoulli", "binom", "geom", "poisson") else integrated_kl(P, Q)
    assert kl_between(P, Q) == pytest.approx(direct, rel=1e-8, abs=0)


def test_multivariate_normal_matches_numerical_integration():
    """E_P[log p - log q] by Gauss-Hermite quadrature, exact for the quadratic log p - log q."""
    rng = np.random.default_rng(3)
    mean1, mean2 = rng.standard_normal(3), rng.standard_normal(3)
    cov1, cov2 = random_spd(rng, 3), random_spd(rng, 3)
    P, Q = stats.multivariate_normal(mean1, cov1), stats.multivariate_normal(mean2, cov2)
    nodes, weights = np.polynomial.hermite_e.hermegauss(4)  # weight exp(-z²/2)
    grid = np.array(list(itertools.product(nodes, repeat=3)))
    weight = np.prod(list(itertools.product(weights, repeat=3)), axis=1)
    x = mean1 + grid @ np.linalg.cholesky(cov1).T  # x = μ1 + L1 z with z standard normal
    direct = weight @ (P.logpdf(x) - Q.logpdf(x)) / (2 * np.pi) ** 1.5
    assert kl_between(P, Q) == pytest.approx(direct, rel=1e-8, abs=0)


def test_dirichlet_matches_numerical_integration():
    """log p - log q = c + Σ (α_i - β_i) log x_i; E_P[log x_i] by quad over the Beta marginal."""
    alpha, beta = np.array([2.0, 3.0, 0.7]), np.array([3.0, 2.5, 1.5])
    P, Q = stats.dirichlet(alpha), stats.dirichlet(beta)
    point = np.full(3, 1 / 3)
    constant = P.logpdf(point) - Q.logpdf(point) - (alpha - beta) @ np.log(point)
    marginals = [stats.beta(a, alpha.sum() - a) for a in alpha]
    mean_logs = [integrate.quad(lambda x, m=m: m.pdf(x) * math.log(x), 0, 1, epsrel=1e-12)[0]
                 for m in marginals]
    assert kl_between(P, Q) == pytest.approx(constant + (alpha - beta) @ mean_logs, rel=1e-8, abs=0)


# --- Supports, fallbacks, units ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("P", "Q"),
    [
        (stats.expon(loc=0.0), stats.expon(loc=1.0)),
        (stats.gamma(2.0, loc=0.0), stats.gamma(2.0, loc=0.5)),
        (stats.uniform(0, 2), stats.uniform(0, 1)),
        (stats.uniform(0, 1), stats.uniform(0.5, 1)),
        (stats.beta(2, 3), stats.beta(2, 3, scale=0.5)),
        (stats.norm(), stats.expon()),
        (stats.binom(12, 0.3), stats.binom(10, 0.3)),
        (stats.bernoulli(0.5), stats.bernoulli(0.0)),
        (stats.poisson(3.0, loc=0), stats.poisson(3.0, loc=1)),
        (stats.poisson(2.0), stats.poisson(0.0)),
        (stats.geom(0.5), stats.geom(1.0)),
    ],
)
def test_mass_where_q_has_none_gives_inf(P, Q):
    assert kl_between(P, Q) == math.inf


def test_nested_supports_without_closed_form_are_summed():
    """Shifted supports that are nested: finite, by the closed form (expon) or by summation."""
    value = kl_between(stats.expon(loc=1.0, scale=2.0), stats.expon(loc=0.5, scale=2.0))
    assert value == pytest.approx(0.25, rel=1e-14, abs=0)  # (loc1 - loc2) / scale
    P, Q = stats.binom(10, 0.3), stats.binom(12, 0.35)
    value, error = kl_between(P, Q, full_output=True)
    assert value == pytest.approx(summed_kl(P, Q), rel=1e-12, abs=0) and error < 1e-14
    assert kl_between(stats.poisson(3.0, loc=2), stats.poisson(3.0)) == pytest.approx(
        summed_kl(stats.poisson(3.0, loc=2), stats.poisson(3.0)), rel=1e-12, abs=0
    )


def test_summation_fallback_negative_binomial_against_poisson():
    P, Q = stats.nbinom(5, 0.4), stats.poisson(7.0)
    value, error = kl_between(P, Q, full_output=True)
    with mp.workdps(DIGITS):

        def log_p(k):
            binomial = mp.loggamma(k + 5) - mp.loggamma(k + 1) - mp.loggamma(5)
            return binomial + 5 * mp.log(0.4) + k * mp.log(0.6)

        def log_q(k):
            return -7 + k * mp.log(7) - mp.loggamma(k + 1)

        reference = mp.fsum(mp.exp(log_p(k)) * (log_p(k) - log_q(k)) for k in range(400))
    assert relative_error(value, reference) < 1e-13
    assert 0 <= error < 1e-14


def test_units_and_full_output():
    P, Q = stats.norm(0, 1), stats.norm(1, 2)
    nats = kl_between(P, Q)
    assert kl_between(P, Q, base=2) == pytest.approx(nats / math.log(2), rel=1e-15, abs=0)
    # The error of a closed form is the accuracy measured for it, not 0: 2e-14 of the value.
    assert kl_between(P, Q, full_output=True) == (nats, 2e-14 * nats)
    value, error = kl_between(stats.gamma(2.0), stats.gamma(3.0), full_output=True)
    assert error == 2e-12 * value > 0
    assert kl_between(P, P, full_output=True) == (0.0, 0.0)
    with pytest.raises(ValueError, match="base"):
        kl_between(P, Q, base=1)


def test_registry():
    pairs = registered_pairs()
    for family in [*MOVABLE, "multivariate_normal", "dirichlet"]:
        assert (family, family) in pairs

    @register_kl("norm", "laplace")
    def kl_norm_laplace(p, q):
        return 42.0

    try:
        assert kl_between(stats.norm(), stats.laplace()) == 42.0
        assert ("norm", "laplace") in registered_pairs()
    finally:
        assert unregister_kl("norm", "laplace") is kl_norm_laplace
    assert ("norm", "laplace") not in registered_pairs()
    assert registered_pairs() == pairs


def test_registry_refuses_what_would_silently_change_results():
    before = registered_pairs()
    with pytest.raises(ValueError, match=r"KL\(norm \|\| norm\) is registered already.*override=True"):
        register_kl("norm", "norm")(lambda p, q: 0.0)
    with pytest.raises(ValueError, match=r"'normal' is not a scipy\.stats family"):
        register_kl("normal", "norm")
    with pytest.raises(TypeError, match="family_p must be a family's name as a string"):
        register_kl(stats.norm, stats.norm)
    with pytest.raises(TypeError, match="decorates a function"):
        register_kl("norm", "laplace")(42)
    with pytest.raises(KeyError, match="not registered"):
        unregister_kl("norm", "laplace")
    assert registered_pairs() == before
    assert kl_between(stats.norm(0, 1), stats.norm(5, 1)) == 12.5  # the built-in form is untouched


def test_override_replaces_and_restores():
    original = unregister_kl("norm", "norm")
    try:
        register_kl("norm", "norm")(original)
        replaced = register_kl("norm", "norm", override=True)(lambda p, q: 1.0)
        assert kl_between(stats.norm(0, 1), stats.norm(5, 1)) == 1.0 and callable(replaced)
    finally:
        register_kl("norm", "norm", override=True)(original)
    assert kl_between(stats.norm(0, 1), stats.norm(5, 1)) == 12.5


# --- Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("P", "Q", "family_p", "family_q"),
    [
        (stats.norm(), stats.poisson(1.0), "norm", "poisson"),
        (stats.poisson(1.0), stats.norm(), "poisson", "norm"),
        (stats.multivariate_normal([0, 0]), stats.norm(), "multivariate_normal", "norm"),
        (stats.dirichlet([1, 2]), stats.multivariate_normal([0, 0]), "dirichlet", "multivariate_normal"),
    ],
)
def test_unknown_pairs_raise_not_implemented(P, Q, family_p, family_q):
    with pytest.raises(NotImplementedError) as info:
        kl_between(P, Q)
    message = str(info.value)
    assert f"P = {family_p} and Q = {family_q}" in message
    assert all(f"{a}-{b}" in message for a, b in registered_pairs())


@pytest.mark.parametrize(
    ("P", "Q", "message"),
    [
        (stats.norm(0, 1), stats.norm(0, -1), r"Q = norm\(loc=0, scale=-1\): scale must be positive"),
        (stats.norm(np.nan, 1), stats.norm(), r"P = norm\(loc=nan, scale=1\): loc must be finite"),
        (stats.laplace(0, np.inf), stats.laplace(), "P = laplace.*scale must be finite"),
        (stats.expon(scale=0), stats.expon(), "P = expon.*scale must be positive"),
        (stats.gamma(-2), stats.gamma(2), r"P = gamma\(a=-2, loc=0, scale=1\): a must be positive"),
        (stats.gamma(2), stats.gamma(2, scale=-3), "Q = gamma.*scale must be positive"),
        (stats.beta(2, 0), stats.beta(2, 3), "P = beta.*b must be positive"),
        (stats.uniform(0, -1), stats.uniform(), "P = uniform.*scale must be positive"),
        (stats.bernoulli(1.5), stats.bernoulli(0.5), r"P = bernoulli\(p=1.5, loc=0\): p must be in \[0, 1\]"),
        (stats.binom(2.5, 0.3), stats.binom(2, 0.3), "P = binom.*n must be an integer >= 0"),
        (stats.binom(5, 0.3), stats.binom(-1, 0.3), "Q = binom.*n must be an integer >= 0"),
        (stats.binom(5, -0.1), stats.binom(5, 0.3), r"P = binom.*p must be in \[0, 1\]"),
        (stats.poisson(-1.0), stats.poisson(1.0), "P = poisson.*mu must be >= 0"),
        (stats.geom(0.0), stats.geom(0.5), r"P = geom.*p must be in \(0, 1\]"),
        (stats.norm([0, 1], 1), stats.norm(), "P = norm.*loc has shape"),
        (stats.t(-1), stats.norm(), r"P = t\(df=-1.*rejects these parameters"),
        (stats.dirichlet([1.0, 2.0]), stats.dirichlet([1.0, 2.0, 3.0]), "same dimension"),
        (stats.multivariate_normal([0, 0]), stats.multivariate_normal([0, 0, 0]), "same dimension"),
        (
            stats.multivariate_normal([0, 0], [[1, 1], [1, 1]], allow_singular=True),
            stats.multivariate_normal([0, 0]),
            "P = multivariate_normal.*cov must be positive definite",
        ),
        (stats.multivariate_normal([0, np.nan]), stats.multivariate_normal([0, 0]), "finite"),
        (stats.Normal(mu=0, sigma=1), stats.Normal(mu=[0, 1], sigma=1),
         "Q = Normal.*one distribution at a time"),
    ],
)
def test_invalid_parameters_raise_value_error(P, Q, message):
    with pytest.raises(ValueError, match=message):
        kl_between(P, Q)


@pytest.mark.parametrize(("P", "Q"), [(stats.norm(), "normal"), (object(), stats.norm()),
                                      ([0.5, 0.5], [0.5, 0.5])])
def test_objects_that_are_not_distributions_raise_type_error(P, Q):
    with pytest.raises(TypeError, match=r"kl_between compares scipy\.stats distributions"):
        kl_between(P, Q)


def test_a_family_instead_of_a_distribution_raises_type_error():
    with pytest.raises(TypeError, match=r"Q is the family scipy.stats.norm itself; freeze it"):
        kl_between(stats.norm(0, 1), stats.norm)
