"""The exercise conventions of the book hold in every chapter, and the self-checks keep their answers.

The answer keys (instructor/keys, never shipped) say what each computational exercise expects; the
students' checker (klbook.selfcheck) holds digests made from them. Here: every computational
exercise has a key and a self-check cell; the digests are those the keys give now; the checker
accepts the expected answer and answers within the tolerance, refuses answers about three
tolerances off, of another form or not numbers; every solution in the book checks itself right
(its stored output says so); and no file of klbook holds an expected value.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from answer_search import expected, keys, numbers_in, shape, spelled_answers
from klbook import selfcheck
from klbook.answerkeys import write_digests
from klbook.exercises import KINDS, catalogue, exercises_in
from klbook.selfcheck import check

ROOT = Path(__file__).resolve().parents[2]
KLBOOK = ROOT / "book" / "klbook"


def test_every_chapter_has_labelled_tagged_exercises():
    exercises = catalogue(ROOT)  # raises ValueError for a title without its stars and kind
    chapters = Counter(e.chapter for e in exercises)
    assert chapters, "no exercises found"
    for chapter, count in chapters.items():
        labels = [e.label for e in exercises if e.chapter == chapter]
        prefix = labels[0].rsplit("-ex-", 1)[0]
        assert labels == [f"{prefix}-ex-{n}" for n in range(1, count + 1)], (
            f"{chapter}: exercise labels must run {prefix}-ex-1, {prefix}-ex-2, ...: {labels}"
        )
        assert count >= 4, f"{chapter} has only {count} exercises"
    assert len({e.label for e in exercises}) == len(exercises), "exercise labels must be unique"
    assert all(1 <= e.stars <= 3 and e.kind in KINDS for e in exercises)


def test_a_title_without_tags_is_rejected(tmp_path):
    notebook = tmp_path / "chapter.ipynb"
    notebook.write_text(
        '{"cells": [{"cell_type": "markdown", "metadata": {}, "source": '
        '["```{exercise} Two dice\\n:label: x-ex-1\\nRoll them.\\n```"]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    with pytest.raises(ValueError, match=re.escape("x-ex-1")):
        exercises_in(notebook)


# Keys and self-check cells ---------------------------------------------------------------------

COMPUTATIONS = [e for e in catalogue(ROOT) if e.kind == "computation"]
LABELS = [e.label for e in COMPUTATIONS]
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")


def chapter_cells(chapter: str) -> list:
    return nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4).cells


def test_every_computation_has_a_key_and_a_self_check_cell():
    assert COMPUTATIONS, "no computational exercises found"
    assert sorted(LABELS) == sorted(keys()), "answer keys and computational exercises differ"
    for exercise in COMPUTATIONS:
        cells = [cell for cell in chapter_cells(exercise.chapter) if cell.cell_type == "code"
                 and "self-check" in cell.metadata.get("tags", [])
                 and CHECK_CALL.findall(cell.source)[:1] == [exercise.label]]
        assert len(cells) == 1, f"{exercise.chapter}: one self-check cell for {exercise.label}"
        assert cells[0].source.startswith("answer = ..."), f"{exercise.label}: the cell starts `answer = ...`"
        assert f'check("{exercise.label}", answer)' in cells[0].source


def test_the_digests_are_those_the_keys_give(tmp_path):
    written = write_digests(ROOT / "instructor" / "keys", tmp_path)
    assert written, "no answer keys"
    shipped = sorted(path.name for path in (KLBOOK / "keys").glob("*.json"))
    assert shipped == sorted(path.name for path in written), "a chapter's digests are missing or left over"
    for path in written:
        fresh = json.loads(path.read_text(encoding="utf-8"))
        assert json.loads((KLBOOK / "keys" / path.name).read_text(encoding="utf-8")) == fresh, (
            f"book/klbook/keys/{path.name} is stale: run `make keys`")


# What check says ---------------------------------------------------------------------------------

def tolerance(label: str, value: float) -> tuple[str, float]:
    """How the checker measures a number: ("log", relative tolerance) or ("linear", absolute)."""
    key = keys()[label]
    return ("linear", key.atol) if key.atol >= key.rtol * abs(value) else ("log", key.rtol)


def moved(label: str, values: list[float], factor: float, only: int | None = None) -> list[float]:
    """The numbers moved by ``factor`` tolerances (all of them, or the one at ``only``)."""
    out = []
    for i, value in enumerate(values):
        scale, tol = tolerance(label, value)
        if only is not None and i != only:
            out.append(value)
        elif scale == "log":
            out.append(value * math.exp(factor * tol))
        else:
            out.append(value + factor * tol)
    return out


def shaped(label: str, numbers: list[float]):
    """Numbers put back into the form of the label's answer."""
    form = shape(label)
    if form["kind"] == "dict":
        return dict(zip(form["names"], numbers, strict=True))
    if form["kind"] == "tuple":
        return tuple(numbers)
    return numbers[0]


