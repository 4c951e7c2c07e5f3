"""Speed and memory of kltools.kl against SciPy and NumPy on 10**7-entry probability vectors.

Run from the project root:  .venv/bin/python benchmarks/bench_kl.py [--size N] [--rounds R]

For each case the peers run on the same arrays, alternating in one process (round after round,
so that a slow moment of the machine hits every peer alike), and the table gives each one's
median time and its ratio to ``scipy.special.rel_entr(p, q).sum()``. The goal for kltools is a
ratio of at most 1.0 in every case, with extra memory (peak allocations during the call, from
tracemalloc) of at most twice the inputs. Cases: random pmfs, and nearly equal ones,
q = p (1 + delta u) renormalized, for two deltas.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
from scipy import special, stats

import kltools

PEERS = {
    "kltools.kl": kltools.kl,
    "scipy rel_entr().sum()": lambda p, q: special.rel_entr(p, q).sum(),
    "scipy stats.entropy": stats.entropy,
    "numpy sum(p*log(p/q))": lambda p, q: np.sum(p * np.log(p / q)),
}
BASELINE = "scipy rel_entr().sum()"


def cases(size: int, rng: np.random.Generator) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    p = rng.dirichlet(np.ones(size))
    q = rng.dirichlet(np.ones(size))
    out = {"random": (p, q)}
    for delta in (1e-2, 1e-6):
        near = p * (1 + delta * rng.uniform(-1, 1, size))
        out[f"nearly equal, delta={delta:g}"] = (p, near / near.sum())
    return out


def median_times(p: np.ndarray, q: np.ndarray, rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in PEERS}
    for _ in range(rounds):
        for name, f in PEERS.items():
            start = time.perf_counter()
            f(p, q)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def peak_memory(f, p: np.ndarray, q: np.ndarray) -> int:
    tracemalloc.start()
    f(p, q)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**7)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    rng = np.random.default_rng(20261121)
    print(f"n = {args.size:,} entries, median of {args.rounds} alternating rounds\n")
    worst = 0.0
    for case, (p, q) in cases(args.size, rng).items():
        medians = median_times(p, q, args.rounds)
        inputs = p.nbytes + q.nbytes
        print(f"{case}")
        print(f"  {'':24} {'median':>10} {'ratio':>7} {'extra memory / inputs':>22}")
        for name in PEERS:
            ratio = medians[name] / medians[BASELINE]
            memory = peak_memory(PEERS[name], p, q) / inputs
            print(f"  {name:24} {medians[name] * 1e3:8.1f} ms {ratio:7.2f} {memory:22.3f}")
        worst = max(worst, medians["kltools.kl"] / medians[BASELINE])
        print()
    verdict = "met" if worst <= 1.0 else "NOT met"
    print(f"worst kltools.kl / rel_entr().sum() ratio: {worst:.2f} (goal <= 1.0: {verdict})")


if __name__ == "__main__":
    main()
