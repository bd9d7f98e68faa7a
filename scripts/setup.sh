# Sourced by run.sh and serve.sh: the virtualenv with the runtime packages, and the boundaries the
# ETL reads ($BSIM_BOUNDARIES if set, else the reference copy in ../shared if it is there, else none:
# the app then draws its tile map).
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
if [ -z "${BSIM_BOUNDARIES:-}" ] && [ -f ../shared/reference/geo/brussels_communes.geojson ]; then
  export BSIM_BOUNDARIES=../shared/reference/geo/brussels_communes.geojson
fi
