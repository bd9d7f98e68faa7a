"""Publish a built database atomically, and keep the build log.

A build writes ``<db dir>/.build-<pid>.duckdb`` (``prepare``); only after every check passed is that
file flushed to disk and ``os.replace``d over the published one (``publish``), so a reader sees the old
file or the complete new one, never half of one. A failed or killed build leaves only its own temporary
file, removed by ``discard`` or by the next build (``clean_stale_builds``). Every run, good or failed,
appends one JSON line to ``<db dir>/etl_runs.jsonl`` (``log_run``).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

RUN_LOG = "etl_runs.jsonl"


def prepare(db_path: Path) -> Path:
    """Make the database's folder, clean what dead builds left there; return this build's empty temp path."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_builds(db_path.parent)
    tmp = db_path.parent / f".build-{os.getpid()}.duckdb"
    tmp.unlink(missing_ok=True)
    return tmp


def publish(tmp: Path, db_path: Path) -> None:
    """Flush the closed temp file, swap it in with one ``os.replace``, flush the folder entry."""
    fsync(tmp)
    os.replace(tmp, db_path)
    fsync(db_path.parent)


def discard(tmp: Path) -> None:
    """Remove a build's temp file and its write-ahead log (the published file is never touched)."""
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale_builds(directory: Path) -> None:
    """Remove half-written files of builds that died (kill -9) — never the published one."""
    for p in directory.glob(".build-*.duckdb*"):
        pid = p.name.split("-")[1].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
                continue  # that build is still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
        p.unlink(missing_ok=True)


def log_run(directory: Path, record: dict) -> None:
    with open(directory / RUN_LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")
