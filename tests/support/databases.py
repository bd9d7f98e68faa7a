"""A private copy of the repository's data/ with its database built, for tests that publish or serve it."""
from __future__ import annotations

import shutil
from pathlib import Path

from etl.build import build
from tests.conftest import ROOT

LEFT_OUT = shutil.ignore_patterns("*.duckdb", "*.wal", ".build-*", "etl_runs.jsonl", "archive")


def built_data(dest: Path, boundaries) -> Path:
    """Copy data/ (no database, build leftovers, run log or archive) to ``dest`` and build it with
    ``boundaries``; the data folder (its database is ``dest / "impact.duckdb"``)."""
    shutil.copytree(ROOT / "data", dest, ignore=LEFT_OUT)
    build(dest, boundaries=str(boundaries), log=lambda *a, **k: None)
    return dest
