"""A copy of the shipped data/ folder built as a fresh clone builds it (the shipped commune geometry is the
default boundary input), for tests that read, break, publish or serve a real build."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from etl.build import build
from tests.conftest import ROOT

QUIET = lambda *a, **k: None  # noqa: E731
LEFT_OUT = shutil.ignore_patterns("*.duckdb", "*.wal", ".build-*", "etl_runs.jsonl", "archive")


def built_data(dest: Path, boundaries=None, **build_options) -> Path:
    """Copy data/ (no database, build leftovers, run log or archive) to ``dest`` and build it with
    ``boundaries`` (default: the shipped geometry, as a fresh clone builds); the data folder."""
    shutil.copytree(ROOT / "data", dest, ignore=LEFT_OUT)
    if boundaries is None:
        os.environ.pop("BSIM_BOUNDARIES", None)
    build(dest, boundaries=str(boundaries) if boundaries else None, log=QUIET, **build_options)
    return dest


def built_copy(folder: Path, **build_options) -> Path:
    """``built_data`` into ``folder``/data."""
    return built_data(folder / "data", **build_options)
