"""The PDF edition, _build/pdf/book.pdf (``make pdf``; ``make test-pdf`` builds it and runs these checks).

Read with poppler's pdftotext and pdfinfo (``make pdf`` installs them with TeX): every chapter of
the table of contents is in it, no reference is left unresolved ("??"), exercises and theorems
carry the numbers the site gives them, every explorer shows its figure (not its text placeholder),
text written for the web does not appear, no character was left out for want of a glyph (XeLaTeX's
log), and the site's landing page links this very file.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from klbook import toc

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
SITE = ROOT / "_build" / "html"
# Phrases that only make sense on a screen.
WEB_ONLY = ("drag the slider", "drag its slider", "press play", "rocket icon", "move the slider above")
NUMBERED = re.compile(r"\b(Exercise|Theorem|Lemma|Corollary|Proposition|Definition) (\d+\.\d+)\b")


def normal(text: str) -> str:
    """Text with typographic variants (ligatures, dashes, quotes, hyphenation) and spacing evened out."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2011", "-").replace("\u2010", "-").replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"-\n(?=[a-z])", "", text)  # words hyphenated at a line end
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def text() -> str:
    assert PDF.exists(), "no PDF edition: run `make pdf` first"
    return normal(subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True,
                                 check=True).stdout)


def title_of(doc: str) -> str:
    source = toc.source_of(doc, ROOT)
    if source.suffix == ".ipynb":
        cells = json.loads(source.read_text())["cells"]
        lines = "".join(next(c["source"] for c in cells if c["cell_type"] == "markdown")).splitlines()
    else:
        lines = source.read_text().splitlines()
    heading = next(line for line in lines if line.startswith("# "))
    return normal(re.sub(r"[`*]", "", heading[2:]).strip())


def test_page_count():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    chapters = len(toc.documents(ROOT))
    assert pages >= 5 * chapters, f"{pages} pages for {chapters} chapters: is the PDF complete?"


def test_every_chapter_title_is_there(text):
    missing = [title_of(doc) for doc in toc.documents(ROOT) if title_of(doc) not in text]
    assert missing == [], f"chapters missing from the PDF: {missing}"


def test_no_unresolved_reference(text):
    found = [text[max(0, m.start() - 60): m.end() + 20] for m in re.finditer(r"\?\?", text)]
    assert found == [], f"{len(found)} unresolved references, e.g. {found[:5]}"


def test_numbers_match_the_site(text):
    """Every numbered exercise and theorem of the site has the same number in the PDF, and no other."""
    site = set()
    for doc in toc.documents(ROOT):
        page = (SITE / f"{doc}.html").read_text()
        site |= set(NUMBERED.findall(normal(re.sub(r"<[^>]+>", "", page))))
    pdf = set(NUMBERED.findall(text))
    assert site, "no numbered exercise or theorem on the site: is _build/html built?"
    assert sorted(site - pdf) == [] and sorted(pdf - site) == [], (
        f"on the site only: {sorted(site - pdf)[:10]}; in the PDF only: {sorted(pdf - site)[:10]}")


def test_explorers_show_their_figure(text):
    """Each explorer output of the notebooks is a figure in the PDF, with a line about its slider."""
    explorers = sum(json.dumps(output).count("kltools-explorer") > 0
                    for path in toc.notebooks(ROOT)
                    for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"
                    for output in cell.get("outputs", []))
    assert explorers > 0
    assert text.count("On the book's web site and in Jupyter a slider moves it") == explorers
    assert "(move the slider above the figure)" not in text


def test_no_text_meant_for_the_web(text):
    found = {phrase: text[max(0, text.lower().find(phrase) - 80): text.lower().find(phrase) + 60]
             for phrase in WEB_ONLY if phrase in text.lower()}
    assert found == {}, f"web-only text in the PDF (wrap it in {{web}}`...`): {found}"


def test_every_character_has_a_glyph():
    log = (PDF.parent / "_build" / "latex" / "book.log").read_text(errors="replace")
    missing = re.findall(r"Missing character: There is no (.+?) in font (\S+)", log)
    assert missing == [], sorted(set(missing))


def test_the_landing_page_links_the_pdf():
    assert 'href="../book.pdf"' in (SITE / "chapters" / "intro.html").read_text()
    assert (SITE / "book.pdf").read_bytes() == PDF.read_bytes()
