"""The instructors' side of the self-checks: answer keys, and the digests made from them.

An answer key says how to check one exercise: a function that computes the expected answer, the
form of the answer in words, a hint that helps without giving the value away, and the tolerances.
The keys live outside every package a student installs, in ``instructor/keys/<chapter>.py`` (each
file defines ``KEYS = {label: AnswerKey(...)}``). :func:`write_digests` turns them into the JSON
files of :mod:`klbook.selfcheck`, which hold digests only; the grader (:mod:`klbook.grading`)
compares answers with the keys themselves.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from klbook.selfcheck import as_form, digest, grid_index, shape_of

__all__ = ["AnswerKey", "digests", "is_right", "load_keys", "write_digests"]


@dataclass(frozen=True)
class AnswerKey:
    """How to check one exercise: the expected answer (computed), its form, a hint, the tolerances."""

    expected: Callable[[], Any]  # a number, a tuple of numbers or a dict of numbers
    form: str  # what the answer is, as in "two numbers: (D(P‖Q), D(Q‖P)) in nats"
    hint: str  # helps without giving the value away
    rtol: float = 1e-3
    atol: float = 1e-12


def load_keys(folder: str | Path) -> dict[str, dict[str, AnswerKey]]:
    """The answer keys of every ``<chapter>.py`` in ``folder``: ``{chapter: {label: key}}``."""
    keys = {}
    for path in sorted(Path(folder).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"answer_keys_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        keys[path.stem] = module.KEYS
    return keys


def is_right(key: AnswerKey, answer: Any, expected: Any | None = None) -> bool:
    """Whether ``answer`` equals the key's expected answer within its tolerances (the grader's test)."""
    expected = key.expected() if expected is None else expected
    shape = shape_of(expected)
    given, wanted = as_form(answer, shape), as_form(expected, shape)
    return given is not None and all(
        math.isfinite(g) and math.isclose(g, e, rel_tol=key.rtol, abs_tol=key.atol)
        for g, e in zip(given, wanted, strict=True))


def digests(label: str, key: AnswerKey) -> dict:
    """The self-check entry of one exercise: its form, hint and one digest per number."""
    expected = key.expected()
    shape = shape_of(expected)
    values = as_form(expected, shape)
    if values is None:
        raise ValueError(f"the key of {label} computes {expected!r}; it must give numbers")
    salt = hashlib.sha256(f"klbook self-check {label}".encode()).hexdigest()[:32]
    parts = []
    for position, value in enumerate(values):
        if key.atol >= key.rtol * abs(value):  # the absolute tolerance decides: a linear grid
            scale, step = "linear", 1.05 * key.atol
        else:  # a logarithmic grid: |log(x/e)| <= -log(1 - rtol) inside the tolerance
            scale, step = "log", -1.05 * math.log1p(-key.rtol)
        if scale == "linear" and key.atol == 0:
            raise ValueError(f"the key of {label} expects 0 with atol=0: give it an absolute tolerance")
        index = grid_index(value, scale, step)
        if index is None:
            raise ValueError(f"the key of {label} computes a number that is not finite: {value}")
        parts.append({"scale": scale, "step": step, "digest": digest(label, position, scale, index, salt)})
    return {"form": key.form, "hint": key.hint, "shape": shape, "salt": salt, "parts": parts}


def write_digests(keys_folder: str | Path, out_folder: str | Path,
                  chapters: list[str] | None = None) -> list[Path]:
    """Write ``<chapter>.json`` of digests into ``out_folder`` for the keys in ``keys_folder``."""
    written = []
    for chapter, keys in load_keys(keys_folder).items():
        if chapters and chapter not in chapters:
            continue
        path = Path(out_folder) / f"{chapter}.json"
        entries = {label: digests(label, key) for label, key in keys.items()}
        path.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m klbook.answerkeys KEYS_FOLDER OUT_FOLDER [CHAPTER ...]``: write the digests."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m klbook.answerkeys KEYS_FOLDER OUT_FOLDER [CHAPTER ...]", file=sys.stderr)
        return 2
    for path in write_digests(args[0], args[1], args[2:] or None):
        print(f"self-check digests in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
