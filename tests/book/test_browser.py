"""`make test` finds a browser, installs one, or stops with one line saying what to install."""

from __future__ import annotations

import os

import pytest
from klbook import browser


@pytest.fixture
def no_browser(monkeypatch, tmp_path):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browser, "SYSTEM_PATHS", (str(tmp_path / "chromium"),))
    monkeypatch.setattr(browser, "_playwright_chromium", lambda: None)
    tried = []
    monkeypatch.setattr(browser, "_run", lambda command: tried.append(command) or False)
    monkeypatch.setattr(browser.subprocess, "run", lambda command, **kw: tried.append(command))
    return tried


def test_without_any_browser_it_says_in_one_line_what_to_install(no_browser, monkeypatch, capsys):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 1000)  # not root: no apt-get
    assert browser.main(["--check"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == browser.ADVICE and "\n" not in err and "apt-get install chromium" in err
    assert no_browser == [[browser.sys.executable, "-m", "playwright", "install", "chromium"]]


def test_as_root_on_debian_it_tries_playwright_then_apt_get(no_browser, monkeypatch):
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    monkeypatch.setattr(browser.shutil, "which", lambda name: "/usr/bin/apt-get")
    assert browser.provide_chromium() is None  # both fail here (nothing is really installed)
    assert [command[:2] for command in no_browser] == [
        [browser.sys.executable, "-m"], ["apt-get", "update"], ["apt-get", "install"]]


def test_the_environment_variable_and_system_paths_come_first(monkeypatch, tmp_path):
    executable = tmp_path / "chrome"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(executable))
    assert browser.find_chromium() == str(executable)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="CHROMIUM="):
        browser.find_chromium()
    monkeypatch.delenv("CHROMIUM")
    monkeypatch.setattr(browser, "SYSTEM_PATHS", (str(tmp_path / "none"), str(executable)))
    assert browser.find_chromium() == str(executable)
    assert os.access(executable, os.X_OK)
