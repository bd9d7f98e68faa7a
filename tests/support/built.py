"""A copy of the shipped data/ folder built as a fresh clone builds it (the shipped commune geometry is the
default boundary input), for tests that read or break a real build."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from etl.build import build
from tests.conftest import ROOT

QUIET = lambda *a, **k: None  # noqa: E731


def built_copy(folder: Path, **build_options) -> Path:
    """Copy data/ (without databases, run log and archive) to ``folder``/data, build it, return that folder."""
    data = folder / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    os.environ.pop("BSIM_BOUNDARIES", None)
    build(data, log=QUIET, **build_options)
    return data
