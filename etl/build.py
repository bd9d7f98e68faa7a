"""Build a new DuckDB file from data/: every source of the registry in order, then the constraints
and SQL checks; publish it with ``etl.publish`` only when nothing failed.

A failed build (bad input, failed check, crash, ``kill -9``) never touches the published file.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import duckdb
import pandas as pd

from . import publish
from .checks import run_checks
from .errors import InputError, Problem
from .messages import Message
from .public import public_path, write_public_copy
from .sources import REGISTRY
from .sources.base import ROOT, SCHEMA, Inputs, Step, insert_frame, rel
from .sources.facts import OBSERVATION_KEY

NO_EXAMPLE_ENV = "BSIM_NO_EXAMPLE"


class BuildError(Exception):
    """A build that could not publish; ``problems`` name file, row, column and reason; ``headline`` (text
    or a ``messages.Message``) says what they have in common."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        self.headline = message
        detail = "".join(f"\n  {p}" for p in self.problems[:20])
        super().__init__(str(message) + detail)


def load_sources(step: Step) -> None:
    """Load every source in registry order; a source whose ``requires`` did not load is skipped.
    Raises BuildError with every problem found (headline: the first failing source's)."""
    problems: list[Problem] = []
    headline = None
    not_loaded: set[str] = set()
    for source in REGISTRY:
        if not_loaded & set(source.requires):
            not_loaded.add(source.kind)
            continue
        try:
            found = source.load(step)
        except InputError as exc:
            found = exc.problems
            headline = headline or exc.headline
        if found:
            not_loaded.add(source.kind)
            problems += found
    if problems:
        raise BuildError(headline or Message("input_problems"), problems)


def build(data_dir: Path = ROOT / "data", db_path: Path | None = None, *, boundaries: str | None = None,
          with_example: bool | None = None, log=print, public: bool = True) -> dict:
    """Load, check, publish (with its public copy, ``etl.public``, unless ``public`` is False: a preview).
    Returns the run record (``notes``: what the sources accepted that a file's author should know, as
    problems are); raises BuildError on failure."""
    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    if with_example is None:
        with_example = os.environ.get(NO_EXAMPLE_ENV, "") in ("", "0", "false")
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ")
    t0 = time.perf_counter()
    tmp = publish.prepare(db_path)
    public_tmp = tmp.with_name(tmp.stem + "-public.duckdb")
    con = None
    try:
        log(f"load: {tmp.name}: " + ", ".join(s.kind for s in REGISTRY))
        con = duckdb.connect(str(tmp))
        # bounded memory: DuckDB spills to disk past this instead of taking 80% of the machine
        con.execute("SET memory_limit = ?", [os.environ.get("BSIM_DUCKDB_MEMORY", "1500MB")])
        con.execute(SCHEMA.read_text())
        step = Step(con, data_dir, with_example, Inputs(), log, boundaries=boundaries)
        load_sources(step)
        try:
            con.execute(OBSERVATION_KEY)
        except duckdb.ConstraintException as exc:
            raise BuildError(f"two figures for the same commune, indicator and year: {exc}") from None

        log("check: constraints passed; running SQL checks")
        failures = run_checks(con)
        if failures:
            raise BuildError("checks failed:\n" + "\n".join(failures))
        counts = dict(con.execute(
            "SELECT 'observations', count(*) FROM observation UNION ALL SELECT 'scoped figures', count(*) FROM "
            "scoped_observation UNION ALL SELECT 'operators', count(*) FROM operator UNION ALL "
            "SELECT 'boundaries', count(*) FROM commune_geometry").fetchall())
        message = ", ".join(f"{v} {k}" for k, v in counts.items())
        left_out = [part for part, what in step.example.items() if what == "left_out"]
        if left_out:
            message += "; example " + " and ".join(left_out) + " left out (real data present)"
        con.execute("INSERT INTO etl_run (run_id, started_at, finished_at, status, message, boundaries, with_example, "
                    "example_members, example_assessments) VALUES (?, ?, ?, 'ok', ?, ?, ?, ?, ?)",
                    [run_id, started, dt.datetime.now(dt.UTC).replace(tzinfo=None), message,
                     rel(step.boundaries_file) if step.boundaries_file else "", with_example,
                     step.example.get("members", "off"), step.example.get("assessments", "off")])
        insert_frame(con, "etl_input", pd.DataFrame(step.inputs.files).assign(run_id=run_id))
        con.execute("CHECKPOINT")
        con.close()
        con = None
        if public:
            write_public_copy(tmp, public_tmp)
            publish.publish(public_tmp, public_path(db_path))
        publish.publish(tmp, db_path)
        elapsed = time.perf_counter() - t0
        log(f"publish: {db_path} ({message}) in {elapsed:.1f} s")
        record = {"run_id": run_id, "status": "ok", "seconds": round(elapsed, 2), "message": message,
                  "db": str(db_path)}
        publish.log_run(db_path.parent, record)
        return {**record, "notes": step.notes}
    except BaseException as exc:
        if con is not None:
            con.close()
        publish.discard(tmp)
        publish.discard(public_tmp)
        publish.log_run(db_path.parent, {"run_id": run_id, "status": "failed", "error": str(exc)[:4000]})
        raise
