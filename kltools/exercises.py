"""The book's exercises: where they are, how hard they are, and what kind of work they ask for.

Every exercise of a chapter is a sphinx-exercise directive whose title ends in its difficulty (one
to three stars) and its kind (derivation, computation or concept), as in
``Two dice · ★ · computation``, with a label ``<chapter>-ex-<n>``. :func:`catalogue` reads them
from the chapter notebooks in the order of the book's table of contents; the book's Exercises
page is built from it.
"""

from __future__ import annotations

import heapq
import json
import math
import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import yaml

__all__ = ["ANSWER_KEYS", "KINDS", "AnswerKey", "Exercise", "catalogue", "check", "exercises_in", "verdict"]

KINDS = ("derivation", "computation", "concept")
_DIRECTIVE = re.compile(r"```\{exercise(?:-start)?\}[ \t]*(?P<title>.*?)\n:label:[ \t]*(?P<label>\S+)")


@dataclass(frozen=True)
class Exercise:
    """One exercise: its label, its title without the tags, its difficulty and its kind."""

    chapter: str
    label: str
    title: str
    stars: int
    kind: str


def exercises_in(notebook: str | Path) -> list[Exercise]:
    """The exercises of one chapter notebook, in order.

    Raises ``ValueError`` for an exercise whose title does not end in ``· <stars> · <kind>``.

    >>> from kltools.exercises import exercises_in
    >>> first = exercises_in("chapters/what_kl_measures.ipynb")[0]  # from the book's folder
    >>> first.label, first.title, first.stars, first.kind
    ('what-kl-ex-1', 'Two dice', 1, 'computation')
    """
    path = Path(notebook)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for match in _DIRECTIVE.finditer("".join(cell["source"])):
            title, stars, kind = _split_title(match["title"], match["label"], path)
            found.append(Exercise(path.stem, match["label"], title, stars, kind))
    return found


def catalogue(book: str | Path = ".") -> list[Exercise]:
    """Every exercise of the book, chapter by chapter in the order of ``_toc.yml``.

    >>> from kltools.exercises import catalogue
    >>> exercises = catalogue(".")  # from the book's folder
    >>> exercises[0].chapter, all(e.kind in KINDS for e in exercises)
    ('what_kl_measures', True)
    """
    book = Path(book)
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    files = [chapter["file"] for part in toc.get("parts", []) for chapter in part["chapters"]]
    notebooks = [book / f"{name}.ipynb" for name in files if (book / f"{name}.ipynb").exists()]
    return [exercise for notebook in notebooks for exercise in exercises_in(notebook)]


def _split_title(full: str, label: str, path: Path) -> tuple[str, int, str]:
    parts = [part.strip() for part in full.split("·")]
    if len(parts) < 3 or set(parts[-2]) != {"★"} or parts[-1] not in KINDS:
        raise ValueError(
            f"{path.name}: exercise {label} is titled {full!r}; end the title with its difficulty and kind, "
            f"as in 'Two dice · ★★ · computation' (kinds: {', '.join(KINDS)})"
        )
    return " · ".join(parts[:-2]), len(parts[-2]), parts[-1]


# Self-checks ---------------------------------------------------------------------------------
#
# Every computational exercise has an answer key: a function that computes the expected answer
# (so that no answer is written in this file or printed), a description of the answer's form, a
# relative tolerance and a hint. A chapter's self-check cell calls :func:`check` with the
# student's answer; the author's solution calls it with the solution's own result.

@dataclass(frozen=True)
class AnswerKey:
    """How to check one exercise: the expected answer (computed, not written), its form, a hint."""

    expected: Callable[[], Any]  # a number, a tuple of numbers or a dict of numbers
    form: str  # what the answer is, as in "two numbers: (D(P‖Q), D(Q‖P)) in nats"
    hint: str  # helps without giving the value away
    rtol: float = 1e-3
    atol: float = 1e-12


