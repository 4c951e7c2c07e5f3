#!/usr/bin/env bash
# Build performance of the book, measured on a copy of the working tree (the tree is not touched):
#   1. a clean `make book` (dependencies already installed)        budget 20 s
#   2. a rebuild with nothing changed                              budget  3 s
#   3. a rebuild after editing one chapter's code                  re-renders that chapter
#   4. a rebuild after editing kltools                             re-renders nothing: the site shows
#      the committed outputs, and `make test` (strict nbval) proves they equal a fresh run
#   5. the heaviest page, from the browser test's page weights     budget 3 MB transferred
# The book renders the committed, executed notebooks (execute_notebooks: "off"): no build executes
# a notebook, which the "executed:" column shows.
# Run from the project root after `make book` (or `make test`) has created .venv:
#   bash benchmarks/bench_build.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
test -x "$root/.venv/bin/python" || { echo "run make book first: .venv is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$root" --exclude=./_build --exclude=./.venv --exclude=./.git -cf - . | tar -C "$work" -xf -
ln -s "$root/.venv" "$work/.venv"
cd "$work"
export PYTHONPATH="$work"  # the kernel imports the copy's kltools, not the installed one

build() {  # build(label, budget in s): time `make book`, list the notebooks it executed
  local start tenths verdict=""
  start=$(date +%s%N)
  make book > build.log 2>&1 || { tail -30 build.log; exit 1; }
  tenths=$(( ($(date +%s%N) - start) / 100000000 ))
  executed=$(grep -o 'chapters/[a-z_]*\.ipynb: Executing notebook' build.log | cut -d: -f1 | sort | tr '\n' ' ' || true)
  if [ -n "${2:-}" ]; then
    if [ "$tenths" -le $(($2 * 10)) ]; then verdict="  within budget"; else verdict="  OVER BUDGET"; fi
  fi
  printf '%-34s %5d.%d s   executed: %s%s\n' "$1" $((tenths / 10)) $((tenths % 10)) "${executed:-nothing}" "$verdict"
}

append_to_code() {  # append_to_code(notebook): add a comment to its last code cell
  .venv/bin/python - "$1" <<'PY'
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
cell = [c for c in nb.cells if c.cell_type == "code"][-1]
cell.source += "\n# edited by bench_build.sh"
nbformat.write(nb, sys.argv[1])
PY
}

echo "notebooks: $(ls chapters/*.ipynb | wc -l); importing kltools: $(grep -l -E '(import|from) kltools' chapters/*.ipynb | wc -l)"
build "1. clean build (budget 20 s)" 20
build "2. nothing changed (budget 3 s)" 3
append_to_code chapters/what_kl_measures.ipynb
build "3. one chapter edited"
echo "# edited by bench_build.sh" >> kltools/discrete.py
build "4. kltools edited"
.venv/bin/python -m pytest tests/book/test_site.py -q -p no:cacheprovider -k page_weight > weight.log 2>&1 || { tail -20 weight.log; exit 1; }
.venv/bin/python - <<'PY'
import json
weights = json.load(open("_build/page_weights.json"))
page, heaviest = max(weights.items(), key=lambda item: item[1]["transferred"])
print(f"5. heaviest page: {page}: {heaviest['transferred'] / 1e6:.2f} MB transferred "
      f"({heaviest['uncompressed'] / 1e6:.2f} MB uncompressed; budget 3 MB)")
PY
