"""The student edition (tools/student_edition.py, `make student`): the book without its solutions.

The edition is built once for this module, unless _build/student is already newer than everything
it is made from. Then:

- no file under _build/student (pages, scripts, search index, notebooks, the zip's contents, the
  build's own intermediate files) holds any fragment of any solution of the author's chapters;
- every exercise is still there, in the notebooks and on the site, and where a solution held code
  an answer cell `...` stands in its place;
- every student notebook runs from top to bottom without its solutions.

The solutions are found here independently of the tool: the ``{solution}`` directives, everything
from ``{solution-start}`` through ``{solution-end}``, and code cells tagged ``solution``.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from klbook.exercises import exercises_in
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "student_edition.py"
STUDENT = ROOT / "_build" / "student"
SITE = STUDENT / "html"
NOTEBOOKS = STUDENT / "notebooks"
MIN_FRAGMENT = 25

_spec = importlib.util.spec_from_file_location("student_edition", TOOL)
edition_tool = importlib.util.module_from_spec(_spec)
sys.modules["student_edition"] = edition_tool
_spec.loader.exec_module(edition_tool)

DOCS = edition_tool.toc_documents(ROOT)
# The notebooks students get: the chapters with exercises (the other pages are only on the site).
CHAPTER_NOTEBOOKS = [doc for doc in DOCS if edition_tool.source_of(doc, ROOT).suffix == ".ipynb"
                     and exercises_in(edition_tool.source_of(doc, ROOT))]


# The edition, built once ----------------------------------------------------------------------

def inputs() -> list[Path]:
    """Everything the edition is made from (drafts outside the toc are left out of it)."""
    files = [TOOL, ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "references.bib"]
    files += [edition_tool.source_of(doc, ROOT) for doc in DOCS]
    for folder in ("chapters", "_ext", "kltools"):
        files += [p for p in (ROOT / folder).rglob("*")
                  if p.is_file() and p.suffix != ".ipynb" and "__pycache__" not in p.parts]
    return files


@pytest.fixture(scope="module")
def edition() -> str:
    """Builds the edition unless it is up to date; returns the tool's output ('' when up to date)."""
    stamp = STUDENT / ".complete"
    if stamp.exists() and stamp.stat().st_mtime > max(p.stat().st_mtime for p in inputs()):
        return ""
    result = subprocess.run([sys.executable, str(TOOL)], cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert (NOTEBOOKS / edition_tool.ZIP_NAME).exists(), f"no student notebooks were written:\n{output}"
    return output if result.returncode == 0 else "FAILED\n" + output


@pytest.fixture(scope="module")
def site(edition) -> Path:
    assert not edition.startswith("FAILED"), f"the student site did not build:\n{edition[-6000:]}"
    assert (SITE / "index.html").exists()
    return SITE


# The author's chapters, read independently of the tool --------------------------------------

FENCE = r"^ {0,3}(?P<fence>`{3,}|:{3,})"
SOLUTION_BLOCK = re.compile(FENCE + r"\{solution\}.*?\n {0,3}(?P=fence)[`:]*[ \t]*$", re.M | re.S)
GATE_START = re.compile(FENCE + r"\{solution-start\}", re.M)
GATE_END = re.compile(FENCE + r"\{solution-end\}.*?\n {0,3}(?P=fence)[`:]*[ \t]*$", re.M | re.S)
EXERCISE = re.compile(FENCE + r"\{exercise(?:-start)?\}[ \t]*(?P<title>.*?)[ \t]*\n"
                      r"(?:[ \t]*:[\w-]+:.*\n)*?[ \t]*:label:[ \t]*(?P<label>\S+)", re.M)


def cells_of(path: Path) -> list[dict]:
    """A notebook's cells; a Markdown page is one Markdown cell."""
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4).cells
    return [nbformat.v4.new_markdown_cell(path.read_text())]


def split_solutions(cells: list[dict]) -> tuple[list[tuple[str, str]], list[str], set[str]]:
    """The solutions of the cells as [(kind, text)], kind "markdown" or "code"; the other text; and
    the labels of the exercises whose solutions hold code."""
    solutions, others, with_code = [], [], set()
    gate = None  # the label of the open {solution-start}
    last_exercise = None
    for cell in cells:
        text = cell.source
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "markdown":
            if gate is not None or "solution" in tags:
                kind = "code" if cell.cell_type == "code" else "markdown"
                solutions.append((kind, text))
                if kind == "code":
                    with_code.add(gate if gate is not None else last_exercise)
            else:
                others.append(text)
            continue
        pos = 0
        while True:
            if gate is not None:
                end = GATE_END.search(text, pos)
                solutions.append(("markdown", text[pos:end.end() if end else len(text)]))
                if not end:
                    break
                gate, pos = None, end.end()
                continue
            block, start = SOLUTION_BLOCK.search(text, pos), GATE_START.search(text, pos)
            first = min((m for m in (block, start) if m), key=lambda m: m.start(), default=None)
            shown = text[pos:first.start() if first else len(text)]
            others.append(shown)
            last_exercise = ([m["label"] for m in EXERCISE.finditer(shown)] or [last_exercise])[-1]
            if first is None:
                break
            if first is block:
                solutions.append(("markdown", block.group()))
                pos = block.end()
            else:
                gate = text[start.end():].split("\n")[0].strip() or last_exercise
                pos = start.start()
    return solutions, others, with_code


