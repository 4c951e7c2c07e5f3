"""The built site, page by page, in a real browser with the network cut off.

Debian's Chromium (/usr/bin/chromium), driven by Playwright, loads every page of the table of
contents from a server on 127.0.0.1. Every request that would leave that server is aborted and
counted as a failure, so a page passes only if it works offline. For each page: no console
error, no failed request, every equation typeset by MathJax (no raw TeX left, no TeX error), every
image loaded and described by alt text, on notebook chapters Binder and Colab links that open this
repository's notebook, explorers whose slider and play button change the figure, figures that stay
readable in dark mode, and at most 3 MB transferred. Accessibility: axe-core (npm's package,
pinned in package-lock.json and installed by `make test` with npm ci, injected from that file)
finds no critical or serious issue on any page, light or dark (counts per impact in
_build/axe_counts.json); the explorers work from the keyboard; at 390 px no page scrolls
sideways. The site's search finds the chapters for the book's terms. The weight of every page
goes to _build/page_weights.json. (Screenshots for a person to look at, at 1280 and 390 px and in
dark mode: ``make screenshots``.)

Run ``make book`` first (``make test`` does).
"""

from __future__ import annotations

import fcntl
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
WIDTHS = (1280, 390)
MAX_PAGE_BYTES = 3_000_000
WEIGHTS = ROOT / "_build" / "page_weights.json"
AXE_COUNTS = ROOT / "_build" / "axe_counts.json"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Pages Sphinx generates besides the table of contents' (the proof index among them).
GENERATED_PAGES = ("genindex", "prf-prf", "py-modindex", "search")


def toc_documents() -> list[str]:
    return toc.documents(ROOT)


def source_of(doc: str) -> Path:
    return toc.source_of(doc, ROOT)


def record(path: Path, key: str, value) -> None:
    """Set one entry of a JSON file that the workers of a parallel test run all write to."""
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        entries = json.loads(path.read_text()) if path.exists() else {}
        entries[key] = value
        path.write_text(json.dumps(entries, indent=1, sort_keys=True))


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
        self.page.set_default_timeout(120_000)
        self.page.route("**/*", functools.partial(self._route, base))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))
        self.page.on("response", lambda res: res.ok or self.failed.append(f"{res.url} (HTTP {res.status})"))
        self.page.goto(f"{base}/{doc if '.html' in doc else doc + '.html'}", wait_until="load")
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
        # Lazily loaded images load now (rather than scrolling the whole page to reach them), then
        # the checks wait for what they need, every image loaded, rather than for network silence.
        self.page.evaluate("() => document.querySelectorAll('img[loading=lazy]')"
                           ".forEach(img => { img.loading = 'eager'; })")
        self.page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")

    def _route(self, base: str, route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()

    def audit(self, mode: str) -> list[dict]:
        """axe-core's violations on this page in a colour mode ("light" or "dark").

        Light mode runs every rule axe runs by default, plus label-content-name-mismatch (a name
        that differs from the visible label defeats speech input). Dark mode changes colours only
        (the same DOM, the same ARIA), so it reruns the rules that depend on colour. No preload:
        axe would fetch the stylesheets again, only for the CSSOM of the experimental
        css-orientation-lock rule, and it resolves the theme's ``@import "basic.css"`` against the
        page instead of the stylesheet (a 404 that is axe's, not the site's).
        """
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            assert AXE_SCRIPT.exists(), "axe-core is not installed: run `npm ci` (make test does)"
            self.page.add_script_tag(path=str(AXE_SCRIPT))
        options = ({"rules": {"label-content-name-mismatch": {"enabled": True}}} if mode == "light"
                   else {"runOnly": ["color-contrast", "link-in-text-block"]})
        options["preload"] = False
        # Only violations are reported: axe then skips building the list of passed and incomplete
        # checks, a third of its time on a chapter (37,000 elements, two thirds of them MathJax's).
        options["resultTypes"] = ["violations"]
        # Switch the mode, then wait for the theme's colour transitions to end (axe would otherwise
        # read colours halfway between the two modes).
        self.page.evaluate("""async mode => { document.documentElement.dataset.theme = mode;
            document.documentElement.dataset.mode = mode;
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            await Promise.all(document.getAnimations().map(a => a.finished)); }""", mode)
        violations = self.page.evaluate("""async options => (await axe.run(document, options)).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))""", options)
        self.page.evaluate("() => { document.documentElement.dataset.theme = 'light'; "
                           "document.documentElement.dataset.mode = 'light'; }")
        tally = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
        for violation in violations:
            tally[violation["impact"]] += len(violation["nodes"])
        record(AXE_COUNTS, f"{self.doc} ({mode})", tally)
        return violations


@pytest.fixture(scope="module", params=toc_documents())
def visit(request, browser, server):
    doc = request.param
    visit = PageVisit(browser, server, doc, WIDTHS[0])
    visit.doc = doc
    yield visit
    visit.close()


@pytest.fixture
def narrow(visit):
    """The same page with its window narrowed to phone width (widened again afterwards).

    The layout follows the width through CSS alone (the theme's media queries; MathJax's output
    does not depend on it), so narrowing the loaded page shows what a phone shows, without typesetting
    the page a second time.
    """
    visit.page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
    visit.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    yield visit
    visit.page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def blocking(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}: {v['help']}): {v['nodes'][:3]}"
            for v in violations if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_accessibility(visit, mode):
    """axe-core finds no critical or serious issue on the page."""
    found = blocking(visit.audit(mode))
    assert found == [], f"{visit.doc} ({mode}): {found}"


