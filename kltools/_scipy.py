"""Reading SciPy's distributions: their family, their kind and their checked parameters.

One module for what :mod:`kltools.distributions` and :mod:`kltools.fisher` both need to know about
a ``scipy.stats`` object. Three sorts of object are understood:

- legacy frozen distributions (``stats.norm(0, 1)``): the family is ``dist.dist.name`` and the
  parameters are the arguments the object was frozen with (shapes, then ``loc`` and ``scale``);
- the frozen multivariate normal and Dirichlet distributions;
- the random-variable classes of SciPy 1.15 and later (``stats.Normal(mu=0, sigma=1)``). Those that
  are a legacy family under other parameter names (``Normal``, ``Uniform``, ``Binomial``) are
  translated to it, so that closed forms apply; the others (``Logistic``, ``make_distribution``'s
  classes, shifted and scaled ones) are wrapped so that the numerical fallback can integrate them.

An unfrozen ``rv_histogram`` is a distribution already (it has no parameters to freeze with), and
is frozen here; an unfrozen family such as ``stats.norm`` is refused with the advice to freeze it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

# Special names of the registry, beside SciPy's 1-D families.
MULTIVARIATE = ("multivariate_normal", "dirichlet")

# Conditions on the parameters, beyond being finite: (test, what the message says).
_POSITIVE = (lambda v: v > 0, "must be positive")
_NONNEGATIVE = (lambda v: v >= 0, "must be >= 0")
_PROBABILITY = (lambda v: 0 <= v <= 1, "must be in [0, 1]")
_SUCCESS_PROBABILITY = (lambda v: 0 < v <= 1, "must be in (0, 1]")
_COUNT = (lambda v: v >= 0 and v == round(v), "must be an integer >= 0")
_RULES = {
    "gamma": {"a": _POSITIVE},
    "beta": {"a": _POSITIVE, "b": _POSITIVE},
    "bernoulli": {"p": _PROBABILITY},
    "binom": {"n": _COUNT, "p": _PROBABILITY},
    "poisson": {"mu": _NONNEGATIVE},
    "geom": {"p": _SUCCESS_PROBABILITY},
}


def is_family_name(name: object) -> bool:
    """Whether ``name`` names a distribution family: a 1-D family of scipy.stats, or a special name."""
    if not isinstance(name, str):
        return False
    family = getattr(stats, name, None)
    return name in MULTIVARIATE or isinstance(family, stats.rv_continuous | stats.rv_discrete)


def is_distribution(x) -> bool:
    """Whether ``x`` is a scipy.stats distribution or family rather than an array of probabilities."""
    return hasattr(x, "logpdf") or hasattr(x, "logpmf")


def _is_new_style(dist) -> bool:
    """Whether ``dist`` is one of SciPy's random-variable classes (``stats.Normal()``, ...)."""
    names = {cls.__name__ for cls in type(dist).__mro__}
    return bool(names & {"ContinuousDistribution", "DiscreteDistribution"}) and hasattr(dist, "icdf")


def _new_style_kind(dist) -> str:
    names = {cls.__name__ for cls in type(dist).__mro__}
    return "discrete" if "DiscreteDistribution" in names else "continuous"


class NewStyle:
    """A SciPy random variable of the new classes, seen through the legacy names kltools uses."""

    def __init__(self, dist):
        self.rv = dist
        self.name = type(dist).__name__

    def support(self):
        low, high = self.rv.support()
        return float(low), float(high)

    def ppf(self, q):
        return self.rv.icdf(np.asarray(q, dtype=float))

    def isf(self, q):
        return self.rv.iccdf(np.asarray(q, dtype=float))

    def cdf(self, x):
        return self.rv.cdf(x)

    def sf(self, x):
        return self.rv.ccdf(x)

    def median(self):
        return float(self.rv.median())

    def std(self):
        return float(self.rv.standard_deviation())

    def rvs(self, size, random_state):
        return self.rv.sample(size, rng=random_state)


class NewStyleContinuous(NewStyle):
    kind = "continuous"

    def logpdf(self, x):
        return self.rv.logpdf(x)


class NewStyleDiscrete(NewStyle):
    kind = "discrete"

    def logpmf(self, x):
        return self.rv.logpmf(x)