def normalize(text: str) -> str:
    """Text as it may come out of Sphinx: typographic quotes and dashes undone, spaces collapsed."""
    for chars, plain in (("’‘′", "'"), ("“”″", '"'), ("—", "---"), ("–", "--"), ("…", "...")):
        for char in chars:
            text = text.replace(char, plain)
    return " ".join(text.split())


# Markup that does not reach the page as written: roles, math and code delimiters, emphasis,
# links, HTML tags; and line prefixes: list markers, headings, quotes, directive fences and options.
MARKUP = re.compile(r"\{[\w:.-]+\}`[^`]*`|`+|\$+|\*+|~~|\]\([^)]*\)|[\[\]]|<[^<>]*>")
LINE_PREFIX = re.compile(r"^\s*(?:(?:`{3,}|:{3,}).*|:[\w-]+:.*|(?:[-*+>]|\d+[.)]|#+)(?=\s))")


def fragments(kind: str, text: str) -> set[str]:
    """The lines of a solution, cut at its markup, that are long enough to identify it."""
    found = set()
    for line in text.splitlines():
        pieces = [line] if kind == "code" else MARKUP.split(LINE_PREFIX.sub("", line))
        found.update(p for p in map(normalize, pieces) if len(p) >= MIN_FRAGMENT)
    return found


@pytest.fixture(scope="module")
def author():
    """{source path: (solution fragments, exercises [(label, title)], labels of solutions with code)}."""
    book = {edition_tool.source_of(doc, ROOT) for doc in DOCS}
    drafts = set((ROOT / "chapters").rglob("*.ipynb")) | set((ROOT / "chapters").rglob("*.md"))
    per_source, outside = {}, []
    for path in sorted(book | drafts):  # drafts outside the toc must not leak either
        solutions, others, with_code = split_solutions(cells_of(path))
        if path in book or path.suffix == ".md":  # what the edition keeps of them
            outside += others
        exercises = [(m["label"], m["title"]) for o in others for m in EXERCISE.finditer(o)]
        frags = set().union(*(fragments(kind, text) for kind, text in solutions))
        per_source[path] = (frags, exercises, with_code)
    # A fragment that the book also shows outside its solutions identifies nothing.
    shown = [normalize(text) for text in outside]
    for folder in ("kltools", "_ext"):  # docstrings reach the API page, with their escapes undone
        for code in (p.read_text() for p in (ROOT / folder).rglob("*.py")):
            shown += [normalize(code), normalize(code.replace("\\\\", "\\"))]
    shown += [normalize((ROOT / name).read_text()) for name in edition_tool.BOOK_FILES]
    everything_shown = "\n".join(shown)
    for frags, _, _ in per_source.values():
        frags -= {f for f in frags if f in everything_shown}
    return per_source


# The student edition's files, as text --------------------------------------------------------

JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt])")
TAG = re.compile(r"<[^<>]*>")


