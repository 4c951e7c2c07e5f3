"""Build the student edition of the book: every chapter without its solutions.

Usage: python tools/student_edition.py   (what `make student` runs)

Writes, from scratch each time, into _build/student/:

- ``notebooks/``: every chapter notebook of _toc.yml with its solutions removed and its outputs
  cleared, and ``notebooks/student-notebooks.zip`` holding all of them. Where a solution held code,
  one answer cell (``...``) takes its place, for the student's code, unless the exercise has a
  self-check cell (tagged ``self-check``, with its own ``answer = ...``), which stays.
- ``source/``: a copy of the book's sources (_config.yml, _toc.yml, chapters/, references.bib, _ext/)
  with every solution removed and without the notebooks that _toc.yml does not list, and
  ``source/_build/``, where Jupyter Book built it and executed the notebooks (with its own cache,
  ``source/_build/.jupyter_cache``).
- ``html/``: the site built from ``source/`` with ``jupyter-book build -W -n --keep-going``.

A solution is what sphinx-exercise calls one: a ``{solution}`` directive (in backtick or colon
fences), everything from a ``{solution-start}`` directive through its ``{solution-end}``, and any
code cell tagged ``solution``. They are removed from the sources, not hidden, so the pages,
``_sources/``, the downloads and the search index hold no trace of them. Launch buttons and the
repository button are switched off in the student copy of _config.yml: they lead to the
repository, whose notebooks have the solutions.

Before building, the script checks that no remaining text refers to a label or a glued value that
only a solution defines; such a reference would break the build, and is reported instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
STUDENT = ROOT / "_build" / "student"
BOOK_FILES = ("_config.yml", "_toc.yml", "references.bib")
BOOK_DIRS = ("chapters", "_ext")
ZIP_NAME = "student-notebooks.zip"
ANSWER_TAGS = ["remove-output"]  # a bare `...` would show "Ellipsis" under the cell on the site
SELF_CHECK_TAG = "self-check"  # a cell `answer = ...` + `check("<label>", answer)`, kept
SELF_CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")

# An opening fence: backticks or colons, a directive name in braces, its argument.
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*(?:\{(?P<name>[\w:.-]+)\})?(?P<arg>.*)$")
SOLUTION, SOLUTION_START, SOLUTION_END = "solution", "solution-start", "solution-end"
EXERCISES = ("exercise", "exercise-start")


class EditionError(Exception):
    """A chapter that cannot be turned into its student version as it is."""


@dataclass
class Block:
    """A top-level fenced block of Markdown text (lines[start:end]), or None for plain text."""

    start: int
    end: int
    name: str | None
    arg: str

    def option(self, lines: list[str], key: str) -> str | None:
        for line in lines[self.start + 1:self.end]:
            match = re.match(rf"^\s*:{key}:\s*(.*?)\s*$", line)
            if match:
                return match.group(1)
        return None


def top_level_blocks(lines: list[str]) -> list[Block]:
    """The top-level fenced blocks of Markdown lines; an unclosed fence runs to the end."""
    blocks, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match.group("fence")
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        blocks.append(Block(i, min(j + 1, len(lines)), match.group("name"), match.group("arg").strip()))
        i = j + 1
    return blocks


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
        pieces: list[tuple[str, str]] = []
        kept: list[str] = []
        all_kept: list[str] = []
        removed: list[str] = []
        was_gated = self.gated is not None

        def flush() -> None:
            if "\n".join(kept).strip():
                pieces.append(("text", "\n".join(kept).strip("\n")))
            all_kept.extend(kept)
            kept.clear()

        pos = 0
        for block in [*top_level_blocks(lines), Block(len(lines), len(lines), None, "")]:
            (kept if self.gated is None else removed).extend(lines[pos:block.start])
            body = lines[block.start:block.end]
            pos = block.end
            if block.start == len(lines):
                break
            if self.gated is not None:
                # Inside a gated solution: everything goes, up to and including its end.
                removed.extend(body)
                if block.name == SOLUTION_END:
                    if self.gated["code"]:
                        flush()
                        pieces.append(("answer", self.gated["label"]))
                    self.gated = None
            elif block.name == SOLUTION:
                self.chapter.solutions += 1
                removed.extend(body)
            elif block.name == SOLUTION_START:
                self.chapter.solutions += 1
                self.gated = {"label": block.arg.split()[0] if block.arg else self.last_exercise,
                              "code": False}
                removed.extend(body)
            elif block.name == SOLUTION_END:
                raise EditionError(f"{self.chapter.doc}: a {{solution-end}} without its {{solution-start}}")
            else:
                if block.name in EXERCISES:
                    label = block.option(lines, "label") or "?"
                    self.chapter.exercises.append((label, block.arg))
                    self.last_exercise = label
                kept.extend(body)
        flush()
        self.chapter.kept_text.append("\n".join(all_kept))
        self.chapter.solution_text.append("\n".join(removed))
        if not removed and not was_gated:
            return [("text", text)]  # untouched, as it was
        return pieces

    def finish(self) -> None:
        if self.gated is not None:
            raise EditionError(f"{self.chapter.doc}: the {{solution-start}} of {self.gated['label']} "
                               "has no {solution-end}")


def answer_cell(label: str, minor: int, taken: set[str]) -> nbformat.NotebookNode:
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
    """The student version of a notebook: solutions out, answer cells in, outputs cleared."""
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
    """The student version of a Markdown page (solutions in fenced directives only)."""
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


def toc_documents(root: Path = ROOT) -> list[str]:
    """Every document of _toc.yml, without its suffix, root first."""
    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections"))
            for part in entry.get("parts", []) or []:
                yield from walk(part.get("chapters"))
            yield from walk(entry.get("chapters"))

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"], *walk(toc.get("parts")), *walk(toc.get("chapters")), *walk(toc.get("sections"))]
    return [re.sub(r"\.(ipynb|md)$", "", doc) for doc in dict.fromkeys(docs)]


def source_of(doc: str, root: Path = ROOT) -> Path:
    for suffix in (".ipynb", ".md"):
        if (root / (doc + suffix)).exists():
            return root / (doc + suffix)
    raise FileNotFoundError(f"_toc.yml lists {doc!r}, but there is no {doc}.ipynb or {doc}.md")


def copy_sources(source: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "_build", ".*")
    for name in BOOK_FILES:
        shutil.copy2(ROOT / name, source / name)
    for name in BOOK_DIRS:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    # The launch buttons and the repository button lead to the full notebooks: not for students.
    config = yaml.safe_load((source / "_config.yml").read_text())
    config["launch_buttons"] = {**(config.get("launch_buttons") or {}),
                                "binderhub_url": "", "colab_url": "", "jupyterhub_url": "", "thebe": False}
    config.setdefault("html", {})["use_repository_button"] = False
    config["html"]["use_issues_button"] = False
    config["html"]["use_edit_page_button"] = False
    (source / "_config.yml").write_text(
        "# The student edition's copy of the book's _config.yml, written by tools/student_edition.py.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))


def write_zip(folder: Path, names: list[str]) -> Path:
    path = folder / ZIP_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes every build
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / name).read_bytes())
    return path


def build(out: Path = STUDENT) -> int:
    started, began = time.monotonic(), time.time()
    if out.exists():
        shutil.rmtree(out)
    notebooks, source = out / "notebooks", out / "source"
    notebooks.mkdir(parents=True)
    source.mkdir()
    copy_sources(source)

    # The chapters lose their solutions. Notebooks that the toc does not list (drafts) are not part
    # of the book and go; Markdown pages lose their solutions too, in case one is included somewhere.
    toc = [source_of(doc).relative_to(ROOT) for doc in toc_documents()]
    for path in source.rglob("*.ipynb"):
        if path.relative_to(source) not in toc:
            path.unlink()
    for path in source.rglob("*.md"):
        if path.relative_to(source) not in toc:
            try:
                path.write_text(strip_markdown_page(path.read_text(), str(path))[0])
            except EditionError:
                path.unlink()
    chapters: list[Chapter] = []
    written: list[str] = []
    for rel in toc:
        path, doc = source / rel, str(rel.with_suffix(""))
        if path.suffix == ".ipynb":
            student, chapter = strip_notebook(nbformat.read(path, as_version=4), doc)
            nbformat.write(student, path)
            if chapter.exercises:  # the pages without exercises (Explorers, ...) are only on the site
                if (notebooks / path.name).exists():
                    raise EditionError(f"two chapter notebooks are called {path.name}")
                nbformat.write(student, notebooks / path.name)
                written.append(path.name)
        else:
            text, chapter = strip_markdown_page(path.read_text(), doc)
            path.write_text(text)
        chapters.append(chapter)
    write_zip(notebooks, written)

    print(f"{'chapter':32} exercises  solutions removed  answer cells")
    for chapter in chapters:
        print(f"{chapter.doc:32} {len(chapter.exercises):9}  {chapter.solutions:17}  {chapter.answers:12}")
    print(f"wrote {len(written)} notebooks and {ZIP_NAME} to {notebooks.relative_to(ROOT)}/")

    problems = dangling_references(chapters)
    if problems:
        print("cannot build the student edition: text outside the solutions refers to them", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going"]
    print(f"building the site in {source.relative_to(ROOT)}: {' '.join(command[1:])}", flush=True)
    result = subprocess.run(command, cwd=source, capture_output=True, text=True)
    log = out / "build.log"
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0 or not (source / "_build" / "html" / "index.html").exists():
        print("\n".join((result.stdout + result.stderr).splitlines()[-80:]), file=sys.stderr)
        print(f"the student site failed to build (exit {result.returncode}); full log in "
              f"{log.relative_to(ROOT)}", file=sys.stderr)
        return 1
    shutil.move(source / "_build" / "html", out / "html")
    # The stamp bears the time the build began: a source changed while it ran makes it stale.
    (out / ".complete").write_text("")
    os.utime(out / ".complete", (began, began))
    print(f"built the student site into {(out / 'html').relative_to(ROOT)}/ "
          f"in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(build())
    except EditionError as error:
        sys.exit(f"student edition: {error}")
