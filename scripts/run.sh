#!/usr/bin/env bash
# Install the dashboard, build the database from the data shipped in data/, and start it (one process;
# the production start with several processes behind nginx is scripts/serve.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
.venv/bin/python -m etl build
exec .venv/bin/streamlit run app.py "$@"
