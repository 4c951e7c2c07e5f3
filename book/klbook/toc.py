"""The book's table of contents: the one reader of ``_toc.yml`` that every tool uses.

Jupyter Book 1 lists the documents of a book in ``_toc.yml`` (the ``jb-book`` format of
``sphinx-external-toc``): a ``root`` document, then ``parts`` holding ``chapters``, or
``chapters`` directly, and any entry may hold ``sections`` of its own. :func:`documents` walks all
of it in reading order; :func:`sources` finds each document's file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

__all__ = ["chapters", "documents", "notebooks", "parts", "source_of", "sources"]

SUFFIXES = (".ipynb", ".md")


def _read(book: Path) -> dict:
    path = Path(book) / "_toc.yml"
    if not path.is_file():
        raise FileNotFoundError(f"no _toc.yml in {Path(book).resolve()}; pass the book's folder as book=")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _walk(entries: Iterable[dict] | None) -> list[str]:
    found: list[str] = []
    for entry in entries or []:
        if "file" in entry:
            found.append(entry["file"])
        found += _walk(entry.get("sections"))
        found += _walk(entry.get("chapters"))
    return found


def parts(book: str | Path) -> list[tuple[str | None, list[str]]]:
    """Each part's caption and its documents (chapters and their sections), in order.

    A table of contents without parts gives one part with no caption. The root is not included.
    """
    toc = _read(Path(book))
    if "parts" in toc:
        return [(part.get("caption"), _walk(part.get("chapters"))) for part in toc["parts"]]
    return [(None, _walk(toc.get("chapters")) + _walk(toc.get("sections")))]


def chapters(book: str | Path) -> list[tuple[str | None, list[str]]]:
    """The parts whose documents are numbered (``numbered: true``), as :func:`parts`.

    A table of contents without parts gives one part with no caption, when it is numbered.

    >>> from pathlib import Path
    >>> import tempfile
    >>> book = Path(tempfile.mkdtemp())
    >>> _ = (book / "_toc.yml").write_text(
    ...     "format: jb-book\\nroot: intro\\nparts:\\n- caption: One\\n  numbered: true\\n  chapters:\\n"
    ...     "  - file: a\\n- caption: Reference\\n  chapters:\\n  - file: api\\n")
    >>> chapters(book)
    [('One', ['a'])]
    """
    toc = _read(Path(book))
    if "parts" in toc:
        return [(part.get("caption"), _walk(part.get("chapters"))) for part in toc["parts"]
                if part.get("numbered")]
    return parts(book) if toc.get("defaults", {}).get("numbered") or toc.get("numbered") else []


def documents(book: str | Path) -> list[str]:
    """Every document of ``_toc.yml`` without its suffix, root first, sections after their chapter.

    >>> from pathlib import Path
    >>> import tempfile
    >>> book = Path(tempfile.mkdtemp())
    >>> _ = (book / "_toc.yml").write_text(
    ...     "format: jb-book\\nroot: intro\\nparts:\\n- caption: One\\n  chapters:\\n"
    ...     "  - file: a\\n    sections:\\n    - file: a_more\\n  - file: b\\n")
    >>> documents(book)
    ['intro', 'a', 'a_more', 'b']
    """
    return [_read(Path(book))["root"], *(doc for _, docs in parts(book) for doc in docs)]


def source_of(doc: str, book: str | Path) -> Path:
    """The file of document ``doc``: its notebook, or else its Markdown page."""
    for suffix in SUFFIXES:
        path = Path(book) / f"{doc}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml lists {doc!r}, but there is no {doc}.ipynb or {doc}.md in {book}")


def sources(book: str | Path) -> list[Path]:
    """The file of every document of the table of contents, in its order."""
    return [source_of(doc, book) for doc in documents(book)]


def notebooks(book: str | Path) -> list[Path]:
    """The notebooks of the table of contents, in its order."""
    return [path for path in sources(book) if path.suffix == ".ipynb"]
