#!/usr/bin/env bash
# Install the dashboard, build the database from the data shipped in data/, and start it.
# Boundaries: $BSIM_BOUNDARIES if set, else the commune geometry shipped in data/raw/geo/ (derived from
# Statbel open data; see its README).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -m etl build
exec .venv/bin/streamlit run app.py "$@"
