"""Grade submitted notebooks against the instructors' answer keys, in a way a student cannot forge.

Usage: ``python -m klbook.grading BOOK SUBMISSIONS [--keys FOLDER] [--out FOLDER]``
(what ``make grade SUBMISSIONS=<folder>`` runs)

A submission is a chapter notebook of the student edition with the ``answer = ...`` lines of its
self-check cells filled in. Each one is matched to its chapter by its file name (``what_kl_measures.ipynb``,
or ``what_kl_measures-alice.ipynb``: the longest chapter name it starts with), and is graded on
every exercise that has an answer key in the instructor's keys for that chapter
(``instructor/keys/<chapter>.py``), whatever the submission itself still holds. Then:

1. the grader finds each exercise's self-check cell in the submission: a code cell tagged
   ``self-check`` that names the exercise, or the cell with the id of the chapter's own self-check
   cell; the last one counts. An exercise whose cell is gone is *unanswered*;
2. before that cell it inserts a cell of its own that deletes ``answer`` (so that an answer left by
   another exercise cannot count), and after it a probe cell that prints ``answer``'s numbers as
   JSON on one line marked with a random nonce;
3. the notebook runs in a fresh kernel, in a temporary folder, with a time limit per cell (a cell
   that runs longer is interrupted and the next one runs) and one for the whole notebook (then the
   kernel is killed); errors do not stop it;
4. in the grader's own process, the numbers of each probe are compared with the answer key
   (:func:`klbook.answerkeys.is_right`). Nothing else the kernel prints is read: text that says
   "right.", a replaced ``check`` or a forged output changes nothing, and the only way to a
   *right* verdict is for ``answer`` to hold the right numbers.

Verdicts: *right*, *wrong*, *unanswered* (no self-check cell, or ``answer`` still ``...``) and
*error* (the cell raised before ``answer`` was set, the kernel died or ran out of time, or the probe
could not report). The grades go to ``OUT/grades.csv`` (notebook, label, verdict) and the totals to
``OUT/totals.csv`` (notebook, chapter, right, out of), and each notebook as it ran (with the
grader's cells) to ``OUT/executed/``.

What it does not do: it grades the numbers of the computational exercises, not derivations or
explanations, which an instructor reads. And it runs the students' code as the user who runs it:
run it where that code cannot read ``instructor/keys`` (a container, or an account without access
to the keys), since a notebook could look for them on the disk.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from klbook import toc
from klbook.answerkeys import AnswerKey, is_right, load_keys

__all__ = ["VERDICTS", "Grade", "chapter_of", "grade_folder", "grade_notebook", "main", "self_check_cells"]

VERDICTS = ("right", "wrong", "unanswered", "error")
SELF_CHECK_TAG = "self-check"
GRADER_TAG = "klbook-grader"
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")
MARK = "KLGRADE"
MAX_NUMBERS = 64  # an answer is a few numbers; more is not an answer
CELL_TIMEOUT = 60  # seconds a cell may run before it is interrupted
NOTEBOOK_TIMEOUT = 600  # seconds a whole notebook may run before its kernel is killed

# The probe, run in the student's kernel right after a self-check cell. It only turns `answer` into
# plain numbers; what those numbers are worth is decided in the grader's process.
PROBE = '''\
# Added by the grader (klbook.grading): reports the value of `answer`.
def _klgrade_plain(value, depth=0):
    if value is Ellipsis:
        return "..."
    if depth > 2:
        return None
    if isinstance(value, dict):
        return {{"dict": {{str(k): _klgrade_plain(v, depth + 1) for k, v in list(value.items())[:{limit}]}}}}
    if hasattr(value, "ndim") and hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        return {{"seq": [_klgrade_plain(v, depth + 1) for v in value[:{limit}]], "n": len(value)}}
    if isinstance(value, (bool, str, bytes)) or not hasattr(value, "__float__"):
        return None
    try:
        return float(value)
    except Exception:
        return None
print("{mark} {nonce}", __import__("json").dumps(
    _klgrade_plain(globals()["answer"]) if "answer" in globals() else {{"undefined": True}}))
del _klgrade_plain'''
FORGET = "# Added by the grader (klbook.grading): forget any earlier answer.\nglobals().pop('answer', None)"


@dataclass(frozen=True)
class Grade:
    """The verdict on one exercise of one submitted notebook."""

    notebook: str
    label: str
    verdict: str


def chapter_of(name: str, chapters: list[str]) -> str | None:
    """The chapter a submitted file belongs to: the longest chapter name its stem is or starts with.

    >>> chapter_of("what_kl_measures-alice.ipynb", ["what_kl_measures", "what_kl"])
    'what_kl_measures'
    >>> chapter_of("homework.ipynb", ["what_kl_measures"]) is None
    True
    """
    stem = Path(name).stem
    fits = [c for c in chapters if stem == c or (stem.startswith(c) and not stem[len(c)].isalnum())]
    return max(fits, key=len, default=None)


def self_check_cells(notebook: nbformat.NotebookNode) -> dict[str, str | None]:
    """``{label: cell id}`` of the self-check cells of a notebook, in order."""
    found: dict[str, str | None] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and SELF_CHECK_TAG in cell.get("metadata", {}).get("tags", []):
            for label in CHECK_CALL.findall(cell.source)[:1]:
                found[label] = cell.get("id")
    return found


def _answer_cell(cells: list, label: str, source_id: str | None) -> int | None:
    """The index of the submission's cell that answers ``label`` (the last candidate), or None."""
    found = None
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        tagged = SELF_CHECK_TAG in cell.get("metadata", {}).get("tags", [])
        if (tagged and label in CHECK_CALL.findall(cell.source)) or (
                source_id is not None and cell.get("id") == source_id):
            found = i
    return found


