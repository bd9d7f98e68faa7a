#!/usr/bin/env bash
# Install everything the test suite needs (venv, Python packages, the Debian packages the browser,
# export and system tests drive) and run the lint and the whole suite. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
# Debian packages the tests start or call (installed only when missing, without recommended extras):
#   chromium: Playwright browser tests and kaleido image exports
#   libreoffice-impress: renders the slide deck to PDF (soffice --headless --convert-to pdf)
#   poppler-utils: PDF pages to PNG (pdftoppm) and the rendered words with their boxes (pdftotext -bbox)
#   fonts-liberation, fonts-dejavu-core: Arial's metric twin for the deck, the fiche's Unicode font
#   nginx: the production layout's load balancer (tests/system/test_serve.py starts it unprivileged)
DEB_PACKAGES=(chromium libreoffice-impress poppler-utils fonts-liberation fonts-dejavu-core nginx)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages for the tests: ${missing[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}") >/dev/null
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
