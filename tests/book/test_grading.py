"""The grader (klbook.grading, `make grade`) cannot be forged, and gives full marks to right answers.

Most forgeries are tried on a tiny chapter made here, with two answer keys: each submission runs in
a kernel of its own, so they are kept small. Then a real chapter of the book: its student version
(made by klbook.student), half answered right and half forged, graded by the command `make grade`
runs. That submission keeps the chapter's exercises and what they need, not the rest of the
chapter's code, which strict nbval and the student edition's build already run (so that no notebook
runs more than twice in one `make test`).
"""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from klbook import toc
from klbook.answerkeys import load_keys
from klbook.grading import SELF_CHECK_TAG, chapter_of, grade_folder
from klbook.selfcheck import as_form, shape_of
from klbook.student import strip_notebook

ROOT = Path(__file__).resolve().parents[2]

TINY_KEYS = '''
import math

from klbook.answerkeys import AnswerKey

KEYS = {
    "tiny-ex-1": AnswerKey(lambda: math.sqrt(2), "one number", "square it"),
    "tiny-ex-2": AnswerKey(lambda: (math.log(3), math.pi), "two numbers", "natural logarithm"),
}
'''
RIGHT = {"tiny-ex-1": "math.sqrt(2)", "tiny-ex-2": "(math.log(3), math.pi)"}


def exercise(n: int) -> list:
    return [
        nbformat.v4.new_markdown_cell(f"```{{exercise}} Number {n} · ★ · computation\n:label: tiny-ex-{n}\n"
                                      "Compute it.\n```"),
        nbformat.v4.new_code_cell(f'answer = ...  # the form\ncheck("tiny-ex-{n}", answer)',
                                  metadata={"tags": ["self-check"]}),
    ]


def tiny_chapter() -> nbformat.NotebookNode:
    # The students' `check` would need digests of its own; a stand-in prints the same kind of line.
    setup = nbformat.v4.new_code_cell('import math\n\n\ndef check(label, answer):\n'
                                      '    print(f"Exercise {label}: not yet.")')
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Tiny"), setup,
                                               *exercise(1), *exercise(2)])
    for i, cell in enumerate(notebook.cells):  # the ids a student's copy keeps
        cell.id = f"cell-{i}"
    return notebook