def _grader_cell(source: str, n: int) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [GRADER_TAG]})
    cell.id = f"klbook-grader-{n}"
    return cell


def prepare(submission: nbformat.NotebookNode, wanted: dict[str, str | None]
            ) -> tuple[nbformat.NotebookNode, dict[str, tuple[int, str]]]:
    """The notebook to run: the submission with the grader's cells around each self-check cell.

    Returns it and ``{label: (index of the probe cell, nonce)}`` for the exercises found.
    """
    cells = [nbformat.from_dict(cell) for cell in submission.cells
             if GRADER_TAG not in cell.get("metadata", {}).get("tags", [])]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    where = {label: i for label, source_id in wanted.items()
             if (i := _answer_cell(cells, label, source_id)) is not None}
    before: dict[int, list[str]] = {}
    for label, i in where.items():
        before.setdefault(i, []).append(label)
    out, probes = [], {}
    for i, cell in enumerate(cells):
        if i in before:
            out.append(_grader_cell(FORGET, len(out)))
        out.append(cell)
        for label in before.get(i, []):
            nonce = secrets.token_hex(16)
            probes[label] = (len(out), nonce)
            out.append(_grader_cell(PROBE.format(mark=MARK, nonce=nonce, limit=MAX_NUMBERS), len(out)))
    notebook = nbformat.v4.new_notebook(cells=out, metadata=submission.get("metadata", {}))
    notebook.metadata.pop("widgets", None)
    return notebook, probes


def _plain(value: Any) -> Any:
    """The answer that a probe reported, as the grader compares it; ``_Unusable`` if it is none."""
    if value == "...":
        return Ellipsis
    if isinstance(value, float) and not isinstance(value, bool):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict) and set(value) == {"seq", "n"} and isinstance(value["seq"], list):
        if value["n"] != len(value["seq"]):
            return _UNUSABLE
        return tuple(_plain(v) for v in value["seq"])
    if isinstance(value, dict) and set(value) == {"dict"} and isinstance(value["dict"], dict):
        return {k: _plain(v) for k, v in value["dict"].items()}
    return _UNUSABLE


class _Unusable:
    """What an answer the grader cannot read becomes: it never equals an expected answer."""

    def __repr__(self) -> str:
        return "<unusable answer>"


_UNUSABLE = _Unusable()
NO_REPORT = object()  # a probe that printed no report, or more than one


