"""_ext/toolchain_fixes.py: its MyST-NB patch takes effect, and stays only while MyST-NB needs it."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest
from myst_nb.core import utils
from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
import toolchain_fixes  # noqa: E402

# One printed line, "The divergence is 0.5108 nats.", as a kernel may send it: in three pieces.
PIECES = ["The divergence is ", "0.5108", " nats.\n"]


def stream_outputs() -> list:
    return [nbformat.v4.new_output("stream", name="stdout", text=piece) for piece in PIECES]


def test_pinned_myst_nb_still_breaks_a_line_sent_in_pieces():
    """MyST-NB's own merge still needs the fix; when this fails, delete the patch and this file's tests."""
    merged = utils.coalesce_streams(copy.deepcopy(stream_outputs()))
    assert merged[0]["text"] != "".join(PIECES), "MyST-NB merges streams exactly now: remove the patch"


def test_patched_merge_joins_the_pieces_exactly():
    merged = toolchain_fixes.coalesce_streams(stream_outputs())
    assert [output["text"] for output in merged] == ["".join(PIECES)]


def test_a_one_cell_notebook_shows_its_line_whole(tmp_path):
    """Built by Sphinx with MyST-NB and the extension, the page shows the line in one piece."""
    source = tmp_path / "src"
    source.mkdir()
    cell = nbformat.v4.new_code_cell('print("The divergence is", "0.5108", "nats.")',
                                     outputs=stream_outputs())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One cell"), cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, source / "index.ipynb")
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_nb', 'toolchain_fixes']\n"
        "nb_execution_mode = 'off'\nnb_merge_streams = True\nexclude_patterns = ['_build']\n")
    out = tmp_path / "html"
    assert build_main(["-b", "html", "-q", "-W", str(source), str(out)]) == 0
    page = (out / "index.html").read_text()
    assert "The divergence is 0.5108 nats." in page, "the printed line is broken on the page"


def test_setup_stops_on_an_unknown_myst_nb(monkeypatch):
    monkeypatch.setattr(toolchain_fixes, "version", lambda name: "9.0.0")
    with pytest.raises(RuntimeError, match=r"MyST-NB 9\.0\.0 is installed"):
        toolchain_fixes.check_myst_nb()


def test_setup_stops_when_the_patch_target_is_gone(monkeypatch):
    from myst_nb.core import render

    monkeypatch.setattr(render, "coalesce_streams", lambda outputs: outputs)
    with pytest.raises(RuntimeError, match="would not take effect"):
        toolchain_fixes.check_myst_nb()
