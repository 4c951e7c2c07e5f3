"""Every chapter notebook installs kltools and klbook where they are missing (Colab), from _config.yml."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from klbook import install_cell, toc

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", toc.notebooks(ROOT), ids=lambda p: p.stem)
def test_first_code_cell_installs_kltools(path):
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    first = cells[0]
    assert first.source == install_cell.install_source(CONFIG), (
        f"{path.name}: its first code cell is not the install cell for {CONFIG['repository']['url']}; "
        "run `.venv/bin/python -m klbook.install_cell .` and re-execute the notebook"
    )
    assert "remove-cell" in first.metadata.get("tags", [])


def test_install_cell_names_the_repository_of_the_config():
    source = install_cell.install_source(CONFIG)
    url = f"git+{CONFIG['repository']['url']}@{CONFIG['repository']['branch']}"
    assert f'"kltools @ {url}"' in source and f'"klbook @ {url}#subdirectory=book"' in source
