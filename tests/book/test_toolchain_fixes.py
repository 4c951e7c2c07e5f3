"""_ext/toolchain_fixes.py: its MyST-NB patch takes effect, and stays only while MyST-NB needs it;
its build-time fixes keep references right."""

from __future__ import annotations

import base64
import copy
import html.parser
import pickle
import re
import sys
import textwrap
from pathlib import Path

import nbformat
import pybtex.plugin
import pygments
import pytest
from docutils import nodes
from myst_nb.core import utils
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
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


def write_conf(source: Path, extensions: list[str], settings: str = "") -> None:
    """A conf.py loading MyST-NB (not executing), ``extensions`` and the book's toolchain_fixes."""
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        f"extensions = {['myst_nb', *extensions, 'toolchain_fixes']!r}\n"
        "nb_execution_mode = 'off'\nexclude_patterns = ['_build']\n" + settings)


def sphinx_build(source: Path, out: Path, *options: str) -> None:
    """Build ``source`` into ``out`` as HTML (its doctrees in ``out/.doctrees``)."""
    doctrees = str(out / ".doctrees")
    assert build_main(["-b", "html", "-q", *options, "-d", doctrees, str(source), str(out)]) == 0


def test_a_one_cell_notebook_shows_its_line_whole(tmp_path):
    """Built by Sphinx with MyST-NB and the extension, the page shows the line in one piece."""
    source = tmp_path / "src"
    source.mkdir()
    cell = nbformat.v4.new_code_cell('print("The divergence is", "0.5108", "nats.")',
                                     outputs=stream_outputs())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One cell"), cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, source / "index.ipynb")
    write_conf(source, [], "nb_merge_streams = True\n")
    out = tmp_path / "html"
    sphinx_build(source, out, "-W")
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


def write_small_book(source: Path, references: int) -> None:
    """A two-page book: a figure and a docstring on one page, ``references`` {numref}s to it on the other."""
    (source / "figure.md").write_text(
        "# Figure page\n\n```{figure} pixel.png\n:name: fig-pixel\n\nOne pixel.\n```\n\n"
        "```{eval-rst}\n.. autofunction:: kltools.kl\n```\n")
    (source / "pixel.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="))
    (source / "index.md").write_text("# References\n\n```{toctree}\nfigure\n```\n\n"
                                     + "".join("See {numref}`fig-pixel`.\n\n" for _ in range(references)))
    write_conf(source, ["sphinx.ext.autodoc"], "numfig = True\n")


def build_small_book(tmp_path, references: int, source: Path | None = None) -> tuple[Path, dict[str, int]]:
    """Build the small book of :func:`write_small_book` with the extension.

    Returns the output folder and how many times Sphinx unpickled each page's doctree. Given the
    ``source`` of an earlier call, builds that book again, where it was built.
    """
    if source is None:
        source = tmp_path / f"src{references}"
        source.mkdir()
        write_small_book(source, references)
    out = tmp_path / f"html{references}"
    reads: dict[str, int] = {}
    original = BuildEnvironment.get_doctree

    def counted(env, docname):
        reads[docname] = reads.get(docname, 0) + 1
        return original(env, docname)

    BuildEnvironment.get_doctree = counted
    try:
        sphinx_build(source, out, "-W")
    finally:
        BuildEnvironment.get_doctree = original
    return out, reads


def test_numbered_references_unpickle_their_target_once_and_resolve(tmp_path):
    _, reads_one = build_small_book(tmp_path, references=1)
    five, reads_five = build_small_book(tmp_path, references=5)
    assert reads_five["figure"] == reads_one["figure"], (reads_one, reads_five)
    assert (five / "index.html").read_text().count("Fig. 1") == 5


def test_figures_are_numbered_from_the_doctrees_in_memory(tmp_path):
    """A clean build numbers the figure page's figure from the doctree it has just read (Sphinx
    alone unpickles it once more for that), and the page still shows the number."""
    out, reads = build_small_book(tmp_path, references=0)
    assert reads.get("figure", 0) == 0, reads
    assert "Fig. 1" in (out / "figure.html").read_text()


def test_an_edited_extension_rebuilds_every_page(tmp_path, monkeypatch):
    """Built again unchanged, no page is written again; with the extension's file changed (its
    digest, the environment version), every page is."""
    source = tmp_path / "src1"
    first = build_small_book(tmp_path, references=1)[0] / "figure.html"
    built = first.stat().st_mtime_ns
    build_small_book(tmp_path, references=1, source=source)
    assert first.stat().st_mtime_ns == built, "an unchanged book was written again"
    monkeypatch.setattr(toolchain_fixes, "ENV_VERSION", toolchain_fixes.ENV_VERSION + 1)
    build_small_book(tmp_path, references=1, source=source)
    assert first.stat().st_mtime_ns > built, "the pages built with the old extension stayed"


