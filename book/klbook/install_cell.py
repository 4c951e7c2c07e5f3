"""Give every chapter notebook a first cell that installs the book's packages where they are missing.

Usage: ``python -m klbook.install_cell BOOK`` (rewrites the notebooks of BOOK/_toc.yml)

Binder installs requirements.txt, but Google Colab opens a notebook straight from the repository
with nothing of the book installed. The first code cell of each chapter therefore installs kltools
and klbook (which brings MyST-NB, whose ``glue`` the chapters call) when klbook cannot be found,
and does nothing otherwise. The repository's address comes from ``repository`` in ``_config.yml``,
the one place it is written; ``tests/test_launch.py`` checks that every notebook carries the cell
this tool would write. The cell is tagged ``remove-cell``, so the site does not show it. The
student edition writes its own cell, which installs the wheels it ships (:mod:`klbook.student`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

from klbook import toc

__all__ = ["TAG", "install_source", "source_for_requirements", "with_install_cell"]

TAG = "install-kltools"


def source_for_requirements(requirements: str) -> str:
    """The source of an install cell that pip-installs ``requirements`` where klbook is missing.

    >>> print(source_for_requirements('"kltools==0.3.0"'))
    # In Colab, or any Jupyter without the book's packages: install them first.
    import importlib.util
    <BLANKLINE>
    if importlib.util.find_spec("klbook") is None:
        %pip install --quiet "kltools==0.3.0"
    """
    return (
        "# In Colab, or any Jupyter without the book's packages: install them first.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("klbook") is None:\n'
        f"    %pip install --quiet {requirements}"
    )


def install_source(config: dict) -> str:
    """The source of the install cell for the repository named in ``_config.yml``."""
    repository = config["repository"]
    url = f"git+{repository['url'].rstrip('/')}@{repository.get('branch', 'main')}"
    return source_for_requirements(f'"kltools @ {url}" "klbook @ {url}#subdirectory=book"')


def with_install_cell(notebook: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """The notebook with its install cell (replaced if it differs) before its first code cell."""
    current = [cell for cell in notebook.cells if TAG in cell.metadata.get("tags", [])]
    cells = [cell for cell in notebook.cells if TAG not in cell.metadata.get("tags", [])]
    first_code = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), len(cells))
    if len(current) == 1 and current[0].source == source:
        cell = current[0]  # up to date: keep it as executed
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": [TAG, "remove-cell"]})
        cell.id = TAG
    notebook.cells = [*cells[:first_code], cell, *cells[first_code:]]
    return notebook


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    book = Path(args[0] if args else ".")
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    source = install_source(config)
    for path in toc.notebooks(book):
        notebook = nbformat.read(path, as_version=4)
        nbformat.write(with_install_cell(notebook, source), path)
        print(f"install cell in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
