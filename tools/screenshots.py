"""Full-page screenshots of the built site, for a person to look at: ``make screenshots``.

Usage: python tools/screenshots.py [document ...]   (default: every page of the table of contents)

Serves _build/html on 127.0.0.1 and writes, for each page, ``<page>-1280.png``, ``<page>-390.png``
(phone width) and ``<page>-dark.png`` (dark theme, 1280 px) into _build/screenshots/. The browser
test (tests/book/test_site.py) checks what can be checked by a program; these are for the eye:
equations clipped, figures unreadable, a layout that fell apart.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from klbook import toc
from klbook.browser import ADVICE, CHROMIUM_ARGS, find_chromium
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots"
# After the load: MathJax has typeset the page (a page without math has no MathJax).
TYPESET = ("() => !document.querySelector('script[src*=mathjax]')"
           " || (window.MathJax && MathJax.startup && MathJax.startup.promise)")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def shoot(browser, base: str, doc: str) -> None:
    name = doc.replace("/", "-")
    for width, mode in ((1280, "light"), (390, "light"), (1280, "dark")):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
        page = context.new_page()
        page.add_init_script(f"localStorage.setItem('mode', '{mode}')")  # the theme's own setting
        page.goto(f"{base}/{doc}.html", wait_until="load")
        page.wait_for_function(TYPESET)
        page.evaluate("() => window.MathJax ? MathJax.startup.promise : null")
        suffix = "dark" if mode == "dark" else str(width)
        page.screenshot(path=OUT / f"{name}-{suffix}.png", full_page=True, timeout=120_000)
        context.close()
    print(f"{OUT.relative_to(ROOT)}/{name}-{{1280,390,dark}}.png")


def main(docs: list[str]) -> int:
    chromium = find_chromium()
    if not chromium:
        print(ADVICE, file=sys.stderr)
        return 1
    if not (SITE / "index.html").exists():
        print("no built site in _build/html: run `make book` first", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for doc in docs or toc.documents(ROOT):
                shoot(browser, base, doc)
            browser.close()
    finally:
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
