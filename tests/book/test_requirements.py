"""Binder installs requirements.txt and nothing else: every module a chapter imports must come from it.

Each chapter notebook's code cells are parsed (IPython magics dropped) and every module they
import is traced to the installed distribution that provides it. That distribution must be named
in requirements.txt, or be a dependency (at any depth) of one that is, so that an environment made
from requirements.txt alone, as repo2docker makes it, runs every chapter.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from klbook import toc
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(line: str) -> str | None:
    line = line.split("#")[0].strip()
    if not line:
        return None
    if line.startswith("-e "):
        path = ROOT / line[3:].strip()
        return normalized(re.search(r'^name = "(.+)"$', (path / "pyproject.toml").read_text(), re.M)[1])
    return normalized(re.split(r"[<>=!~\[; ]", line)[0])


def installed_by_requirements() -> set[str]:
    """The distributions requirements.txt installs: its lines and all their dependencies."""
    todo = [name for line in (ROOT / "requirements.txt").read_text().splitlines()
            if (name := requirement_names(line))]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue  # optional extras, other platforms: not installed by requirements.txt
            todo.append(normalized(requirement.name))
    return seen


def imported_modules(notebook: Path) -> set[str]:
    modules = set()
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        # IPython magics and shell lines become `pass`, keeping their indentation.
        source = "\n".join(line[: len(line) - len(line.lstrip())] + "pass"
                           if line.lstrip().startswith(("%", "!")) else line
                           for line in "".join(cell["source"]).splitlines())
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules


INSTALLED = installed_by_requirements()
PROVIDERS = metadata.packages_distributions()


@pytest.mark.parametrize("notebook", toc.notebooks(ROOT), ids=lambda p: p.stem)
def test_every_import_of_a_chapter_comes_from_requirements_txt(notebook):
    missing = {}
    for module in imported_modules(notebook):
        if module in sys.stdlib_module_names:
            continue
        providers = {normalized(name) for name in PROVIDERS.get(module, [])}
        if not providers & INSTALLED:
            missing[module] = sorted(providers) or ["nothing installed provides it"]
    assert not missing, f"{notebook.name} imports modules that requirements.txt does not install: {missing}"


def test_the_check_sees_a_test_only_dependency():
    # pytest is installed here (requirements-test.txt) but not by requirements.txt: it must be caught.
    assert normalized("pytest") not in INSTALLED and normalized("numpy") in INSTALLED
