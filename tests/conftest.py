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
