"""Self-checks: tell a student whether an answer is right, without holding the answer.

A computational exercise ends in a cell tagged ``self-check``::

    answer = ...  # two numbers: (D(P‖Q), D(Q‖P)) in nats
    check("what-kl-ex-1", answer)

:func:`check` answers in one line: "not answered yet" while ``answer`` holds ``...``, the form the
answer should have when it has another, "right." when it is right and a hint when it is not.

What this module holds for each exercise is a *digest* of the expected answer, never the answer
or code that computes it. The instructors' answer keys (outside every installed package) are turned
into digests when the book is built (:mod:`klbook.answerkeys`). Each number of an answer is
rounded to a grid whose step is a little wider than its tolerance (on a logarithmic scale for a
relative tolerance); the digest is a salted, deliberately slow hash (PBKDF2) of the grid index.
A student's number is accepted when its own index, or one of the two next to it, has the stored
digest, so an answer within the tolerance is never refused, and one off by more than about twice
the tolerance is never accepted.

This is feedback on an honour system: a short answer can be found by trying many numbers (at about
a hundredth of a second a try, a three-digit answer falls within an hour). Grading is done by
:mod:`klbook.grading`, with keys the students never see.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import numbers
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["KEY_FOLDER", "check", "labels", "verdict"]

KEY_FOLDER = Path(__file__).parent / "keys"  # one JSON file of digests per chapter
ITERATIONS = 20_000  # PBKDF2 rounds per digest: about 10 ms, so that trying numbers is slow


def grid_index(value: float, scale: str, step: float) -> tuple[int, int] | None:
    """The (sign, index) of ``value`` on the grid of a key, or None where it has none."""
    if not math.isfinite(value):
        return None
    if scale == "linear":
        return 0, round(value / step)
    if value == 0:
        return None
    return (1 if value > 0 else -1), round(math.log(abs(value)) / step)


@functools.lru_cache(maxsize=4096)  # the same grid index, checked again, costs nothing the second time
def digest(label: str, position: int, scale: str, index: tuple[int, int], salt: str) -> str:
    """The salted PBKDF2 digest of one grid index of one number of an answer."""
    text = f"{label}|{position}|{scale}|{index[0]}|{index[1]}".encode()
    return hashlib.pbkdf2_hmac("sha256", text, bytes.fromhex(salt), ITERATIONS).hex()


@functools.cache
def _keys(folder: Path = KEY_FOLDER) -> dict[str, dict]:
    keys: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        keys.update(json.loads(path.read_text(encoding="utf-8")))
    return keys


def labels() -> list[str]:
    """The labels of the exercises that have a self-check, in the order of their chapters' files."""
    return list(_keys())


def check(label: str, answer: Any) -> None:
    """Tell whether ``answer`` to the exercise ``label`` is right; print one line (see :func:`verdict`).

    The expected value itself is never printed, and it is not stored here either.

    >>> from klbook.selfcheck import check
    >>> check("what-kl-ex-1", ...)
    Exercise what-kl-ex-1: not answered yet.
    >>> check("what-kl-ex-1", 0.5)
    Exercise what-kl-ex-1: expects two numbers: (D(P‖Q), D(Q‖P)) in nats.
    >>> check("what-kl-ex-1", (0.5, 0.5))  # doctest: +ELLIPSIS
    Exercise what-kl-ex-1: not yet. Hint: D(P‖Q) weights the log-ratio log(p/q) by P, ...
    """
    print(verdict(label, answer))


def verdict(label: str, answer: Any) -> str:
    """The line :func:`check` prints: it ends in "right." exactly when ``answer`` is accepted."""
    key = _keys().get(label)
    if key is None:
        raise ValueError(f"no self-check for exercise {label!r}; the exercises with one are "
                         f"{', '.join(labels())}")
    if _holds_ellipsis(answer):
        return f"Exercise {label}: not answered yet."
    given = as_form(answer, key["shape"])
    if given is None:
        return f"Exercise {label}: expects {key['form']}."
    right = all(_matches(label, position, value, part, key["salt"])
                for position, (value, part) in enumerate(zip(given, key["parts"], strict=True)))
    return f"Exercise {label}: right." if right else f"Exercise {label}: not yet. Hint: {key['hint']}"


def _matches(label: str, position: int, value: float, part: dict, salt: str) -> bool:
    index = grid_index(value, part["scale"], part["step"])
    if index is None:
        return False
    sign, k = index
    return any(digest(label, position, part["scale"], (sign, k + j), salt) == part["digest"]
               for j in (0, -1, 1))


def _holds_ellipsis(answer: Any) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, dict):
        return any(_holds_ellipsis(value) for value in answer.values())
    if isinstance(answer, (tuple, list)) or (isinstance(answer, np.ndarray) and answer.dtype == object):
        return any(_holds_ellipsis(value) for value in answer)
    return False


def as_number(value: Any) -> float | None:
    """``value`` as a float when it is one real number (not a bool), else None."""
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


def shape_of(value: Any) -> dict:
    """The form of an expected answer: one number, a tuple of ``n`` numbers or a dict of numbers."""
    if isinstance(value, dict):
        return {"kind": "dict", "names": sorted(value)}
    if isinstance(value, tuple):
        return {"kind": "tuple", "n": len(value)}
    return {"kind": "number"}


def as_form(answer: Any, shape: dict) -> list[float] | None:
    """The numbers of ``answer`` in the order of ``shape``, or None when it has another form."""
    if shape["kind"] == "dict":
        if not isinstance(answer, dict) or set(answer) != set(shape["names"]):
            return None
        values = [as_number(answer[name]) for name in shape["names"]]
    elif shape["kind"] == "tuple":
        if isinstance(answer, np.ndarray) and answer.ndim == 1:
            answer = list(answer)
        if not isinstance(answer, (tuple, list)) or len(answer) != shape["n"]:
            return None
        values = [as_number(value) for value in answer]
    else:
        values = [as_number(answer)]
    return None if None in values else values
