"""Build the student edition of the book: every chapter without its solutions.

Usage: ``python -m klbook.student BOOK [OUT]`` (what ``make student`` runs; OUT is BOOK/_build/student)

Writes, from scratch each time, into OUT:

- ``notebooks/``: every chapter notebook with exercises, its solutions removed and its outputs
  cleared; ``notebooks/wheels/``: the wheels of kltools and klbook built from the book's own
  sources (the numerics, and the self-checks' digests: no answer key); and
  ``notebooks/student-notebooks.zip`` holding all of it. Each notebook's install cell installs
  those two wheels, by a path relative to the notebook, where klbook is missing. Where a solution
  held code, an answer cell (``...``) takes its place, unless the exercise has a self-check cell
  (tagged ``self-check``, with its own ``answer = ...``), which stays.
- ``source/``: the documents of the book's ``_toc.yml`` and what they need (_config.yml, _toc.yml,
  references.bib, _ext/), every solution removed;
- ``html/``: the site built from ``source/`` with ``jupyter-book build -W -n --keep-going``. The
  edition's _config.yml executes every notebook that lost its solutions (their outputs were
  cleared), so that build is also the proof that each student notebook runs from top to bottom
  without them; the pages that lost nothing keep the outputs they have in the book. It has no
  repository: no launch, repository or edit buttons, no address of the full book's sources.

The site build's output goes to ``OUT-build.log`` beside OUT (``_build/student-build.log``): it is
for the instructor, not part of what students receive (and its timings of the notebooks can even
look like an answer).

A solution is what sphinx-exercise calls one: a ``{solution}`` directive, everything from a
``{solution-start}`` directive through its ``{solution-end}``, and any code cell tagged
``solution``. The directives are found by :mod:`klbook.myst` (markdown-it's tokens, as MyST reads
them) at any depth: in a list item, in an admonition, with backtick or colon fences. They are
removed from the sources, not hidden, so the pages, ``_sources/``, the downloads and the search
index hold no trace of them.

Before building, the tool checks that no remaining text refers to a label or a glued value that
only a solution defines; such a reference would break the build, and is reported instead.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from klbook import toc
from klbook.install_cell import TAG as INSTALL_TAG
from klbook.install_cell import source_for_requirements, with_install_cell
from klbook.myst import directives

__all__ = ["EditionError", "build", "build_wheel", "strip_markdown_page", "strip_notebook"]

BOOK_FILES = ("_config.yml", "_toc.yml", "references.bib")
BOOK_DIRS = ("_ext",)
ZIP_NAME = "student-notebooks.zip"
WHEELS = "wheels"  # beside the notebooks, in the folder and in the zip
PROJECTS = (".", "book")  # kltools, then klbook: the folders of their pyproject.toml
ANSWER_TAGS = ["remove-output"]  # a bare `...` would show "Ellipsis" under the cell on the site
SELF_CHECK_TAG = "self-check"  # a cell `answer = ...` + `check("<label>", answer)`, kept
SELF_CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
SOLUTION, SOLUTION_START, SOLUTION_END = "solution", "solution-start", "solution-end"
EXERCISES = ("exercise", "exercise-start")
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # the same bytes every build


class EditionError(Exception):
    """A chapter that cannot be turned into its student version as it is."""


@dataclass
class Chapter:
    """What stripping one document found."""

    doc: str
    exercises: list[tuple[str, str]] = field(default_factory=list)  # (label, title)
    solutions: int = 0
    answers: int = 0
    solution_text: list[str] = field(default_factory=list)  # the removed Markdown and code
    kept_text: list[str] = field(default_factory=list)  # the remaining Markdown and code


class Stripper:
    """Removes the solutions from a sequence of Markdown and code pieces, keeping state across them."""

    def __init__(self, chapter: Chapter):
        self.chapter = chapter
        self.gated: dict | None = None  # the open {solution-start}: its label, whether it held code
        self.last_exercise = "?"

    def markdown(self, text: str) -> list[tuple[str, str]]:
        """The text without its solutions, in order: ("text", Markdown) and ("answer", label) pieces.

        An answer piece stands where a gated solution that held code ended.
        """
        lines = text.split("\n")
        removed = [False] * len(lines)
        answers: list[tuple[int, str]] = []  # (line before which it goes, label)
        was_gated = self.gated is not None
        gate_from = 0  # where the open gated solution began in this text
        covered = -1  # directives that open before this line are inside a removed solution

        def remove(start: int, end: int) -> None:
            for i in range(start, min(end, len(lines))):
                removed[i] = True

        for directive in directives(text):
            if self.gated is not None:
                if directive.name == SOLUTION_END:
                    remove(gate_from, directive.end)
                    covered = directive.end
                    if self.gated["code"]:
                        answers.append((directive.end, self.gated["label"]))
                    self.gated = None
                continue
            if directive.start < covered:
                continue
            if directive.name == SOLUTION:
                self.chapter.solutions += 1
                remove(directive.start, directive.end)
                covered = directive.end
            elif directive.name == SOLUTION_START:
                self.chapter.solutions += 1
                label = directive.argument.split()[0] if directive.argument else self.last_exercise
                self.gated, gate_from = {"label": label, "code": False}, directive.start
            elif directive.name == SOLUTION_END:
                raise EditionError(f"{self.chapter.doc}: a {{solution-end}} without its {{solution-start}}")
            elif directive.name in EXERCISES:
                label = str(directive.options.get("label", "?"))
                self.chapter.exercises.append((label, directive.argument))
                self.last_exercise = label
        if self.gated is not None:
            remove(gate_from, len(lines))  # the solution goes on in the next cells

        self.chapter.kept_text.append("\n".join(line for line, gone in zip(lines, removed, strict=True)
                                                if not gone))
        self.chapter.solution_text.append("\n".join(line for line, gone in zip(lines, removed, strict=True)
                                                    if gone))
        if not any(removed) and not was_gated:
            return [("text", text)]  # untouched, as it was
        pieces: list[tuple[str, str]] = []
        kept: list[str] = []

        def flush() -> None:
            if "\n".join(kept).strip():
                pieces.append(("text", "\n".join(kept).strip("\n")))
            kept.clear()

        at = dict(answers)
        for i, line in enumerate([*lines, ""]):
            if i in at:
                flush()
                pieces.append(("answer", at[i]))
            if i < len(lines) and not removed[i]:
                kept.append(line)
        flush()
        return pieces

    def finish(self) -> None:
        if self.gated is not None:
            raise EditionError(f"{self.chapter.doc}: the {{solution-start}} of {self.gated['label']} "
                               "has no {solution-end}")


def answer_cell(label: str, minor: int, taken: set[str]) -> nbformat.NotebookNode:
    """An empty answer cell ``...`` for the exercise ``label``, with a stable id."""
    cell = nbformat.v4.new_code_cell(f"# Your answer to Exercise {label}\n...",
                                     metadata={"tags": list(ANSWER_TAGS)})
    if minor >= 5:  # cell ids exist from nbformat 4.5 on; make them stable from build to build
        base = "answer-" + re.sub(r"[^A-Za-z0-9_-]", "-", label)
        cell_id, n = base[:64], 2
        while cell_id in taken:
            cell_id, n = f"{base[:60]}-{n}", n + 1
        taken.add(cell_id)
        cell["id"] = cell_id
    else:
        cell.pop("id", None)
    return cell


def strip_notebook(notebook: nbformat.NotebookNode, doc: str) -> tuple[nbformat.NotebookNode, Chapter]:
    """The student version of a notebook: solutions out, answer cells in, outputs cleared.

    >>> import nbformat
    >>> cells = [nbformat.v4.new_markdown_cell(
    ...     "10. Item ten.\\n\\n    ```{solution} x-ex-1\\n    Secret.\\n    ```\\n11. Item eleven.")]
    >>> student, chapter = strip_notebook(nbformat.v4.new_notebook(cells=cells), "x")
    >>> print(student.cells[0].source)
    10. Item ten.
    <BLANKLINE>
    11. Item eleven.
    >>> chapter.solutions
    1
    """
    chapter = Chapter(doc)
    stripper = Stripper(chapter)
    minor = notebook.get("nbformat_minor", 0)
    taken = {cell.get("id") for cell in notebook.cells}
    cells: list[nbformat.NotebookNode] = []
    loose_run = False  # inside a run of solution-tagged code cells outside a gated solution

    # An exercise with a self-check cell (which stays) has its answer cell already.
    checked = {match for cell in notebook.cells if SELF_CHECK_TAG in cell.get("metadata", {}).get("tags", [])
               for match in SELF_CHECK_CALL.findall(cell.source)}

    def add_answer(label: str) -> None:
        if label in checked:
            return
        cells.append(answer_cell(label, minor, taken))
        chapter.answers += 1

    for original in notebook.cells:
        cell = nbformat.from_dict(original)  # a copy
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown":
            loose_run = False
            texts = 0
            for kind, value in stripper.markdown(cell.source):
                if kind == "answer":
                    add_answer(value)
                    continue
                piece = cell if texts == 0 else nbformat.from_dict(original)
                if texts and "id" in piece:  # a cell split in two around a solution
                    piece["id"] = f"{original['id'][:58]}-{texts + 1}"
                piece.source = value
                cells.append(piece)
                texts += 1
            continue
        if stripper.gated is not None:
            stripper.gated["code"] |= cell.cell_type == "code"
            chapter.solution_text.append(cell.source)
            continue
        if cell.cell_type == "code" and "solution" in tags:
            chapter.solution_text.append(cell.source)
            if not loose_run:
                chapter.solutions += 1
                add_answer(stripper.last_exercise)
            loose_run = True
            continue
        loose_run = False
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        chapter.kept_text.append(cell.source)
        cells.append(cell)
    stripper.finish()
    student = nbformat.from_dict(notebook)
    student.cells = cells
    student.metadata.pop("widgets", None)  # saved widget state is output too
    return student, chapter


def strip_markdown_page(text: str, doc: str) -> tuple[str, Chapter]:
    """The student version of a Markdown page."""
    chapter = Chapter(doc)
    stripper = Stripper(chapter)
    pieces = stripper.markdown(text)
    stripper.finish()
    return "\n\n".join(value for kind, value in pieces if kind == "text") + "\n", chapter


# References to labels and glued values, to check that none points into a removed solution.
LABEL_DEFS = [
    re.compile(r"^\s*:(?:label|name):\s*(\S+)", re.M),
    re.compile(r"^\s*\(([^()\s]+)\)=\s*$", re.M),
    re.compile(r"\$\$\s*\(([^()\s]+)\)\s*$", re.M),
]
GLUE_DEFS = re.compile(r"\bglue\w*\(\s*[\"']([^\"']+)[\"']")
ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]+)`")
GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{glue(?::\w+)?\}\s*(\S+)", re.M)
LINK = re.compile(r"\]\(#([^)\s]+)\)")


def defined_names(texts: list[str]) -> set[str]:
    names: set[str] = set()
    for text in texts:
        for pattern in LABEL_DEFS:
            names.update(pattern.findall(text))
        names.update(GLUE_DEFS.findall(text))
    return names


def referenced_names(text: str) -> set[str]:
    names = set()
    for role, target in ROLE.findall(text):
        inside = re.search(r"<([^<>]+)>\s*$", target)
        target = (inside.group(1) if inside else target).strip().lstrip("~")
        if role.startswith("glue"):
            target = target.split(":")[0]
        names.add(target.lstrip("#"))
    names.update(GLUE_DIRECTIVE.findall(text))
    names.update(LINK.findall(text))
    return names


def dangling_references(chapters: list[Chapter]) -> list[str]:
    """References in the remaining text to names that only a removed solution defined."""
    kept_defs = defined_names([t for ch in chapters for t in ch.kept_text])
    only_in_solutions = {}
    for chapter in chapters:
        for name in defined_names(chapter.solution_text) - kept_defs:
            only_in_solutions[name] = chapter.doc
    problems = []
    for chapter in chapters:
        for name in sorted(referenced_names("\n".join(chapter.kept_text)) & set(only_in_solutions)):
            problems.append(f"{chapter.doc} refers to {name!r}, which only a solution of "
                            f"{only_in_solutions[name]} defines")
    return problems


# The wheels the student notebooks install -----------------------------------------------------

def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(project: str | Path, out: str | Path) -> Path:
    """Build the pure-Python wheel of the project whose ``pyproject.toml`` is in ``project``.

    Only what ``[tool.setuptools]`` lists goes in: its packages' ``.py`` files and package data,
    and the license. The wheel is written here rather than by a build backend so that it needs
    no network and no particular setuptools, and so that it has the same bytes every time.
    """
    project, out = Path(project), Path(out)
    config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta, tool = config["project"], config.get("tool", {}).get("setuptools", {})
    name, version = meta["name"], meta["version"]
    dist = f"{name.replace('-', '_')}-{version}"
    files: dict[str, bytes] = {}
    for package in tool.get("packages", []):
        folder = project / package.replace(".", "/")
        patterns = ["*.py", *tool.get("package-data", {}).get(package, [])]
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[path.relative_to(project).as_posix()] = path.read_bytes()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
             f"Summary: {meta.get('description', '')}", f"License: {meta.get('license', '')}"]
    if "requires-python" in meta:
        lines.append(f"Requires-Python: {meta['requires-python']}")
    lines += [f"Requires-Dist: {requirement}" for requirement in meta.get("dependencies", [])]
    files[f"{dist}.dist-info/METADATA"] = ("\n".join(lines) + "\n").encode()
    files[f"{dist}.dist-info/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: klbook.student\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    for license_file in meta.get("license-files", []):
        for path in sorted(project.glob(license_file)):
            files[f"{dist}.dist-info/licenses/{path.name}"] = path.read_bytes()
    record = f"{dist}.dist-info/RECORD"
    files[record] = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in files.items()
                            ).encode() + f"{record},,\n".encode()
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return wheel


def edition_install_source(wheels: list[str]) -> str:
    """The install cell of the edition's notebooks: the wheels beside them, by relative path.

    >>> print(edition_install_source(["wheels/kltools-0.3.0-py3-none-any.whl"]).splitlines()[-1])
        %pip install --quiet "wheels/kltools-0.3.0-py3-none-any.whl"
    """
    return source_for_requirements(" ".join(f'"{wheel}"' for wheel in wheels))


# Building the edition ----------------------------------------------------------------------------

def edition_config(config: dict, unchanged: list[str] = ()) -> dict:
    """The student edition's _config.yml: no repository anywhere, and the notebooks executed.

    The notebooks in ``unchanged`` (which lost nothing, and keep their outputs) are not executed.
    """
    config = dict(config)
    config.pop("repository", None)
    config["launch_buttons"] = {"notebook_interface": "classic", "binderhub_url": "", "colab_url": "",
                                "jupyterhub_url": "", "thebe": False}
    config["html"] = {**(config.get("html") or {}), "use_repository_button": False,
                      "use_issues_button": False, "use_edit_page_button": False}
    # The outputs were cleared: the build runs every notebook, and fails if one raises.
    config["execute"] = {**(config.get("execute") or {}), "execute_notebooks": "force",
                         "exclude_patterns": list(unchanged)}
    return config


def copy_sources(book: Path, source: Path, docs: list[Path]) -> None:
    """Copy what the build needs: the book's files, the documents of the toc and the other files
    beside them (images, data), but no page or notebook that the toc does not list."""
    for name in BOOK_FILES:
        shutil.copy2(book / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "_build", ".*")
    for name in BOOK_DIRS:
        if (book / name).is_dir():
            shutil.copytree(book / name, source / name, ignore=ignore)
    folders = {doc.parent for doc in docs}
    for folder in folders:
        for path in sorted((book / folder).rglob("*")):
            rel = path.relative_to(book)
            if (not path.is_file() or "__pycache__" in rel.parts or any(p.startswith(".") for p in rel.parts)
                    or (path.suffix in toc.SUFFIXES and rel not in docs)):
                continue
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / rel)


def write_zip(folder: Path, names: list[str]) -> Path:
    path = folder / ZIP_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / name).read_bytes())
    return path


def build(book: str | Path, out: str | Path | None = None, *, site: bool = True) -> int:
    """Build the student edition of the book in ``book`` into ``out``; 0 when it succeeded."""
    started, began = time.monotonic(), time.time()
    book = Path(book).resolve()
    out = Path(out).resolve() if out else book / "_build" / "student"
    if out.exists():
        shutil.rmtree(out)
    notebooks, source = out / "notebooks", out / "source"
    notebooks.mkdir(parents=True)
    source.mkdir()
    docs = [path.relative_to(book) for path in toc.sources(book)]
    copy_sources(book, source, docs)

    wheels = [build_wheel(book / project, notebooks / WHEELS) for project in PROJECTS]
    install = edition_install_source([f"{WHEELS}/{wheel.name}" for wheel in wheels])

    chapters: list[Chapter] = []
    written: list[str] = []
    unchanged: list[str] = []
    for rel in docs:
        path, doc = source / rel, rel.with_suffix("").as_posix()
        if path.suffix == ".ipynb":
            original = nbformat.read(path, as_version=4)
            student, chapter = strip_notebook(original, doc)
            if not chapter.solutions:  # nothing to remove: the page keeps its outputs, as in the book
                student = original
                unchanged.append(rel.as_posix())
            if any(INSTALL_TAG in cell.metadata.get("tags", []) for cell in student.cells):
                student = with_install_cell(student, install)
            nbformat.write(student, path)
            if chapter.exercises:  # the pages without exercises (Explorers, ...) are only on the site
                if (notebooks / path.name).exists():
                    raise EditionError(f"two chapter notebooks are called {path.name}")
                nbformat.write(student, notebooks / path.name)
                written.append(path.name)
        else:
            text, chapter = strip_markdown_page(path.read_text(encoding="utf-8"), doc)
            path.write_text(text, encoding="utf-8")
        chapters.append(chapter)
    write_zip(notebooks, [*written, *(f"{WHEELS}/{wheel.name}" for wheel in wheels)])
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    (source / "_config.yml").write_text(
        "# The student edition's copy of the book's _config.yml, written by klbook.student.\n"
        + yaml.safe_dump(edition_config(config, unchanged), sort_keys=False, allow_unicode=True),
        encoding="utf-8")

    print(f"{'chapter':32} exercises  solutions removed  answer cells")
    for chapter in chapters:
        print(f"{chapter.doc:32} {len(chapter.exercises):9}  {chapter.solutions:17}  {chapter.answers:12}")
    print(f"wrote {len(written)} notebooks, {len(wheels)} wheels and {ZIP_NAME} to {notebooks}/")

    problems = dangling_references(chapters)
    if problems:
        print("cannot build the student edition: text outside the solutions refers to them", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    if not site:
        return 0

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going"]
    print(f"building and executing the site in {source}: {' '.join(command[1:])}", flush=True)
    result = subprocess.run(command, cwd=source, capture_output=True, text=True)
    log = out.with_name(out.name + "-build.log")
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0 or not (source / "_build" / "html" / "index.html").exists():
        print("\n".join((result.stdout + result.stderr).splitlines()[-80:]), file=sys.stderr)
        print(f"the student site failed to build (exit {result.returncode}); full log in {log}",
              file=sys.stderr)
        return 1
    shutil.move(source / "_build" / "html", out / "html")
    shutil.rmtree(source / "_build")  # the build's intermediate files: the site is all that is needed
    # The stamp bears the time the build began: a source changed while it ran makes it stale.
    (out / ".complete").write_text("")
    os.utime(out / ".complete", (began, began))
    print(f"built the student site into {out / 'html'}/ in {time.monotonic() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        print("usage: python -m klbook.student BOOK [OUT]", file=sys.stderr)
        return 2
    try:
        return build(args[0], args[1] if len(args) > 1 else None)
    except EditionError as error:
        print(f"student edition: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