def check(label: str, answer: Any) -> None:
    """Tell whether ``answer`` to the exercise ``label`` is right, within the key's tolerance.

    Prints one line (see :func:`verdict`): "not answered yet" while ``answer`` is (or holds)
    ``...``, the form of answer expected when it has another form, "right." when it is right, and
    a hint when it is not; the expected value itself is never printed. Raises ``ValueError`` for
    a label without an answer key.

    >>> from kltools.exercises import check
    >>> check("what-kl-ex-1", ...)
    Exercise what-kl-ex-1: not answered yet.
    >>> check("what-kl-ex-1", 0.5)
    Exercise what-kl-ex-1: expects two numbers: (D(P‖Q), D(Q‖P)) in nats.
    """
    print(verdict(label, answer))


def verdict(label: str, answer: Any) -> str:
    """The line :func:`check` prints: ends in "right." exactly when ``answer`` is right."""
    key = ANSWER_KEYS.get(label)
    if key is None:
        raise ValueError(f"no self-check for exercise {label!r}; the exercises with one are "
                         f"{', '.join(ANSWER_KEYS)}")
    if _holds_ellipsis(answer):
        return f"Exercise {label}: not answered yet."
    expected = key.expected()
    given = _as_form_of(answer, expected)
    if given is None:
        return f"Exercise {label}: expects {key.form}."
    right = all(math.isfinite(g) and math.isclose(g, e, rel_tol=key.rtol, abs_tol=key.atol)
                for g, e in zip(_numbers(given), _numbers(expected), strict=True))
    return f"Exercise {label}: right." if right else f"Exercise {label}: not yet. Hint: {key.hint}"


def _holds_ellipsis(answer: Any) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, dict):
        return any(_holds_ellipsis(value) for value in answer.values())
    if isinstance(answer, (tuple, list)) or (isinstance(answer, np.ndarray) and answer.dtype == object):
        return any(_holds_ellipsis(value) for value in answer)
    return False


def _as_number(value: Any) -> float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (int, float, np.integer, np.floating, Fraction)):
        return float(value)
    try:  # other real scalars, such as mpmath's mpf
        return float(value) if isinstance(value, numbers.Real) or hasattr(value, "__float__") else None
    except (TypeError, ValueError):
        return None


def _as_form_of(answer: Any, expected: Any) -> Any:
    """The answer in the form of the expected one (float, tuple or dict of floats), or None."""
    if isinstance(expected, dict):
        if not isinstance(answer, dict) or set(answer) != set(expected):
            return None
        values = {name: _as_number(answer[name]) for name in expected}
        return None if None in values.values() else values
    if isinstance(expected, tuple):
        if isinstance(answer, np.ndarray) and answer.ndim == 1:
            answer = list(answer)
        if not isinstance(answer, (tuple, list)) or len(answer) != len(expected):
            return None
        values = tuple(_as_number(value) for value in answer)
        return None if None in values else values
    return _as_number(answer)


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [float(value[name]) for name in sorted(value)]
    if isinstance(value, tuple):
        return [float(v) for v in value]
    return [float(value)]


# The expected answers, computed as the exercises ask -------------------------------------------

def _bernoulli(t: float) -> np.ndarray:
    return np.array([t, 1 - t])


def _huffman_length(p: np.ndarray) -> float:
    """Expected length, in bits, of a Huffman code for p: the total weight of the merged nodes."""
    heap = [float(x) for x in p]
    heapq.heapify(heap)
    total = 0.0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        total += merged
        heapq.heappush(heap, merged)
    return total


def _two_dice() -> tuple[float, float]:
    from kltools import kl

    fair = np.full(6, 1 / 6)
    loaded = np.array([0.1] * 5 + [0.5])
    return kl(fair, loaded), kl(loaded, fair)


def _triangle() -> tuple[float, float]:
    from kltools import kl

    p, q, r = _bernoulli(0.1), _bernoulli(0.5), _bernoulli(0.9)
    return kl(p, r), kl(p, q) + kl(q, r)


def _huffman() -> tuple[float, float]:
    from kltools import kl

    p = np.array([0.4, 0.3, 0.2, 0.1])
    return _huffman_length(p), kl(p, np.full(4, 0.25), base=2)


