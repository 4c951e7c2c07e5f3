"""The built site, page by page, in a real browser with the network cut off.

Debian's Chromium (/usr/bin/chromium), driven by Playwright, loads every page of the table of
contents from a server on 127.0.0.1. Every request that would leave that server is aborted and
counted as a failure, so a page passes only if it works offline. For each page: no console
error, no failed request, every equation typeset by MathJax (no raw TeX left, no TeX error), every
image loaded and described by alt text, on notebook chapters Binder and Colab links that open this
repository's notebook, explorers whose slider and play button change the figure, figures that stay
readable in dark mode, and at most 3 MB transferred. Screenshots at 1280 and 390 px (and in dark
mode) go to _build/screenshots/; the weight of every page to _build/page_weights.json.

Run ``make book`` first (``make test`` does).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from klbook import toc
from klbook.browser import ADVICE, CHROMIUM_ARGS, find_chromium
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
WIDTHS = (1280, 390)
MAX_PAGE_BYTES = 3_000_000
WEIGHTS = ROOT / "_build" / "page_weights.json"


def toc_documents() -> list[str]:
    return toc.documents(ROOT)


def source_of(doc: str) -> Path:
    return toc.source_of(doc, ROOT)


@pytest.fixture(scope="module")
def server():
    assert (SITE / "index.html").exists(), "no built site in _build/html: run `make book` first"
    handler = functools.partial(QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host does: text files gzipped for browsers that accept it."""

    COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".txt")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepted and path.is_file() and path.suffix in self.COMPRESSED):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    assert chromium, ADVICE  # `make test` installs one first (python -m klbook.browser --check)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


class PageVisit:
    """A page opened offline, with everything that went wrong while it loaded."""

    def __init__(self, browser, base: str, doc: str, width: int):
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)  # a full-page screenshot of a long chapter takes a while
        self.page.route("**/*", functools.partial(self._route, base))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))
        self.page.on("response", lambda res: res.ok or self.failed.append(f"{res.url} (HTTP {res.status})"))
        self.page.goto(f"{base}/{doc}.html", wait_until="load")
        # Wait until MathJax has typeset the page (Sphinx loads it on every page with math).
        self.math = self.page.evaluate("() => document.querySelectorAll('.math').length")
        self.mathjax = False
        if self.page.evaluate("() => document.querySelector('script[src*=mathjax]') !== null"):
            try:
                self.page.wait_for_function(
                    "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=10_000
                )
                self.page.evaluate("() => MathJax.startup.promise")
                self.mathjax = True
            except PlaywrightTimeout:
                pass
        # Scroll through the page so that lazily loaded images load too.
        self.page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {"
                           " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 20)); } }")
        # Then wait for what the checks need, every image loaded, rather than for network silence.
        self.page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")
        self.page.evaluate("() => window.scrollTo(0, 0)")

    def _route(self, base: str, route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture(scope="module", params=toc_documents())
def visit(request, browser, server):
    doc = request.param
    visit = PageVisit(browser, server, doc, WIDTHS[0])
    visit.doc = doc
    yield visit
    visit.close()


def test_no_request_leaves_the_site(visit):
    assert visit.outside == [], f"{visit.doc} asks for outside resources: {visit.outside}"


def test_no_failed_request(visit):
    assert visit.failed == [], f"{visit.doc}: requests failed: {visit.failed}"


def test_no_console_error(visit):
    assert visit.errors == [], f"{visit.doc}: console errors: {visit.errors}"


# Outside code blocks, TeX commands and delimiters must not survive typesetting.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\\(frac|sum|log|mathbb|begin|end|left|right|int|parallel|mid)\b")


def test_every_equation_is_typeset(visit):
    if visit.math:
        assert visit.mathjax, f"{visit.doc}: MathJax did not start (is _static/mathjax in the site?)"
    page = visit.page
    counts = page.evaluate("""() => ({
        math: document.querySelectorAll('.math').length,
        typeset: document.querySelectorAll('.math mjx-container').length,
        errors: document.querySelectorAll('mjx-merror').length,
    })""")
    assert counts["errors"] == 0, f"{visit.doc}: MathJax reports {counts['errors']} TeX error(s)"
    typeset, total = counts["typeset"], counts["math"]
    assert typeset >= total, f"{visit.doc}: only {typeset} of {total} equations typeset"
    text = page.evaluate("""() => {
        const body = document.querySelector('main') || document.body;
        const copy = body.cloneNode(true);
        copy.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(n => n.remove());
        return copy.innerText;
    }""")
    leftover = RAW_TEX.search(text)
    context = text[max(0, leftover.start() - 60) : leftover.end() + 60] if leftover else ""
    assert leftover is None, f"{visit.doc}: raw TeX left in the page: ...{context}..."


def test_images_load_and_have_alt_text(visit):
    images = visit.page.evaluate("""() => Array.from(document.images).map(img => ({
        src: img.getAttribute('src'), alt: img.getAttribute('alt'),
        loaded: img.complete && img.naturalWidth > 0}))""")
    for image in images:
        assert image["loaded"], f"{visit.doc}: image {image['src']} did not load"
        assert image["alt"] and image["alt"].strip(), f"{visit.doc}: image {image['src']} has no alt text"


def test_launch_links_open_this_notebook(visit, config):
    source = source_of(visit.doc)
    links = visit.page.evaluate("() => Array.from(document.querySelectorAll('a')).map(a => a.href)")
    binder = [href for href in links if href.startswith("https://mybinder.org/v2/")]
    colab = [href for href in links if href.startswith("https://colab.research.google.com/github/")]
    if source.suffix != ".ipynb":
        assert binder == [] and colab == [], f"{visit.doc} is not a notebook but offers launch links"
        return
    repo = config["repository"]["url"].removeprefix("https://github.com/").rstrip("/")
    branch = config["repository"]["branch"]
    path = source.relative_to(ROOT).as_posix()
    assert f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{quote(path)}" in binder, binder
    assert f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}" in colab, colab


