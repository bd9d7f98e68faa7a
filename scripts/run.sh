#!/usr/bin/env bash
# Install the dashboard, build the database from the data shipped in data/, and start it.
# Boundaries: $BSIM_BOUNDARIES if set, else the reference copy in ../shared if it is there,
# else none (the app then draws its tile map).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
if [ -z "${BSIM_BOUNDARIES:-}" ] && [ -f ../shared/reference/geo/brussels_communes.geojson ]; then
  export BSIM_BOUNDARIES=../shared/reference/geo/brussels_communes.geojson
fi
.venv/bin/python -m etl build
exec .venv/bin/streamlit run app.py "$@"
