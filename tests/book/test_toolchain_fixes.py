"""_ext/toolchain_fixes.py: its MyST-NB patch takes effect, and stays only while MyST-NB needs it;
its build-time fixes keep references right."""

from __future__ import annotations

import base64
import copy
import pickle
import sys
from pathlib import Path

import nbformat
import pytest
from docutils import nodes
from myst_nb.core import utils
from sphinx import addnodes
from sphinx.cmd.build import build_main
from sphinx.environment import BuildEnvironment

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


def build_small_book(tmp_path, references: int) -> tuple[Path, dict[str, int]]:
    """A two-page book: a figure and a docstring on one page, ``references`` {numref}s to it on the other.

    Returns the output folder and how many times Sphinx unpickled each page's doctree.
    """
    source = tmp_path / f"src{references}"
    source.mkdir()
    (source / "figure.md").write_text(
        "# Figure page\n\n```{figure} pixel.png\n:name: fig-pixel\n\nOne pixel.\n```\n\n"
        "```{eval-rst}\n.. autofunction:: kltools.kl\n```\n")
    (source / "pixel.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="))
    (source / "index.md").write_text("# References\n\n```{toctree}\nfigure\n```\n\n"
                                     + "".join("See {numref}`fig-pixel`.\n\n" for _ in range(references)))
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_nb', 'sphinx.ext.autodoc', 'toolchain_fixes']\n"
        "nb_execution_mode = 'off'\nnumfig = True\nexclude_patterns = ['_build']\n")
    out = tmp_path / f"html{references}"
    reads: dict[str, int] = {}
    original = BuildEnvironment.get_doctree

    def counted(env, docname):
        reads[docname] = reads.get(docname, 0) + 1
        return original(env, docname)

    BuildEnvironment.get_doctree = counted
    try:
        doctrees = str(out / ".doctrees")
        assert build_main(["-b", "html", "-q", "-W", "-d", doctrees, str(source), str(out)]) == 0
    finally:
        BuildEnvironment.get_doctree = original
    return out, reads


def test_numbered_references_unpickle_their_target_once_and_resolve(tmp_path):
    _, reads_one = build_small_book(tmp_path, references=1)
    five, reads_five = build_small_book(tmp_path, references=5)
    assert reads_five["figure"] == reads_one["figure"], (reads_one, reads_five)
    assert (five / "index.html").read_text().count("Fig. 1") == 5


def test_docstring_nodes_belong_to_their_page(tmp_path):
    """The autodoc page's doctree holds no node of a scratch document (and with it the whole env)."""
    out, _ = build_small_book(tmp_path, references=1)
    doctree = pickle.loads((out / ".doctrees" / "figure.doctree").read_bytes())
    strays = [node for node in doctree.findall(nodes.Element) if node.document is not doctree]
    assert any(doctree.findall(addnodes.desc_signature)), "the page documents no function"
    assert strays == [], strays[:3]
