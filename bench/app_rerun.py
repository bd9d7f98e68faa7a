"""Server time and bytes of reruns on the real `streamlit run` server, driven over its websocket.

Prints one JSON document: per page p50/p95 rerun time and median bytes per interaction, the
hello-world floor measured in the same run, reruns per second at 1/5/20 concurrent sessions on the
map page, and cold/warm time to a rendered map in headless Chromium.

    .venv/bin/python bench/app_rerun.py [--reruns 30] [--skip-browser]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ws_client import Session, run_sessions  # noqa: E402
from tests.support.browser_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

BOUNDARIES = ROOT / "data" / "raw" / "geo" / "brussels_communes.geojson"  # the shipped geometry
MAP_INDICATORS = ["onem_unemployment_rate_annual_avg", "fiscal_avg_net_taxable_income_per_inhabitant",
                  "census_unemployment_rate_15_64", "census_employment_rate_15_64", "population_1jan",
                  "establishment_units"]
COMMUNES = [f"210{i:02d}" for i in range(1, 20)]


def pct(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def scenario(base: str, page: str, queries: list[str], reruns: int) -> dict:
    s = Session(base)
    first = s.rerun(queries[0], page)
    times, sizes, exceptions = [], [], int(first.exception)
    for i in range(reruns):
        r = s.rerun(queries[(i + 1) % len(queries)], page)
        times.append(r.ms)
        sizes.append(r.bytes)
        exceptions += r.exception
    s.close()
    return {"page": page or "hello", "first_load_ms": round(first.ms, 1), "first_load_bytes": first.bytes,
            "p50_ms": pct(times, 0.5), "p95_ms": pct(times, 0.95), "bytes_per_interaction_median": int(statistics.median(sizes)),
            "bytes_per_interaction_max": max(sizes), "reruns": reruns, "exceptions": exceptions}


def concurrent(base: str, sessions: int, interactions: int) -> dict:
    plans = [[f"lang=fr&indicator={MAP_INDICATORS[(i + k) % len(MAP_INDICATORS)]}" for i in range(interactions)]
             for k in range(sessions)]
    times, errors, wall = run_sessions(base, plans, "map")
    return {"sessions": sessions, "interactions_each": interactions, "reruns_per_second": round(len(times) / wall, 2),
            "p50_ms": pct(times, 0.5) if times else None, "p95_ms": pct(times, 0.95) if times else None,
            "errors": len(errors), "error_samples": [repr(e) for e in errors[:3]]}


def browser_map_times(base: str) -> dict:
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = b.new_context(viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        url = f"{base}/map?lang=fr&indicator=onem_unemployment_rate_annual_avg&view=geo"
        for label in ("cold_ms", "warm_ms"):
            t = time.perf_counter()
            pg.goto(url)
            pg.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=60_000)
            pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
            out[label] = round((time.perf_counter() - t) * 1000, 1)
        b.close()
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reruns", type=int, default=30)
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    args = ap.parse_args(argv)
    from etl.build import build
    tmp = Path(tempfile.mkdtemp(prefix="bsim-bench-"))
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    build(data, boundaries=str(BOUNDARIES) if BOUNDARIES.exists() else None, log=lambda *a: None)
    db = data / "impact.duckdb"
    result: dict = {"reruns": {}}
    with streamlit_server(db, script="bench/hello.py") as base:
        result["reruns"]["hello_floor"] = scenario(base, "", ["a=1", "a=2"], args.reruns)
    with streamlit_server(db) as base:
        pages = {
            "map": [f"lang=fr&indicator={i}" for i in MAP_INDICATORS],
            "commune": [f"lang=fr&commune={c}" for c in COMMUNES],
            "compare": [f"lang=fr&indicator={i}" for i in MAP_INDICATORS],
            "tips": [f"lang=fr&commune={c}" for c in COMMUNES],
        }
        for page, queries in pages.items():
            if (ROOT / "views" / f"{page}.py").exists():
                print(f"bench: {page}", file=sys.stderr)
                result["reruns"][page] = scenario(base, page, queries, args.reruns)
        if not args.skip_load:
            result["concurrency"] = [concurrent(base, n, 10) for n in (1, 5, 20)]
        if not args.skip_browser:
            result["browser_map"] = browser_map_times(base)
    shutil.rmtree(tmp, ignore_errors=True)
    floor = result["reruns"]["hello_floor"]["p50_ms"]
    m = result["reruns"].get("map")
    if m:
        result["targets"] = {"map_p50_le_200ms": m["p50_ms"] <= 200, "map_p95_le_400ms": m["p95_ms"] <= 400,
                             "map_bytes_le_30kb": m["bytes_per_interaction_median"] <= 30_000,
                             "map_p50_over_floor_ms": round(m["p50_ms"] - floor, 1)}
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
