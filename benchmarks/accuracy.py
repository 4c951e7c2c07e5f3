"""Accuracy of kltools against 50-digit mpmath references, beside SciPy's: the tables of the README's claims.

Usage: .venv/bin/python benchmarks/accuracy.py [draws]

1. Discrete: n = 1000, p ~ Dirichlet(1), q = p (1 + δ u), u uniform on (-1, 1), renormalized; the
   reference is mpmath at 50 digits on the very floats given (normalized exactly in mpmath). Median
   and worst relative error of kltools.kl and of scipy.stats.entropy over the draws.
2. Closed forms: for each family, the worst relative error of kl_between over random parameters,
   generic and with Q's parameters perturbed by 1e-8, against the textbook formula in mpmath.
"""

from __future__ import annotations

import sys

import mpmath as mp
import numpy as np
from scipy import stats

import kltools

mp.mp.dps = 50


def discrete(draws: int) -> None:
    rng = np.random.default_rng(2026)
    print("| δ | kltools median | kltools worst | stats.entropy median | stats.entropy worst |")
    print("|---|---|---|---|---|")
    for delta in (1e-2, 1e-4, 1e-6, 1e-8, 1e-10):
        ours, theirs = [], []
        for _ in range(draws):
            p = rng.dirichlet(np.ones(1000))
            q = p * (1 + delta * rng.uniform(-1, 1, 1000))
            q /= q.sum()
            sp, sq = mp.fsum(map(mp.mpf, p)), mp.fsum(map(mp.mpf, q))
            ref = mp.fsum(mp.mpf(a) / sp * mp.log((mp.mpf(a) / sp) / (mp.mpf(b) / sq))
                          for a, b in zip(p, q, strict=True))
            ours.append(abs(kltools.kl(p, q) - ref) / ref)
            theirs.append(abs(stats.entropy(p, q) - ref) / ref)
        print(f"| {delta:.0e} | {float(np.median(ours)):.1e} | {float(max(ours)):.1e} | "
              f"{float(np.median(theirs)):.1e} | {float(max(theirs)):.1e} |")


def mp_closed(family: str, a: dict, b: dict) -> mp.mpf:
    f = {k: mp.mpf(v) for k, v in a.items()}
    g = {k: mp.mpf(v) for k, v in b.items()}
    if family == "norm":
        z = (f["m"] - g["m"]) ** 2
        return mp.log(g["s"] / f["s"]) + (f["s"] ** 2 + z) / (2 * g["s"] ** 2) - mp.mpf(1) / 2
    if family == "laplace":
        t = abs(f["m"] - g["m"])
        return mp.log(g["s"] / f["s"]) + t / g["s"] + f["s"] / g["s"] * mp.exp(-t / f["s"]) - 1
    if family == "expon":
        r = f["s"] / g["s"]
        return r - 1 - mp.log(r)
    if family == "poisson":
        return f["m"] * mp.log(f["m"] / g["m"]) - f["m"] + g["m"]
    if family == "bernoulli":
        return f["p"] * mp.log(f["p"] / g["p"]) + (1 - f["p"]) * mp.log((1 - f["p"]) / (1 - g["p"]))
    if family == "gamma":  # shape a, scale s; rates 1/s
        b1, b2 = 1 / f["s"], 1 / g["s"]
        return ((f["a"] - g["a"]) * mp.digamma(f["a"]) - mp.loggamma(f["a"]) + mp.loggamma(g["a"])
                + g["a"] * mp.log(b1 / b2) + f["a"] * (b2 - b1) / b1)
    if family == "beta":
        a1, c1, a2, c2 = f["a"], f["b"], g["a"], g["b"]
        return (mp.log(mp.beta(a2, c2)) - mp.log(mp.beta(a1, c1)) + (a1 - a2) * mp.digamma(a1)
                + (c1 - c2) * mp.digamma(c1) + (a2 - a1 + c2 - c1) * mp.digamma(a1 + c1))
    raise ValueError(family)


def frozen(family: str, v: dict):
    return {"norm": lambda: stats.norm(v["m"], v["s"]), "laplace": lambda: stats.laplace(v["m"], v["s"]),
            "expon": lambda: stats.expon(scale=v["s"]), "poisson": lambda: stats.poisson(v["m"]),
            "bernoulli": lambda: stats.bernoulli(v["p"]), "gamma": lambda: stats.gamma(v["a"], scale=v["s"]),
            "beta": lambda: stats.beta(v["a"], v["b"])}[family]()


def closed_forms(draws: int) -> None:
    rng = np.random.default_rng(7)
    draw = {"norm": lambda: {"m": rng.normal(), "s": rng.uniform(0.1, 5)},
            "laplace": lambda: {"m": rng.normal(), "s": rng.uniform(0.1, 5)},
            "expon": lambda: {"s": rng.uniform(0.1, 5)},
            "poisson": lambda: {"m": rng.uniform(0.1, 50)},
            "bernoulli": lambda: {"p": rng.uniform(0.01, 0.99)},
            "gamma": lambda: {"a": rng.uniform(0.1, 50), "s": rng.uniform(0.1, 5)},
            "beta": lambda: {"a": rng.uniform(0.1, 50), "b": rng.uniform(0.1, 50)}}
    print("| family | generic worst | perturbed by 1e-8 worst |")
    print("|---|---|---|")
    for family, make in draw.items():
        worst = [0.0, 0.0]
        for _ in range(draws):
            a, b = make(), make()
            near = {k: v * (1 + 1e-8 * rng.uniform(-1, 1)) for k, v in a.items()}
            for slot, other in enumerate((b, near)):
                ref = mp_closed(family, a, other)
                if ref == 0:
                    continue
                value = kltools.kl_between(frozen(family, a), frozen(family, other))
                worst[slot] = max(worst[slot], float(abs(value - ref) / ref))
        print(f"| {family} | {worst[0]:.1e} | {worst[1]:.1e} |")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    discrete(n)
    print()
    closed_forms(15 * n)
