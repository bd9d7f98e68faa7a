"""Publish a built database atomically, and keep the build log.

A build writes ``<db dir>/.build-<pid>.duckdb`` (``prepare``); only after every check passed is that
file flushed to disk and ``os.replace``d over the published one (``publish``), so a reader sees the old
file or the complete new one, never half of one. A failed or killed build leaves only its own temporary
file, removed by ``discard`` or by the next build (``clean_stale_builds``). Every run, good or failed,
appends one JSON line to ``<db dir>/etl_runs.jsonl`` (``log_run``).
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
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


# ----------------------------------------------------------------------------- one writer at a time

LOCK_FILE = "publish.lock"
LOCK_WAIT_ENV = "BSIM_PUBLISH_WAIT"     # seconds a second writer waits before it is refused (default 600)


class PublishBusy(RuntimeError):
    """Another writer (a publish, an approval, a load) held the lock for longer than the wait."""


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / "private" / LOCK_FILE


def lock_wait() -> float:
    return float(os.environ.get(LOCK_WAIT_ENV, "600"))


@contextmanager
def writer_lock(data_dir: Path, who: str, what: str, wait: float | None = None):
    """Hold ``data/private/publish.lock`` (``fcntl.flock``) while the inputs or the published database change:
    every publish, approval and load of the CLI and of the app takes it, so two never interleave. A second
    writer waits up to ``wait`` seconds (``$BSIM_PUBLISH_WAIT``, default 600), then ``PublishBusy`` says who
    holds it. The kernel drops the lock when its holder dies (even ``kill -9``): a dead holder never blocks."""
    path = lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + (lock_wait() if wait is None else wait)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishBusy(f"another writer holds the publish lock ({_holder(path)}); "
                                      "nothing was changed: try again when it has finished") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "user": who, "what": what,
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}).encode())
        yield
    finally:
        os.close(fd)        # releases the lock


def _holder(path: Path) -> str:
    try:
        doc = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "unknown holder"
    return f"{doc.get('what', 'a writer')} by {doc.get('user', '?')} since {doc.get('since', '?')}, pid {doc.get('pid')}"