def said(label, answer, capsys) -> str:
    check(label, answer)
    return capsys.readouterr().out.removeprefix(f"Exercise {label}: ").rstrip("\n")


@pytest.mark.parametrize("label", LABELS)
def test_check_accepts_the_answer_and_answers_within_the_tolerance(label, capsys):
    values = expected()[label]
    assert said(label, shaped(label, values), capsys) == "right."
    for factor in (0.9, -0.9):  # every number checks on its own: moving them all at once is enough
        assert said(label, shaped(label, moved(label, values, factor)), capsys) == "right.", factor


@pytest.mark.parametrize("label", LABELS)
def test_check_refuses_answers_three_tolerances_off(label, capsys):
    values = expected()[label]
    hint = f"not yet. Hint: {keys()[label].hint}"
    for factor in (3.0, -3.0):
        for i in range(len(values)):
            answer = shaped(label, moved(label, values, factor, only=i))
            assert said(label, answer, capsys) == hint, (i, factor)


@pytest.mark.parametrize("label", LABELS)
def test_check_refuses_nan_and_infinity(label, capsys):
    values = expected()[label]
    hint = f"not yet. Hint: {keys()[label].hint}"
    for bad in (math.nan, math.inf, -math.inf):
        for i in range(len(values)):
            answer = shaped(label, [bad if j == i else v for j, v in enumerate(values)])
            assert said(label, answer, capsys) == hint


@pytest.mark.parametrize("label", LABELS)
def test_check_describes_the_form_of_an_answer_of_another_form(label, capsys):
    values = expected()[label]
    form = f"expects {keys()[label].form}."
    kind = shape(label)["kind"]
    others = ["a string", None, True, [values], {"x": 1.0}, object()]
    if kind == "number":
        others += [(values[0],), [values[0], values[0]]]
    else:
        others += [values[0], (*values, 1.0)]
    if kind == "tuple" and len(values) > 1:
        others.append(tuple(values[:-1]))
    for other in others:
        assert said(label, other, capsys) == form, other
    assert said(label, ..., capsys) == "not answered yet."
    if len(values) > 1:  # partly answered
        answer = shaped(label, [values[0], *[...] * (len(values) - 1)])
        assert said(label, answer, capsys) == "not answered yet."


def test_an_unknown_label_is_refused():
    concept = next(e.label for e in catalogue(ROOT) if e.kind != "computation")
    for label in ("no-such-ex-1", concept):
        with pytest.raises(ValueError, match=re.escape(label)):
            check(label, 1.0)


# The solutions check themselves -----------------------------------------------------------------

@pytest.mark.parametrize("label", LABELS)
def test_the_solution_checks_itself_right(label):
    """The solution's code calls check with its own result, and its stored output says "right."

    (nbval makes sure the stored output is what the code prints now.)
    """
    chapter = next(e.chapter for e in COMPUTATIONS if e.label == label)
    cells = [cell for cell in chapter_cells(chapter) if cell.cell_type == "code"
             and "solution" in cell.metadata.get("tags", []) and label in CHECK_CALL.findall(cell.source)]
    assert cells, f"{chapter}: no solution cell of {label} calls check({label!r}, ...)"
    for cell in cells:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        assert f"Exercise {label}: right." in printed.splitlines(), (
            f"{chapter}: the solution of {label} does not print 'Exercise {label}: right.'")


# No expected value in klbook ---------------------------------------------------------------------

def test_no_file_of_klbook_holds_an_expected_value():
    answers = spelled_answers()
    assert answers, "no answers to look for"
    files = [path for path in KLBOOK.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    assert {"selfcheck.py", "answerkeys.py"} <= {path.name for path in files}
    assert any(path.suffix == ".json" for path in files)
    found = [f"{path.relative_to(ROOT)}: {text} (the answer of {answers[text]})" for path in files
             for text in sorted(numbers_in(path.read_text(encoding="utf-8", errors="ignore")) & set(answers))]
    assert not found, "\n".join(found)
    assert selfcheck.KEY_FOLDER == KLBOOK / "keys"
