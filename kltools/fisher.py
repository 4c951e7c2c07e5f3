"""Fisher information of SciPy distributions, and their parameter vectors.

The Fisher information is the curvature of the Kullback-Leibler divergence at P = Q:

.. math:: D(P_\\theta \\| P_{\\theta + d\\theta}) = \\tfrac12\\, d\\theta^\\top I(\\theta)\\, d\\theta
   + O(|d\\theta|^3),
   \\qquad I(\\theta) = \\mathrm{E}\\big[\\nabla_\\theta \\log p_\\theta(X)\\,
   \\nabla_\\theta \\log p_\\theta(X)^\\top\\big]

(Kullback 1959, ch. 2; Cover and Thomas 2006, section 11.10). :func:`fisher_information` returns
:math:`I(\\theta)` for the families that :func:`kltools.distributions.kl_between` knows in closed
form, with :math:`\\theta` in SciPy's order of the parameters: shape parameters, then ``loc``,
then ``scale``. Parameters that move the support (``loc`` of ``expon`` and ``gamma``, ``loc`` and
``scale`` of ``beta``, ``n`` of ``binom``) are held fixed and left out: the divergence is infinite
on one side of them, so it has no curvature there. :func:`parameters` and
:func:`with_parameters` convert between a distribution and its :math:`\\theta`:

=====================  ==========================  ===============================================
family                 θ                           I(θ)
=====================  ==========================  ===============================================
norm                   (loc μ, scale σ)            diag(1/σ², 2/σ²)
laplace                (loc μ, scale b)            diag(1/b², 1/b²)
expon                  (scale s)                   1/s²
gamma                  (a, scale s)                [[ψ'(a), 1/s], [1/s, a/s²]]
beta                   (a, b)                      [[ψ'(a) - ψ'(a+b), -ψ'(a+b)], [-ψ'(a+b), ψ'(b) - ψ'(a+b)]]
bernoulli              (p)                         1/(p(1-p))
binom                  (p), n fixed                n/(p(1-p))
geom                   (p)                         1/(p²(1-p))
poisson                (mu λ)                      1/λ
multivariate_normal    (mean μ), cov Σ fixed       Σ⁻¹
dirichlet              (α_1, ..., α_k)             diag(ψ'(α_i)) - ψ'(Σ α_i) 11ᵀ
uniform                —                           not defined: the support moves with every parameter
=====================  ==========================  ===============================================
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from kltools import _scipy

__all__ = ["fisher_information", "parameters", "with_parameters"]

# The parameters θ of each 1-D family, in SciPy's order; the others are held fixed.
_THETA = {
    "norm": ("loc", "scale"),
    "laplace": ("loc", "scale"),
    "expon": ("scale",),
    "gamma": ("a", "scale"),
    "beta": ("a", "b"),
    "bernoulli": ("p",),
    "binom": ("p",),
    "geom": ("p",),
    "poisson": ("mu",),
}
_MULTIVARIATE = {"multivariate_normal": "mean", "dirichlet": "alpha"}


def parameters(P) -> np.ndarray:
    """The parameter vector θ of ``P`` that :func:`fisher_information` refers to.

    Shape parameters, then ``loc``, then ``scale``, leaving out those that move the support (see
    the module documentation); the mean of a multivariate normal; the α of a Dirichlet.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools.fisher import parameters
    >>> parameters(stats.gamma(2.5, loc=1, scale=3))  # a and scale; loc moves the support
    array([2.5, 3. ])
    >>> parameters(stats.binom(10, 0.3))  # p; n is fixed
    array([0.3])
    """
    family, values = _family_and_parameters(P)
    if family in _MULTIVARIATE:
        return values[_MULTIVARIATE[family]].copy()
    return np.array([values[name] for name in _THETA[family]])


def with_parameters(P, theta: ArrayLike):
    """A copy of ``P`` with the parameters of :func:`parameters` set to ``theta``.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools.fisher import parameters, with_parameters
    >>> Q = with_parameters(stats.gamma(2.5, loc=1, scale=3), [2.6, 2.9])
    >>> Q.kwds
    {'a': 2.6, 'loc': 1, 'scale': 2.9}
    >>> parameters(Q)
    array([2.6, 2.9])
    """
    P = _scipy.resolve(P, "P")
    family, values = _family_and_parameters(P)
    theta = np.asarray(theta, dtype=float)
    size = values[_MULTIVARIATE[family]].size if family in _MULTIVARIATE else len(_THETA[family])
    if theta.shape != (size,):
        raise ValueError(f"theta must have shape ({size},) for {family}, got {theta.shape}")
    if family == "multivariate_normal":
        return stats.multivariate_normal(theta, values["cov"])
    if family == "dirichlet":
        return stats.dirichlet(theta)
    moved = {name: float(t) for name, t in zip(_THETA[family], theta, strict=True)}
    given = _scipy.scipy_parameters(P) | moved
    return P.dist(**given)


def fisher_information(P) -> np.ndarray:
    r"""Fisher information matrix :math:`I(\theta)` of ``P`` in the parameters of :func:`parameters`.

    .. math:: I(\theta) = \mathrm{E}\big[\nabla_\theta \log p_\theta(X)\, \nabla_\theta \log
       p_\theta(X)^\top\big] = \nabla^2_{\theta'} D(P_\theta \| P_{\theta'}) \big|_{\theta' = \theta}

    (Kullback 1959, ch. 2; Cover and Thomas 2006, section 11.10). The formula of each family is in
    the table of the module documentation.

    Parameters
    ----------
    P : frozen scipy.stats distribution
        Of one of the families ``norm``, ``laplace``, ``expon``, ``gamma``, ``beta``,
        ``bernoulli``, ``binom``, ``geom``, ``poisson``, ``multivariate_normal``, ``dirichlet``.

    Returns
    -------
    ndarray
        Symmetric positive semi-definite matrix of shape ``(len(theta), len(theta))``.

    Raises
    ------
    ValueError
        For invalid parameters; at a probability of 0 or 1 or a Poisson mean of 0, where the
        information is infinite; and for ``uniform``, whose support moves with its parameters.
    NotImplementedError
        For other families.

    Examples
    --------
    >>> from scipy import stats
    >>> from kltools.fisher import fisher_information
    >>> fisher_information(stats.norm(0, 2))  # diag(1/σ², 2/σ²)
    array([[0.25, 0.  ],
           [0.  , 0.5 ]])
    >>> fisher_information(stats.poisson(4.0))  # 1/λ
    array([[0.25]])
    """
    family, values = _family_and_parameters(P)
    return np.atleast_2d(_FISHER[family](values)).astype(float)


def _family_and_parameters(P) -> tuple[str, dict]:
    if not _scipy.is_distribution(P):
        raise TypeError(f"fisher_information takes a scipy.stats distribution such as stats.norm(0, 1), "
                        f"got {type(P).__name__}")
    P = _scipy.resolve(P, "P")
    family = _scipy.family(P)
    if family == "uniform":
        raise ValueError(
            "the Fisher information of a uniform distribution is not defined: its support moves with "
            "loc and scale, so its log-density is not differentiable in them, and the divergence grows "
            "like |dθ| rather than dθ², infinite in one direction"
        )
    if family not in _THETA and family not in _MULTIVARIATE:
        known = ", ".join([*_THETA, *_MULTIVARIATE])
        raise NotImplementedError(f"no Fisher information for {family}; the families known are {known}")
    values = _scipy.parameters(P, "P")
    if family in _EDGES:
        name, edges = _EDGES[family]
        if values[name] in edges:
            raise ValueError(
                f"P = {family}({name}={values[name]:g}): the Fisher information is infinite at "
                f"{name} = {values[name]:g}, the edge of the parameter space"
            )
    return family, values


# Parameter values at which the information is infinite: P is then a point mass.
_EDGES = {"bernoulli": ("p", (0, 1)), "binom": ("p", (0, 1)), "geom": ("p", (1,)), "poisson": ("mu", (0,))}


def _fisher_gamma(v: dict) -> np.ndarray:
    # log p = -lnΓ(a) - a log s + (a - 1) log(x - loc) - (x - loc)/s: second derivatives -ψ'(a),
    # -1/s and a/s² - 2(x - loc)/s³, whose means (E[x - loc] = a s) give I with the signs flipped.
    a, s = v["a"], v["scale"]
    return np.array([[special.polygamma(1, a), 1 / s], [1 / s, a / s**2]])


def _fisher_beta(v: dict) -> np.ndarray:
    # log p = (a - 1) log x + (b - 1) log(1 - x) - lnB(a, b): the Hessian of lnB(a, b).
    trigamma = special.polygamma(1, [v["a"], v["b"], v["a"] + v["b"]])
    return np.diag(trigamma[:2]) - trigamma[2]


def _fisher_dirichlet(v: dict) -> np.ndarray:
    # log p = Σ (α_i - 1) log x_i - Σ lnΓ(α_i) + lnΓ(Σ α_i): the Hessian of Σ lnΓ(α_i) - lnΓ(α_0).
    alpha = v["alpha"]
    return np.diag(special.polygamma(1, alpha)) - special.polygamma(1, alpha.sum())


_FISHER = {
    "norm": lambda v: np.diag([1 / v["scale"] ** 2, 2 / v["scale"] ** 2]),
    "laplace": lambda v: np.diag([1 / v["scale"] ** 2, 1 / v["scale"] ** 2]),
    "expon": lambda v: 1 / v["scale"] ** 2,
    "gamma": _fisher_gamma,
    "beta": _fisher_beta,
    "bernoulli": lambda v: 1 / (v["p"] * (1 - v["p"])),
    "binom": lambda v: v["n"] / (v["p"] * (1 - v["p"])),
    "geom": lambda v: 1 / (v["p"] ** 2 * (1 - v["p"])),
    "poisson": lambda v: 1 / v["mu"],
    "multivariate_normal": lambda v: np.linalg.inv(v["cov"]),
    "dirichlet": _fisher_dirichlet,
}
