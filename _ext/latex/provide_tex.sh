#!/usr/bin/env bash
# What `make pdf` needs from the system: XeLaTeX, latexmk, xindy, the FreeFont fonts, and
# poppler's pdftotext/pdfinfo (the PDF test reads the PDF with them). Debian's packages, about
# 800 MB; texlive-fonts-extra (1.7 GB) is not needed: _ext/latex/bbm.sty stands in for its bbm.
# Installs them with apt-get when they are missing and this runs as root on Debian or Ubuntu;
# otherwise says in one line what to install.
set -euo pipefail
PACKAGES="texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra latexmk texlive-xetex
fonts-freefont-otf xindy poppler-utils"
have() {
  local tool
  for tool in xelatex latexmk xindy pdftotext pdfinfo kpsewhich fc-list; do
    command -v "$tool" >/dev/null 2>&1 || return 1
  done
  [ "$(fc-list 2>/dev/null | grep -c FreeSerif)" -gt 0 ] &&
    kpsewhich fncychap.sty tabulary.sty capt-of.sty needspace.sty >/dev/null 2>&1
}
have && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make pdf: installing Debian's TeX packages (about 800 MB, a few minutes)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  have && exit 0
fi
echo "make pdf: no TeX here: install $(echo $PACKAGES) (Debian/Ubuntu: apt-get install ...; elsewhere TeX Live with xetex, latexmk, xindy and the FreeFont fonts, and poppler)" >&2
exit 1