def _holds(value: Any, thing: Any) -> bool:
    if value is thing:
        return True
    if isinstance(value, tuple):
        return any(_holds(v, thing) for v in value)
    if isinstance(value, dict):
        return any(_holds(v, thing) for v in value.values())
    return False


def _probe_report(cell: nbformat.NotebookNode, nonce: str) -> Any:
    """The JSON the probe printed, or ``NO_REPORT`` when it printed no single well-formed report."""
    # A kernel may deliver one printed line in several stream messages: join them before reading.
    text = "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")
    lines = [line for line in text.splitlines() if line.startswith(f"{MARK} {nonce} ")]
    if len(lines) != 1 or len(lines[0]) > 100_000:
        return NO_REPORT
    try:
        return json.loads(lines[0][len(MARK) + len(nonce) + 2:])
    except ValueError:
        return NO_REPORT


def _raised(cell: nbformat.NotebookNode) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def judge(key: AnswerKey, expected: Any, report: Any, raised: bool) -> str:
    """The verdict on one exercise from its probe's report."""
    if report is NO_REPORT:
        return "error"
    if isinstance(report, dict) and report == {"undefined": True}:
        return "error" if raised else "unanswered"
    answer = _plain(report)
    if _holds(answer, Ellipsis):
        return "unanswered"
    if _holds(answer, _UNUSABLE):
        return "wrong"
    try:
        return "right" if is_right(key, answer, expected) else "wrong"
    except (TypeError, ValueError, OverflowError):
        return "wrong"


def _run(notebook: nbformat.NotebookNode, folder: Path, cell_timeout: float, notebook_timeout: float,
         kernel_name: str) -> str | None:
    """Run the notebook in place (errors allowed); returns why it stopped early, or None."""
    client = NotebookClient(
        notebook, timeout=cell_timeout, kernel_name=kernel_name, allow_errors=True,
        interrupt_on_timeout=True, record_timing=False, startup_timeout=120,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": f"the cell ran over {cell_timeout:g} s",
                          "traceback": []},
        resources={"metadata": {"path": str(folder)}},
    )
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                process.send_signal(signal.SIGKILL)
            except (OSError, ValueError):
                pass

    timer = threading.Timer(notebook_timeout, kill)
    timer.daemon = True
    try:
        timer.start()
        client.execute()
    except (DeadKernelError, CellExecutionError, RuntimeError, TimeoutError, OSError) as error:
        if killed.is_set():
            return f"ran over {notebook_timeout:g} s and was stopped"
        return f"stopped: {type(error).__name__}: {str(error)[:200]}"
    except Exception as error:  # the grader must go on to the next notebook whatever happened
        return f"stopped: {type(error).__name__}: {str(error)[:200]}"
    finally:
        timer.cancel()
    return f"ran over {notebook_timeout:g} s and was stopped" if killed.is_set() else None


def grade_notebook(path: Path, chapter: str, source: nbformat.NotebookNode, keys: dict[str, AnswerKey],
                   expected: dict[str, Any], *, name: str | None = None,
                   cell_timeout: float = CELL_TIMEOUT, notebook_timeout: float = NOTEBOOK_TIMEOUT,
                   kernel_name: str = "python3", keep: Path | None = None) -> tuple[list[Grade], str]:
    """The grades of one submitted notebook of ``chapter``, and a note on how it ran.

    With ``keep``, the notebook as it ran (with the grader's cells and the outputs) is written there.
    """
    name = name or path.name
    # The exercises to grade are the chapter's keys, in the order of the chapter's self-checks.
    source_cells = self_check_cells(source)
    order = [label for label in source_cells if label in keys] + [x for x in keys if x not in source_cells]
    wanted = {label: source_cells.get(label) for label in order}
    try:
        submission = nbformat.read(path, as_version=4)
    except Exception as error:  # not a notebook at all
        return [Grade(name, label, "error") for label in wanted], f"unreadable: {error}"
    notebook, probes = prepare(submission, wanted)
    with tempfile.TemporaryDirectory(prefix="klbook-grade-") as folder:
        stopped = _run(notebook, Path(folder), cell_timeout, notebook_timeout, kernel_name)
    if keep is not None:
        keep.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, keep)
    grades = []
    for label in wanted:
        if label not in probes:
            grades.append(Grade(name, label, "unanswered"))
            continue
        index, nonce = probes[label]
        report = _probe_report(notebook.cells[index], nonce)
        raised = _raised(notebook.cells[index - 1])
        grades.append(Grade(name, label, judge(keys[label], expected[label], report, raised)))
    return grades, stopped or "ran to the end"


