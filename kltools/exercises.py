"""The book's exercises: where they are, how hard they are, and what kind of work they ask for.

Every exercise of a chapter is a sphinx-exercise directive whose title ends in its difficulty (one
to three stars) and its kind (derivation, computation or concept), as in
``Two dice · ★ · computation``, with a label ``<chapter>-ex-<n>``. :func:`catalogue` reads them
from the chapter notebooks in the order of the book's table of contents; the book's Exercises
page is built from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["KINDS", "Exercise", "catalogue", "exercises_in"]

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
