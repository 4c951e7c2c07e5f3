"""Find a Chromium for the book's browser tests, or install one, or say in one line what to install.

Usage: ``python -m klbook.browser --check`` (what ``make test`` runs before the tests): prints the
browser it will use, installing one first if there is none.

In order, :func:`find_chromium` takes the executable named by the environment variable
``CHROMIUM``; a system Chromium or Chrome (Debian's and Ubuntu's paths, snap, macOS'
``/Applications``); the Chromium that Playwright installed for itself. :func:`provide_chromium`
adds the two ways of getting one: ``playwright install chromium`` (where the network allows it),
then ``apt-get install chromium`` when running as root on Debian or Ubuntu.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["CHROMIUM_ARGS", "find_chromium", "provide_chromium"]

SYSTEM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
# Headless, as root, offline: no sandbox, no GPU, none of the browser's own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADVICE = ("no Chromium found: install one (Debian/Ubuntu: `apt-get install chromium`; elsewhere "
          "`.venv/bin/python -m playwright install chromium`), or set CHROMIUM to its executable")


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if Path(path).is_file() else None


def find_chromium() -> str | None:
    """The path of a Chromium to drive, or None when this machine has none."""
    named = os.environ.get("CHROMIUM")
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise FileNotFoundError(f"CHROMIUM={named} is not an executable file")
        return named
    for path in SYSTEM_PATHS:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return _playwright_chromium()


def _run(command: list[str]) -> bool:
    print("no Chromium yet; trying: " + " ".join(command), file=sys.stderr, flush=True)
    try:
        return subprocess.run(command, stdout=subprocess.DEVNULL, timeout=900).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def provide_chromium() -> str | None:
    """A Chromium, installed first if needed (by Playwright, else by apt-get as root), or None."""
    found = find_chromium()
    if found:
        return found
    if _run([sys.executable, "-m", "playwright", "install", "chromium"]) and (found := find_chromium()):
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            print("no Chromium yet; trying: " + " ".join(command), file=sys.stderr, flush=True)
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
        return find_chromium()
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = provide_chromium() if "--check" in args else find_chromium()
    if path is None:
        print(ADVICE, file=sys.stderr)
        return 1
    print(f"browser tests use {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
