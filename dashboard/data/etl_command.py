"""The app's only way to run the ETL: ``python -m etl <command> --json`` in a separate process.

``etl/`` and the app share no import (the DuckDB file is their contract); the editor archives, checks,
previews and publishes uploads through this module, which runs the command with the app's own
interpreter from the project root and returns the one JSON object the command prints::

    {"ok": bool, "kind": str | None, "problems": [{"file", "row", "column", "reason", "code"}, ...],
     "message": str, "archive": {...}?, "run": {...}?}

``preview`` and ``load`` pass the reader's language (``--lang fr|nl|en``): the ETL says ``reason`` and
``message`` in it (``code`` is the reason's stable code).

Build progress goes to the command's stderr and is kept in ``EtlResult.log`` for the editor to show.
"""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
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


def archive(path: Path, *, name: str, user: str, data_dir: Path) -> EtlResult:
    return run("archive", str(path), "--name", name, "--as-user", user, "--data", str(data_dir))


def preview(path: Path, *, name: str, out_db: Path, data_dir: Path, lang: str = "en") -> EtlResult:
    return run("preview", str(path), "--name", name, "--out", str(out_db), "--data", str(data_dir), "--lang", lang)


def load(path: Path, *, name: str, user: str, data_dir: Path, db: Path, lang: str = "en") -> EtlResult:
    """Publish the upload (its archive entry, made on arrival, is reused: ``--archived``)."""
    return run("load", str(path), "--name", name, "--as-user", user, "--archived", "--data", str(data_dir),
               "--db", str(db), "--lang", lang)
