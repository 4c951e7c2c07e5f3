"""Execute the book's notebooks in place, for committing them with their outputs.

Usage: python tools/execute_notebooks.py chapters/*.ipynb   (what `make notebooks` runs)

Each notebook runs top to bottom in its own folder, as a reader's Jupyter would run it, in a kernel
of its own: as many run at once as the machine has cores. Unlike
``jupyter execute --inplace``, no execution timestamps are written into the cells' metadata, and
printed text is stored as one output per stream however the kernel happened to flush it, and
widget views (whose ids are random) are not stored, so re-executing an unchanged notebook leaves
the file unchanged.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    # Widget state is not saved (it would only serve a frozen copy of the live controls, and holds
    # every image the widgets displayed), so stored outputs keep their other renderings: an
    # explorer opened in Jupyter shows its pre-drawn sweep until its cell runs again.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            for output in cell.outputs:
                output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    nbformat.write(notebook, path)
    print(f"executed {path}")


def merge_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream (stdout, stderr) into one."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(execute, map(Path, sys.argv[1:])))  # list(): an error in any notebook is raised
