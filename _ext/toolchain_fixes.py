"""A Sphinx extension that fixes defects of the Jupyter Book 1 toolchain for this book.

Every fix is generic (no chapter is named here) and is checked by a test:

1. Jupyter Book 1 always loads sphinx-thebe, even with ``launch_buttons: thebe: false``. Its
   scripts name a CDN URL and, with Sphinx 7, declare ``const THEBE_JS_URL`` twice on every page,
   which is a console error. The book does not use thebe (Binder and Colab run the notebooks), so
   its scripts and stylesheet are left out of every page (tests/book/test_site.py).
2. MyST-NB merges the printed output of a cell by stripping each chunk the kernel sent and adding a
   newline after it, so a line that happened to arrive in two chunks is shown broken in two, and
   two builds of the same notebook can differ. The chunks of each stream are joined exactly first,
   as nbval does, and MyST-NB's own merge then only tidies the end of the text. The patch replaces
   a module-level name of ``myst_nb.core.render``; :func:`check_myst_nb` makes the build stop if
   that name or the MyST-NB version is not the one the patch was written for
   (tests/book/test_toolchain_fixes.py).
3. Accessibility of the HTML (axe-core, tests/book/test_site.py): docutils gives the citation list
   ``role="list"`` with children of the deprecated role ``doc-biblioentry`` (not list items); MyST-NB
   names the hide-input toggle "Toggle hidden content" while it shows "Show code cell source".
4. The PDF (``make pdf``, tests/pdf/test_pdf.py):
   - sphinx-proof puts a theorem's kind and number before its title's braces, so LaTeX takes the
     first letter for the box's title ("T" above "heorem 2.1"): the box gets the whole title;
   - sphinx-exercise 1.2.1 writes ``\\label{exercise:<label>}`` and sphinx-proof 0.4.0
     ``\\label{None:<label>}`` (it fails to find the document), while Sphinx's references ask for
     ``<document>:<label>``: every reference printed "??". Here both write the label references ask
     for, and make ``\\ref`` print the number the site shows (Exercise 1.1, Theorem 2.1);
   - sphinx-jupyterbook-latex numbers figures, exercises and theorems by section (1.11.1) when the
     book has parts; the site numbers them by chapter, and so does the PDF here;
   - an explorer's output (a pre-drawn sweep in HTML) falls back to its text placeholder in LaTeX:
     the PDF shows its starting frame instead, with a line saying what the slider moves;
   - a proof is printed as text ending with a square, not as a box with an empty title bar;
   - the difficulty stars of exercise titles (★, set in FreeSans) and the superscript T of code
     (ᵀ, FreeMono) are missing from those fonts, and XeLaTeX left them out: they come from FreeSerif;
   - roles ``{web}`text``` and ``{print}`text``` write text for the site only or for the PDF only
     (for example "drag the slider" against "the figure shows the starting value").
5. Build time (benchmarks/bench_build.sh, tests/book/test_toolchain_fixes.py):
   - Sphinx 7.4 unpickles the target's whole doctree for every numbered reference, only to read
     one node's type: the exercise catalogue's hundred references to chapters of about 1 MB each
     took 26 s of a 60 s build. One unpickled copy per document, read only, serves them all;
   - to number the figures, Sphinx unpickles the doctree of every page again just after reading
     it (2 s for the book's 19 pages), and the numbered references unpickle theirs, while the
     doctrees read in this build are still in memory, waiting to be written. Both read them
     there, without changing them; a page not read in this build is unpickled as before;
   - nodes that autodoc parses from a docstring keep a reference to the scratch document they were
     parsed in, whose settings hold the whole build environment, so the API page's doctree pickled
     the environment (12 MB for 64 KB of text): every node is handed back to its own document;
   - sphinxcontrib-bibtex asks pybtex for its plain-text backend on every citation, and pybtex
     looks it up among the entry points of every installed package each time (11 ms a citation:
     2.4 s for the book's 212). The backend is found once and registered with pybtex's own
     ``register_plugin``, which pybtex consults before the entry points.
6. Page weight: Pygments wraps every token of a code block in a span naming its type, also the
   names, punctuation and spaces that both of the theme's colour schemes draw exactly as plain
   code text: of the 97,000 spans of the chapters' pages, 50,000 were those (a page's elements are
   what a browser lays out and what the accessibility audit checks one by one). Those tokens are
   written as plain text; every token that either scheme draws otherwise keeps its span
   (tests/book/test_toolchain_fixes.py compares the colours the site's stylesheet gives each
   character, light and dark).
7. Stale pages: Sphinx rewrites a page when its source changed, not when an extension's code did,
   so an edited fix here would leave the old pages in place. The extension declares a digest of
   this file as its environment version: when the file changes, Sphinx starts a fresh environment
   and rebuilds every page (tests/book/test_toolchain_fixes.py).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from importlib.metadata import version
from pathlib import Path

import pybtex.plugin
from docutils import nodes
from myst_nb.core import render, utils
from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name
from pygments.token import Token
from sphinx import addnodes
from sphinx.domains.std import StandardDomain
from sphinx.transforms.post_transforms import SphinxPostTransform

# Fix 7: Sphinx keeps its environment (and the pages built with it) while this number stays the same.
ENV_VERSION = int(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12], 16)

# The MyST-NB releases whose stream merge breaks lines (checked: 1.0.0 to 1.4.0). Outside this
# range, check whether `myst_nb.core.utils.coalesce_streams` still strips each chunk: if it does
# not, delete fix 2 and its test; if it does, widen the range.
MYST_NB_BROKEN = ((1, 0), (1, 4, 0))


# --- 1. sphinx-thebe ---------------------------------------------------------------------------


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


# --- 2. MyST-NB's stream merge -----------------------------------------------------------------

_myst_nb_coalesce = utils.coalesce_streams


def coalesce_streams(outputs):
    """Join the chunks of each output stream exactly, then let MyST-NB tidy the result."""
    joined, streams = [], {}
    for output in outputs or []:
        if output["output_type"] == "stream" and output["name"] in streams:
            streams[output["name"]]["text"] += output["text"]
        else:
            if output["output_type"] == "stream":
                streams[output["name"]] = output
            joined.append(output)
    return _myst_nb_coalesce(joined)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def check_myst_nb() -> None:
    """Stop the build unless the patch of fix 2 is sure to take effect on this MyST-NB."""
    found = version("myst-nb")
    low, high = MYST_NB_BROKEN
    if not low <= _version_tuple(found) <= high:
        raise RuntimeError(
            f"_ext/toolchain_fixes.py patches the stream merge of MyST-NB {'.'.join(map(str, low))} to "
            f"{'.'.join(map(str, high))}, but MyST-NB {found} is installed: check whether "
            "myst_nb.core.utils.coalesce_streams still breaks a line sent in pieces, then remove the "
            "patch or widen MYST_NB_BROKEN")
    target = getattr(render, "coalesce_streams", None)
    if target not in (_myst_nb_coalesce, coalesce_streams):
        raise RuntimeError("_ext/toolchain_fixes.py: myst_nb.core.render.coalesce_streams is no longer "
                           "MyST-NB's stream merge: the patch would not take effect")
    reader = getattr(render.MditRenderMixin, "_get_nb_code_cell_outputs", None)
    if reader is None or "coalesce_streams" not in reader.__code__.co_names:
        raise RuntimeError("_ext/toolchain_fixes.py: MyST-NB no longer merges streams through "
                           "myst_nb.core.render.coalesce_streams: the patch would not take effect")


# --- 3. Accessibility of the HTML --------------------------------------------------------------

_HTML_FIXES = (
    # A list whose items are list items (docutils: role="list" around role="doc-biblioentry").
    ('role="doc-biblioentry"', 'role="listitem"'),
    # The toggle's name is the text it shows ("Show code cell source").
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
)


def fix_page_html(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        for old, new in _HTML_FIXES:
            body = body.replace(old, new)
        context["body"] = body


# --- 4. The PDF ---------------------------------------------------------------------------------

LATEX_PREAMBLE = r"""
% _ext/toolchain_fixes.py: a label whose \ref prints the number the site shows.
\makeatletter
\newcommand{\klnumberlabel}[2]{\phantomsection\def\@currentlabel{#1}\label{#2}}
\makeatother
% A theorem's box: its kind and number (#1) and the title that Sphinx writes next, in braces (#2).
\newcommand{\klproofbox}[2]{\begin{sphinxadmonition}{note}{#1#2}}
% Characters that FreeSans (titles) or FreeMono (code) lack, taken from FreeSerif, which has them.
\usepackage{newunicodechar}
\newunicodechar{★}{{\fontspec{FreeSerif}\char"2605}}
\newunicodechar{ᵀ}{{\fontspec{FreeSerif}\char"1D40}}
"""


def _site_number(translator, node, countertype: str) -> str:
    docname = translator.curfilestack[-1]
    ids = node.get("ids") or [""]
    number = translator.builder.env.toc_fignumbers.get(docname, {}).get(countertype, {}).get(ids[0], ())
    return ".".join(map(str, number))


def _labels(translator, node, number: str, *extra: str) -> str:
    docname = translator.curfilestack[-1]
    names = [f"{docname}:{node['label']}", *extra]
    return "".join(rf"\klnumberlabel{{{number}}}{{{translator.idescape(name)}}}" for name in names) + "\n"


def _admonition(translator, node, title: str | None = None):
    """Open the box. sphinx-exercise writes the box's title itself; for a theorem, sphinx-proof put
    its kind and number in front of the title's braces, so that LaTeX took the first letter for the
    title ("T", then "heorem 2.1" in the text): here they go into the title."""
    if title is None:
        translator.body.append("\n\\begin{sphinxadmonition}{note}")
        return
    translator.body.append(f"\n\\klproofbox{{{title}}}")
    if not (len(node) and isinstance(node[0], nodes.title)):
        translator.body.append("{}")


def visit_exercise_latex(self, node):
    number = _site_number(self, node, "exercise") if node.get("ids") else ""
    self.body.append(_labels(self, node, number, f"exercise:{node['label']}"))
    _admonition(self, node)


def visit_solution_latex(self, node):
    self.body.append(_labels(self, node, ""))
    _admonition(self, node)


def depart_admonition_latex(self, node):
    self.body.append("\\end{sphinxadmonition}\n")


def visit_proof_enumerable_latex(self, node):
    number = _site_number(self, node, node.get("countertype", ""))
    self.body.append(_labels(self, node, number))
    realtype = node.get("realtype", "")
    _admonition(self, node, f"{realtype.title()} {number}")


def visit_proof_unenumerable_latex(self, node):
    self.body.append(_labels(self, node, ""))
    _admonition(self, node, node.get("realtype", "").title())


def use_site_numbering(app):
    """Number by chapter in the PDF too (sphinx-jupyterbook-latex sets 2 when the book has parts)."""
    if app.builder.format == "latex":
        app.config.numfig_secnum_depth = 1


def register_latex_visitors(app):
    if app.builder.format != "latex":
        return
    import sphinx_exercise.nodes as exercise
    import sphinx_proof.nodes as proof
    from sphinx_proof.nodes import NODE_TYPES

    handlers = {
        exercise.exercise_node: (visit_exercise_latex, depart_admonition_latex),
        exercise.exercise_enumerable_node: (visit_exercise_latex, depart_admonition_latex),
        exercise.solution_node: (visit_solution_latex, depart_admonition_latex),
        proof.unenumerable_node: (visit_proof_unenumerable_latex, depart_admonition_latex),
    }
    for node_class in NODE_TYPES.values():
        handlers[node_class] = (visit_proof_enumerable_latex, depart_admonition_latex)
    for node_class, pair in handlers.items():
        app.registry.add_translation_handlers(node_class, latex=pair)


def tex_macros(config) -> str:
    """The MathJax macros of the site (``mathjax3_config.tex.macros``) as LaTeX commands."""
    macros = ((getattr(config, "mathjax3_config", None) or {}).get("tex", {})).get("macros", {})
    lines = []
    for name, value in macros.items():
        body, args = (value[0], value[1]) if isinstance(value, (list, tuple)) else (value, 0)
        lines.append(rf"\providecommand{{\{name}}}[{args}]{{{body}}}" if args
                     else rf"\providecommand{{\{name}}}{{{body}}}")
    return "\n".join(lines) + "\n"


def add_latex_preamble(app, config):
    """The labels' helper, and the same math macros as the site, for the PDF."""
    elements = config.latex_elements
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE + tex_macros(config)


_EXPLORER = re.compile(r'<figure class="kltools-explorer"')
_IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"')
_LABELS = re.compile(r"labels = (\[.*?\]);")


class ExplorerFrames(SphinxPostTransform):
    """For LaTeX: an explorer's output becomes its starting frame and a line about its slider."""

    default_priority = 3  # before MyST-NB's SelectMimeType (4) picks the text placeholder
    formats = ("latex",)

    def run(self, **kwargs):
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            for mime in bundle.children:
                if mime.get("mime_type") == "text/html" and _EXPLORER.search(mime.astext()):
                    bundle.replace_self(self.frame(mime.astext()))
                    break

    def frame(self, markup: str) -> list[nodes.Node]:
        found = _IMG.search(markup)
        png = base64.b64decode(found.group(1))
        alt = html.unescape(found.group(2))
        name = "explorer-" + hashlib.sha1(png).hexdigest()[:16] + ".png"
        outdir = Path(self.app.builder.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / name).write_bytes(png)
        image = nodes.image(uri=name, alt=alt, candidates={"*": name}, width="80%", align="center")
        labels = json.loads(_LABELS.search(markup).group(1))
        title, _, shown = alt.partition(", at ")
        line = nodes.paragraph()
        line += nodes.emphasis(text=f"{title}, shown at {shown}. On the book's web site and in Jupyter a "
                                    f"slider moves it from {labels[0]} to {labels[-1]}.")
        return [image, line]


# The square at the right end of the proof's last line, or of a line of its own if it does not fit
# (the TeXbook's \qed, exercise 14.29).
QED = (r"{\unskip\nobreak\hfil\penalty50\hskip2em\hbox{}\nobreak\hfil\(\square\)"
       r"\parfillskip=0pt\finalhyphendemerits=0\par}")


class ProofsInPrint(SphinxPostTransform):
    """For LaTeX: a proof is text that starts with "Proof." and ends with a square, as in a printed
    book. sphinx-proof wraps it in an admonition without a title, which LaTeX printed as a box with
    an empty title bar."""

    default_priority = 5
    formats = ("latex",)

    def run(self, **kwargs):
        import sphinx_proof.nodes as proof

        for node in list(self.document.findall(proof.proof_node)):
            body = [child for admonition in node.children for child in admonition.children]
            end = nodes.raw("", QED, format="latex")
            if body and isinstance(body[-1], nodes.paragraph):
                body[-1] += end
            else:
                body.append(nodes.paragraph("", "", end))
            node.replace_self(body)


def only_role(expr: str):
    """A role whose text (MyST inline markup: math, links, emphasis) appears in one format only."""

    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        node = addnodes.only(expr=expr)
        children, messages = inliner.parse(text, lineno, None, node)
        node += children
        return [node], messages

    return role


web_role = only_role("html")  # {web}`text`: on the web site only (the PDF leaves it out)
print_role = only_role("latex")  # {print}`text`: in the PDF only (the site leaves it out)


# --- 5. Build time -------------------------------------------------------------------------------


def doctree_to_read(env, docname: str, unpickled: dict | None = None):
    """A page's doctree, to read and never to change: the one read in this build if it is not
    written yet (Sphinx 7.2 and later keep those in memory), otherwise unpickled (once, if given a
    dictionary to keep the copies in)."""
    in_memory = getattr(env, "_write_doc_doctree_cache", {}).get(docname)
    if in_memory is not None:
        return in_memory
    if unpickled is None:
        return type(env).get_doctree(env, docname)
    if docname not in unpickled:
        unpickled[docname] = type(env).get_doctree(env, docname)
    return unpickled[docname]


def lend_doctrees(app, env) -> list[str]:
    """Before Sphinx numbers the figures (``env-get-updated``): ``get_doctree`` lends the doctrees
    still in memory."""
    env.get_doctree = functools.partial(doctree_to_read, env)
    return []


def stop_lending(app, env) -> list[str]:
    """After the figures are numbered: ``get_doctree`` unpickles a fresh copy again."""
    del env.get_doctree
    return []


class NumberedReferences(StandardDomain):
    """Sphinx's standard domain, resolving ``{numref}`` from one doctree per document, read only."""

    def __init__(self, env):
        super().__init__(env)
        self.doctrees = {}  # for one build: the domain is not pickled with the environment

    def _resolve_numref_xref(self, env, *args, **kwargs):
        env.get_doctree = functools.partial(doctree_to_read, env, unpickled=self.doctrees)
        try:
            return super()._resolve_numref_xref(env, *args, **kwargs)
        finally:
            del env.get_doctree  # back to the class's method


def adopt_nodes(app, doctree) -> None:
    """Make every node of a document point to that document (not to a scratch one)."""
    for node in doctree.findall(nodes.Element):
        if node.document is not doctree:
            node.document = doctree


def register_plain_text_backend() -> None:
    """Find pybtex's plain-text backend among the entry points once, not once per citation."""
    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", backend, force=True)


# --- 6. Page weight ------------------------------------------------------------------------------


class PlainTokensBare(HtmlFormatter):
    """Pygments' HTML formatter, writing tokens that every one of ``styles`` draws as plain text bare."""

    styles: tuple = ()

    def _get_css_classes(self, ttype):
        if all(style.style_for_token(ttype) == style.style_for_token(Token.Text) for style in self.styles):
            return ""
        return super()._get_css_classes(ttype)


def use_bare_plain_tokens(app) -> None:
    """Highlight the site's code with :class:`PlainTokensBare` for the theme's light and dark styles."""
    theme = getattr(app.builder, "theme", None)
    options = theme.get_options(app.builder.theme_options) if theme else {}
    names = [options.get(f"pygments_{mode}_style") for mode in ("light", "dark")]
    if all(names):
        styles = tuple(get_style_by_name(name) for name in names)
        app.builder.highlighter.formatter = type("PlainTokensBare", (PlainTokensBare,), {"styles": styles})


def setup(app):
    check_myst_nb()
    register_plain_text_backend()
    render.coalesce_streams = coalesce_streams
    app.connect("html-page-context", drop_thebe)
    app.connect("html-page-context", fix_page_html)
    app.connect("builder-inited", use_site_numbering, priority=900)
    app.connect("builder-inited", register_latex_visitors, priority=900)
    app.connect("config-inited", add_latex_preamble, priority=900)
    app.add_post_transform(ExplorerFrames)
    app.add_post_transform(ProofsInPrint)
    app.add_role("web", web_role)
    app.add_role("print", print_role)
    app.add_domain(NumberedReferences, override=True)
    # Sphinx's own collectors listen at priority 500; the one numbering figures is among them.
    app.connect("env-get-updated", lend_doctrees, priority=499)
    app.connect("env-get-updated", stop_lending, priority=501)
    app.connect("doctree-read", adopt_nodes)
    app.connect("builder-inited", use_bare_plain_tokens)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": ENV_VERSION}