def grade_folder(book: str | Path, submissions: str | Path, keys_folder: str | Path | None = None,
                 out: str | Path | None = None, *, cell_timeout: float = CELL_TIMEOUT,
                 notebook_timeout: float = NOTEBOOK_TIMEOUT, kernel_name: str = "python3",
                 log=print) -> list[Grade]:
    """Grade every ``*.ipynb`` under ``submissions``; write ``grades.csv`` and ``totals.csv`` to ``out``."""
    book, submissions = Path(book), Path(submissions)
    keys_folder = Path(keys_folder) if keys_folder else book / "instructor" / "keys"
    out = Path(out) if out else book / "_build" / "grades"
    if not submissions.is_dir():
        raise FileNotFoundError(f"no folder of submissions at {submissions}; "
                                "give SUBMISSIONS=<folder of .ipynb>")
    keys = load_keys(keys_folder)
    sources = {path.stem: path for path in toc.notebooks(book)}
    chapters = [chapter for chapter in sources if chapter in keys]
    expected: dict[str, Any] = {}  # computed once, for the chapters that have submissions
    grades: list[Grade] = []
    totals = []
    paths = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    for path in paths:
        name = str(path.relative_to(submissions))
        chapter = chapter_of(path.name, chapters)
        if chapter is None:
            log(f"{name}: no chapter with self-checks is called like this file; not graded")
            grades.append(Grade(name, "", "error"))
            totals.append((name, "", 0, 0))
            continue
        started = time.monotonic()
        source = nbformat.read(sources[chapter], as_version=4)
        for label, key in keys[chapter].items():
            if label not in expected:
                expected[label] = key.expected()
        mine, note = grade_notebook(path, chapter, source, keys[chapter], expected, name=name,
                                    cell_timeout=cell_timeout, notebook_timeout=notebook_timeout,
                                    kernel_name=kernel_name, keep=out / "executed" / name)
        right = sum(grade.verdict == "right" for grade in mine)
        log(f"{name}: {right}/{len(mine)} right ({chapter}; {note}; {time.monotonic() - started:.0f} s)")
        grades += mine
        totals.append((name, chapter, right, len(mine)))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["notebook", "label", "verdict"])
        writer.writerows((grade.notebook, grade.label, grade.verdict) for grade in grades)
    with open(out / "totals.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["notebook", "chapter", "right", "out_of"])
        writer.writerows(totals)
    log(f"graded {len(paths)} notebooks: {out / 'grades.csv'}, {out / 'totals.csv'}")
    return grades


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m klbook.grading", description=__doc__.split("\n")[0])
    parser.add_argument("book", type=Path, help="the book's folder (with _toc.yml and the chapters)")
    parser.add_argument("submissions", type=Path, help="a folder of .ipynb files (searched recursively)")
    parser.add_argument("--keys", type=Path, help="the answer keys (default: BOOK/instructor/keys)")
    parser.add_argument("--out", type=Path, help="where the grades go (default: BOOK/_build/grades)")
    parser.add_argument("--cell-timeout", type=float, default=CELL_TIMEOUT, help="seconds per cell")
    parser.add_argument("--notebook-timeout", type=float, default=NOTEBOOK_TIMEOUT, help="seconds in all")
    args = parser.parse_args(argv)
    try:
        grade_folder(args.book, args.submissions, args.keys, args.out, cell_timeout=args.cell_timeout,
                     notebook_timeout=args.notebook_timeout)
    except FileNotFoundError as error:
        print(f"grading: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