def test_docstring_nodes_belong_to_their_page(tmp_path):
    """The autodoc page's doctree holds no node of a scratch document (and with it the whole env)."""
    out, _ = build_small_book(tmp_path, references=1)
    doctree = pickle.loads((out / ".doctrees" / "figure.doctree").read_bytes())
    strays = [node for node in doctree.findall(nodes.Element) if node.document is not doctree]
    assert any(doctree.findall(addnodes.desc_signature)), "the page documents no function"
    assert strays == [], strays[:3]


def test_citations_do_not_search_the_entry_points(tmp_path, monkeypatch):
    """A page citing the same work once or six times makes pybtex search its entry points as often.

    (A first build loads pybtex's plugins: it is left out of the comparison.)
    """
    searches = []
    real = pybtex.plugin.entry_points
    monkeypatch.setattr(pybtex.plugin, "entry_points",
                        lambda **where: searches.append(where) or real(**where))

    def build(citations: int, name: str) -> int:
        source = tmp_path / name
        source.mkdir()
        (source / "works.bib").write_text(
            "@book{cover2006,\n  author = {Cover, Thomas M. and Thomas, Joy A.},\n"
            "  title = {Elements of Information Theory},\n  publisher = {Wiley},\n  year = {2006}\n}\n")
        (source / "index.md").write_text("# Citations\n\n" + "See {cite:p}`cover2006`.\n\n" * citations
                                         + "```{bibliography}\n```\n")
        write_conf(source, ["sphinxcontrib.bibtex"], "bibtex_bibfiles = ['works.bib']\n")
        searches.clear()
        out = source / "_build"
        sphinx_build(source, out, "-W")
        assert (out / "index.html").read_text().count('class="bibtex-citation"') == citations
        return len(searches)

    build(1, "first")
    assert build(1, "once") == build(6, "six times")


class CodeLook(html.parser.HTMLParser):
    """Each character of a highlighted code block, with the classes of the span around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.classes: list[str] = []
        self.characters: list[tuple[str, str]] = []
        self.spans = 0

    def handle_starttag(self, tag, attrs):
        if tag == "span":
            self.spans += 1
            self.classes.append(dict(attrs).get("class", ""))

    def handle_endtag(self, tag):
        if tag == "span":
            self.classes.pop()

    def handle_data(self, data):
        self.characters += [(c, self.classes[-1] if self.classes else "") for c in data]


def looks(markup: str, css: str) -> tuple[list[tuple], int]:
    """The colour, weight, slant and background the stylesheet gives each character, light and dark."""
    rules = {(mode, cls): dict(re.findall(r"([\w-]+): ([^;]+)", body))
             for mode, cls, body in re.findall(
                 r'html\[data-theme="(light|dark)"\] \.highlight (?:\.(\w+) )?\{ ([^}]*) \}', css)}
    parser = CodeLook()
    parser.feed(markup)

    def look(mode: str, classes: str) -> tuple:
        declared = {"color": rules[mode, ""]["color"]}
        for cls in classes.split():
            declared.update(rules.get((mode, cls), {}))
        return tuple(declared.get(key) for key in ("color", "font-weight", "font-style", "background-color"))

    return [(c, look("light", cls), look("dark", cls)) for c, cls in parser.characters], parser.spans


def test_code_looks_the_same_with_fewer_spans(tmp_path):
    """A chapter's code, highlighted for the book's theme: every character keeps its colour, weight
    and slant in light and dark mode under the stylesheet the theme writes, with under half the spans."""
    chapter = nbformat.read(ROOT / "chapters" / "variational_inference.ipynb", as_version=4)
    code = "\n\n".join(cell.source for cell in chapter.cells if cell.cell_type == "code")
    source = tmp_path / "code"
    source.mkdir()
    (source / "index.rst").write_text("Code\n====\n\n.. code-block:: python\n\n"
                                      + textwrap.indent(code, "   ", lambda line: True) + "\n")
    write_conf(source, [], "html_theme = 'sphinx_book_theme'\n")
    out = tmp_path / "code_html"
    sphinx_build(source, out)
    page = (out / "index.html").read_text()
    written = page[page.index("<pre>") + len("<pre>"):page.index("</pre>")]
    css = (out / "_static" / "pygments.css").read_text()
    plain = pygments.highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    ours, our_spans = looks(written, css)
    theirs, their_spans = looks(plain, css)
    assert "".join(c for c, *_ in ours).strip() == "".join(c for c, *_ in theirs).strip()
    assert [look for look in ours if look[0].strip()] == [look for look in theirs if look[0].strip()]
    assert our_spans < their_spans / 2, (our_spans, their_spans)
