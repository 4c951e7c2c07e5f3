"""kltools as a library of its own: its wheel, installed beside numpy and scipy alone, works.

The wheel is built from the repository (``pip wheel --no-deps``) and installed into a fresh
virtual environment that has only numpy and scipy, and nothing of the book: once with the versions
pinned in requirements.txt, once with the oldest that pyproject.toml admits (numpy 2.0, scipy 1.15,
the first with the random-variable classes such as ``stats.Normal``). From a folder outside the
repository, the test then checks that ``import kltools`` loads none of the book's libraries, that
every kltools doctest passes with the standard library's doctest, and that the wheel holds the
LICENSE and one version number.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK_LIBRARIES = ("matplotlib", "ipywidgets", "IPython", "yaml", "PIL", "myst_nb", "klbook", "mpmath")


def pinned(name: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.split("==")[0].strip().lower() == name:
            return line.strip()
    raise AssertionError(f"{name} is not pinned in requirements.txt")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what the wheel is made of, so that setuptools' build/ folder stays out of
    # the repository.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "kltools", source / "kltools", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(source)], check=True)
    (path,) = out.glob("kltools-*.whl")
    return path


LOWEST = ("numpy==2.0.2", "scipy==1.15.3")


@pytest.fixture(scope="module", params=["pinned", "lowest"])
def bare_python(request, tmp_path_factory, wheel) -> Path:
    venv = tmp_path_factory.mktemp(f"venv-{request.param}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    versions = (pinned("numpy"), pinned("scipy")) if request.param == "pinned" else LOWEST
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *versions, str(wheel)], check=True)
    return python


def test_wheel_holds_the_package_the_license_and_one_version(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert not any(name.startswith(("klbook/", "tests/", "chapters/", "instructor/")) for name in names)
    version = re.search(r"^version = \"(.+)\"$", (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert f"kltools-{version}-" in wheel.name
    source = (ROOT / "kltools" / "__init__.py").read_text()
    assert version not in source  # read from the metadata, not written a second time


def test_kltools_alone_imports_no_book_library_and_its_doctests_pass(bare_python, tmp_path):
    script = textwrap.dedent(f"""
        import doctest, importlib, pkgutil, sys
        import kltools
        assert "{ROOT}" not in kltools.__file__, kltools.__file__
        loaded = [name for name in {BOOK_LIBRARIES!r} if name in sys.modules]
        assert not loaded, f"import kltools loaded {{loaded}}"
        failed = tried = 0
        for module in pkgutil.iter_modules(kltools.__path__):
            result = doctest.testmod(importlib.import_module(f"kltools.{{module.name}}"))
            failed, tried = failed + result.failed, tried + result.attempted
        result = doctest.testmod(kltools)
        failed, tried = failed + result.failed, tried + result.attempted
        loaded = [name for name in {BOOK_LIBRARIES!r} if name in sys.modules]
        assert not loaded, f"the doctests loaded {{loaded}}"
        print(f"doctests: {{tried}} tried, {{failed}} failed, version {{kltools.__version__}}")
        sys.exit(1 if failed or not tried else 0)
    """)
    run = subprocess.run([str(bare_python), "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"doctests: \d+ tried, 0 failed", run.stdout)
