"""kltools: Kullback-Leibler divergences and entropies that keep their digits.

The package behind the executable textbook on the Kullback-Leibler divergence. Every function
checks its input and says what is wrong with it, and every number it returns is accurate to a few
units in the last place, including for nearly equal distributions, where the textbook formulas
lose their digits.

>>> import kltools
>>> round(kltools.kl([0.2, 0.8], [0.7, 0.3]), 4)
0.5341
"""

from kltools.discrete import cross_entropy, entropy, kl

__all__ = ["cross_entropy", "entropy", "kl"]
__version__ = "0.1.0"
