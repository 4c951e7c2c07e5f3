"""The book's exercises: where they are, how hard they are, and what kind of work they ask for.

Every exercise of a chapter is a sphinx-exercise directive (``{exercise}``, or ``{exercise-start}``
when code cells belong to it) whose title ends in its difficulty (one to three stars) and its kind
(derivation, computation or concept), as in ``Two dice · ★ · computation``, with a label
``<chapter>-ex-<n>``. :func:`catalogue` reads them from the chapters in the order of the book's
table of contents; the book's Exercises page is built from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from klbook import toc
from klbook.myst import directives

__all__ = ["KINDS", "Exercise", "catalogue", "exercises_in", "markdown_texts"]

KINDS = ("derivation", "computation", "concept")
EXERCISE_DIRECTIVES = ("exercise", "exercise-start")


@dataclass(frozen=True)
class Exercise:
    """One exercise: its chapter, label, title without the tags, difficulty and kind."""

    chapter: str
    label: str
    title: str
    stars: int
    kind: str


def markdown_texts(path: str | Path) -> list[str]:
    """The Markdown of a chapter: one text per Markdown cell of a notebook, or a page's whole text."""
    path = Path(path)
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf-8")]


def exercises_in(path: str | Path) -> list[Exercise]:
    """The exercises of one chapter (a notebook or a Markdown page), in order.

    Raises ``ValueError`` for an exercise without a label, or whose title does not end in
    ``· <stars> · <kind>``.

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> cell = {"cell_type": "markdown", "metadata": {}, "source": [
    ...     ":::{exercise} Two dice · ★ · computation\\n", ":class: dropdown\\n", ":label: dice-ex-1\\n",
    ...     "Roll them.\\n", ":::\\n"]}
    >>> path = Path(tempfile.mkdtemp()) / "dice.ipynb"
    >>> _ = path.write_text(json.dumps({"cells": [cell]}))
    >>> exercises_in(path)
    [Exercise(chapter='dice', label='dice-ex-1', title='Two dice', stars=1, kind='computation')]
    """
    path = Path(path)
    found = []
    for text in markdown_texts(path):
        for directive in directives(text):
            if directive.name not in EXERCISE_DIRECTIVES:
                continue
            label = directive.options.get("label")
            if not label:
                raise ValueError(f"{path.name}: the exercise {directive.argument!r} has no :label:")
            title, stars, kind = _split_title(directive.argument, label, path)
            found.append(Exercise(path.stem, label, title, stars, kind))
    return found


def catalogue(book: str | Path) -> list[Exercise]:
    """Every exercise of the book in ``book`` (its folder), in the order of its ``_toc.yml``.

    >>> import tempfile
    >>> from pathlib import Path
    >>> book = Path(tempfile.mkdtemp())
    >>> _ = (book / "_toc.yml").write_text("format: jb-book\\nroot: intro\\nchapters:\\n- file: dice\\n")
    >>> _ = (book / "intro.md").write_text("# A book\\n")
    >>> exercise = "```{exercise} Two dice · ★ · computation\\n:label: dice-ex-1\\n```\\n"
    >>> _ = (book / "dice.md").write_text(exercise)
    >>> [exercise.label for exercise in catalogue(book)]
    ['dice-ex-1']
    """
    return [exercise for path in toc.sources(book) for exercise in exercises_in(path)]


def _split_title(full: str, label: str, path: Path) -> tuple[str, int, str]:
    parts = [part.strip() for part in full.split("·")]
    if len(parts) < 3 or set(parts[-2]) != {"★"} or parts[-1] not in KINDS:
        raise ValueError(
            f"{path.name}: exercise {label} is titled {full!r}; end the title with its difficulty and kind, "
            f"as in 'Two dice · ★★ · computation' (kinds: {', '.join(KINDS)})"
        )
    return " · ".join(parts[:-2]), len(parts[-2]), parts[-1]
