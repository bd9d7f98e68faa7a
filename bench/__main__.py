"""The benchmark, run from one command; prints ONE JSON document on stdout (progress goes to stderr).

    .venv/bin/python -m bench [--baseline bench/baseline.json] [--write-baseline] [--quick]

* ``etl``  — ``bench/etl_scale.py`` in a subprocess: build time and peak RSS of the shipped data, a
  Belgium-sized and an EU-sized synthetic load (``--quick``: no EU scale).
* ``app``  — ``bench/app_rerun.py``: the real ``streamlit run`` server driven over its websocket:
  per page (all nine) p50/p95 rerun time and bytes per interaction, the hello-world floor, reruns per
  second at 1/5/20 concurrent sessions, 20 sessions through nginx on one replica and on one per core,
  cold/warm time to a rendered hello-world page and map in headless Chromium, and the targets
  (``--quick``: 5 reruns per page instead of 30, one browser round instead of three).
* ``comparison`` — every numeric figure as a ratio to the same figure in the baseline file
  (``current / baseline``: > 1 means bigger — slower, heavier — than the baseline).

``--write-baseline`` also writes the document (without its comparison) to the baseline path.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_BASELINE = ROOT / "bench" / "baseline.json"
ETL_SCRIPT = ROOT / "bench" / "etl_scale.py"
# leaves that describe the run rather than measure it: not compared
NOT_FIGURES = {"reruns", "interactions_each", "sessions", "areas", "indicators", "years", "cores", "max_ratio",
               "data_ratio", "replicas", "at_start", "at_end"}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------- comparison

def flatten(doc, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON-like document as ``{"a.b.0.c": value}`` (booleans are not numbers here)."""
    out: dict[str, float] = {}
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, (list, tuple)):
        items = enumerate(doc)
    else:
        if isinstance(doc, (int, float)) and not isinstance(doc, bool):
            out[prefix] = doc
        return out
    for key, value in items:
        out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def compare(current: dict, baseline: dict) -> dict[str, float | None]:
    """``{figure_path: current / baseline}`` for every numeric leaf present in both documents.

    Equal zeros give 1.0; a non-zero figure over a zero baseline gives None (no finite ratio).
    Leaves whose last key names a setting rather than a measure (``NOT_FIGURES``) are left out.
    """
    cur, base = flatten(current), flatten(baseline)
    out: dict[str, float | None] = {}
    for path in sorted(cur.keys() & base.keys()):
        if path.rsplit(".", 1)[-1] in NOT_FIGURES:
            continue
        c, b = cur[path], base[path]
        if b == 0:
            out[path] = 1.0 if c == 0 else None
        else:
            out[path] = round(c / b, 3)
    return out


# ----------------------------------------------------------------------------------------- the runs

def machine() -> dict:
    import duckdb
    import streamlit
    return {"cores": os.cpu_count(), "python": platform.python_version(), "streamlit": streamlit.__version__,
            "duckdb": duckdb.__version__, "platform": platform.platform()}


def run_etl(quick: bool) -> dict:
    if not ETL_SCRIPT.exists():
        return {"skipped": f"{ETL_SCRIPT.relative_to(ROOT)} not found"}
    scenarios = "shipped,belgium" if quick else "shipped,belgium,eu"
    log(f"etl: {ETL_SCRIPT.relative_to(ROOT)} --scenarios {scenarios}")
    proc = subprocess.run([sys.executable, str(ETL_SCRIPT), "--scenarios", scenarios], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=None, text=True)
    if proc.returncode != 0:
        return {"skipped": f"etl_scale.py failed with exit code {proc.returncode}"}
    doc = json.loads(proc.stdout)
    doc.pop("machine", None)
    return doc


def run_app(quick: bool) -> dict:
    from bench.app_rerun import main as app_main
    log("app: streamlit server over its websocket" + (" (quick)" if quick else ""))
    doc = app_main(["--reruns", "5", "--browser-rounds", "1"] if quick else ["--reruns", "30"])
    # concurrency as a mapping, so comparison paths name the session count rather than a list index
    if isinstance(doc.get("concurrency"), list):
        doc["concurrency"] = {f"{c['sessions']}_sessions": c for c in doc["concurrency"]}
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default=str(DEFAULT_BASELINE), help="baseline JSON (default: bench/baseline.json)")
    ap.add_argument("--write-baseline", action="store_true", help="write this run to the baseline path")
    ap.add_argument("--quick", action="store_true", help="smoke run: 5 reruns per page, no EU scale")
    ap.add_argument("--skip-etl", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--skip-app", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    doc: dict = {"machine": machine(), "mode": "quick" if args.quick else "full",
                 "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    doc["etl"] = {"skipped": "--skip-etl"} if args.skip_etl else run_etl(args.quick)
    doc["app"] = {"skipped": "--skip-app"} if args.skip_app else run_app(args.quick)
    doc["bench_seconds"] = round(time.perf_counter() - t, 1)

    baseline_path = Path(args.baseline)
    if args.write_baseline:
        doc["note"] = (f"produced by `python -m bench --write-baseline{' --quick' if args.quick else ''}` on a "
                       f"{doc['machine']['cores']}-core machine in {doc['bench_seconds']} s"
                       + (" (quick: 5 reruns per page, no EU scale)" if args.quick else ""))
        baseline_path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"baseline written to {baseline_path}")
    if baseline_path.exists():
        baseline = json.loads(baseline_path.read_text(encoding="utf-8"))
        doc["baseline"] = {"path": str(baseline_path), "mode": baseline.get("mode"), "date": baseline.get("date")}
        doc["comparison"] = compare({"etl": doc["etl"], "app": doc["app"]},
                                    {"etl": baseline.get("etl", {}), "app": baseline.get("app", {})})
    else:
        doc["comparison"] = {}
    print(json.dumps(doc, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
