"""kltools: Kullback-Leibler divergences and entropies that keep their digits.

The package behind the executable textbook on the Kullback-Leibler divergence. Every function
checks its input and says what is wrong with it, and every number it returns is accurate to a few
units in the last place, including for nearly equal distributions, where the textbook formulas
lose their digits.

>>> import kltools
>>> round(kltools.kl([0.2, 0.8], [0.7, 0.3]), 4)
0.5341

Modules: :mod:`~kltools.discrete` (divergence and entropies of probability arrays),
:mod:`~kltools.information` (mutual information and friends), :mod:`~kltools.distributions`
(closed forms between SciPy distributions), :mod:`~kltools.fisher` (Fisher information),
:mod:`~kltools.estimators` (estimates from samples), :mod:`~kltools.stable` (cancellation-free
elementary functions) and :mod:`~kltools.validation` (input checks).
"""

from importlib.metadata import version

from kltools.discrete import cross_entropy, entropy, kl
from kltools.distributions import kl_between, register_kl, registered_pairs
from kltools.estimators import KLEstimate, kl_from_samples, kl_monte_carlo, mutual_information_from_samples
from kltools.fisher import fisher_information
from kltools.information import conditional_entropy, jensen_shannon, joint_entropy, mutual_information

__all__ = [
    "KLEstimate",
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "fisher_information",
    "jensen_shannon",
    "joint_entropy",
    "kl",
    "kl_between",
    "kl_from_samples",
    "kl_monte_carlo",
    "mutual_information",
    "mutual_information_from_samples",
    "register_kl",
    "registered_pairs",
]
__version__ = version("kltools")