def resolve(dist, role: str):
    """The object the rest of kltools works with: a legacy frozen distribution, or a :class:`NewStyle`.

    New-style random variables of a legacy family become that family's frozen distribution; an
    unfrozen ``rv_histogram`` is frozen; anything else is returned as it is.
    """
    if isinstance(dist, stats.rv_histogram):
        return dist.freeze()
    if isinstance(dist, stats.rv_continuous | stats.rv_discrete):
        raise TypeError(
            f"{role} is the family scipy.stats.{dist.name} itself; freeze it with its parameters, "
            f"as in stats.{dist.name}(...)"
        )
    if not _is_new_style(dist):
        return dist
    if np.ndim(dist.mean()) != 0:
        raise ValueError(f"{role} = {type(dist).__name__} with parameters of shape "
                         f"{np.shape(dist.mean())}; pass one distribution at a time")
    # Public classes only (their names differ between SciPy versions: stats.Normal() is a
    # StandardNormal), and public methods for the parameters.
    if isinstance(dist, getattr(stats, "Normal", ())):
        return stats.norm(loc=float(dist.mean()), scale=float(dist.standard_deviation()))
    if isinstance(dist, getattr(stats, "Uniform", ())):
        low, high = (float(end) for end in dist.support())
        return stats.uniform(loc=low, scale=high - low)
    if isinstance(dist, getattr(stats, "Binomial", ())):
        return stats.binom(float(dist.n), float(dist.p))
    return NewStyleDiscrete(dist) if _new_style_kind(dist) == "discrete" else NewStyleContinuous(dist)


def kind(dist) -> str | None:
    """``"continuous"`` or ``"discrete"`` for a 1-D distribution (resolved), else None."""
    if isinstance(dist, NewStyle):
        return dist.kind
    if isinstance(getattr(dist, "dist", None), stats.rv_continuous):
        return "continuous"
    if isinstance(getattr(dist, "dist", None), stats.rv_discrete):
        return "discrete"
    return None


def family(dist) -> str:
    """The name the registry knows ``dist`` (resolved) by; for unknown objects, their type's name."""
    if isinstance(dist, NewStyle):
        return dist.name
    if kind(dist) is not None:
        return dist.dist.name
    cls = type(dist)
    if cls.__module__.startswith("scipy.stats") and cls.__name__.endswith("_frozen"):
        return cls.__name__.removesuffix("_frozen")  # multivariate_normal_frozen, dirichlet_frozen
    return cls.__name__


def scipy_parameters(dist) -> dict:
    """The parameters of a frozen 1-D legacy distribution by name, as given: shapes, loc, scale.

    Only public attributes are used: the frozen object keeps the arguments it was called with
    (``args``, ``kwds``) and the family lists its shape parameters (``dist.shapes``).
    """
    shapes = [name.strip() for name in (dist.dist.shapes or "").split(",") if name.strip()]
    names = [*shapes, "loc", "scale"] if kind(dist) == "continuous" else [*shapes, "loc"]
    given = dict(zip(names, dist.args, strict=False)) | dist.kwds
    return {name: given.get(name, 1.0 if name == "scale" else 0.0) for name in names}


def parameters(dist, role: str) -> dict | None:
    """The checked parameters of ``dist`` (resolved) by name, or None when it has none to read."""
    name = family(dist)
    if isinstance(dist, NewStyle):
        return None
    if kind(dist) is not None:
        given = scipy_parameters(dist)
        label = f"{role} = {name}({', '.join(f'{k}={show(v)}' for k, v in given.items())})"
        values = {}
        for key, value in given.items():
            if np.ndim(value) != 0:
                raise ValueError(f"{label}: {key} has shape {np.shape(value)}; "
                                 "pass one distribution at a time")
            value = float(value)
            test, requirement = _RULES.get(name, {}).get(key, _POSITIVE if key == "scale" else (None, ""))
            if not math.isfinite(value):
                raise ValueError(f"{label}: {key} must be finite")
            if test is not None and not test(value):
                raise ValueError(f"{label}: {key} {requirement}")
            values[key] = value
        if np.isnan(dist.support()).any():  # what SciPy does with parameters outside its domain
            raise ValueError(f"{label}: scipy.stats.{name} rejects these parameters")
        return values
    if name == "multivariate_normal":
        mean, cov = np.asarray(dist.mean, dtype=float), np.asarray(dist.cov, dtype=float)
        label = f"{role} = multivariate_normal(dimension {mean.size})"
        if not (np.isfinite(mean).all() and np.isfinite(cov).all()):
            raise ValueError(f"{label}: mean and cov must be finite")
        try:
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError(f"{label}: cov must be positive definite (it is singular)") from None
        return {"mean": mean, "cov": cov}
    if name == "dirichlet":
        alpha = np.asarray(dist.alpha, dtype=float)
        if not (np.isfinite(alpha).all() and (alpha > 0).all()):
            shown = [show(a) for a in alpha]
            raise ValueError(f"{role} = dirichlet(alpha=[{', '.join(shown)}]): "
                             "alpha must be finite and positive")
        return {"alpha": alpha}
    return None


def show(value) -> str:
    """A parameter as the user would type it: 0 and -1 rather than 0.0 and -1.0 or np.float64(0.0)."""
    if np.ndim(value) != 0:
        return f"array of shape {np.shape(value)}"
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def nested(support_p: tuple, support_q: tuple) -> bool:
    """Whether the interval support_p lies inside support_q."""
    return bool(support_q[0] <= support_p[0] and support_p[1] <= support_q[1])
