"""The student edition (klbook.student, `make student`): the book without its solutions, in any form.

The edition is built once for this module (unless _build/student is newer than everything it is
made from); its site build executes every notebook that lost its solutions, which is the proof
that those notebooks run from top to bottom (nothing here runs them again). Then:

- no file of the edition (pages, _sources, search index, notebooks, the zip, the wheels inside it
  and their files) holds a passage of any solution, or the value of any expected answer;
- the solutions are read independently of the tool: from the full book's built site
  (_build/html, which `make test` builds first), as the text of sphinx-exercise's solution boxes,
  code and outputs included; a passage is any run of consecutive words, and only the passages
  that the full book also shows outside its solutions (in a chapter, not on the API page) are
  left out;
- the answers come from the instructors' keys, and are looked for as printed at several precisions;
- nothing points at the book's repository, and the notebooks install the wheels they come with;
- importing every module of those wheels, as the notebooks install them (the wheels unpacked, the
  environment's other packages, nothing of the repository), gives access to no answer;
- solutions nested in a list item numbered 10 or in an admonition are removed.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from answer_search import (
    close_to_an_answer,
    numbers_in,
    searched_values,
    short_values,
    spelled_answers,
    spellings,
)
from klbook import student as edition_tool
from klbook import toc
from klbook.exercises import exercises_in

ROOT = Path(__file__).resolve().parents[2]
STUDENT = ROOT / "_build" / "student"
SITE = STUDENT / "html"
NOTEBOOKS = STUDENT / "notebooks"
FULL_SITE = ROOT / "_build" / "html"
WORDS = 10  # a passage: this many consecutive words
DOCS = toc.documents(ROOT)
SOURCES = {doc: toc.source_of(doc, ROOT) for doc in DOCS}
# The notebooks students get: the chapters with exercises (the other pages are only on the site).
CHAPTER_NOTEBOOKS = [doc for doc, path in SOURCES.items() if path.suffix == ".ipynb" and exercises_in(path)]


# The edition, built once ----------------------------------------------------------------------

def inputs() -> list[Path]:
    """Everything the edition is made from."""
    files = [ROOT / name for name in edition_tool.BOOK_FILES] + list(SOURCES.values())
    files += [ROOT / "pyproject.toml", ROOT / "book" / "pyproject.toml"]
    for folder in ("chapters", "_ext", "kltools", "book/klbook"):
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


@pytest.fixture(scope="module")
def edition() -> str:
    """Builds the edition unless it is up to date; returns the tool's output ('' when up to date)."""
    stamp = STUDENT / ".complete"
    if stamp.exists() and stamp.stat().st_mtime > max(p.stat().st_mtime for p in inputs()):
        return ""
    result = subprocess.run([sys.executable, "-m", "klbook.student", str(ROOT)], cwd=ROOT,
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and (SITE / "index.html").exists(), (
        f"the edition did not build:\n{output[-6000:]}")
    return output


# Every file of the edition, as text -------------------------------------------------------------

JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt])")
TAG = re.compile(r"<[^<>]*>")


def json_unescape(text: str) -> str:
    simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
    return JSON_ESCAPE.sub(lambda m: chr(int(m[1][1:], 16)) if m[1][0] == "u" else simple[m[1]], text)


def readings(data: bytes) -> list[str]:
    """The ways a file can hold text: as it is, JSON-unescaped, and with HTML tags removed."""
    raw = data.decode("utf-8", errors="ignore")
    found = [raw]
    if "\\" in raw:
        found.append(json_unescape(raw))
    if "<" in raw:
        found += [html.unescape(TAG.sub(" ", text)) for text in list(found)]
    return found


def files_in(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """A file, and every file inside it if it is a zip (a wheel in the zip, too)."""
    found = [(name, data)]
    if data[:4] == b"PK\x03\x04":
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                found += files_in(f"{name}:{info.filename}", archive.read(info))
    return found


@pytest.fixture(scope="module")
def edition_files(edition) -> list[tuple[str, bytes]]:
    files = []
    for path in sorted(p for p in STUDENT.rglob("*") if p.is_file()):
        files += files_in(str(path.relative_to(STUDENT)), path.read_bytes())
    return files


# The solutions, as the full book shows them -----------------------------------------------------

def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9_]+", text)


