"""Give every chapter notebook a first cell that installs the book's packages where they are missing.

Usage: python tools/install_cell.py   (from the book's folder; rewrites the notebooks of _toc.yml)

Binder installs requirements.txt, but Google Colab opens a notebook straight from the repository
with nothing of the book installed. The first code cell of each chapter therefore installs kltools
(and MyST-NB, whose ``glue`` the chapters call) when kltools cannot be found, and does nothing
otherwise. The repository's address comes from ``repository`` in ``_config.yml``, the one place it
is written; this tool copies it into the cells, and ``tests/test_launch.py`` checks that every
notebook carries the cell this tool would write. The cell is tagged ``remove-cell``, so the site
does not show it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
TAG = "install-kltools"


def install_source(config: dict) -> str:
    """The source of the install cell for the repository named in ``_config.yml``."""
    repository = config["repository"]
    url = f"{repository['url'].rstrip('/')}@{repository.get('branch', 'main')}"
    return (
        "# In Colab, or any Jupyter without the book's packages: install them first.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("kltools") is None:\n'
        f'    %pip install --quiet myst-nb "kltools @ git+{url}"'
    )


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents, in its order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [root / f"{name}.ipynb" for name in files if (root / f"{name}.ipynb").exists()]


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


def main() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    source = install_source(config)
    for path in chapter_notebooks():
        notebook = nbformat.read(path, as_version=4)
        nbformat.write(with_install_cell(notebook, source), path)
        print(f"install cell in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
