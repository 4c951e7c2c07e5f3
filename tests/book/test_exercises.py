"""The exercise conventions of the book hold in every chapter."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from klbook.exercises import ANSWER_KEYS, KINDS, catalogue, check, exercises_in

ROOT = Path(__file__).resolve().parents[2]


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


# Self-checks ---------------------------------------------------------------------------------

COMPUTATIONS = [e for e in catalogue(ROOT) if e.kind == "computation"]
LABELS = [e.label for e in COMPUTATIONS]
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def flat(value) -> list[float]:
    if isinstance(value, dict):
        return [float(v) for v in value.values()]
    if isinstance(value, tuple):
        return [float(v) for v in value]
    return [float(value)]


def wrong(value):
    """An answer of the right form that is wrong: every number moved by 30%, zeros to 0.5."""
    def move(x):
        return x * 1.3 if x else 0.5
    if isinstance(value, dict):
        return {k: move(float(v)) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(move(float(v)) for v in value)
    return move(float(value))


def test_every_computation_has_a_key_and_a_self_check_cell():
    assert COMPUTATIONS, "no computational exercises found"
    assert sorted(LABELS) == sorted(ANSWER_KEYS), "answer keys and computational exercises differ"
    for exercise in COMPUTATIONS:
        cells = json.loads((ROOT / "chapters" / f"{exercise.chapter}.ipynb").read_text())["cells"]
        calls = [cell for cell in cells if cell["cell_type"] == "code"
                 and "self-check" in cell["metadata"].get("tags", [])
                 and f'check("{exercise.label}", answer)' in "".join(cell["source"])]
        assert len(calls) == 1, f"{exercise.chapter}: one self-check cell for {exercise.label}"
        assert "".join(calls[0]["source"]).lstrip().startswith(("answer = ...", "# Your answer"))


@pytest.mark.parametrize("label", LABELS)
def test_check_reports_an_unanswered_exercise(label, capsys):
    check(label, ...)
    assert capsys.readouterr().out == f"Exercise {label}: not answered yet.\n"
    expected = ANSWER_KEYS[label].expected()
    if isinstance(expected, tuple):  # a partly answered one too
        check(label, (expected[0], *[...] * (len(expected) - 1)))
        assert capsys.readouterr().out == f"Exercise {label}: not answered yet.\n"


@pytest.mark.parametrize("label", LABELS)
def test_check_accepts_the_expected_answer(label, capsys):
    check(label, ANSWER_KEYS[label].expected())
    assert capsys.readouterr().out == f"Exercise {label}: right.\n"


@pytest.mark.parametrize("label", LABELS)
def test_a_wrong_answer_gets_a_hint_not_the_answer(label, capsys):
    expected = flat(ANSWER_KEYS[label].expected())
    check(label, wrong(ANSWER_KEYS[label].expected()))
    out = capsys.readouterr().out
    prefix = f"Exercise {label}: not yet. Hint: "
    assert out.startswith(prefix) and out.count("\n") == 1, out
    for shown in (float(n) for n in NUMBER.findall(out.removeprefix(prefix))):
        for value in expected:
            assert f"{shown:.3g}" != f"{value:.3g}", f"{label}: the hint shows {shown}, an expected value"


@pytest.mark.parametrize("label", LABELS)
def test_an_answer_of_the_wrong_form_is_described(label, capsys):
    expected = ANSWER_KEYS[label].expected()
    shaped = "a string" if not isinstance(expected, (tuple, dict)) else 1.0
    check(label, shaped)
    out = capsys.readouterr().out
    assert out == f"Exercise {label}: expects {ANSWER_KEYS[label].form}.\n"
    if isinstance(expected, tuple):
        check(label, (*expected, 1.0))  # one number too many
        assert capsys.readouterr().out == out


def test_an_unknown_label_is_refused():
    with pytest.raises(ValueError, match=r"no-such-ex-1.*what-kl-ex-1"):
        check("no-such-ex-1", 1.0)
    with pytest.raises(ValueError, match="what-kl-ex-2"):  # a concept exercise: nothing to check
        check("what-kl-ex-2", 1.0)
