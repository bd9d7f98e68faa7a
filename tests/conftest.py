"""Shared test fixtures: paths to the repo, its data and the ../shared reference files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("BSIM_SHARED", ROOT.parent / "shared"))
COMMUNES_GEOJSON = SHARED / "reference" / "geo" / "brussels_communes.geojson"


@pytest.fixture(scope="session")
def communes_geojson() -> Path:
    if not COMMUNES_GEOJSON.exists():
        pytest.skip(f"reference boundaries not found at {COMMUNES_GEOJSON}")
    return COMMUNES_GEOJSON


def pytest_configure(config):
    """Build the test database once per session from the repository's data/ (with the reference
    boundaries when they are there) into a temporary folder, and point the app at it (BSIM_DB).
    A fresh clone has no data/impact.duckdb: tests never depend on one being built by hand."""
    import tempfile

    if os.environ.get("BSIM_TEST_DB_READY"):
        return
    from etl.build import build

    tmp = Path(tempfile.mkdtemp(prefix="bsim-test-db-"))
    build(ROOT / "data", tmp / "impact.duckdb",
          boundaries=str(COMMUNES_GEOJSON) if COMMUNES_GEOJSON.exists() else None, log=lambda *a: None)
    os.environ["BSIM_DB"] = str(tmp / "impact.duckdb")
    os.environ["BSIM_TEST_DB_READY"] = "1"
