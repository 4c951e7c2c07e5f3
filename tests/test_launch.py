"""Every chapter notebook installs kltools where it is missing, from the repository in _config.yml."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import install_cell  # noqa: E402  (the tool that writes the cell)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", install_cell.chapter_notebooks(), ids=lambda p: p.stem)
def test_first_code_cell_installs_kltools(path):
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    first = cells[0]
    assert first.source == install_cell.install_source(CONFIG), (
        f"{path.name}: its first code cell is not the install cell for {CONFIG['repository']['url']}; "
        "run `.venv/bin/python tools/install_cell.py` and re-execute the notebook"
    )
    assert "remove-cell" in first.metadata.get("tags", [])


def test_install_cell_names_the_repository_of_the_config():
    source = install_cell.install_source(CONFIG)
    assert f"git+{CONFIG['repository']['url']}@{CONFIG['repository']['branch']}" in source
    assert source.count("http") == 1  # the address is written once, taken from _config.yml
