"""How long a live update of each explorer takes: the budget is 50 ms (median) on this machine.

Run from the project root:  .venv/bin/python benchmarks/bench_explorers.py

A live update is what happens when a reader moves an explorer's slider in Jupyter: the figure is
recomputed at the new value and turned into a PNG for the notebook. It is timed at every value of
the explorer's sweep, after one warm-up update, and the median and the slowest are printed. The
time to pre-draw the whole static sweep (done once, when the book is built) is printed beside it.
"""

from __future__ import annotations

import statistics
import time

from klbook import explorers

BUDGET = 0.050
BOOK = [explorers.bernoulli_asymmetry, explorers.forward_reverse, explorers.fisher_quadratic,
        explorers.gaussian_mutual_information]


def main() -> None:
    print(f"{'explorer':42} {'median':>9} {'slowest':>9} {'sweep':>8}")
    worst = 0.0
    for make in BOOK:
        explorer = make()
        frames = explorer.frames()
        values = explorer.parameter.values()
        frames.png(values[0])  # warm-up
        times = []
        for value in values:
            start = time.perf_counter()
            frames.png(value)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        explorer.static_html()
        sweep = time.perf_counter() - start
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{explorer.title:42} {median * 1e3:6.1f} ms {max(times) * 1e3:6.1f} ms {sweep:6.2f} s")
    verdict = "met" if worst <= BUDGET else "NOT met"
    print(f"\nslowest median live update: {worst * 1e3:.1f} ms (budget {BUDGET * 1e3:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
