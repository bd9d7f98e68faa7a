#!/usr/bin/env bash
# Install the dashboard, build the database from the data shipped in data/, and start it (one process;
# the production start with several processes behind nginx is scripts/serve.sh).
# Boundaries: $BSIM_BOUNDARIES if set, else the commune geometry shipped in data/raw/geo/ (derived from
# Statbel open data; see its README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
.venv/bin/python -m etl build
exec .venv/bin/streamlit run app.py "$@"
