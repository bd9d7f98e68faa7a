"""The app's only way to run the ETL: ``python -m etl <command> --json`` in a separate process.

``etl/`` and the app share no import (the DuckDB file is their contract); the editor archives, checks,
previews and publishes uploads through this module, which runs the command with the app's own
interpreter from the project root and returns the one JSON object the command prints::

    {"ok": bool, "kind": str | None, "problems": [{"file", "row", "column", "reason", "code"}, ...],
     "message": str, "archive": {...}?, "run": {...}?}

``preview``, ``submit``, ``approve`` and ``reject`` pass the reader's language (``--lang fr|nl|en``): the
ETL says ``reason`` and ``message`` in it (``code`` is the reason's stable code), and ``notes`` (what was
accepted that the uploader should know, shaped like problems) in ``extra["notes"]``.

Build progress goes to the command's stderr and is kept in ``EtlResult.log`` for the editor to show.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dashboard import config


class EtlCommandFailed(RuntimeError):
    """The command did not print its JSON object (it crashed before, or was killed)."""


@dataclass(frozen=True)
class EtlResult:
    ok: bool
    kind: str | None
    problems: list[dict]
    message: str
    archive: dict | None = None
    run: dict | None = None
    log: str = ""
    extra: dict = field(default_factory=dict)


def run(*args: str, timeout: float = 1800) -> EtlResult:
    """Run ``python -m etl ARGS --json`` and parse its answer (raises ``EtlCommandFailed`` without one)."""
    cmd = [sys.executable, "-m", "etl", *args, "--json"]
    done = subprocess.run(cmd, cwd=config.ROOT, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    try:
        doc = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise EtlCommandFailed(f"python -m etl {args[0]} gave no answer (exit {done.returncode}): "
                               f"{done.stderr[-2000:]}") from None
    known = {"ok", "kind", "problems", "message", "archive", "run"}
    return EtlResult(ok=bool(doc.get("ok")), kind=doc.get("kind"), problems=list(doc.get("problems") or []),
                     message=str(doc.get("message") or ""), archive=doc.get("archive"), run=doc.get("run"),
                     log=done.stderr, extra={k: v for k, v in doc.items() if k not in known})


def limits() -> dict:
    """``{"max_upload_bytes": …, "suffixes": [...]}``: what the ETL accepts as an upload."""
    done = subprocess.run([sys.executable, "-m", "etl", "limits", "--json"], cwd=config.ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def _files(files: list[tuple[Path, str]]) -> list[str]:
    """``FILE... --name NAME...`` for a command taking several uploads."""
    return [str(p) for p, _n in files] + [a for _p, n in files for a in ("--name", n)]


def preview(files: list[tuple[Path, str]], *, out_db: Path, data_dir: Path, organisation: str | None = None,
            lang: str = "en", submission: str | None = None) -> EtlResult:
    """What the database would become with these uploads (``organisation``: a member's, checked for ownership;
    ``submission``: the queued submission they are, for its review); problems and notes said in ``lang``."""
    return run("preview", *_files(files), "--out", str(out_db), "--data", str(data_dir), "--lang", lang,
               *(("--organisation", organisation) if organisation else ()),
               *(("--submission", submission) if submission else ()))


def submit(files: list[tuple[Path, str]], *, user: str, role: str, organisation: str | None, data_dir: Path,
           db: Path, note: str | None = None, lang: str = "en") -> EtlResult:
    """Check, archive and queue uploads for review (``extra["submission"]``: the queued record;
    ``extra["notes"]``: what was accepted that the uploader should know), said in ``lang``."""
    return run("submit", *_files(files), "--as-user", user, "--role", role, "--data", str(data_dir), "--db", str(db),
               "--lang", lang, *(("--organisation", organisation) if organisation else ()), *(("--note", note) if note else ()))


def queue(data_dir: Path, organisation: str | None = None) -> list[dict]:
    res = run("queue", "--data", str(data_dir), *(("--organisation", organisation) if organisation else ()),
              timeout=120)
    return list(res.extra.get("submissions") or [])


def approve(sid: str, *, user: str, data_dir: Path, db: Path, lang: str = "en") -> EtlResult:
    return run("approve", sid, "--as-user", user, "--data", str(data_dir), "--db", str(db), "--lang", lang)


def reject(sid: str, *, user: str, reason: str, data_dir: Path, lang: str = "en") -> EtlResult:
    return run("reject", sid, "--reason", reason, "--as-user", user, "--data", str(data_dir), "--lang", lang,
               timeout=120)


_STARTED: dict[int, tuple[subprocess.Popen, str]] = {}   # pid -> (process, started UTC) of the publishes
                                                          # this server started (the last ended ones kept)


def _utc_now() -> str:
    """The ETL's status time format (``etl.review._now``): UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def publish_status(data_dir: Path, pid: int | None = None) -> dict:
    """The last publish (``{"state": "none" | "starting" | "waiting" | "running" | "ok" | "failed" | "refused",
    ...}``).

    ``pid``: the publish this session started (``start_publish``). Until that process has written its first
    status (a busy machine can take seconds to start Python), the file still tells an older publish, or none:
    that is read as ``starting`` while the process lives, so the page keeps polling instead of taking the old
    result for the new one. A process that ended without ever reporting reads as ``failed``, unless a publish
    started after it has written the file since (that one is then the last)."""
    for proc, _t in list(_STARTED.values()):
        proc.poll()                                                 # reap the publishes that ended
    state = dict(run("status", "--data", str(data_dir), timeout=120).extra.get("status") or {"state": "none"})
    if pid is None or state.get("pid") == pid:
        return state
    proc, started = _STARTED.get(pid, (None, ""))
    if proc is not None and proc.returncode is None:
        return {"state": "starting", "pid": pid, "started": started}
    if started and str(state.get("started") or "") >= started:
        return state
    return {"state": "failed", "pid": pid, "started": started,
            "message": f"the publishing process ended before it reported (exit {proc.returncode if proc else '?'}); "
                       "the published database was not changed"}


def audit(data_dir: Path) -> list[dict]:
    return list(run("audit", "--data", str(data_dir), timeout=120).extra.get("entries") or [])


def start_publish(*, user: str, data_dir: Path, db: Path) -> int:
    """Start ``python -m etl publish`` as a detached process (its own session: it outlives the rerun and the
    viewer's server never waits for it); its progress is read back with ``publish_status``. Returns its pid."""
    proc = subprocess.Popen([sys.executable, "-m", "etl", "publish", "--as-user", user, "--data", str(data_dir),
                             "--db", str(db), "--json"], cwd=config.ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for done in [k for k, (p, _t) in list(_STARTED.items()) if p.poll() is not None][:-8]:
        del _STARTED[done]                                          # keep the last few ended ones' exit codes
    _STARTED[proc.pid] = (proc, _utc_now())
    return proc.pid
