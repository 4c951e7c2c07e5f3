# Two commands do everything on a fresh machine (Python >= 3.11, git, make):
#   make book    build the site into _build/html
#   make test    run every test: kltools, doctests, notebooks (nbval), the build, the site in Chromium
# Both create .venv/ from requirements*.txt when it is missing or older than them.
#   make unit       kltools' tests and doctests only, without building the book (fast)
#   make student    build the student edition (no solutions) into _build/student: notebooks, zip, site
#   make notebooks  re-execute every chapter notebook in place (authors: commit the result)
#   make keys       rewrite the self-checks' digests from the answer keys in instructor/keys/

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard chapters/*.ipynb)
ANSWER_KEYS := $(wildcard instructor/keys/*.py)
DIGESTS := $(patsubst instructor/keys/%.py,book/klbook/keys/%.json,$(ANSWER_KEYS))

.PHONY: book test unit notebooks student keys lint clean

# The site renders the committed, executed notebooks; `make test` re-runs every one of them (strict
# nbval) and fails if a stored output differs from what the current code prints.
book: $(VENV)/.installed $(DIGESTS)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: book
	$(BIN)/ruff check .
	$(BIN)/python -m klbook.browser --check
	$(BIN)/python -m pytest --doctest-modules kltools book/klbook tests \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg chapters

unit: $(VENV)/.installed
	$(BIN)/python -m pytest --doctest-modules kltools tests/kltools

notebooks: $(VENV)/.installed $(DIGESTS)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

student: $(VENV)/.installed $(DIGESTS)
	$(BIN)/python -m klbook.student .

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