@pytest.mark.parametrize("doc", GENERATED_PAGES)
def test_generated_pages_accessible(browser, server, doc):
    """The same audit, light and dark, on the pages Sphinx generates (index, proof index, ...)."""
    page = PageVisit(browser, server, doc, WIDTHS[0])
    page.doc = doc
    try:
        assert page.outside == [] and page.failed == [] and page.errors == [], (
            page.outside, page.failed, page.errors)
        found = {mode: blocking(page.audit(mode)) for mode in ("light", "dark")}
    finally:
        page.close()
    assert found == {"light": [], "dark": []}, f"{doc}: {found}"


def test_phone_width(narrow):
    """At 390 px the page as a whole never scrolls sideways (wide content scrolls in its own box),
    and narrowing it logs no console error and makes no request fail."""
    overflow = narrow.page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const wide = Array.from(document.querySelectorAll('main *')).filter(n => {
            const box = n.getBoundingClientRect();
            return box.width > 0 && box.right > width + 1;
        }).filter(n => n.parentElement.getBoundingClientRect().right <= width + 1);
        return {scroll: document.documentElement.scrollWidth, width: width,
                wide: wide.slice(0, 5).map(n => n.tagName + '.' + n.className)};
    }""")
    assert overflow["scroll"] <= overflow["width"], f"{narrow.doc} scrolls sideways at 390 px: {overflow}"
    assert narrow.errors == [] and narrow.failed == [], (narrow.doc, narrow.errors, narrow.failed)


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


def test_explorers_work_from_the_keyboard(visit):
    """Tab reaches the play button and then the slider; arrow keys move it; Enter and Space play."""
    page = visit.page
    for index in range(page.locator(".kltools-explorer").count()):
        explorer = page.locator(".kltools-explorer").nth(index)
        image, slider = explorer.locator("img"), explorer.locator("input[type=range]")
        button = explorer.locator("button")
        where = f"{visit.doc}: explorer {index}"
        # Tab from a link just before the explorer reaches its button, then its slider.
        explorer.evaluate("""root => { const probe = document.createElement('a'); probe.href = '#';
            probe.id = 'keyboard-probe'; probe.textContent = 'probe'; root.before(probe); probe.focus(); }""")
        page.keyboard.press("Tab")
        assert button.evaluate("b => b === document.activeElement"), f"{where}: Tab skips the play button"
        page.keyboard.press("Tab")
        assert slider.evaluate("s => s === document.activeElement"), f"{where}: Tab skips the slider"
        page.evaluate("() => document.getElementById('keyboard-probe').remove()")
        page.keyboard.press("Home")
        start = image.get_attribute("src"), slider.input_value()
        assert start[1] == "0", f"{where}: Home did not move the slider to its start"
        page.keyboard.press("ArrowRight")
        moved = image.get_attribute("src"), slider.input_value()
        assert moved[1] == "1" and moved[0] != start[0], f"{where}: ArrowRight did not move the figure"
        page.keyboard.press("ArrowLeft")
        assert slider.input_value() == "0" and image.get_attribute("src") == start[0], where
        for key in ("Enter", "Space"):
            page.keyboard.press("Shift+Tab")
            assert button.evaluate("b => b === document.activeElement"), f"{where}: Shift+Tab"
            before = image.get_attribute("src")
            page.keyboard.press(key)  # play
            assert button.get_attribute("aria-label") == "Pause", f"{where}: {key} did not play"
            page.wait_for_function("([img, src]) => img.getAttribute('src') !== src",
                                   arg=[image.element_handle(), before])
            page.keyboard.press(key)  # pause
            assert button.get_attribute("aria-label") == "Play", f"{where}: {key} did not pause"
            page.keyboard.press("Tab")  # back to the slider


# The book's terms, and where the search must find them: the chapter using the term most often.
SEARCH_TERMS = ("Pinsker", "Fisher", "mode seeking", "Chernoff")


def chapter_for(term: str) -> str:
    pattern = re.compile(r"\b" + r"[\s-]+".join(map(re.escape, term.split())) + r"\b", re.IGNORECASE)
    uses = {doc: len(pattern.findall(source_of(doc).read_text())) for doc in toc_documents()}
    uses.pop("chapters/exercises", None)  # the catalogue repeats the chapters' exercise titles
    return max(uses, key=uses.get)


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_the_chapter(browser, server, term):
    """The site's own search, offline, lists the chapter that is about the term."""
    page = PageVisit(browser, server, f"search.html?q={quote(term)}#", WIDTHS[0])
    try:
        summary = "(document.querySelector('#search-results .search-summary') || {}).innerText"
        page.page.wait_for_function(f"() => /found|did not match/i.test({summary})")
        found = page.page.evaluate(r"""() => Array.from(document.querySelectorAll('#search-results li a'))
            .map(a => new URL(a.href).pathname.replace(/^\//, '').replace(/\.html$/, ''))""")
        assert page.outside == [] and page.failed == [], (page.outside, page.failed)
    finally:
        page.close()
    expected = chapter_for(term)
    assert expected in found, f"searching {term!r} does not find {expected}: {found}"


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
    record(WEIGHTS, visit.doc, {"transferred": transferred, "uncompressed": uncompressed})
    assert 0 < transferred <= MAX_PAGE_BYTES, f"{visit.doc} transfers {transferred / 1e6:.2f} MB"