def json_unescape(text: str) -> str:
    simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    return JSON_ESCAPE.sub(lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" else simple[m[1]], text)


def readings(name: str, data: bytes) -> list[str]:
    """The ways a file can hold text: as it is, JSON-unescaped, and as HTML with its tags removed."""
    raw = data.decode("utf-8", errors="ignore")
    found = {raw}
    if "\\" in raw:
        found.add(json_unescape(raw))
    if "<" in raw and name.endswith((".html", ".htm", ".xml", ".svg", ".ipynb", ".js", ".json", ".txt")):
        found |= {html.unescape(TAG.sub("", text)) for text in list(found)}
    return [normalize(text) for text in found]


def student_files() -> list[tuple[str, bytes]]:
    """Every file under _build/student, and every file inside every zip there."""
    files = []
    for path in sorted(p for p in STUDENT.rglob("*") if p.is_file()):
        name = str(path.relative_to(ROOT))
        data = path.read_bytes()
        files.append((name, data))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                files += [(f"{name}:{info.filename}", archive.read(info)) for info in archive.infolist()]
    return files


def find_leaks(files: list[tuple[str, bytes]], per_source: dict) -> list[str]:
    """Every (file, fragment) where a solution fragment occurs, as messages.

    A fragment can only occur in a file that has all of its inner words (those between its first
    and last, which may be cut) as words, which is quick to check; only then is it looked for.
    """
    fragments = sorted((fragment, fragment.split(" ")[1:-1], source)
                       for source, (frags, _, _) in per_source.items() for fragment in frags)
    leaks = []
    for name, data in files:
        texts = readings(name, data)
        words = set().union(*(text.split(" ") for text in texts))
        for fragment, inner, source in fragments:
            if all(word in words for word in inner) and any(fragment in text for text in texts):
                leaks.append(f"{name}: holds {fragment!r} from a solution of {source.relative_to(ROOT)}")
    return leaks


# The tests ------------------------------------------------------------------------------------

def test_no_solution_leaks(edition, site, author):
    count = sum(len(frags) for frags, _, _ in author.values())
    assert count > 0 or not any(ex for _, ex, _ in author.values()), "no solution fragments found"
    leaks = find_leaks(student_files(), author)
    assert not leaks, f"{len(leaks)} solution fragments in the student edition:\n" + "\n".join(leaks[:30])


def test_leak_check_finds_a_planted_fragment(author):
    """The leak check itself: a solution line planted in a page is found, markup and all."""
    source, (frags, _, _) = max(author.items(), key=lambda item: len(item[1][0]))
    if not frags:
        pytest.skip("no chapter has solutions")
    fragment = sorted(frags)[0]
    page = html.escape(fragment).replace(" ", ' <span class="w">\n  ', 1)
    planted = [("html/chapters/planted.html", f"<p>{page}</p>".encode())]
    assert find_leaks(planted, {source: ({fragment}, [], set())})


def test_no_solution_markup_on_the_site(site):
    for page in site.rglob("*.html"):
        text = page.read_text(errors="ignore")
        for mark in ('class="solution', "tag_solution", "{solution"):
            assert mark not in text, f"{page.relative_to(ROOT)} holds {mark!r}"


@pytest.mark.parametrize("doc", DOCS)
def test_exercises_are_all_there(doc, site, author):
    source = edition_tool.source_of(doc, ROOT)
    _, exercises, with_code = author[source]
    if doc in CHAPTER_NOTEBOOKS:
        student = nbformat.read(NOTEBOOKS / source.name, as_version=4)
        markdown = [c.source for c in student.cells if c.cell_type == "markdown"]
        found = [(m["label"], m["title"]) for text in markdown for m in EXERCISE.finditer(text)]
        assert found == exercises, f"{doc}: the student notebook's exercises differ from the chapter's"
        answers = {c.source.split("\n")[0].removeprefix("# Your answer to Exercise ").strip()
                   for c in student.cells
                   if c.cell_type == "code" and c.source.split("\n")[-1].strip() == "..."}
        checked = {label for c in student.cells if "self-check" in c.metadata.get("tags", [])
                   for label in re.findall(r"""\bcheck\(\s*["']([^"']+)["']""", c.source)}
        assert not answers & checked, f"{doc}: a second answer cell for {sorted(answers & checked)}"
        missing = sorted(set(with_code) - answers - checked)
        assert not missing, f"{doc}: no answer cell for the exercises {missing}"
    page = (site / doc).with_suffix(".html").read_text()
    for label, title in exercises:
        match = re.search(rf'<div class="exercise[^"]*" id="{re.escape(label)}">.*?'
                          r'<p class="admonition-title">(.*?)</p>', page, re.S)
        assert match, f"{doc}: the exercise {label} is not on the student site"
        shown = normalize(html.unescape(TAG.sub("", match[1])).replace("\\(", "").replace("\\)", ""))
        assert normalize(title.replace("$", "").replace("`", "")) in shown, (label, shown)


def test_student_notebooks_are_clean(edition):
    names = [edition_tool.source_of(doc, ROOT).name for doc in CHAPTER_NOTEBOOKS]
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(names)
    with zipfile.ZipFile(NOTEBOOKS / edition_tool.ZIP_NAME) as archive:
        assert sorted(archive.namelist()) == sorted(names)
        for name in names:
            assert archive.read(name) == (NOTEBOOKS / name).read_bytes(), name
    for name in names:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            assert "solution" not in cell.metadata.get("tags", []), name
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: an output is left"


@pytest.fixture(scope="module")
def student_book(edition, tmp_path_factory) -> Path:
    """A copy of the student book's sources, so that each notebook runs beside what it finds in the book."""
    book = tmp_path_factory.mktemp("student") / "book"
    shutil.copytree(STUDENT / "source", book, ignore=shutil.ignore_patterns("_build"))
    return book


@pytest.mark.parametrize("doc", CHAPTER_NOTEBOOKS)
def test_student_notebook_runs(doc, student_book):
    source = edition_tool.source_of(doc, ROOT)
    path = student_book / source.relative_to(ROOT)
    shutil.copyfile(NOTEBOOKS / source.name, path)  # the very notebook that students get
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{doc}: the student notebook does not run without its solutions:\n{error}")