def test_screenshots(visit, browser, server):
    """Screenshots at desktop and phone width, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = visit.doc.replace("/", "-")
    visit.page.screenshot(path=SCREENSHOTS / f"{name}-{WIDTHS[0]}.png", full_page=True)
    for width in WIDTHS[1:]:
        narrow = PageVisit(browser, server, visit.doc, width)
        try:
            assert narrow.errors == [] and narrow.failed == [], (narrow.errors, narrow.failed)
            narrow.page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        finally:
            narrow.close()
    assert (SCREENSHOTS / f"{name}-{WIDTHS[-1]}.png").stat().st_size > 0


def test_explorers_move(visit):
    """Every pre-drawn explorer: the slider and the play button change the figure shown."""
    page = visit.page
    for index in range(page.locator(".kltools-explorer").count()):
        explorer = page.locator(".kltools-explorer").nth(index)
        image, slider = explorer.locator("img"), explorer.locator("input[type=range]")
        before = image.get_attribute("src"), explorer.locator("output").inner_text()
        target = "0" if slider.input_value() != "0" else slider.get_attribute("max")
        slider.fill(target)  # sets the value and fires the input event, as a drag does
        after = image.get_attribute("src"), explorer.locator("output").inner_text()
        assert after[0] != before[0], f"{visit.doc}: explorer {index}: the slider did not change the figure"
        assert after[1] != before[1], f"{visit.doc}: explorer {index}: the value shown did not change"
        explorer.locator("button").click()  # play
        page.wait_for_timeout(600)
        playing = image.get_attribute("src")
        explorer.locator("button").click()  # pause
        assert playing != after[0], f"{visit.doc}: explorer {index}: play did not move the figure"
        assert explorer.locator("button").get_attribute("aria-label") == "Play"


def test_figures_readable_in_dark_mode(visit):
    """After the theme switch, every figure has an opaque light background (or sits on one)."""
    page = visit.page
    switch = page.locator(".theme-switch-button").first
    for _ in range(3):
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        switch.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    unreadable = page.evaluate("""() => Array.from(document.querySelectorAll('main img')).filter(img => {
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d');
        context.drawImage(img, 0, 0);
        const [r, g, b, alpha] = context.getImageData(1, 1, 1, 1).data;
        const opaqueLight = alpha === 255 && r + g + b > 600;
        const shown = getComputedStyle(img).backgroundColor.match(/\\d+/g).map(Number);
        const onLight = shown.length === 4 ? shown[3] > 0 && shown[0] + shown[1] + shown[2] > 600
                                           : shown[0] + shown[1] + shown[2] > 600;
        return !(opaqueLight || onLight);
    }).map(img => img.getAttribute('alt'))""")
    page.screenshot(path=SCREENSHOTS / f"{visit.doc.replace('/', '-')}-dark.png", full_page=True)
    switch.click()  # leave the theme as another test may expect it
    assert unreadable == [], f"{visit.doc}: figures unreadable on the dark theme: {unreadable}"


def test_page_weight(visit):
    """Everything the page transfers (HTML, scripts, styles, fonts, images) is at most 3 MB.

    Transferred as a static host serves it, with text gzipped; the uncompressed size is
    recorded beside it in _build/page_weights.json.
    """
    transferred, uncompressed = visit.page.evaluate("""() => {
        const entries = performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource'));
        return [entries.reduce((total, e) => total + e.encodedBodySize, 0),
                entries.reduce((total, e) => total + e.decodedBodySize, 0)];
    }""")
    weights = json.loads(WEIGHTS.read_text()) if WEIGHTS.exists() else {}
    weights[visit.doc] = {"transferred": transferred, "uncompressed": uncompressed}
    WEIGHTS.write_text(json.dumps(weights, indent=1, sort_keys=True))
    assert 0 < transferred <= MAX_PAGE_BYTES, f"{visit.doc} transfers {transferred / 1e6:.2f} MB"