def _canonical() -> tuple[float, float]:
    from kltools import entropy

    energy, beta = np.arange(5.0), 0.7
    weights = np.exp(-beta * energy)
    return entropy(weights / weights.sum()), -np.log(weights.sum()) / beta


def _two_normals() -> tuple[float, float]:
    from scipy import stats

    from kltools import kl_between

    p = stats.multivariate_normal([1, 0], [[2, 1], [1, 2]])
    q = stats.multivariate_normal([0, 0], np.eye(2))
    return kl_between(p, q), kl_between(q, p)


def _batch_loss() -> tuple[float, float]:
    from scipy import special

    from kltools import cross_entropy

    logits = np.array([[3.0, 0.5, -1.0], [0.2, 2.2, 0.1], [1.0, 1.0, 1.2], [-4.0, 5.0, 1.0]])
    onehots = np.eye(3)[[0, 1, 2, 0]]
    q = special.softmax(logits, axis=1)
    smoothed = (1 - 0.1) * onehots + 0.1 / 3
    return cross_entropy(onehots, q).mean(), cross_entropy(smoothed, q).mean()


def _draws() -> tuple[float, float]:
    from scipy import stats

    from kltools import kl_between

    def needed(delta: float, rel: float = 0.01) -> float:
        # relative standard error sqrt(2 / (n D)) = rel
        return 2 / (kl_between(stats.norm(delta, 1), stats.norm(0, 1)) * rel**2)

    return needed(1.0), needed(0.1)


def _machine() -> tuple[float, ...]:
    from kltools import conditional_entropy, entropy, mutual_information

    joint = np.array([[0.90, 0.05], [0.00, 0.05]])  # rows X = a, b; columns Y = idle, busy
    given = [entropy(joint[:, y] / joint[:, y].sum(), base=2) for y in (0, 1)]
    return (entropy(joint.sum(axis=1), base=2), *given,
            conditional_entropy(joint.T, base=2), mutual_information(joint, base=2))


def _capacity() -> tuple[float, float]:
    from scipy import optimize

    from kltools import mutual_information

    flip = 0.1
    channel = np.array([[1 - flip, flip], [flip, 1 - flip]])

    def information(pi: float) -> float:
        return mutual_information(np.array([1 - pi, pi])[:, None] * channel, base=2)

    best = optimize.minimize_scalar(lambda t: -information(t), bounds=(0.01, 0.99),
                                    method="bounded", options={"xatol": 1e-10})
    return best.x, information(best.x)


def _plug_in_bias() -> tuple[float, float]:
    k = 5
    return tuple((k - 1) ** 2 / (2 * n) for n in (200, 2000))  # the first-order bias, in nats


def _naive_sums() -> tuple[float, float, float]:
    from scipy import optimize, stats

    x = np.arange(-10, 10, 0.01)
    p_sum = stats.norm.pdf(x, -3, 1.2) + stats.norm.pdf(x, 3, 1.2)
    fit = optimize.minimize(lambda t: stats.entropy(p_sum, stats.norm.pdf(x, t[0], t[1])),
                            [-3, 1.2], method="L-BFGS-B")  # the notes' forward fit
    q = stats.norm.pdf(x, *fit.x)
    naive = np.sum(p_sum * np.log(p_sum / q))
    return naive, 0.01 * naive, stats.entropy(p_sum, q)


def _coin() -> tuple[float, float, float]:
    from scipy import special

    k, n, a0, b0 = 7, 10, 2.0, 2.0
    a, b = a0 + k, b0 + n - k  # the conjugate posterior, which the beta family contains
    return special.betaln(a, b) - special.betaln(a0, b0), a, b


def _poisson_fisher() -> float:
    from scipy import stats

    from kltools import fisher_information

    return fisher_information(stats.poisson(3.0))[0, 0]


def _tilted() -> float:
    from kltools import kl

    p, u = np.array([0.1, 0.2, 0.3, 0.4]), np.array([1.0, -1.0, 0.5, -0.5])
    w = p * np.array([math.exp(2.0**-30 * x) for x in u])
    return kl(p, w / w.sum())