def passages(text: str) -> set[tuple[str, ...]]:
    """Every run of WORDS consecutive words of the text."""
    found = words(text)
    return {tuple(found[i:i + WORDS]) for i in range(len(found) - WORDS + 1)}


class SolutionText(HTMLParser):
    """Splits a page of the full site into the text of its solution boxes and the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # the nesting depth of open elements
        self.inside: int | None = None  # the depth at which the open solution box began
        self.output: int | None = None  # the depth at which the open output of a solution's cell began
        self.solutions: list[list[str]] = []
        self.outputs: list[list[str]] = []  # what the solutions' code printed, one list per box
        self.rest: list[str] = []

    VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"})

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.depth += 1
        classes = (dict(attrs).get("class") or "").split()
        if self.inside is None and tag == "div" and "solution" in classes:
            self.inside = self.depth
            self.solutions.append([])
            self.outputs.append([])
        elif self.inside is not None and self.output is None and tag == "div" and "cell_output" in classes:
            self.output = self.depth

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.output is not None and self.depth == self.output:
            self.output = None
        if self.inside is not None and self.depth == self.inside:
            self.inside = None
        self.depth -= 1

    def handle_data(self, data):
        if self.inside is None:
            self.rest.append(data)
        else:
            (self.outputs if self.output is not None else self.solutions)[-1].append(data)


@pytest.fixture(scope="module")
def solutions() -> dict:
    """{"passages": {passage: doc}, "printed": {passage: doc} of what the solutions' code printed,
    "boxes": how many solution boxes, "shown": how many passages the book shows elsewhere too}."""
    found, printed, shown, boxes, numbers = {}, {}, set(), 0, set()
    for doc, source in SOURCES.items():
        page = FULL_SITE / f"{doc}.html"
        assert page.exists() and page.stat().st_mtime >= source.stat().st_mtime, (
            f"{page} is missing or older than {source}: build the full book first (make book)")
        parser = SolutionText()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.inside is None, f"{page}: a solution box does not close"
        if Path(doc).name != "api":  # the API page shows the package's docstrings: exempt nothing there
            shown |= passages(" ".join(parser.rest))
            numbers |= numbers_in(" ".join(parser.rest))
        boxes += len(parser.solutions)
        for box, output in zip(parser.solutions, parser.outputs, strict=True):
            for passage in passages(" ".join(box)):
                found.setdefault(passage, doc)
            for passage in passages(" ".join(output)):
                printed.setdefault(passage, doc)
    everything = {**printed, **found}
    return {"passages": {p: doc for p, doc in everything.items() if p not in shown},
            "printed": {p: doc for p, doc in printed.items() if p not in shown and p not in found},
            "boxes": boxes, "shown": len(set(everything) & shown), "numbers": numbers}


@pytest.fixture(scope="module")
def hidden_answers(solutions) -> dict[str, list[float]]:
    """The answers looked for: all but those that a chapter states outside its solutions (in any
    of their spellings), which the book gives away itself."""
    return {label: [v for v in values if not spellings(v) & solutions["numbers"]]
            for label, values in searched_values().items()}


def given_answers(hidden: dict[str, list[float]]) -> dict[str, list[float]]:
    return {label: [v for v in values if v not in hidden[label]]
            for label, values in searched_values().items() if len(hidden[label]) < len(values)}


def test_the_solutions_are_read_from_the_full_book(solutions):
    exercises = sum(len(exercises_in(path)) for path in SOURCES.values())
    assert solutions["boxes"] >= exercises > 0, "the full site has fewer solution boxes than exercises"
    assert len(solutions["passages"]) > 20 * exercises


# The tests ------------------------------------------------------------------------------------

def test_no_solution_passage_in_any_file_of_the_edition(edition_files, solutions):
    # What a solution's code printed and the installed kltools itself prints (an error message it
    # raises, say) is what any student gets by calling it: only that is not a leak. The solutions'
    # text and code, and everything else they printed, are looked for everywhere.
    library = set().union(*(passages(text) for name, data in edition_files
                            if ".whl:kltools/" in name and name.endswith(".py") for text in readings(data)))
    messages = {p: doc for p, doc in solutions["printed"].items() if p in library}
    wanted = {p: doc for p, doc in solutions["passages"].items() if p not in messages}
    leaks = {}
    for name, data in edition_files:
        for text in readings(data):
            found = words(text)
            for i in range(len(found) - WORDS + 1):
                passage = tuple(found[i:i + WORDS])
                if passage in wanted:
                    leaks.setdefault(name, " ".join(passage) + f"  (from a solution of {wanted[passage]})")
    print(f"searched {len(edition_files)} files for {len(wanted)} solution passages of {WORDS} words "
          f"({solutions['shown']} more also appear outside the solutions and were left out, and "
          f"{len(messages)} that kltools prints: {sorted({' '.join(p[:6]) for p in messages})})")
    assert not leaks, f"{len(leaks)} files hold a passage of a solution:\n" + "\n".join(
        f"{name}: {passage}" for name, passage in list(leaks.items())[:30])


def test_the_passage_search_finds_a_planted_passage(solutions):
    passage = sorted(solutions["passages"])[0]
    page = html.escape(" ".join(passage)).replace(" ", ' <span class="w">\n  ', 3)
    texts = readings(f"<p>{page}</p>".encode())
    assert any(passage in passages(text) for text in texts)


def copied_from_packages(files: list[tuple[str, bytes]]) -> set[str]:
    """The files of the site that are byte for byte a file of an installed third-party package (the
    theme's scripts and styles, MathJax): their numbers are not the book's."""
    names = {name.rsplit("/", 1)[-1]: data for name, data in files if name.startswith("html/_static/")}
    found = set()
    for folder, _, filenames in os.walk(sysconfig.get_paths()["purelib"]):
        for filename in set(filenames) & set(names):
            if Path(folder, filename).read_bytes() == names[filename]:
                found.add(filename)
    return {name for name, _ in files
            if name.startswith("html/_static/") and name.rsplit("/", 1)[-1] in found}


def test_no_answer_value_in_any_file_of_the_edition(edition_files, hidden_answers):
    answers = spelled_answers(hidden_answers)
    copied = copied_from_packages(edition_files)
    assert not any("kltools" in name or "klbook" in name for name in copied)
    wanted = set(answers)
    leaks = [f"{name}: {text} (the answer of {answers[text]})" for name, data in edition_files
             if name not in copied
             for text in sorted(set().union(*(numbers_in(t) for t in readings(data))) & wanted)]
    print(f"searched {len(edition_files) - len(copied)} files ({len(copied)} copied verbatim from "
          f"third-party packages left out) for {len(answers)} spellings of "
          f"{len(set(answers.values()))} exercises' answers; stated by a chapter outside its solutions: "
          f"{given_answers(hidden_answers)}; "
          f"too short to look for: {short_values()}")
    assert not leaks, "\n".join(leaks[:30])


def test_nothing_points_at_the_repository(edition_files):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    marks = [url, url.split("://", 1)[1], "/".join(url.split("/")[-2:])]
    found = [f"{name}: {mark}" for name, data in edition_files for mark in marks
             if any(mark in text for text in readings(data))]
    assert not found, "\n".join(found[:20])
    edition_config = yaml.safe_load((STUDENT / "source" / "_config.yml").read_text(encoding="utf-8"))
    assert "repository" not in edition_config
    assert not any(edition_config["html"][f"use_{b}_button"] for b in ("repository", "issues", "edit_page"))
    for page in SITE.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for mark in ("mybinder.org/v2/", "colab.research.google.com/github/", "launch-buttons", "fa-github",
                     "Edit on", "Source repository", "repository-button", "edit-this-page"):
            assert mark not in text, f"{page.relative_to(STUDENT)} shows {mark!r}"


def test_no_solution_markup_on_the_site(edition):
    for page in SITE.rglob("*.html"):
        text = page.read_text(errors="ignore")
        for mark in ('class="solution', "tag_solution", "{solution"):
            assert mark not in text, f"{page.relative_to(STUDENT)} holds {mark!r}"


def test_the_notebooks_install_the_wheels_they_come_with(edition):
    with zipfile.ZipFile(NOTEBOOKS / edition_tool.ZIP_NAME) as archive:
        names = set(archive.namelist())
        for name in names:
            assert archive.read(name) == (NOTEBOOKS / name).read_bytes(), name
    wheels = {name for name in names if name.endswith(".whl")}
    assert {name.split("/")[-1].split("-")[0] for name in wheels} == {"kltools", "klbook"}
    expected = sorted(SOURCES[doc].name for doc in CHAPTER_NOTEBOOKS)
    assert sorted(names - wheels) == expected == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    for name in expected:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(notebook)
        install = [cell for cell in notebook.cells if "install-kltools" in cell.metadata.get("tags", [])]
        assert len(install) == 1, name
        assert set(re.findall(r'"([^"]+\.whl)"', install[0].source)) == wheels, name
        assert "http" not in install[0].source and "git" not in install[0].source, name
        for cell in notebook.cells:
            assert "solution" not in cell.metadata.get("tags", []), name
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: an output is left"


def test_the_site_build_ran_every_student_notebook(edition):
    """The edition's build executed each notebook that students get (and raised on any error)."""
    config = yaml.safe_load((STUDENT / "source" / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "force" and config["sphinx"]["config"][
        "nb_execution_raise_on_error"] is True
    log = re.sub(r"\x1b\[[0-9;]*m", "", STUDENT.with_name("student-build.log").read_text(encoding="utf-8"))
    for doc in CHAPTER_NOTEBOOKS:
        assert re.search(rf"{re.escape(SOURCES[doc].name)}: Executed notebook in", log), doc
        assert SOURCES[doc].relative_to(ROOT).as_posix() not in config["execute"]["exclude_patterns"]


@pytest.mark.parametrize("doc", DOCS)
def test_exercises_are_all_there(doc, edition):
    source = SOURCES[doc]
    exercises = [e.label for e in exercises_in(source)]
    if doc in CHAPTER_NOTEBOOKS:
        student = NOTEBOOKS / source.name
        assert [e.label for e in exercises_in(student)] == exercises
        def self_checks(path):
            return [c.source for c in nbformat.read(path, as_version=4).cells
                    if "self-check" in c.metadata.get("tags", [])]

        assert self_checks(student) == self_checks(source), f"{doc}: a self-check cell changed"
    page = (SITE / doc).with_suffix(".html").read_text(encoding="utf-8")
    for label in exercises:
        assert re.search(rf'<div class="exercise[^"]*" id="{re.escape(label)}">', page), (
            f"{doc}: the exercise {label} is not on the student site")


# What an installed edition gives access to -------------------------------------------------------

SEARCH = r'''
import importlib, inspect, json, pkgutil, re, sys, types
site = sys.argv[1]
# The standard library, the wheels, the environment's third-party packages: nothing else.
sys.path[:] = [site, *(p for p in sys.path if p and "-packages" not in p), *sys.argv[2:]]
import numpy as np

modules, numbers, texts, keys = [], [], [], []
for package in ("kltools", "klbook"):
    root = importlib.import_module(package)
    names = [package] + [m.name for m in pkgutil.walk_packages(root.__path__, package + ".")]
    for name in names:
        module = importlib.import_module(name)
        assert module.__file__.startswith(site), (name, module.__file__)
        modules.append(name)

seen = set()
def walk(obj, depth=0):
    if id(obj) in seen or depth > 8:
        return
    seen.add(id(obj))
    if isinstance(obj, bool):
        return
    if isinstance(obj, (int, float, np.integer, np.floating)):
        numbers.append(float(obj))
    elif isinstance(obj, complex):
        numbers.extend([obj.real, obj.imag])
    elif isinstance(obj, str):
        texts.append(obj)
    elif isinstance(obj, bytes):
        texts.append(obj.decode("utf-8", "ignore"))
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiuc":
            numbers.extend(float(x) for x in np.abs(obj).ravel()[:100000])
        elif obj.dtype == object:
            for x in obj.ravel()[:10000]:
                walk(x, depth + 1)
    elif isinstance(obj, dict):
        for k, v in list(obj.items()):
            walk(k, depth + 1)
            walk(v, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for x in list(obj):
            walk(x, depth + 1)
    elif isinstance(obj, types.ModuleType):
        if obj.__name__.split(".")[0] in ("kltools", "klbook"):
            walk(vars(obj), depth + 1)
    elif isinstance(obj, types.CodeType):
        walk(obj.co_consts, depth + 1)
    elif isinstance(obj, (types.FunctionType, types.MethodType)):
        function = getattr(obj, "__func__", obj)
        walk(function.__code__, depth + 1)
        walk(function.__defaults__, depth + 1)
        walk(function.__kwdefaults__, depth + 1)
        walk([c.cell_contents for c in function.__closure__ or () if c.cell_contents is not None], depth + 1)
        walk(function.__doc__, depth + 1)
    elif isinstance(obj, type):
        if obj.__module__.split(".")[0] in ("kltools", "klbook"):
            walk(dict(vars(obj)), depth + 1)
    elif isinstance(obj, (staticmethod, classmethod, property)):
        for part in ("__func__", "fget", "fset"):
            walk(getattr(obj, part, None), depth + 1)
    elif type(obj).__module__.split(".")[0] in ("kltools", "klbook"):
        if type(obj).__name__ == "AnswerKey":
            keys.append(repr(obj))
        walk(getattr(obj, "__dict__", {}), depth + 1)
        for slot in getattr(type(obj), "__slots__", ()):
            walk(getattr(obj, slot, None), depth + 1)

for name in modules:
    walk(sys.modules[name])
# The self-checks' digests, as the checker reads them.
from klbook import selfcheck
walk(selfcheck._keys())
print(json.dumps({"modules": modules, "numbers": numbers, "texts": texts, "keys": keys}))
'''


def test_the_installed_edition_gives_no_answer(edition, tmp_path, hidden_answers):
    """Unpack the edition's wheels as pip would install them, import every module of them in a
    fresh interpreter that sees only them and the environment's third-party packages (not the
    repository, not the editable installs: no .pth file is read), and look through every object
    reachable from those modules, and every file of the wheels, for the expected answers."""
    site = tmp_path / "site"
    with zipfile.ZipFile(NOTEBOOKS / edition_tool.ZIP_NAME) as archive:
        for name in archive.namelist():
            if name.endswith(".whl"):
                with zipfile.ZipFile(archive.open(name)) as wheel:
                    wheel.extractall(site)
    packages = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run([sys.executable, "-S", "-c", SEARCH, str(site), packages], cwd=tmp_path,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    found = json.loads(result.stdout.splitlines()[-1])
    assert {"kltools", "klbook", "klbook.selfcheck", "klbook.answerkeys"} <= set(found["modules"])
    assert not found["keys"], "an AnswerKey is reachable from the installed packages"
    near = sorted({(label, x) for x in found["numbers"] if (label := close_to_an_answer(x, hidden_answers))})
    answers = spelled_answers(hidden_answers)
    in_texts = sorted({(answers[t], t) for text in found["texts"] for t in numbers_in(text) & set(answers)})
    in_files = sorted({(answers[t], f"{path.relative_to(site)}: {t}") for path in site.rglob("*")
                       if path.is_file()
                       for t in numbers_in(path.read_text(encoding="utf-8", errors="ignore")) & set(answers)})
    print(f"imported {len(found['modules'])} modules; searched {len(found['numbers'])} numbers and "
          f"{len(found['texts'])} strings reachable from them, and {sum(1 for _ in site.rglob('*'))} files")
    assert not near, f"numbers equal to an expected answer: {near[:20]}"
    assert not in_texts and not in_files, (in_texts[:20], in_files[:20])


# Solutions that hide ---------------------------------------------------------------------------

PLANTED = """\
1. One.
2. Two.
3. Three.
4. Four.
5. Five.
6. Six.
7. Seven.
8. Eight.
9. Nine.
10. Ten, and its solution:

    ```{solution} x-ex-1
    :class: dropdown
    Secret ten-indented answer.
    ```
11. Eleven.

````{note}
A note that keeps its text.

```{solution} x-ex-2
Secret inside the admonition.
```
````

::::{admonition} A colon fence
:class: tip
:::{solution} x-ex-3
Secret inside the colon fence.
:::
The tip's own words.
::::
"""


def test_solutions_in_a_list_item_numbered_10_or_an_admonition_are_removed():
    exercise = nbformat.v4.new_markdown_cell(
        "```{exercise} Planted · ★ · concept\n:label: x-ex-1\nDo it.\n```")
    notebook = nbformat.v4.new_notebook(cells=[exercise, nbformat.v4.new_markdown_cell(PLANTED)])
    student, chapter = edition_tool.strip_notebook(notebook, "planted")
    text = "\n".join(cell.source for cell in student.cells)
    assert "Secret" not in text and "{solution}" not in text
    for kept in ("10. Ten, and its solution:", "11. Eleven.", "A note that keeps its text.", "````{note}",
                 "The tip's own words.", "::::{admonition} A colon fence", "Do it."):
        assert kept in text, kept
    assert chapter.solutions == 3
    page, _ = edition_tool.strip_markdown_page(PLANTED, "planted")
    assert "Secret" not in page and "11. Eleven." in page