def answered(notebook: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of the notebook with ``answer = ...`` of each self-check cell filled in."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        label = re.search(r'check\("([^"]+)"', cell.source) if cell.cell_type == "code" else None
        if label and label[1] in answers and "self-check" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace("answer = ...", f"answer = {answers[label[1]]}", 1)
    return notebook


def self_check(notebook: nbformat.NotebookNode, n: int) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if f'"tiny-ex-{n}"' in cell.source)


def forged_submissions() -> dict[str, tuple[nbformat.NotebookNode, dict[str, str]]]:
    """{name: (notebook, {label: the verdict it must get})}."""
    good = answered(tiny_chapter(), RIGHT)
    cases = {"tiny-right": (good, {"tiny-ex-1": "right", "tiny-ex-2": "right"})}

    printed = tiny_chapter()  # prints the line a self-check prints when the answer is right
    for n in (1, 2):
        self_check(printed, n).source += f'\nprint("Exercise tiny-ex-{n}: right.")'
    cases["tiny-printed"] = (printed, {"tiny-ex-1": "unanswered", "tiny-ex-2": "unanswered"})

    patched = answered(tiny_chapter(), {"tiny-ex-1": "1.0", "tiny-ex-2": "(1.0, 3.0)"})
    patched.cells.insert(1, nbformat.v4.new_code_cell(
        "import klbook.selfcheck\n"
        'klbook.selfcheck.verdict = lambda label, answer: f"Exercise {label}: right."\n'
        "klbook.selfcheck.check = lambda label, answer: print(klbook.selfcheck.verdict(label, answer))\n"
        "import builtins\nbuiltins.check = klbook.selfcheck.check"))
    patched.cells.append(nbformat.v4.new_code_cell("check = klbook.selfcheck.check"))
    for n in (1, 2):  # and the checker is reassigned right in the self-check cells
        cell = self_check(patched, n)
        cell.source = "check = klbook.selfcheck.check\n" + cell.source
    cases["tiny-patched"] = (patched, {"tiny-ex-1": "wrong", "tiny-ex-2": "wrong"})

    deleted = answered(tiny_chapter(), RIGHT)  # the right answers, but outside the self-check cells
    deleted.cells = [cell for cell in deleted.cells if "self-check" not in cell.metadata.get("tags", [])]
    deleted.cells.append(nbformat.v4.new_code_cell(f"answer = {RIGHT['tiny-ex-2']}"))
    cases["tiny-deleted"] = (deleted, {"tiny-ex-1": "unanswered", "tiny-ex-2": "unanswered"})

    edited = tiny_chapter()
    # ex-1: the answer is set in an earlier cell and the self-check cell only calls check;
    # ex-2: the cell no longer names its exercise and says "right." itself.
    index = edited.cells.index(self_check(edited, 1))
    edited.cells.insert(index, nbformat.v4.new_code_cell(f"answer = {RIGHT['tiny-ex-1']}"))
    self_check(edited, 1).source = 'check("tiny-ex-1", answer)'
    cell = self_check(edited, 2)
    cell.source = f'answer = {RIGHT["tiny-ex-1"]}\nprint("Exercise tiny-ex-2: right.")'
    cell.id = "another-id"
    cases["tiny-edited"] = (edited, {"tiny-ex-1": "error", "tiny-ex-2": "unanswered"})

    untagged = answered(tiny_chapter(), RIGHT)  # the tags lost: the cells are found by their ids
    for cell in untagged.cells:
        cell.metadata.pop("tags", None)
    cases["tiny-untagged"] = (untagged, {"tiny-ex-1": "right", "tiny-ex-2": "right"})

    wrong_form = answered(tiny_chapter(), {"tiny-ex-1": '"1.41421356"', "tiny-ex-2": "(math.log(3),)"})
    cases["tiny-wrong-form"] = (wrong_form, {"tiny-ex-1": "wrong", "tiny-ex-2": "wrong"})

    raising = answered(tiny_chapter(), {"tiny-ex-1": "1 / 0", "tiny-ex-2": RIGHT["tiny-ex-2"]})
    raising.cells.insert(1, nbformat.v4.new_code_cell('raise RuntimeError("no grade for you")'))
    raising.cells.insert(2, nbformat.v4.new_code_cell("raise SystemExit(3)"))
    cases["tiny-raising"] = (raising, {"tiny-ex-1": "error", "tiny-ex-2": "right"})

    dying = answered(tiny_chapter(), RIGHT)
    dying.cells.insert(len(dying.cells) - 1, nbformat.v4.new_code_cell("import os\nos._exit(0)"))
    cases["tiny-dying"] = (dying, {"tiny-ex-1": "right", "tiny-ex-2": "error"})

    looping = answered(tiny_chapter(), RIGHT)
    self_check(looping, 1).source = "while True:\n    pass"
    cases["tiny-looping"] = (looping, {"tiny-ex-1": "error", "tiny-ex-2": "right"})

    stubborn = answered(tiny_chapter(), RIGHT)  # ignores interrupts: only the notebook's time limit stops it
    stubborn.cells.insert(len(stubborn.cells) - 1, nbformat.v4.new_code_cell(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"))
    cases["tiny-stubborn"] = (stubborn, {"tiny-ex-1": "right", "tiny-ex-2": "error"})

    # A hook that prints a report of its own, with the probe's nonce read from the probe's source:
    # the probe then has two reports, and neither counts.
    hooked = answered(tiny_chapter(), {"tiny-ex-1": "0.0", "tiny-ex-2": "(0.0, 0.0)"})
    hooked.cells.insert(1, nbformat.v4.new_code_cell(
        "import re\n\n\ndef fake(info):\n"
        "    nonce = re.search(r'KLGRADE ([0-9a-f]+)', info.raw_cell or '')\n"
        "    if nonce:\n"
        "        print('KLGRADE', nonce[1], '1.4142135623730951')\n\n\n"
        "get_ipython().events.register('pre_run_cell', fake)"))
    cases["tiny-hooked"] = (hooked, {"tiny-ex-1": "error", "tiny-ex-2": "error"})
    return cases


@pytest.fixture(scope="module")
def tiny_grades(tmp_path_factory) -> tuple[dict, dict, Path]:
    book = tmp_path_factory.mktemp("book")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: tiny\n")
    (book / "intro.md").write_text("# A tiny book\n")
    nbformat.write(tiny_chapter(), book / "tiny.ipynb")
    keys = book / "instructor" / "keys"
    keys.mkdir(parents=True)
    (keys / "tiny.py").write_text(TINY_KEYS)
    submissions = book / "submissions"
    submissions.mkdir()
    cases = forged_submissions()
    for name, (notebook, _) in cases.items():
        nbformat.write(notebook, submissions / f"{name}.ipynb")
    (submissions / "homework.ipynb").write_text("not a notebook of any chapter")
    (submissions / "tiny-garbled.ipynb").write_text("{ not json")
    out = book / "grades"
    grades = grade_folder(book, submissions, out=out, cell_timeout=4, notebook_timeout=12, log=lambda _: None)
    found = {(grade.notebook, grade.label): grade.verdict for grade in grades}
    return cases, found, out


@pytest.mark.parametrize("name", list(forged_submissions()))
def test_each_submission_gets_the_verdicts_it_deserves(name, tiny_grades):
    cases, found, _ = tiny_grades
    _, wanted = cases[name]
    got = {label: found.get((f"{name}.ipynb", label)) for label in wanted}
    assert got == wanted


def test_the_grader_writes_its_tables_and_survives_what_is_not_a_submission(tiny_grades):
    cases, found, out = tiny_grades
    assert found[("homework.ipynb", "")] == "error"
    assert found[("tiny-garbled.ipynb", "tiny-ex-1")] == found[("tiny-garbled.ipynb", "tiny-ex-2")] == "error"
    with open(out / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {(row["notebook"], row["label"]): row["verdict"] for row in rows} == found
    with open(out / "totals.csv", newline="") as file:
        totals = {row["notebook"]: (int(row["right"]), int(row["out_of"])) for row in csv.DictReader(file)}
    for name, (_, wanted) in cases.items():
        assert totals[f"{name}.ipynb"] == (list(wanted.values()).count("right"), 2), name
    assert totals["tiny-right.ipynb"] == (2, 2) and totals["tiny-printed.ipynb"] == (0, 2)


def test_a_submission_is_matched_to_its_chapter_by_name():
    chapters = ["what_kl_measures", "forward_reverse", "forward"]
    assert chapter_of("forward_reverse.ipynb", chapters) == "forward_reverse"
    assert chapter_of("forward_reverse-ada lovelace.ipynb", chapters) == "forward_reverse"
    assert chapter_of("forward-2.ipynb", chapters) == "forward"
    assert chapter_of("forwardness.ipynb", chapters) is None


# A real chapter, through the command `make grade` runs ---------------------------------------------

def literal(value) -> str:
    """Python source for an expected answer: its numbers as floats, in its form."""
    shape = shape_of(value)
    numbers = [repr(float(x)) for x in as_form(value, shape)]
    if shape["kind"] == "dict":
        pairs = zip(shape["names"], numbers, strict=True)
        return "{" + ", ".join(f"{name!r}: {x}" for name, x in pairs) + "}"
    if shape["kind"] == "tuple":
        return "(" + ", ".join(numbers) + ("," if len(numbers) == 1 else "") + ")"
    return numbers[0]


def names_in(source: str, context: type) -> set[str]:
    """The names a cell's code binds (``ast.Store``) or reads (``ast.Load``), imports included."""
    found = set()
    for node in ast.walk(ast.parse(TransformerManager().transform_cell(source))):  # %magics too
        if isinstance(node, ast.Name) and isinstance(node.ctx, context):
            found.add(node.id)
        elif isinstance(node, ast.alias) and context is ast.Store:
            found.add((node.asname or node.name).partition(".")[0])
    return found


def exercises_only(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as handed in by a student who kept only what the graded answers need: the text,
    the self-check cells (the cells the grader reads) and the code cells that bind a name they read."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    graded = [cell for cell in code if SELF_CHECK_TAG in cell.metadata.get("tags", [])]
    read = set().union(*(names_in(cell.source, ast.Load) for cell in graded))
    kept = [cell for cell in notebook.cells if cell.cell_type == "markdown" or cell in graded
            or names_in(cell.source, ast.Store) & read]
    return nbformat.from_dict({**notebook, "cells": kept})


def test_a_real_chapter_gets_marks_for_its_right_answers_and_none_for_its_forged_ones(tmp_path):
    """One submission of the chapter's exercises: the first half answered right, the rest forged,
    each by replacing the self-check's verdict and printing the line a right answer gets."""
    keys = load_keys(ROOT / "instructor" / "keys")
    chapter = next(path for path in toc.notebooks(ROOT) if keys.get(path.stem))
    labels = list(keys[chapter.stem])
    half = (len(labels) + 1) // 2
    right, forged = labels[:half], labels[half:]
    assert right and forged, f"{chapter.stem} needs two exercises with keys for this test"
    student, _ = strip_notebook(nbformat.read(chapter, as_version=4), chapter.stem)
    answers = {label: literal(keys[chapter.stem][label].expected()) for label in right}
    submission = answered(exercises_only(student), answers)
    for cell in submission.cells:
        checked = "self-check" in cell.metadata.get("tags", [])
        found = re.search(r'check\("([^"]+)"', cell.source) if checked else None
        if found and found[1] in forged:
            cell.source = ("import klbook.selfcheck\n"
                           'klbook.selfcheck.verdict = lambda label, answer: f"Exercise {label}: right."\n'
                           + cell.source + f'\nprint("Exercise {found[1]}: right.")')
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    name = f"{chapter.stem}-mixed.ipynb"
    nbformat.write(submission, submissions / name)
    out = tmp_path / "grades"
    result = subprocess.run([sys.executable, "-m", "klbook.grading", str(ROOT), str(submissions),
                             "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "executed" / name).exists()  # the notebook as it ran is kept, to be looked at
    with open(out / "grades.csv", newline="") as file:
        verdicts = {row["label"]: row["verdict"] for row in csv.DictReader(file)}
    assert verdicts == {**dict.fromkeys(right, "right"), **dict.fromkeys(forged, "unanswered")}, result.stdout
    with open(out / "totals.csv", newline="") as file:
        totals = {row["notebook"]: (int(row["right"]), int(row["out_of"])) for row in csv.DictReader(file)}
    assert totals == {name: (len(right), len(labels))}


def test_a_report_that_arrives_in_pieces_is_read_whole():
    # A kernel may send one printed line as several stream messages ("KLGRADE <nonce>", " {...}").
    from klbook.grading import MARK, _probe_report

    cell = nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=f"{MARK} abc"),
        nbformat.v4.new_output("stream", name="stdout", text=' {"seq": [1.5, 2.0], "n": 2}\n')])
    assert _probe_report(cell, "abc") == {"seq": [1.5, 2.0], "n": 2}
