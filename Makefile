# Two commands do everything on a fresh machine (Python >= 3.11, git, make):
#   make book    build the site into _build/html
#   make test    run every test: kltools, doctests, notebooks (nbval), the build, the site in Chromium
# Both create .venv/ from requirements*.txt when it is missing or older than them.
#   make student build the student edition (no solutions) into _build/student: notebooks, zip, site

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard chapters/*.ipynb)
KLTOOLS := $(wildcard kltools/*.py)

.PHONY: book test notebooks student lint clean

book: $(VENV)/.installed _build/.kltools-stamp
	$(BIN)/jupyter-book build . -W -n --keep-going

test: book
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --doctest-modules kltools tests \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg chapters

# Re-execute every chapter notebook in place, for authors: commit the result.
notebooks: $(VENV)/.installed
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# The student edition: every chapter without its solutions, as notebooks (and a zip) and as a site.
student: $(VENV)/.installed
	$(BIN)/python tools/student_edition.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf _build

$(VENV)/.installed: requirements.txt requirements-test.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

# Jupyter Book's cache re-runs a notebook only when its own code changes. When kltools changes,
# drop the cache and mark the notebooks that import kltools as changed, so that they re-run.
_build/.kltools-stamp: $(KLTOOLS)
	rm -rf _build/.jupyter_cache
	touch $$(grep -l -E '(import|from) kltools' $(NOTEBOOKS) /dev/null)
	mkdir -p _build && touch $@
