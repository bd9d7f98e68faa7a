#!/usr/bin/env bash
# Production start: N Streamlit replicas (default: one per core) on loopback ports behind nginx, which
# listens on --port (default 8501), keeps each browser on one replica (a cookie it sets), proxies the
# websockets and serves the commune geometry and Streamlit's bundles itself with a long cache lifetime.
# Runs in the foreground; Ctrl-C (or SIGTERM) stops nginx and every replica; a replica that dies is
# started again. Needs Debian's nginx (apt-get install nginx). It serves the database the ETL published
# ($BSIM_DB or data/impact.duckdb) and builds one only when there is none yet: the ETL is a batch job.
#   bash scripts/serve.sh [--replicas N] [--port P] [--host ADDRESS] [--prefix DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
source scripts/setup.sh
if [ -z "${BSIM_DB:-}" ] && [ ! -f data/impact.duckdb ]; then
  .venv/bin/python -m etl build
fi
exec .venv/bin/python -m serve "$@"
