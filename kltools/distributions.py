"""Kullback-Leibler divergence between SciPy distributions, in closed form where one exists.

:func:`kl_between` takes two frozen distributions of ``scipy.stats``, such as ``stats.norm(0, 1)``
or ``stats.gamma(2.5, scale=3)``, and looks up the pair of their families in a registry, as
PyTorch's ``torch.distributions.kl`` does: one small function per pair, registered with
:func:`register_kl`. Pairs without a closed form fall back to numerical integration (continuous)
or summation (discrete), which check their own convergence. SciPy's random-variable classes
(``stats.Normal(mu=0, sigma=1)``) are read through ``kltools._scipy``.

The closed forms are the textbook ones (Penny 2001; Gil, Alajaji and Linder 2013; Nawa and
Nadarajah 2024), rearranged so that they keep their digits when P and Q are nearly equal, where
the divergence is a tiny difference of large terms. Each is written as a sum of pieces that are
each computed without cancellation and, with two noted exceptions, never negative, using the
functions of :mod:`kltools.stable`:

- :math:`r - 1 - \\log r = -\\mathrm{log1pmx}(r - 1)` for a ratio r of scales or rates,
- :math:`q\\,\\varphi(p/q - 1)` for a ratio of probabilities or of Poisson means,
- :math:`G(a, h) = \\ln\\Gamma(a + h) - \\ln\\Gamma(a) - h\\,\\psi(a)` for shape parameters,
- :math:`e^{-t} - 1 + t = \\mathrm{expm1mx}(-t)` for the Laplace location,

and parameters enter through their differences (``a2 - a1``), which are exact when the
parameters are close. The result is then within about 1e-14 relative of the exact divergence of
the given floating-point parameters, even when Q's parameters differ from P's by 1e-8; for Gamma,
Beta and Dirichlet distributions with very unequal shapes (say a = 500 and b = 0.1), where the
pieces of either sign cancel, within about 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise

import numpy as np
from scipy import integrate, linalg

from kltools import _scipy
from kltools.stable import expm1mx, lgamma_bregman, log1pmx, phi_over_d
from kltools.validation import log_base

__all__ = ["kl_between", "register_kl", "registered_pairs", "unregister_kl"]

# (family of P, family of Q) -> function of the parameters of P and Q (dicts by name).
_REGISTRY: dict[tuple[str, str], Callable[[dict, dict], float]] = {}

# The relative accuracy of the closed forms, as measured against 50-digit references (see the
# module documentation): what ``full_output`` reports as their error, times the value.
_CLOSED_FORM_RTOL = 2e-14
_SHAPE_FAMILY_RTOL = 2e-12  # gamma, beta, dirichlet: pieces of both signs can cancel
_SHAPE_FAMILIES = ("gamma", "beta", "dirichlet")


def register_kl(family_p: str, family_q: str, *, override: bool = False) -> Callable:
    """Decorator that registers a closed form of :math:`D(P \\| Q)` for a pair of families.

    The families are named as SciPy names them (``frozen.dist.name``, such as ``"norm"`` or
    ``"gamma"``), or ``"multivariate_normal"`` and ``"dirichlet"``. The decorated function receives
    the parameters of P and of Q, checked, as dicts by SciPy's names (shapes, then ``loc`` and
    ``scale``; ``mean`` and ``cov``; ``alpha``), and returns the divergence in nats, or
    ``NotImplemented`` for parameters it has no closed form for (such as two Gamma distributions
    with different ``loc``), which sends :func:`kl_between` to its numerical fallback.

    As TensorFlow Probability's ``RegisterKL`` does, it refuses what would silently change every
    later result: a name that is not a family, a decorated object that is not callable, and a pair
    that is registered already, unless ``override=True``. :func:`unregister_kl` removes a pair.

    Raises
    ------
    TypeError
        If a family is not a string, or the decorated object is not callable.
    ValueError
        If a name is not a scipy.stats family (nor a special name), or the pair is registered
        already and ``override`` is false.

    Examples
    --------
    A normal P against a Laplace Q: :math:`D = -H(P) + \\log 2b + \\mathrm{E}_P|x - \\mu_Q| / b`,
    where :math:`\\mathrm{E}_P|x - \\mu_Q|` is the mean of a folded normal distribution.

    >>> import math
    >>> from scipy import stats
    >>> from kltools.distributions import kl_between, register_kl, unregister_kl
    >>> P, Q = stats.norm(0.5, 1.2), stats.laplace(0, 1)
    >>> integrated = kl_between(P, Q)  # no closed form registered: numerical integration
    >>> @register_kl("norm", "laplace")
    ... def kl_norm_laplace(p, q):
    ...     s, b, d = p["scale"], q["scale"], abs(p["loc"] - q["loc"])
    ...     mean_distance = s * math.sqrt(2 / math.pi) * math.exp(-d * d / (2 * s * s)) + d * math.erf(
    ...         d / (s * math.sqrt(2)))
    ...     return math.log(2 * b / s) - 0.5 * math.log(2 * math.pi * math.e) + mean_distance / b
    >>> round(kl_between(P, Q), 6), abs(kl_between(P, Q) - integrated) < 1e-11
    (0.13128, True)
    >>> register_kl("norm", "laplace")(kl_norm_laplace)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: KL(norm || laplace) is registered already, to kl_norm_laplace; pass override=True ...
    >>> unregister_kl("norm", "laplace") is kl_norm_laplace  # and the registry is as it was
    True
    """
    for role, name in (("family_p", family_p), ("family_q", family_q)):
        if not isinstance(name, str):
            raise TypeError(f"{role} must be a family's name as a string, such as 'norm', got {name!r}")
        if not _scipy.is_family_name(name):
            raise ValueError(
                f"{role} = {name!r} is not a scipy.stats family; use SciPy's name (stats.norm.name is "
                f"'norm'), or one of {', '.join(_scipy.MULTIVARIATE)}"
            )

    def decorator(func: Callable[[dict, dict], float]) -> Callable[[dict, dict], float]:
        if not callable(func):
            raise TypeError(f"register_kl({family_p!r}, {family_q!r}) decorates a function, got {func!r}")
        current = _REGISTRY.get((family_p, family_q))
        if current is not None and not override:
            raise ValueError(
                f"KL({family_p} || {family_q}) is registered already, to {current.__name__}; "
                "pass override=True to replace it"
            )
        _REGISTRY[family_p, family_q] = func
        return func

    return decorator


def unregister_kl(family_p: str, family_q: str) -> Callable[[dict, dict], float]:
    """Remove the closed form of a pair from the registry, and return it.

    Raises ``KeyError`` for a pair that is not registered. See :func:`register_kl` for an example.
    """
    try:
        return _REGISTRY.pop((family_p, family_q))
    except KeyError:
        raise KeyError(f"KL({family_p} || {family_q}) is not registered; see registered_pairs()") from None


def registered_pairs() -> list[tuple[str, str]]:
    """The pairs of families ``(P, Q)`` that :func:`kl_between` computes in closed form, sorted.

    >>> from kltools.distributions import registered_pairs
    >>> ("gamma", "gamma") in registered_pairs()
    True
    """
    return sorted(_REGISTRY)


def kl_between(P, Q, *, base: float | None = None, full_output: bool = False) -> float | tuple[float, float]:
    r"""Kullback-Leibler divergence :math:`D(P \| Q)` of two SciPy distributions.

    .. math:: D(P \| Q) = \int p(x) \log \frac{p(x)}{q(x)}\, dx
       \quad\text{or}\quad \sum_x p(x) \log \frac{p(x)}{q(x)}

    (Kullback and Leibler 1951), in closed form for the pairs of :func:`registered_pairs`, each
    written so that it stays accurate when P and Q are nearly equal (see the module documentation
    and the comment of each pair). Closed forms follow Penny (2001), Gil, Alajaji and Linder (2013)
    and Nawa and Nadarajah (2024). For arrays of probabilities use :func:`kltools.kl`.

    Parameters
    ----------
    P, Q : scipy.stats distributions
        Frozen legacy distributions such as ``stats.norm(0, 1)``, ``stats.binom(10, 0.3)``,
        ``stats.multivariate_normal(mean, cov)`` or ``stats.dirichlet(alpha)``; an
        ``stats.rv_histogram``; or SciPy's random-variable classes such as
        ``stats.Normal(mu=0, sigma=1)`` (``Normal``, ``Uniform`` and ``Binomial`` use the closed
        forms of ``norm``, ``uniform`` and ``binom``; the others are integrated or summed).
    base : float, optional
        Base of the logarithm: ``None`` (default) for nats, ``2`` for bits.
    full_output : bool, optional
        Also return an estimate of the absolute error: the one of the numerical integration or
        summation for pairs without a closed form, and for closed forms the accuracy measured
        against 50-digit references (2e-14 of the value; 2e-12 for gamma, beta and Dirichlet).

    Returns
    -------
    float, or (float, float) with ``full_output=True``
        The divergence; ``inf`` when P puts mass where Q has none (for instance
        ``stats.expon(loc=0)`` against ``stats.expon(loc=1)``), and when the integral diverges
        although Q's support holds P's (a Cauchy P against a normal Q).

    Raises
    ------
    TypeError
        If P or Q is a family rather than a distribution (``stats.norm`` instead of
        ``stats.norm(0, 1)``), or an array (use :func:`kltools.kl`).
    ValueError
        If a parameter is invalid (SciPy freezes ``stats.norm(0, -1)`` without complaint and then
        returns NaN), naming the distribution and the parameter, or if two multivariate
        distributions differ in dimension.
    NotImplementedError
        For a pair that is neither registered nor two continuous or two discrete 1-D
        distributions (such as ``norm`` against ``poisson``), or an unknown object.
    ArithmeticError
        When the numerical integration does not converge and its tails do not show the divergence
        to be infinite: no number is returned that cannot be trusted.

    Notes
    -----
    Without a closed form, a pair of continuous 1-D distributions is integrated with
    ``scipy.integrate.quad`` over the support of P, split at quantiles of P so that every piece
    holds some of its mass, and quad's convergence flag is read for every piece. The tails are then
    checked: the integral of :math:`p \log(p/q)` over successive tail regions of P (probabilities
    1e-15 to 1e-30, 1e-30 to 1e-60, and on) shrinks fast when the divergence is finite, and does not
    shrink when it is infinite. A pair of discrete ones is summed over the outcomes of P until the
    mass of P left out is below 1e-17. The numerical path reaches about 1e-12 relative, not the last
    few digits of the closed forms.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools.distributions import kl_between
    >>> kl_between(stats.norm(0, 1), stats.norm(1, 2))  # log 2 + 2/8 - 1/2
    0.4431471805599453
    >>> kl_between(stats.Normal(mu=0, sigma=1), stats.Normal(mu=1, sigma=2))  # the same closed form
    0.4431471805599453
    >>> kl_between(stats.uniform(0, 2), stats.uniform(0, 1))  # P has mass on (1, 2], Q none
    inf

    Nearly equal distributions, where the textbook formula returns noise:

    >>> f"{kl_between(stats.poisson(3.0), stats.poisson(3.00000003)):.6g}"  # λ δ² / 2
    '1.5e-16'

    A pair without a closed form is integrated, with an error estimate; one whose integral diverges
    is infinite:

    >>> value, error = kl_between(stats.t(5), stats.norm(0, 1), full_output=True)
    >>> round(value, 6), error < 1e-10
    (0.124769, True)
    >>> kl_between(stats.cauchy(), stats.norm())
    inf
    """
    if not _scipy.is_distribution(P) or not _scipy.is_distribution(Q):
        raise TypeError("kl_between compares scipy.stats distributions; for arrays of probabilities "
                        "use kltools.kl(p, q)")
    unit = log_base(base)
    P, Q = _scipy.resolve(P, "P"), _scipy.resolve(Q, "Q")
    family_p, family_q = _scipy.family(P), _scipy.family(Q)
    p, q = _scipy.parameters(P, "P"), _scipy.parameters(Q, "Q")
    value, error = _divergence(P, Q, family_p, family_q, p, q)
    value, error = float(value) / unit, float(error) / unit
    return (value, error) if full_output else value


def _divergence(P, Q, family_p: str, family_q: str, p: dict | None, q: dict | None) -> tuple[float, float]:
    """The divergence and an estimate of its absolute error, in nats."""
    kinds = _scipy.kind(P), _scipy.kind(Q)
    if kinds == ("continuous", "continuous") and not _scipy.nested(P.support(), Q.support()):
        return math.inf, 0.0
    closed_form = _REGISTRY.get((family_p, family_q))
    if closed_form is not None and p is not None and q is not None:
        value = closed_form(p, q)
        if value is not NotImplemented:
            value = max(float(value), 0.0)
            rtol = _SHAPE_FAMILY_RTOL if family_p in _SHAPE_FAMILIES else _CLOSED_FORM_RTOL
            return value, (0.0 if math.isinf(value) else rtol * value)
    if kinds == ("continuous", "continuous"):
        return _kl_by_quadrature(P, Q)
    if kinds == ("discrete", "discrete"):
        return _kl_by_summation(P, Q)
    pairs = ", ".join(f"{a}-{b}" for a, b in registered_pairs())
    raise NotImplementedError(
        f"no KL divergence for P = {family_p} and Q = {family_q}. Registered pairs (P-Q): {pairs}. "
        "Other pairs of continuous 1-D scipy.stats distributions are integrated numerically, and "
        "other pairs of discrete ones summed; register a closed form with @register_kl(P, Q)."
    )


# --- Helpers of the closed forms ---------------------------------------------------------------


def _log_ratio(x1: float, x2: float) -> float:
    """log(x1 / x2), through log1p of (x1 - x2) / x2 where the difference is exact (Sterbenz)."""
    if 0.5 <= x1 / x2 <= 2:
        return math.log1p((x1 - x2) / x2)
    return math.log(x1 / x2)


def _ratio_divergence(x1: float, x2: float, power: int = 1) -> float:
    """r - 1 - log r >= 0 for r = (x1 / x2)**power, without cancellation when r is near 1.

    Near 1, ``r - 1`` is computed from the exact difference ``d = (x1 - x2) / x2`` as
    ``(1 + d)**power - 1`` (``d`` or ``d (2 + d)``) and handed to ``-log1pmx``. Far from 1, the
    two terms ``r - 1`` and ``log r`` do not cancel and are used as they are.
    """
    ratio = x1 / x2
    if 0.5 <= ratio <= 2:
        d = (x1 - x2) / x2
        return float(-log1pmx(d if power == 1 else d * (2 + d)))
    return ratio**power - 1 - power * math.log(ratio)


def _bernoulli_kl(p1: float, p2: float) -> float:
    """D(Bernoulli(p1) || Bernoulli(p2)) = sum over the two outcomes of q phi((p - q) / q) >= 0.

    The differences p - q are p1 - p2 and p2 - p1 (exact for nearby p), not (1 - p1) - (1 - p2),
    which would round 1 - p1 and 1 - p2 first.
    """
    if p2 in (0.0, 1.0):
        return 0.0 if p1 == p2 else math.inf
    diff = np.array([p1 - p2, p2 - p1])
    q = np.array([p2, 1 - p2])
    return float(diff @ phi_over_d(diff / q))  # q phi(d) = (p - q) phi(d) / d


def _same_dimension(size_p: int, size_q: int, family: str) -> None:
    if size_p != size_q:
        raise ValueError(f"P and Q must have the same dimension, but P = {family} has {size_p}, Q {size_q}")


# --- Closed forms, one per pair ----------------------------------------------------------------


@register_kl("norm", "norm")
def _kl_norm(p: dict, q: dict) -> float:
    # D = log(s2/s1) + (s1² + Δμ²) / (2 s2²) - 1/2 = (r - 1 - log r) / 2 + Δμ² / (2 s2²),
    # with r = (s1/s2)². Both pieces are >= 0.
    z = (p["loc"] - q["loc"]) / q["scale"]
    return 0.5 * _ratio_divergence(p["scale"], q["scale"], power=2) + 0.5 * z * z


@register_kl("multivariate_normal", "multivariate_normal")
def _kl_multivariate_normal(p: dict, q: dict) -> float:
    # D = [tr(S2⁻¹ S1) - d - log det(S2⁻¹ S1) + Δμᵀ S2⁻¹ Δμ] / 2 (Penny 2001). With S2 = L Lᵀ
    # (Cholesky), S2⁻¹ S1 has the eigenvalues 1 + m_i of L⁻¹ S1 L⁻ᵀ = I + M, M = L⁻¹ (S1 - S2) L⁻ᵀ,
    # so tr - d - log det = sum_i (m_i - log1p(m_i)) = -sum_i log1pmx(m_i), every term >= 0, and
    # m_i is computed from S1 - S2, which is exact for nearby matrices, instead of from 1 + m_i.
    # The Mahalanobis term is |L⁻¹ Δμ|².
    _same_dimension(p["mean"].size, q["mean"].size, "multivariate_normal")
    lower = linalg.cholesky(q["cov"], lower=True)
    half = linalg.solve_triangular(lower, p["cov"] - q["cov"], lower=True)  # L⁻¹ (S1 - S2)
    m = linalg.solve_triangular(lower, half.T, lower=True)  # L⁻¹ (S1 - S2) L⁻ᵀ
    eigenvalues = linalg.eigvalsh((m + m.T) / 2)
    z = linalg.solve_triangular(lower, p["mean"] - q["mean"], lower=True)
    return 0.5 * float(-log1pmx(eigenvalues).sum()) + 0.5 * float(z @ z)


@register_kl("laplace", "laplace")
def _kl_laplace(p: dict, q: dict) -> float:
    # D = E_P[log p - log q] = log(b2/b1) - E|x - μ1| / b1 + E|x - μ2| / b2, and under P
    # E|x - μ1| = b1, E|x - μ2| = |Δμ| + b1 e^(-t), t = |Δμ| / b1. With r = b1 / b2:
    # D = -log r - 1 + r t + r e^(-t) = (r - 1 - log r) + r (e^(-t) - 1 + t), both pieces >= 0.
    t = abs(p["loc"] - q["loc"]) / p["scale"]
    r = p["scale"] / q["scale"]
    return _ratio_divergence(p["scale"], q["scale"]) + r * float(expm1mx(-t))


@register_kl("expon", "expon")
def _kl_expon(p: dict, q: dict) -> float:
    # Densities e^(-(x - loc)/s) / s on x >= loc. For loc1 >= loc2 (otherwise D = inf, caught
    # before), D = log(s2/s1) - 1 + E_P[x - loc2] / s2 with E_P[x - loc2] = s1 + loc1 - loc2, so
    # D = (r - 1 - log r) + (loc1 - loc2) / s2 with r = s1 / s2: both pieces >= 0.
    return _ratio_divergence(p["scale"], q["scale"]) + (p["loc"] - q["loc"]) / q["scale"]


@register_kl("gamma", "gamma")
def _kl_gamma(p: dict, q: dict) -> float:
    # Shapes a1, a2 and rates β = 1/scale (Penny 2001):
    #   D = (a1 - a2) ψ(a1) - lnΓ(a1) + lnΓ(a2) + a2 log(β1/β2) + a1 (β2 - β1) / β1.
    # With h = a2 - a1 and r = β2/β1 = scale1/scale2 this is
    #   D = [lnΓ(a2) - lnΓ(a1) - h ψ(a1)] - a2 log r + a1 (r - 1)
    #     = G(a1, h) + a1 (r - 1 - log r) - h log r,
    # two pieces >= 0 and a cross term of either sign. The cross term cancels against the others
    # only along a2 / a1 = r (equal means), and there by a factor of about 8 a1 at most.
    if p["loc"] != q["loc"]:
        return NotImplemented  # no closed form: integrate (different supports were caught before)
    h = q["a"] - p["a"]
    log_r = _log_ratio(p["scale"], q["scale"])
    shape_term = float(lgamma_bregman(p["a"], h))
    return shape_term + p["a"] * _ratio_divergence(p["scale"], q["scale"]) - h * log_r


@register_kl("beta", "beta")
def _kl_beta(p: dict, q: dict) -> float:
    # D = lnB(a2, b2) - lnB(a1, b1) + (a1 - a2) ψ(a1) + (b1 - b2) ψ(b1) + (a2 - a1 + b2 - b1) ψ(a1 + b1)
    # (Penny 2001). With lnB(a, b) = lnΓ(a) + lnΓ(b) - lnΓ(a + b), grouping the lnΓ and ψ of each
    # argument gives D = G(a1, ha) + G(b1, hb) - G(a1 + b1, ha + hb), ha = a2 - a1, hb = b2 - b1:
    # the Dirichlet formula for two categories. The third term is subtracted; it cancels against
    # the others by a factor of about 4 (a1 + b1) at most.
    if (p["loc"], p["scale"]) != (q["loc"], q["scale"]):
        return NotImplemented  # no closed form: integrate (different supports were caught before)
    return _dirichlet_kl(np.array([p["a"], p["b"]]), np.array([q["a"], q["b"]]))


@register_kl("dirichlet", "dirichlet")
def _kl_dirichlet(p: dict, q: dict) -> float:
    _same_dimension(p["alpha"].size, q["alpha"].size, "dirichlet")
    return _dirichlet_kl(p["alpha"], q["alpha"])


def _dirichlet_kl(alpha: np.ndarray, beta: np.ndarray) -> float:
    # With α0 = sum α_i and β0 = sum β_i (Penny 2001),
    #   D = lnΓ(α0) - sum lnΓ(α_i) - lnΓ(β0) + sum lnΓ(β_i) + sum (α_i - β_i) (ψ(α_i) - ψ(α0)).
    # With h_i = β_i - α_i and h0 = sum h_i = β0 - α0, the terms group into
    #   D = sum_i G(α_i, h_i) - G(α0, h0),  G(a, h) = lnΓ(a + h) - lnΓ(a) - h ψ(a) >= 0.
    # h0 is summed from the exact differences h_i (fsum: one rounding), not as β0 - α0.
    h = beta - alpha
    total = math.fsum(lgamma_bregman(alpha, h))
    return total - float(lgamma_bregman(math.fsum(alpha), math.fsum(h)))


@register_kl("uniform", "uniform")
def _kl_uniform(p: dict, q: dict) -> float:
    # Densities 1/w on nested intervals (nesting was checked before; otherwise D = inf):
    # D = log(w2 / w1) = log1p((w2 - w1) / w1) >= 0.
    return _log_ratio(q["scale"], p["scale"])


@register_kl("bernoulli", "bernoulli")
def _kl_bernoulli(p: dict, q: dict) -> float:
    if p["loc"] != q["loc"]:
        return NotImplemented  # sum over the outcomes
    return _bernoulli_kl(p["p"], q["p"])


@register_kl("binom", "binom")
def _kl_binom(p: dict, q: dict) -> float:
    # log(P(k)/Q(k)) = k log(p1/p2) + (n - k) log((1 - p1)/(1 - p2)) and E_P[k] = n p1, so
    # D = n D_Bernoulli(p1 || p2). With different n: sum over the outcomes (inf if n1 > n2).
    if (p["n"], p["loc"]) != (q["n"], q["loc"]):
        return NotImplemented
    return p["n"] * _bernoulli_kl(p["p"], q["p"])


@register_kl("geom", "geom")
def _kl_geom(p: dict, q: dict) -> float:
    # P(k) = (1 - p)^(k-1) p for k >= 1, so log(P(k)/Q(k)) = log(p1/p2) + (k - 1) log((1-p1)/(1-p2))
    # and E_P[k - 1] = (1 - p1) / p1: D = [p1 log(p1/p2) + (1 - p1) log((1-p1)/(1-p2))] / p1,
    # the Bernoulli divergence divided by p1.
    if p["loc"] != q["loc"]:
        return NotImplemented
    return _bernoulli_kl(p["p"], q["p"]) / p["p"]


@register_kl("poisson", "poisson")
def _kl_poisson(p: dict, q: dict) -> float:
    # D = λ1 log(λ1/λ2) - λ1 + λ2 = λ2 φ(d), d = (λ1 - λ2)/λ2, φ(d) = (1 + d) log1p(d) - d >= 0.
    if p["loc"] != q["loc"]:
        return NotImplemented
    lam1, lam2 = p["mu"], q["mu"]
    if lam2 == 0:
        return 0.0 if lam1 == 0 else math.inf
    d = np.array([(lam1 - lam2) / lam2])
    return float((lam1 - lam2) * phi_over_d(d)[0])  # λ2 φ(d) = (λ1 - λ2) φ(d) / d


# --- Fallbacks ---------------------------------------------------------------------------------

# Quantiles of P at which the integral is split, so that quad sees where the mass is. Toward an
# infinite end the pieces go on to tail probabilities of 1e-15, so that the last, infinite piece
# holds almost nothing whatever the scale of P; toward a finite end they stop at 1e-3, because quad
# cannot resolve a piece only a few thousand floats wide next to a singularity of the density.
_QUANTILES = (1e-3, 0.05, 0.25, 0.5, 0.75, 0.95, 1 - 1e-3)
_TAIL_PROBABILITIES = (1e-6, 1e-9, 1e-12, 1e-15)
# The tail regions the divergence check integrates over: between these probabilities of P.
_CHECK_PROBABILITIES = (1e-15, 1e-30, 1e-60, 1e-120, 1e-240)
_LOG_TINY = math.log(5e-324)  # the log of the least positive float
_LOG_HUGE = math.log(1e300)
# Mass of P that the sum over outcomes may leave out, and the most outcomes it adds up.
_TAIL = 1e-17
_MAX_TERMS = 10_000_000


def _kl_by_quadrature(P, Q) -> tuple[float, float]:
    """Integral of p log(p/q) over the support of P by adaptive quadrature, with its error.

    Returns ``(inf, 0)`` when the tails show the integral to diverge, and raises ArithmeticError
    when quad does not converge, or Q's density underflows where P has mass, and the tails do not
    show the divergence to be infinite.
    """
    lower, upper = P.support()
    middle = float(P.median())
    inner = [*P.ppf(_QUANTILES)]
    if lower == -np.inf:
        inner += list(P.ppf(_TAIL_PROBABILITIES))
    if upper == np.inf:
        inner += list(P.isf(_TAIL_PROBABILITIES))
    inner = np.unique(np.asarray(inner, dtype=float))
    inner = inner[np.isfinite(inner) & (inner > lower) & (inner < upper)]
    if inner.size == 0:
        inner = np.array([middle])

    # The largest density of P at points where Q's density underflows to 0 although Q's support
    # holds P's (some SciPy families compute logpdf as log(pdf), which underflows below 1e-308).
    underflow = [0.0]

    def integrand(x: float, bound: bool = False) -> float:
        with np.errstate(all="ignore"):  # far in the tails SciPy's formulas overflow on the way
            log_p, log_q = float(P.logpdf(x)), float(Q.logpdf(x))
        if not math.isfinite(log_p):  # p = 0, or an integrable singularity at an end point
            return 0.0
        if log_q == -np.inf:
            underflow[0] = max(underflow[0], math.exp(log_p))
            # For the tail check, a lower bound of the integrand: q(x) < the least positive float.
            log_q = _LOG_TINY if bound else log_p
        if not math.isfinite(log_q):
            return 0.0
        return math.exp(log_p) * (log_p - log_q)

    if _tails_diverge(P, integrand, lower, upper, middle):
        return math.inf, 0.0
    value = error = 0.0
    failures = []
    for piece, piece_error, message, where in _pieces(integrand, lower, upper, middle, inner):
        if message:
            failures.append(f"on {where}: {message}")
        value += piece
        error += piece_error
    # quad may complain of round-off next to a singularity of the density at a finite end and
    # still estimate a small error: the value is then kept, with that error. Where Q's density
    # underflows, the integrand is unknown, and so is the value.
    if underflow[0] > 1e-200:
        failures.append(f"Q's density underflows to 0 where P's is {underflow[0]:.3g}")
    if (not math.isfinite(value) or underflow[0] > 1e-200
            or (failures and not error <= 1e-8 * max(1.0, abs(value)))):
        raise ArithmeticError(
            f"numerical integration of D(P || Q) for P = {_scipy.family(P)}, Q = {_scipy.family(Q)} "
            f"failed ({'; '.join(failures) or 'the integral is not finite'}), and the tails of P "
            "do not show it to be infinite; register a closed form with @register_kl for this pair"
        )
    return max(value, 0.0), error


def _pieces(integrand, lower: float, upper: float, middle: float, inner: np.ndarray):
    """quad over the support, piece by piece: (value, error, quad's complaint or "", where).

    x is the variable, but for a piece that reaches an infinite end, which is integrated in
    u = log of the distance to the median: power laws become exponentials that quad handles well.
    """
    def in_log(anchor: float, step: float):
        def along(u: float) -> float:
            if u > _LOG_HUGE:  # beyond 1e300 from the median: the tail check looks there
                return 0.0
            return integrand(anchor + step * math.exp(u)) * math.exp(u)
        return along

    ends = []
    for end, edge, outward in ((lower, inner[0], -1.0), (upper, inner[-1], 1.0)):
        if math.isfinite(end):  # in x: quad copes with algebraic singularities at an end point
            a, b = sorted((end, edge))
            ends.append((integrand, a, b, f"[{a:.6g}, {b:.6g}]"))
        else:
            distance = abs(edge - middle)
            anchor = middle if distance > 0 else edge
            ends.append((in_log(anchor, outward), math.log(max(distance, 1e-300)), np.inf,
                         f"the tail beyond {edge:.6g}"))
    pieces = [(integrand, a, b, f"[{a:.6g}, {b:.6g}]") for a, b in pairwise(inner)]
    for function, a, b, where in [ends[0], *pieces, ends[1]]:
        piece, piece_error, *rest = integrate.quad(function, a, b, epsabs=1e-15, epsrel=1e-12,
                                                   limit=200, full_output=1)
        yield piece, piece_error, (rest[1].splitlines()[0] if len(rest) > 1 else ""), where


def _tails_diverge(P, integrand, lower: float, upper: float, middle: float) -> bool:
    """Whether the integral of p log(p/q) over the tails of P fails to shrink: an infinite divergence.

    For each end of P's support, the integral of a lower bound of |p log(p/q)| is taken over
    successive regions between the quantiles of tail probability 1e-15, 1e-30, 1e-60, 1e-120 and
    1e-240, in the variable u = log of the distance to the end (to the median, for an infinite
    end). For a finite divergence these contributions shrink quickly, like a power of the tail
    probability; when the integral diverges they stay of one size or grow, as for a Cauchy P
    against a normal Q (the integrand tends to a constant) or a Student t(2) P (like 1/x).
    """
    for end, quantile, outward in ((lower, P.ppf, -1.0), (upper, P.isf, 1.0)):
        anchor, step = (end, -outward) if math.isfinite(end) else (middle, outward)
        distances = [abs(float(x) - anchor) for x in quantile(np.array(_CHECK_PROBABILITIES))]
        logs = [math.log(d) for d in distances if math.isfinite(d) and d > 0]
        pieces = []
        for u1, u2 in pairwise(logs):
            if u1 == u2:
                continue

            def along(u: float, anchor=anchor, step=step) -> float:
                if u > _LOG_HUGE:
                    return 0.0
                return abs(integrand(anchor + step * math.exp(u), bound=True)) * math.exp(u)

            pieces.append(integrate.quad(along, min(u1, u2), max(u1, u2), limit=100, full_output=1)[0])
        if len(pieces) >= 2 and pieces[-1] > 1e-3 and pieces[-1] >= 0.5 * pieces[-2]:
            return True
    return False


def _kl_by_summation(P, Q) -> tuple[float, float]:
    """Sum of p log(p/q) over the outcomes of P that hold all but 1e-17 of its mass, and its error."""
    first, last = _summation_range(P)
    k = np.arange(first, last + 1)
    log_p, log_q = P.logpmf(k), Q.logpmf(k)
    possible = log_p > -np.inf
    log_p, log_q = log_p[possible], log_q[possible]
    if (log_q == -np.inf).any():
        return math.inf, 0.0  # an outcome of P that Q rules out
    ratio = log_p - log_q
    terms = np.exp(log_p) * ratio
    left_out = P.cdf(first - 1) + P.sf(last)
    error = left_out * max(1.0, abs(ratio[0]), abs(ratio[-1])) + 4 * np.finfo(float).eps * np.abs(terms).sum()
    return max(math.fsum(terms), 0.0), float(error)


def _summation_range(P) -> tuple[float, float]:
    """Outcomes first..last of P outside which P has less than 1e-17 of its mass (on each side)."""
    lower, upper = P.support()
    spread = float(P.std())
    step = spread if math.isfinite(spread) and spread >= 1 else 1.0
    first = last = float(P.median())
    size = step
    while last < upper and P.sf(last) >= _TAIL and last - first < _MAX_TERMS:
        last, size = min(last + size, upper), 2 * size
    size = step
    while first > lower and P.cdf(first - 1) >= _TAIL and last - first < _MAX_TERMS:
        first, size = max(first - size, lower), 2 * size
    if last - first >= _MAX_TERMS:
        raise ValueError(f"P = {P.dist.name} spreads its mass over more than {_MAX_TERMS} outcomes to sum")
    return first, last

