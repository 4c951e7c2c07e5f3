"""The expected answers of the self-checks, and ways to look for them: helpers of the leak tests.

The answers come from the instructors' keys (instructor/keys), computed here. A number is looked
for as a text prints it, at several precisions ("0.243", "0.2426", "0.24259", ..., its repr), and,
in objects, as a float equal to it to four significant digits or more. Round numbers (fewer than
three significant digits, such as 1.9 or 0.5, or a fraction with a denominator up to 12, such as
1/3) are left out: they occur everywhere as constants, and an answer that round can be guessed
anyway; :func:`short_values` lists them so that a test can say which.
"""

from __future__ import annotations

import functools
import math
import re
from fractions import Fraction
from pathlib import Path

from klbook.answerkeys import load_keys
from klbook.selfcheck import as_form, shape_of

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@functools.cache
def keys() -> dict:
    """``{label: AnswerKey}`` of every chapter."""
    return {label: key for chapter in load_keys(ROOT / "instructor" / "keys").values()
            for label, key in chapter.items()}


@functools.cache
def expected_answer(label: str):
    """The label's expected answer as its key computes it (once: some keys take seconds)."""
    return keys()[label].expected()


def shape(label: str) -> dict:
    """The form of the label's expected answer (see :func:`klbook.selfcheck.shape_of`)."""
    return shape_of(expected_answer(label))


@functools.cache
def expected() -> dict[str, list[float]]:
    """``{label: the numbers of its expected answer}``."""
    return {label: as_form(expected_answer(label), shape(label)) for label in keys()}


def significant_digits(value: float) -> int:
    """How many significant digits ``value`` has, up to 6 (trailing zeros do not count)."""
    mantissa = f"{abs(value):.5e}".split("e")[0].replace(".", "").rstrip("0")
    return len(mantissa)


def is_round(value: float) -> bool:
    """Whether ``value`` is not finite, has fewer than 3 significant digits, or is a simple fraction."""
    if not math.isfinite(value) or significant_digits(value) < 3:
        return True
    simple = Fraction(value).limit_denominator(12)
    return abs(value - float(simple)) <= 1e-9 * abs(value)


def spellings(value: float) -> set[str]:
    """The ways a text may print ``value``: 3 to 6 significant digits, 4 decimals, its repr."""
    value = abs(value)
    found = {f"{value:.{digits}g}" for digits in range(3, 7)} | {f"{value:.4f}", repr(value)}
    return {text for text in found if significant_digits(float(text)) >= 3}


def searched_values() -> dict[str, list[float]]:
    """The numbers of each answer that are looked for (three significant digits or more)."""
    return {label: [v for v in values if not is_round(v)] for label, values in expected().items()}


def short_values() -> dict[str, list[float]]:
    """The numbers that are not looked for: the round ones."""
    return {label: [v for v in values if is_round(v)] for label, values in expected().items()
            if any(is_round(v) for v in values)}


def spelled_answers(values: dict[str, list[float]] | None = None) -> dict[str, str]:
    """``{spelling: label}`` for every number looked for (or those of ``values``)."""
    values = searched_values() if values is None else values
    return {text: label for label, numbers in values.items()
            for value in numbers for text in spellings(value)}


def numbers_in(text: str) -> set[str]:
    """The numbers written in ``text``, as they are written."""
    return set(NUMBER.findall(text))


def close_to_an_answer(number: float, values: dict[str, list[float]] | None = None) -> str | None:
    """The label of an answer that ``number`` equals to four significant digits or more, or None.

    (The key's own tolerance would make a round constant such as 0.95 equal to an answer 0.9507.)
    """
    if not isinstance(number, float) or is_round(number):
        return None
    for label, numbers in (searched_values() if values is None else values).items():
        for value in numbers:
            if abs(abs(number) - abs(value)) <= 5e-5 * abs(value):
                return label
    return None
