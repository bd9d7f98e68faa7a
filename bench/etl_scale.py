"""ETL build benchmark: build time and peak memory at three scales. Prints figures; not a test.

    .venv/bin/python bench/etl_scale.py [--scenarios shipped,belgium,eu] [--memory-limit 1500MB|none] [--threads N]

Scenarios
  shipped  ``python -m etl build`` on a copy of data/ (without *.duckdb), boundaries from
           ``../shared/reference/geo/brussels_communes.geojson`` when that file exists.
  belgium  synthetic 565 municipalities x 50 indicators x 20 years  (565,000 fact rows)
  eu       synthetic 100,000 local units x 10 indicators x 10 years (10,000,000 fact rows)

The synthetic scenarios run the build's own load path on one generated long-format fact file:
``etl/schema.sql`` -> catalogue and commune tables (synthetic communes, indicators, unit and
source) -> ``etl.sources.facts.prepare`` -> ``check_and_load`` -> ``merge_staged`` -> primary key ->
``etl.checks.run_checks`` -> CHECKPOINT, close, ``etl.publish.publish`` (fsync, ``os.replace``).
Only the reference tables are synthetic.

Every scenario (and every generator) runs in its own child process; its peak RSS is the
``ru_maxrss`` that ``os.wait4`` returns for that child (it includes the child's own children), so
the figure is per scenario. Generation is timed but excluded from the build total and from the
peak RSS of the build.

One JSON document goes to stdout; progress lines go to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BOUNDARIES = ROOT / "data" / "raw" / "geo" / "brussels_communes.geojson"  # the shipped geometry
SYNTHETIC = {
    # name: (area codes, indicators, years, first code)
    "belgium": (565, 50, 20, 10000),
    "eu": (100_000, 10, 10, 0),
}
ALL = ["shipped", "belgium", "eu"]
TARGETS = {"shipped_max_seconds": 10.0, "scaling_max_ratio": 1.5, "eu_max_seconds": 60.0, "eu_max_rss_mib": 2048.0}
SOURCE_ID = "SRC_BENCH"
# the same DuckDB memory_limit as python -m etl build ($BSIM_DUCKDB_MEMORY, default 1500MB)
DEFAULT_MEMORY_LIMIT = os.environ.get("BSIM_DUCKDB_MEMORY", "1500MB")
FIRST_YEAR = 2001
# run_checks failures that synthetic reference data cannot avoid (the check encodes Brussels' 19+1 areas)
EXPECTED_SYNTHETIC_FAILURES = ("check '19 communes and the region'",)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rss_mib() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ---------------------------------------------------------------------------------------------
# child processes
# ---------------------------------------------------------------------------------------------

def run_child(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd``; return wall seconds, exit code, stdout, stderr and the child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"seconds": wall, "returncode": proc.returncode, "peak_rss_mib": usage.ru_maxrss / 1024,
                "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}


def self_cmd(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


# ---------------------------------------------------------------------------------------------
# shipped data
# ---------------------------------------------------------------------------------------------

def bench_shipped(workdir: Path) -> dict:
    data = workdir / "data"
    shutil.copytree(ROOT / "data", data,
                    ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", "*.duckdb.tmp", ".build-*",
                                                  "etl_runs.jsonl"))
    db = workdir / "out" / "impact.duckdb"
    env = dict(os.environ)
    if BOUNDARIES.exists():
        env["BSIM_BOUNDARIES"] = str(BOUNDARIES)
    else:
        env.pop("BSIM_BOUNDARIES", None)
    log(f"shipped: python -m etl build --data {data} --db {db}")
    res = run_child([sys.executable, "-m", "etl", "build", "--data", str(data), "--db", str(db)], env=env, cwd=ROOT)
    if res["returncode"] != 0:
        raise SystemExit(f"shipped build failed (exit {res['returncode']}):\n{res['stderr']}\n{res['stdout']}")
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        obs, scoped = con.execute("SELECT (SELECT count(*) FROM observation), "
                                  "(SELECT count(*) FROM scoped_observation)").fetchone()
    internal = None
    for line in res["stdout"].splitlines():
        if line.startswith("publish:") and " in " in line:
            internal = float(line.rsplit(" in ", 1)[1].split()[0])
    rows_in = sum(max(0, sum(1 for _ in open(p, encoding="utf-8", errors="replace")) - 1)
                  for p in (data / "raw" / "facts").glob("*.csv")
                  if p.name not in {"communes.csv", "sources.csv", "operators_directory.csv"})
    total = res["seconds"]
    return {
        "kind": "python -m etl build (subprocess)",
        "boundaries": str(BOUNDARIES) if BOUNDARIES.exists() else None,
        "fact_rows_in": rows_in, "observations": obs, "scoped_observations": scoped,
        "seconds": {"build_internal": internal, "process_wall": round(total, 3)},
        "total_seconds": round(total, 3),
        "peak_rss_mib": round(res["peak_rss_mib"], 1),
        "rows_per_second": round(rows_in / total) if total else None,
        "db_mib": round(db.stat().st_size / 2**20, 2),
    }


# ---------------------------------------------------------------------------------------------
# synthetic data: generator (own process)
# ---------------------------------------------------------------------------------------------

def generate(name: str, csv_path: Path) -> dict:
    import duckdb
    n, k, y, base = SYNTHETIC[name]
    t = time.perf_counter()
    con = duckdb.connect()
    # even indicators are counts (unit 'persons'), odd ones rates (unit '%'); values 0..100 fit both
    con.execute(f"""
        COPY (
          SELECT lpad(({base} + c)::VARCHAR, 5, '0') AS nis_code, {FIRST_YEAR} + y AS year,
                 'bench_ind_' || lpad(i::VARCHAR, 3, '0') AS indicator,
                 round(random() * 100, 2) AS value,
                 CASE WHEN i % 2 = 0 THEN 'persons' ELSE '%' END AS unit,
                 '{SOURCE_ID}' AS source_id, NULL::VARCHAR AS ref_period, NULL::VARCHAR AS note
          FROM range({n}) a(c), range({k}) b(i), range({y}) d(y)
        ) TO '{csv_path}' (HEADER true, DELIMITER ',')""")
    con.close()
    return {"rows": n * k * y, "seconds": time.perf_counter() - t, "bytes": csv_path.stat().st_size}


# ---------------------------------------------------------------------------------------------
# synthetic data: the build's load path (own process)
# ---------------------------------------------------------------------------------------------

def synthetic_reference(name: str):
    import pandas as pd

    from etl.sources.catalog import read_reuse_streams, read_tip_statuses
    n, k, _, base = SYNTHETIC[name]
    codes = [f"{base + c:05d}" for c in range(n)]
    communes = pd.DataFrame({
        "nis_code": codes, "level": "commune",
        "name_fr": [f"Commune {c}" for c in codes], "name_nl": [f"Gemeente {c}" for c in codes],
        "name_en": [f"Municipality {c}" for c in codes], "area_km2": 10.0, "area_source_id": SOURCE_ID,
        "postal_codes": "", "tile_row": [c // 400 for c in range(n)], "tile_col": [c % 400 for c in range(n)],
        "names_source_id": SOURCE_ID,
    })
    ind = [f"bench_ind_{i:03d}" for i in range(k)]
    indicators = pd.DataFrame({
        "indicator_id": ind, "topic": "context", "theme": "bench",
        "unit_id": ["persons" if i % 2 == 0 else "percent" for i in range(k)],
        "decimals": 2, "direction": "neutral",
        "kind": ["count" if i % 2 == 0 else "rate" for i in range(k)],
        "denominators": "", "definition": None,
        "label_fr": ind, "label_nl": ind, "label_en": ind,
        "description_fr": "synthétique", "description_nl": "synthetisch", "description_en": "synthetic",
        "source_ids": SOURCE_ID, "quality": "official", "sort_order": list(range(k)),
    }).set_index("indicator_id", drop=False)
    catalog = SimpleNamespace(
        sources=pd.DataFrame([{"source_id": SOURCE_ID, "publisher": "bench", "title": "synthetic benchmark data",
                               "url": None, "reference_date": None, "licence": None, "notes": None,
                               "quality": "official", "retrieved": None}]),
        units=pd.DataFrame([{"unit_id": "persons", "label_fr": "personnes", "label_nl": "personen",
                             "label_en": "persons"},
                            {"unit_id": "percent", "label_fr": "%", "label_nl": "%", "label_en": "%"}]),
        indicators=indicators,
        tips=pd.DataFrame(),
        unit_map={"persons": "persons", "%": "percent"},
        check_values=pd.DataFrame(),
        # the shipped vocabularies; no display choices (they name real indicators)
        tip_statuses=read_tip_statuses(ROOT / "data" / "catalog" / "tip_statuses.csv"),
        reuse_streams=read_reuse_streams(ROOT / "data" / "catalog" / "reuse_streams.csv"),
        display=pd.DataFrame(),
    )
    return catalog, communes


def run_synthetic(name: str, csv_path: Path, workdir: Path, memory_limit: str | None, threads: int | None) -> dict:
    import duckdb

    from etl.checks import run_checks
    from etl.publish import publish
    from etl.sources.base import SCHEMA, insert_frame
    from etl.sources.catalog import insert_catalog
    from etl.sources.facts import OBSERVATION_KEY, check_and_load, merge_staged, prepare

    os.environ["BSIM_MAX_INPUT_MB"] = str(max(200, csv_path.stat().st_size // 2**20 + 100))
    phases: dict[str, float] = {}
    rss: dict[str, float] = {"start": round(rss_mib(), 1)}
    tmp = workdir / f".build-{os.getpid()}.duckdb"
    db = workdir / "impact.duckdb"

    def mark(phase: str, t0: float) -> None:
        phases[phase] = round(time.perf_counter() - t0, 3)
        rss[phase] = round(rss_mib(), 1)
        log(f"{name}: {phase} {phases[phase]:.2f} s, peak RSS so far {rss[phase]:.0f} MiB")

    t = time.perf_counter()
    catalog, communes = synthetic_reference(name)
    con = duckdb.connect(str(tmp))
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    settings = dict(con.execute("SELECT name, value FROM duckdb_settings() "
                                "WHERE name IN ('memory_limit', 'threads', 'temp_directory')").fetchall())
    con.execute(SCHEMA.read_text())
    insert_catalog(con, catalog)
    insert_frame(con, "commune", communes)
    prepare(con, catalog)
    mark("reference", t)

    t = time.perf_counter()
    problems, n = check_and_load(con, csv_path, csv_path.name)
    if problems:
        raise SystemExit(f"{name}: check_and_load reported problems: {[str(p) for p in problems[:5]]}")
    mark("stage_validate", t)

    t = time.perf_counter()
    problems = merge_staged(con)
    if problems:
        raise SystemExit(f"{name}: merge_staged reported problems: {[str(p) for p in problems[:5]]}")
    mark("merge", t)

    t = time.perf_counter()
    con.execute(OBSERVATION_KEY)       # the fact table's primary key, built once as the real build does
    mark("primary_key", t)

    t = time.perf_counter()
    failures = run_checks(con)
    mark("checks", t)

    obs, scoped = con.execute("SELECT (SELECT count(*) FROM observation), "
                              "(SELECT count(*) FROM scoped_observation)").fetchone()
    t = time.perf_counter()
    con.execute("CHECKPOINT")
    con.close()
    publish(tmp, db)
    mark("publish", t)
    return {"rows_in": n, "observations": obs, "scoped_observations": scoped, "phases": phases,
            "rss_mib_after_phase": rss, "check_failures": failures, "duckdb_settings": settings,
            "db_mib": round(db.stat().st_size / 2**20, 2)}


def bench_synthetic(name: str, workdir: Path, memory_limit: str | None, threads: int | None) -> dict:
    n, k, y, _ = SYNTHETIC[name]
    csv_path = workdir / f"facts_{name}.csv"
    log(f"{name}: generating {n} areas x {k} indicators x {y} years = {n * k * y:,} rows")
    gen = run_child(self_cmd("--generate", name, "--csv", str(csv_path)), cwd=ROOT)
    if gen["returncode"] != 0:
        raise SystemExit(f"{name}: generator failed:\n{gen['stderr']}")
    gen_info = json.loads(gen["stdout"])
    log(f"{name}: generated {gen_info['bytes'] / 2**20:.0f} MiB in {gen['seconds']:.1f} s; loading")
    args = ["--scenario", name, "--csv", str(csv_path), "--workdir", str(workdir)]
    if memory_limit:
        args += ["--memory-limit", memory_limit]
    if threads:
        args += ["--threads", str(threads)]
    res = run_child(self_cmd(*args), cwd=ROOT)
    sys.stderr.write(res["stderr"])
    if res["returncode"] != 0:
        raise SystemExit(f"{name}: load failed (exit {res['returncode']})")
    info = json.loads(res["stdout"])
    rows = info["rows_in"]
    total = round(sum(info["phases"].values()), 3)
    unexpected = [f for f in info["check_failures"] if not f.startswith(EXPECTED_SYNTHETIC_FAILURES)]
    return {
        "kind": "etl load path on synthetic reference tables (subprocess)",
        "areas": n, "indicators": k, "years": y, "fact_rows_in": rows,
        "csv_mib": round(gen_info["bytes"] / 2**20, 1),
        "observations": info["observations"], "scoped_observations": info["scoped_observations"],
        "seconds": {"generate": round(gen["seconds"], 3), **info["phases"]},
        "total_seconds": total,
        "process_wall_seconds": round(res["seconds"], 3),
        "peak_rss_mib": round(res["peak_rss_mib"], 1),
        "generator_peak_rss_mib": round(gen["peak_rss_mib"], 1),
        "rss_mib_after_phase": info["rss_mib_after_phase"],
        "rows_per_second": round(rows / total) if total else None,
        "seconds_per_million_rows": round(total / rows * 1e6, 3),
        "duckdb_settings": info["duckdb_settings"],
        "check_failures_expected": [f for f in info["check_failures"] if f not in unexpected],
        "check_failures_unexpected": unexpected,
        "db_mib": info["db_mib"],
    }


# ---------------------------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------------------------

def summarise(results: dict, memory_limit: str | None, threads: int | None) -> dict:
    doc = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
           "bench_duckdb_settings": {"memory_limit": memory_limit or "DuckDB default (80% of RAM)",
                                     "applies_to": "synthetic scenarios only; shipped runs the unmodified CLI",
                                     "threads": threads or "DuckDB default"},
           "scenarios": results}
    try:
        import duckdb
        doc["machine"]["duckdb"] = duckdb.__version__
    except ImportError:
        pass
    targets: dict[str, bool | None] = {}
    if "shipped" in results:
        targets["shipped_le_10s"] = results["shipped"]["total_seconds"] <= TARGETS["shipped_max_seconds"]
    if "belgium" in results and "eu" in results:
        be, eu = results["belgium"], results["eu"]
        ratio = eu["seconds_per_million_rows"] / be["seconds_per_million_rows"]
        doc["scaling"] = {"belgium_seconds_per_million_rows": be["seconds_per_million_rows"],
                          "eu_seconds_per_million_rows": eu["seconds_per_million_rows"],
                          "data_ratio": round(eu["fact_rows_in"] / be["fact_rows_in"], 2),
                          "time_ratio": round(eu["total_seconds"] / be["total_seconds"], 2),
                          "eu_over_belgium_per_row_ratio": round(ratio, 3),
                          "max_ratio": TARGETS["scaling_max_ratio"]}
        targets["time_grows_no_faster_than_data"] = ratio <= TARGETS["scaling_max_ratio"]
    if "eu" in results:
        eu = results["eu"]
        targets["eu_le_60s_and_2gb"] = (eu["total_seconds"] <= TARGETS["eu_max_seconds"]
                                        and eu["peak_rss_mib"] <= TARGETS["eu_max_rss_mib"])
    doc["targets"] = TARGETS
    doc["targets_met"] = targets
    return doc


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenarios", default=",".join(ALL), help="comma-separated: shipped,belgium,eu (default all)")
    p.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT,
                   help="DuckDB memory_limit for the synthetic loads (bench only; the build itself sets none). "
                        f"Default {DEFAULT_MEMORY_LIMIT} so the EU scale can stay under 2 GB RSS; "
                        "'none' = DuckDB's default (80%% of RAM)")
    p.add_argument("--threads", type=int, default=None, help="DuckDB threads for the synthetic loads (bench only)")
    p.add_argument("--tmpdir", default=None, help="where to put generated files (default: system temp)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directories")
    # internal: one scenario / generator per child process
    p.add_argument("--scenario", help=argparse.SUPPRESS)
    p.add_argument("--generate", help=argparse.SUPPRESS)
    p.add_argument("--csv", help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.memory_limit and args.memory_limit.lower() in ("none", "default", ""):
        args.memory_limit = None

    if args.generate:
        print(json.dumps(generate(args.generate, Path(args.csv))))
        return 0
    if args.scenario:
        print(json.dumps(run_synthetic(args.scenario, Path(args.csv), Path(args.workdir), args.memory_limit,
                                       args.threads), default=str))
        return 0

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    bad = [s for s in names if s not in ALL]
    if bad:
        p.error(f"unknown scenario(s) {bad}; choose from {ALL}")
    results = {}
    for name in names:
        workdir = Path(tempfile.mkdtemp(prefix=f"bsim-bench-{name}-", dir=args.tmpdir))
        try:
            if name == "shipped":
                results[name] = bench_shipped(workdir)
            else:
                results[name] = bench_synthetic(name, workdir, args.memory_limit, args.threads)
            r = results[name]
            log(f"{name}: {r['total_seconds']:.2f} s, peak RSS {r['peak_rss_mib']:.0f} MiB")
        finally:
            if args.keep:
                log(f"{name}: kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(summarise(results, args.memory_limit, args.threads), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
