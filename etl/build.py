"""Build a new DuckDB file from data/, check it, and publish it (etl.publish).

A failed build (bad input, failed check, crash, ``kill -9``) never touches the published file:
everything is written to ``<db dir>/.build-<pid>.duckdb`` first and only ``os.replace``d over
``impact.duckdb`` after every check passed and the file was flushed to disk.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import publish
from .catalog import Catalog, load_catalog
from .checks import run_checks
from .errors import InputError, Problem

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).with_name("schema.sql")
NOT_FACTS = {"communes.csv", "sources.csv", "operators_directory.csv"}
BOUNDARIES_ENV = "BSIM_BOUNDARIES"
NO_EXAMPLE_ENV = "BSIM_NO_EXAMPLE"


class BuildError(Exception):
    """A build that could not publish; ``problems`` name file, row, column and reason."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        detail = "".join(f"\n  {p}" for p in self.problems[:20])
        super().__init__(message + detail)


@dataclass
class Inputs:
    """Every file a build reads, with its sha256 and the rows taken from it."""

    files: list[dict] = field(default_factory=list)

    def add(self, path: Path, kind: str, rows: int) -> None:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        self.files.append({"path": rel(path), "kind": kind, "sha256": digest, "bytes": Path(path).stat().st_size,
                           "rows_read": int(rows)})


