# Two commands do everything on a fresh machine (Python >= 3.11, git, make):
#   make book    build the site into _build/html
#   make test    run every test: kltools, doctests, notebooks (nbval), the build, the site in
#                Chromium, the PDF edition (installs Chromium and Debian's TeX where missing)
# Both create .venv/ from requirements*.txt when it is missing or older than them.
#   make unit       kltools' tests and doctests only, without building the book (fast)
#   make student    build the student edition (no solutions) into _build/student: notebooks, zip, site
#   make notebooks  re-execute every chapter notebook in place (authors: commit the result)
#   make pdf        the PDF edition, _build/pdf/book.pdf (XeLaTeX; installs Debian's TeX packages if missing)
#   make screenshots  full-page screenshots of every page (1280 px, 390 px, dark) into _build/screenshots
#   make keys       rewrite the self-checks' digests from the answer keys in instructor/keys/
#   make grade SUBMISSIONS=<folder> [KEYS=<folder>]   grade submitted notebooks into _build/grades

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard chapters/*.ipynb)
ANSWER_KEYS := $(wildcard instructor/keys/*.py)
DIGESTS := $(patsubst instructor/keys/%.py,book/klbook/keys/%.json,$(ANSWER_KEYS))

.PHONY: book pdf screenshots test test-pdf unit notebooks student grade keys lint clean

# The site renders the committed, executed notebooks; `make test` re-runs every one of them (strict
# nbval) and fails if a stored output differs from what the current code prints.
# What the site is made from (the API page documents kltools): when one of these changed, Sphinx
# rebuilds the pages it affects; when none did, `make book` has nothing to do. The stamp is written
# only after a build without warnings.
SITE_DIRS := chapters kltools _ext _static _templates
SITE_SOURCES := _config.yml _toc.yml references.bib $(SITE_DIRS) \
	$(shell find $(SITE_DIRS) -type f -not -path '*/__pycache__/*' -not -name '.*')
SITE_STAMP := _build/html/.complete

book: $(SITE_STAMP)

$(SITE_STAMP): $(VENV)/.installed $(DIGESTS) $(SITE_SOURCES)
	$(BIN)/jupyter-book build . -W -n --keep-going
	touch $@

# The PDF edition: Jupyter Book's LaTeX builder with XeLaTeX, in its own folder (its own Sphinx
# environment, so that it never forces the site to rebuild). latexmk -xelatex writes XDV on its
# intermediate passes and converts to PDF once, at the end. The site's landing page links a copy.
PDF := _build/pdf/book.pdf

pdf: _build/html/book.pdf

$(PDF): $(VENV)/.installed $(DIGESTS) $(SITE_SOURCES)
	bash _ext/latex/provide_tex.sh
	LATEXMKOPTS=-xelatex $(BIN)/jupyter-book build . --builder pdflatex -W -n --keep-going --path-output _build/pdf
	cp _build/pdf/_build/latex/book.pdf $@

_build/html/book.pdf: $(PDF) | $(SITE_STAMP)
	cp $< $@

# axe-core, for the accessibility audit of the site: the npm package, pinned in package-lock.json.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null \
		&& apt-get update -qq && apt-get install -y -qq npm >/dev/null; } || { \
		echo "make test needs npm (Node.js) for axe-core: install Node.js, then run make test again"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Everything, on all cores (pytest-xdist; conftest.py says how the tests are shared among them).
test: book pdf $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python -m klbook.browser --check
	$(BIN)/python -m pytest -n auto --dist loadscope --doctest-modules kltools book/klbook \
		tests/kltools tests/book tests/packaging tests/pdf \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg chapters

# For a person to look at: every page at 1280 and 390 px and in dark mode.
screenshots: book
	$(BIN)/python -m klbook.browser --check
	$(BIN)/python tools/screenshots.py

# The PDF edition's checks alone (`make test` runs them too).
test-pdf: pdf
	$(BIN)/python -m pytest tests/pdf

unit: $(VENV)/.installed
	$(BIN)/python -m pytest --doctest-modules kltools tests/kltools

notebooks: $(VENV)/.installed $(DIGESTS)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

student: $(VENV)/.installed $(DIGESTS)
	$(BIN)/python -m klbook.student .

# Grade a folder of submitted notebooks against instructor/keys (or KEYS): _build/grades/*.csv.
grade: $(VENV)/.installed
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of .ipynb>"; exit 2; }
	$(BIN)/python -m klbook.grading . "$(SUBMISSIONS)" $(if $(KEYS),--keys "$(KEYS)")

keys: $(DIGESTS)

book/klbook/keys/%.json: instructor/keys/%.py book/klbook/answerkeys.py book/klbook/selfcheck.py | $(VENV)/.installed
	$(BIN)/python -m klbook.answerkeys instructor/keys book/klbook/keys $*

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf _build

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml book/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@
