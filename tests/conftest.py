"""Shared test fixtures: paths to the repo, its data and the ../shared reference files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("BSIM_SHARED", ROOT.parent / "shared"))
COMMUNES_GEOJSON = SHARED / "reference" / "geo" / "brussels_communes.geojson"
SHIPPED_GEOJSON = ROOT / "data" / "raw" / "geo" / "brussels_communes.geojson"


@pytest.fixture(scope="session")
def communes_geojson() -> Path:
    """The reference copy in ../shared (for tests of reading that copy); skipped without it."""
    if not COMMUNES_GEOJSON.exists():
        pytest.skip(f"reference boundaries not found at {COMMUNES_GEOJSON}")
    return COMMUNES_GEOJSON


@pytest.fixture(scope="session")
def shipped_geojson() -> Path:
    """The commune geometry the product ships (data/raw/geo/), the build's default boundary input."""
    return SHIPPED_GEOJSON


def pytest_configure(config):
    """Build the test database once per session from the repository's data/ (with the commune geometry
    it ships, as a fresh clone builds it) into a temporary folder, and point the app at it (BSIM_DB).
    A fresh clone has no data/impact.duckdb: tests never depend on one being built by hand."""
    import tempfile

    if os.environ.get("BSIM_TEST_DB_READY"):
        return
    from etl.build import build

    tmp = Path(tempfile.mkdtemp(prefix="bsim-test-db-"))
    os.environ.pop("BSIM_BOUNDARIES", None)
    build(ROOT / "data", tmp / "impact.duckdb", log=lambda *a: None)
    os.environ["BSIM_DB"] = str(tmp / "impact.duckdb")
    os.environ["BSIM_TEST_DB_READY"] = "1"