def rel(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def resolve_boundaries(explicit: str | None, data_dir: Path, log) -> Path | None:
    """``--boundaries`` must exist; the environment variable and fetched files are soft defaults."""
    if explicit:
        p = Path(explicit)
        if not p.exists():
            raise BuildError("boundary file not found", [Problem(str(p), None, None, "file not found")])
        return p
    env = os.environ.get(BOUNDARIES_ENV)
    if env:
        if Path(env).exists():
            return Path(env)
        log(f"  boundaries: {BOUNDARIES_ENV}={env} does not exist; building without boundaries")
        return None
    fetched = sorted((data_dir / "raw" / "statbel" / "fetched").glob("sh_statbel_statistical_sectors_*"))
    return fetched[-1] if fetched else None


@dataclass
class Step:
    """What a feature loader (member data, tip assessments) gets from the build."""

    con: duckdb.DuckDBPyConnection
    data_dir: Path
    catalog: Catalog
    communes: pd.DataFrame
    geometry: pd.DataFrame | None     # WGS84 GeoJSON per commune, None without boundaries
    with_example: bool
    inputs: "Inputs"
    log: object


FEATURE_LOADERS = ("etl.sources.members", "etl.sources.assessments", "etl.sources.templates")


class Collector:
    """Runs extract steps, keeping every InputError's problems so one build reports them all."""

    def __init__(self):
        self.problems: list[Problem] = []

    def attempt(self, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None


def _statbel_frames(data_dir: Path, communes: pd.DataFrame, inputs: Inputs, col: Collector, log) -> list[pd.DataFrame]:
    from .sources import statbel

    frames = []
    statbel_dir = data_dir / "raw" / "statbel"
    paths = sorted(p for d in (statbel_dir, statbel_dir / "fetched") if d.exists() for p in d.iterdir() if p.is_file())
    for path in paths:
        name = path.name.upper()
        if name.startswith("TF_PSNL_INC_TAX_MUNTY"):
            frame = col.attempt(statbel.read_income, path)
            if frame is not None:
                frames.append(_statbel_obs(frame, "SRC_STATBEL_FISC_FILE", path))
                inputs.add(path, "statbel_income", len(frame))
                log(f"  {rel(path)}: {len(frame)} fiscal income figures")
        elif name.startswith("TF_SOC_POP_STRUCT"):
            frame = col.attempt(statbel.read_population, path)
            if frame is not None:
                note = frame["nis_code"].map(lambda c: "sum of the 19 communes" if c == "04000" else None)
                frames.append(_statbel_obs(frame.assign(indicator="population_1jan", note=note),
                                           "SRC_STATBEL_POP_FILE", path))
                inputs.add(path, "statbel_population", len(frame))
                log(f"  {rel(path)}: population on 1 January {', '.join(map(str, sorted(frame['year'].unique())))}")
        elif name.startswith("REFNIS"):
            refnis = col.attempt(statbel.read_refnis, path)
            if refnis is not None:
                col.problems.extend(_check_names(communes, refnis, rel(path)))
                inputs.add(path, "statbel_refnis", len(refnis))
    return frames


def _statbel_obs(frame: pd.DataFrame, source_id: str, path: Path) -> pd.DataFrame:
    return pd.DataFrame({
        "nis_code": frame["nis_code"], "indicator_id": frame["indicator"], "year": frame["year"].astype(int),
        "value": frame["value"].astype(float), "source_id": source_id, "source_ids": source_id,
        "quality": "official", "ref_period": None, "note": frame["note"] if "note" in frame else None,
        "input_file": rel(path), "pref": 0,
    })


def _check_names(communes: pd.DataFrame, refnis: pd.DataFrame, name: str) -> list[Problem]:
    ours = communes.set_index("nis_code")
    out = []
    for r in refnis.itertuples():
        if r.nis_code in ours.index and ours.loc[r.nis_code, "level"] == "commune":
            for lang in ("fr", "nl"):
                a, b = getattr(r, f"name_{lang}"), ours.loc[r.nis_code, f"name_{lang}"]
                if a.replace("-", " ").lower() != b.replace("-", " ").lower():
                    out.append(Problem(name, None, f"name_{lang}",
                                       f"{r.nis_code}: REFNIS says '{a}', communes.csv says '{b}'"))
    return out


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | None) -> None:
    """Insert the columns of ``frame`` that ``table`` has."""
    if frame is None or frame.empty:
        return
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    frame = frame[[c for c in cols if c in frame.columns]]
    con.register("_frame", frame)
    con.execute(f"INSERT INTO {table} ({', '.join(frame.columns)}) SELECT * FROM _frame")
    con.unregister("_frame")


def load_reference_tables(con: duckdb.DuckDBPyConnection, catalog: Catalog, communes: pd.DataFrame) -> None:
    """Catalogue tables and the lookups the fact loader validates against."""
    from .sources.facts import STAGE_DDL

    insert_frame(con, "source", catalog.sources)
    insert_frame(con, "commune", communes)
    insert_frame(con, "unit", catalog.units)
    insert_frame(con, "indicator", catalog.indicators.reset_index(drop=True))
    insert_frame(con, "tip", catalog.tips)
    con.execute("CREATE TEMP TABLE _unit_map (fact_unit VARCHAR, unit_id VARCHAR)")
    con.executemany("INSERT INTO _unit_map VALUES (?, ?)", list(catalog.unit_map.items()))
    con.execute("CREATE TEMP TABLE _known AS SELECT nis_code FROM commune")
    # published totals that any loaded figure of the same place, indicator and year must reproduce
    con.execute("CREATE TEMP TABLE _check_values (indicator_id VARCHAR, nis_code VARCHAR, year INTEGER, "
                "value DOUBLE, tolerance DOUBLE, reference VARCHAR)")
    if not catalog.check_values.empty:
        insert_frame(con, "_check_values", catalog.check_values)
    con.execute("CREATE TEMP TABLE _commune_names AS SELECT nis_code, lower(unnest([name_fr, name_nl, name_en])) AS name "
                "FROM commune")
    con.execute(STAGE_DDL)


def build(data_dir: Path = ROOT / "data", db_path: Path | None = None, *, boundaries: str | None = None,
          with_example: bool | None = None, log=print) -> dict:
    """Extract, load, check, publish. Returns the run record; raises BuildError on failure."""
    from .sources.communes import postal_index, read_communes
    from .sources.facts import OBSERVATION_KEY, check_and_load, merge_staged
    from .sources.operators import read_operator_directory

    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    if with_example is None:
        with_example = os.environ.get(NO_EXAMPLE_ENV, "") in ("", "0", "false")
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    run_id = started.strftime("%Y%m%dT%H%M%S%fZ")
    t0 = time.perf_counter()
    tmp = publish.prepare(db_path)
    inputs, col = Inputs(), Collector()
    con = None
    try:
        log("extract: catalogue, communes, operators, publisher files")
        facts_dir = data_dir / "raw" / "facts"
        try:
            catalog = load_catalog(data_dir / "catalog", facts_dir / "sources.csv")
            communes, n = read_communes(facts_dir / "communes.csv", catalog)
        except InputError as exc:
            raise BuildError("input files have problems", exc.problems) from None
        for path, rows in catalog.files:
            inputs.add(path, "catalog", rows)
        inputs.add(facts_dir / "communes.csv", "communes", n)
        op_path = facts_dir / "operators_directory.csv"
        res = col.attempt(read_operator_directory, op_path, catalog, postal_index(communes))
        operators = res[0] if res else None
        if res:
            inputs.add(op_path, "operators", res[1])
        statbel = _statbel_frames(data_dir, communes, inputs, col, log)
        geometry, bpath = None, resolve_boundaries(boundaries, data_dir, log)
        if bpath is not None:
            from .geo import load_boundaries
            t = time.perf_counter()
            geometry = col.attempt(load_boundaries, bpath)
            if geometry is not None:
                geometry["source_file"] = rel(bpath)
                inputs.add(bpath, "boundaries", len(geometry))
                log(f"  boundaries {rel(bpath)}: 19 communes in {time.perf_counter() - t:.1f} s")
        else:
            log("  no boundary file: building without geometry (the app shows the tile map)")

        log(f"load: {tmp.name}")
        con = duckdb.connect(str(tmp))
        # bounded memory: DuckDB spills to disk past this instead of taking 80% of the machine
        con.execute("SET memory_limit = ?", [os.environ.get("BSIM_DUCKDB_MEMORY", "1500MB")])
        con.execute(SCHEMA.read_text())
        load_reference_tables(con, catalog, communes)
        insert_frame(con, "commune_geometry", geometry)
        insert_frame(con, "operator", operators)
        for path in sorted(p for p in facts_dir.glob("*.csv") if p.name not in NOT_FACTS):
            t = time.perf_counter()
            try:
                problems, n = check_and_load(con, path, rel(path))
            except InputError as exc:
                problems, n = exc.problems, 0
            col.problems.extend(problems)
            if not problems:
                inputs.add(path, "facts", n)
                log(f"  {rel(path)}: {n} rows in {time.perf_counter() - t:.2f} s")
        for frame in statbel:
            insert_frame(con, "_obs_stage", frame)
        if col.problems:
            raise BuildError("input files have problems", col.problems)
        problems = merge_staged(con)
        if problems:
            raise BuildError("two inputs give different values for the same figure", problems)
        # features that derive figures from loaded ones (member data -> commune indicators, assessments)
        import importlib
        step = Step(con, data_dir, catalog, communes, geometry, with_example, inputs, log)
        for module in FEATURE_LOADERS:
            problems = importlib.import_module(module).load(step)
            if problems:
                raise BuildError("input files have problems", problems)
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
        con.execute("INSERT INTO etl_run VALUES (?, ?, ?, 'ok', ?, ?, ?)",
                    [run_id, started, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), message,
                     rel(bpath) if bpath else "", with_example])
        insert_frame(con, "etl_input", pd.DataFrame(inputs.files).assign(run_id=run_id))
        con.execute("CHECKPOINT")
        con.close()
        con = None
        publish.publish(tmp, db_path)
        elapsed = time.perf_counter() - t0
        log(f"publish: {db_path} ({message}) in {elapsed:.1f} s")
        record = {"run_id": run_id, "status": "ok", "seconds": round(elapsed, 2), "message": message,
                  "db": str(db_path)}
        publish.log_run(db_path.parent, record)
        return record
    except BaseException as exc:
        if con is not None:
            con.close()
        publish.discard(tmp)
        publish.log_run(db_path.parent, {"run_id": run_id, "status": "failed", "error": str(exc)[:4000]})
        raise

