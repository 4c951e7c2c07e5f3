"""The exercise conventions of the book hold in every chapter."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kltools.exercises import KINDS, catalogue, exercises_in

ROOT = Path(__file__).resolve().parent.parent


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