ANSWER_KEYS: dict[str, AnswerKey] = {
    "what-kl-ex-1": AnswerKey(
        _two_dice, "two numbers: (D(P‖Q), D(Q‖P)) in nats",
        "D(P‖Q) weights the log-ratio log(p/q) by P, the fair die: check which die you average "
        "over, and use natural logarithms."),
    "what-kl-ex-4": AnswerKey(
        _triangle, "two numbers: (D(P‖R), D(P‖Q) + D(Q‖R)) in nats",
        "each coin is the distribution (t, one minus t) of heads and tails; the long side goes "
        "straight from P to R, the two legs pass through Q."),
    "what-kl-ex-5": AnswerKey(
        _huffman, "two numbers: (L_P in bits per symbol, D(P‖u) in bits)",
        "L_P is the sum over symbols of p(x) times the length of the codeword of x, for the "
        "Huffman code of P (not of u); the divergence is in bits."),
    "gibbs-ex-6": AnswerKey(
        _canonical, "two numbers in nats: (H(q_β), the minimum of the free energy)",
        "normalise q_β by Z(β), the sum of exp(−βE(x)) over the states; the minimum of the free "
        "energy is below zero, and both numbers are in nats."),
    "examples-ex-3": AnswerKey(
        _two_normals, "two numbers: (D(P‖Q), D(Q‖P)) in nats",
        "in the formula for D(P‖Q) it is the covariance of Q that is inverted, and the log of "
        "the determinants is log(|Σ_Q|/|Σ_P|); swap the roles for D(Q‖P)."),
    "mle-ex-3": AnswerKey(
        _batch_loss, "two numbers in nats: (the mean loss, the mean smoothed loss)",
        "each loss is minus the log-softmax of the logits at the true class; the smoothed target "
        "takes ε from the true class and spreads it evenly over all K classes."),
    "mle-ex-5": AnswerKey(
        _draws, "two numbers: (the draws for δ = 1, the draws for δ = 0.1)",
        "set the relative standard error of part 1 equal to one hundredth and solve for n; the "
        "count grows like the inverse square of δ.", rtol=0.01),
    "mi-ex-1": AnswerKey(
        _machine, "five numbers in bits: H(X), H(X|Y=0), H(X|Y=1), H(X|Y), I(X;Y)",
        "work in bits (base two); H(X | Y) averages the conditional entropies with the weights "
        "p(y), and I(X; Y) is H(X) minus H(X | Y).", atol=1e-9),
    "mi-ex-2": AnswerKey(
        _capacity, "two numbers: (the maximising π, the capacity in bits)",
        "the joint table is p(x) times p(y | x), with rows for the input; give the information "
        "in bits and maximise over π.", rtol=1e-4, atol=1e-6),
    "mi-ex-6": AnswerKey(
        _plug_in_bias, "two numbers in nats: (the mean of Î for n = 200, for n = 2000)",
        "Î is the mutual information, in nats, of the table of relative frequencies of the n "
        "pairs; average it over the simulated samples, for each n.", rtol=0.08),
    "fr-ex-5": AnswerKey(
        _naive_sums, "three numbers in nats: (the naive sum, the naive sum times δ, "
        "stats.entropy(p_sum, q))",
        "use the notes' arrays p_sum and q (the forward fit on the grid) as they are, without "
        "normalising them; δ is the spacing of the grid.", rtol=1e-4),
    "fr-ex-6": AnswerKey(
        _coin, "three numbers: (the log evidence, a, b of the best Beta(a, b))",
        "the evidence of the sequence is a ratio of beta functions; the maximiser of the ELBO "
        "is the distribution where the divergence to the posterior vanishes.", rtol=1e-4),
    "ig-ex-1": AnswerKey(
        _poisson_fisher, "one number: the Fisher information I(λ) at λ = 3",
        "use either form: the variance of the score K/λ minus one, or minus the mean of the "
        "second derivative of log p_λ(K)."),
    "ig-ex-5": AnswerKey(
        _tilted, "one number: D(p‖q_t) at k = 30, in nats",
        "at this t the divergence is of order t², far below the rounding errors of the naive "
        "sums: use kltools.kl, or mpmath with the inputs normalized exactly.",
        rtol=1e-6, atol=0.0),
}
