"""Server time and bytes of reruns on the real `streamlit run` server, driven over its websocket.

Prints one JSON document, every figure beside a floor measured in the same run:

* ``reruns``: per page (all nine), a user changing the page's main widget in turn (``PAGES``): p50/p95
  rerun time, median and max bytes per interaction — ``bytes_…`` the messages as Streamlit writes them,
  ``wire_bytes_…`` what came over the socket (websocket compression) — with the browser's message
  cache emulated, geometry bytes per rerun; ``hello_floor`` is a hello-world page on its own server;
* ``concurrency``: reruns per second and latency with 1, 5 and 20 sessions on the map page of one
  process; ``concurrency_floor``: 20 sessions on the hello-world page;
* ``replicas``: 20 sessions on the map through nginx with one replica, then one per core
  (``python -m serve``'s layout), and the throughput ratio of the two;
* ``browser``: cold (empty cache) and warm time to a rendered hello-world page and map in headless
  Chromium, both through nginx;
* ``targets``: the goals of the performance issue, as figures over the floor and yes/no.

    .venv/bin/python bench/app_rerun.py [--reruns 30] [--pages map,commune] [--skip-load]
                                        [--skip-replicas] [--skip-browser]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ws_client import Session, run_sessions  # noqa: E402
from serve.stack import default_replicas  # noqa: E402
from tests.support.browser_server import CHROMIUM, CHROMIUM_ARGS, served_stack, streamlit_server  # noqa: E402

BOUNDARIES = ROOT / "data" / "raw" / "geo" / "brussels_communes.geojson"  # the shipped geometry
MAP_INDICATORS = ["onem_unemployment_rate_annual_avg", "fiscal_avg_net_taxable_income_per_inhabitant",
                  "census_unemployment_rate_15_64", "census_employment_rate_15_64", "population_1jan",
                  "establishment_units"]
COMMUNES = [f"210{i:02d}" for i in range(1, 20)]
# every page of the app and what a user changes on it: (page in the URL, the URL opened, the widget's key,
# the options chosen in turn — option numbers of that widget, as the user picks them; widget keys carry the
# language of the page)
PAGES = {
    "overview": ("", "lang=fr", "lang_widget", [1, 2, 0]),                  # the language
    "map": ("map", "lang=fr", "url_indicator_fr", list(range(1, 7))),           # six indicators in turn
    "commune": ("commune", "lang=fr", "url_commune_fr", list(range(19))),       # the 19 communes
    "compare": ("compare", "lang=fr", "url_indicator_fr", list(range(1, 7))),
    "jobs": ("jobs", "lang=fr", "url_commune_fr", list(range(1, 20)) + [0]),     # the communes, then the region
    "reuse": ("reuse", "lang=fr", "url_commune_fr", list(range(1, 20)) + [0]),
    "operators": ("operators", "lang=fr", "url_communes_fr", [[i] for i in range(19)]),
    "tips": ("tips", "lang=fr", "url_commune_fr", list(range(1, 19)) + [0]),    # the commune detail
    "sources": ("sources", "lang=fr", "url_indicator_fr", list(range(1, 7))),
}
FLOOR = ("", "a=1", None, ["a=1", "a=2"])       # the hello-world page: a rerun of an unchanged URL


def pct(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def scenario(base: str, plan: tuple, reruns: int) -> dict:
    """Open the page, then ``reruns`` interactions: the plan's widget set to its options in turn (the floor,
    with no widget, reruns its URLs in turn)."""
    page, opening, key, choices = plan
    s = Session(base)
    first = s.rerun(opening, page)
    times, sizes, wire, geometry, exceptions = [], [], [], [], int(first.exception)
    for i in range(reruns):
        choice = choices[i % len(choices)]
        r = s.interact(key, choice) if key else s.rerun(choice, page)
        times.append(r.ms)
        sizes.append(r.bytes)
        wire.append(r.wire_bytes)
        geometry.append(r.geometry_bytes)
        exceptions += r.exception
    s.close()
    return {"page": page or "(default)", "widget": key, "first_load_ms": round(first.ms, 1),
            "first_load_bytes": first.bytes, "p50_ms": pct(times, 0.5), "p95_ms": pct(times, 0.95),
            "bytes_per_interaction_median": int(statistics.median(sizes)), "bytes_per_interaction_max": max(sizes),
            "wire_bytes_per_interaction_median": int(statistics.median(wire)),
            "wire_bytes_per_interaction_max": max(wire), "first_load_wire_bytes": first.wire_bytes,
            "geometry_bytes_per_rerun_max": max(geometry), "reruns": reruns, "exceptions": exceptions}


def concurrent(base: str, sessions: int, interactions: int, page: str = "map") -> dict:
    """``sessions`` sessions at once, each opening URLs of the map (six indicators in turn, each session
    starting at another one) or of the floor page."""
    queries = [f"lang=fr&indicator={i}" for i in MAP_INDICATORS] if page == "map" else FLOOR[3]
    plans = [[queries[(i + k) % len(queries)] for i in range(interactions)] for k in range(sessions)]
    times, errors, wall = run_sessions(base, plans, page)
    return {"sessions": sessions, "interactions_each": interactions, "reruns_per_second": round(len(times) / wall, 2),
            "p50_ms": pct(times, 0.5) if times else None, "p95_ms": pct(times, 0.95) if times else None,
            "errors": len(errors), "error_samples": [repr(e) for e in errors[:3]]}


def cpu_seconds(pids) -> float | None:
    """User + system CPU time the processes used so far (Linux ``/proc``; None elsewhere)."""
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])      # utime, stime
        return total / ticks
    except (OSError, ValueError, IndexError):
        return None


def with_children(pids) -> list[int]:
    """The processes and their direct children (Linux ``/proc``; the processes alone elsewhere)."""
    out = list(pids)
    for pid in pids:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def replicas_figures(db: Path, sessions: int, interactions: int) -> dict:
    """The map with ``sessions`` concurrent sessions through nginx: one replica, then one per core.

    Beside reruns per second: the replicas' CPU time per rerun (what a rerun costs, whatever else runs on
    the machine) and the cores they got (their CPU seconds over the wall seconds): on a machine shared
    with other work the second replica cannot run faster than the core it is left."""
    n = default_replicas()
    out: dict = {"cores": os.cpu_count(), "replicas": n}
    for label, count in (("one_replica", 1), ("n_replicas", n)):
        with served_stack(db, replicas=count) as stack:
            print(f"bench: {sessions} sessions through nginx, {count} replica(s)", file=sys.stderr)
            for replica in stack.members:    # every replica has drawn each map once, as in production
                concurrent(replica.url, 1, len(MAP_INDICATORS))
            pids = [r.proc.pid for r in stack.members]
            web = with_children([stack.nginx.pid]) if stack.nginx is not None else []   # master and worker
            cpu0, web0, own0, t0 = cpu_seconds(pids), cpu_seconds(web), time.process_time(), time.perf_counter()
            fig = concurrent(stack.url, sessions, interactions)
            cpu1, web1, own1 = cpu_seconds(pids), cpu_seconds(web), time.process_time()
            wall = time.perf_counter() - t0
            reruns = sessions * interactions
            if cpu0 is not None and cpu1 is not None:
                fig["replica_cpu_ms_per_rerun"] = round((cpu1 - cpu0) * 1000 / reruns, 1)
                fig["cores_used_by_replicas"] = round((cpu1 - cpu0) / wall, 2)
            # the same two cores also run the bench's own 20 websocket clients and nginx
            fig["cores_used_by_bench_clients"] = round((own1 - own0) / wall, 2)
            if web0 is not None and web1 is not None:
                fig["cores_used_by_nginx"] = round((web1 - web0) / wall, 2)
            out[label] = fig
    one, many = out["one_replica"], out["n_replicas"]
    out["throughput_ratio"] = round(many["reruns_per_second"] / one["reruns_per_second"], 2) \
        if one["reruns_per_second"] else None
    return out


def _page_load_ms(page, url: str, ready: list[str]) -> float:
    """Navigate and wait until every ``ready`` mark holds: a CSS selector, or a JavaScript predicate
    (``() => …``) checked at every animation frame, as Playwright checks a selector (polled every 100 ms,
    the map's predicate was seen up to 100 ms late, the floor's selector was not)."""
    t = time.perf_counter()
    page.goto(url)
    for mark in ready:
        if mark.startswith("() =>"):
            page.wait_for_function(mark, timeout=120_000, polling="raf")
        else:
            page.wait_for_selector(mark, timeout=120_000)
    return round((time.perf_counter() - t) * 1000, 1)


def browser_times(targets: dict[str, tuple[str, list[str]]], rounds: int = 3) -> dict:
    """Cold (a new browser context: empty cache) and warm (the same URL again in that context) time to
    a rendered page, per target ``{name: (url, selectors that mark it rendered)}``; the median of
    ``rounds``, targets interleaved so load on the machine falls on all of them alike."""
    from playwright.sync_api import sync_playwright
    samples: dict[str, dict[str, list[float]]] = {name: {"cold_ms": [], "warm_ms": []} for name in targets}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(rounds):
            for name, (url, ready) in targets.items():
                ctx = b.new_context(viewport={"width": 1400, "height": 1000})
                pg = ctx.new_page()
                samples[name]["cold_ms"].append(_page_load_ms(pg, url, ready))
                samples[name]["warm_ms"].append(_page_load_ms(pg, url, ready))
                ctx.close()
        b.close()
    return {name: {k: round(statistics.median(v), 1) for k, v in d.items()} for name, d in samples.items()}


RENDERED = "[data-testid='stApp'][data-test-script-state='notRunning']"
# the map is drawn: the page's SVG map (ui.geo_map) has its boundaries fetched and every commune coloured
MAP_DRAWN = "() => { const m = document.querySelector('.bsim-geo'); return !!m && Number(m.dataset.drawn) >= 19; }"
MAP_RENDERED = [RENDERED, MAP_DRAWN]
HELLO_RENDERED = ["[data-testid='stMarkdownContainer'] >> text=Hello", RENDERED]
MAP_URL = "/map?lang=fr&indicator=onem_unemployment_rate_annual_avg&view=geo"


def targets(result: dict) -> dict:
    """The issue's goals, each as a figure against the floor of this run and a yes/no."""
    floor = result["reruns"]["hello_floor"]
    out: dict = {"pages": {}}
    for name, r in result["reruns"].items():
        if name == "hello_floor":
            continue
        out["pages"][name] = {
            "p50_over_floor_ms": round(r["p50_ms"] - floor["p50_ms"], 1),
            "p95_over_floor_ms": round(r["p95_ms"] - floor["p95_ms"], 1),
            "p50_within_floor_plus_50ms": r["p50_ms"] <= floor["p50_ms"] + 50,
            "p95_within_floor_plus_150ms": r["p95_ms"] <= floor["p95_ms"] + 150,
            "wire_bytes_le_20kb": r["wire_bytes_per_interaction_median"] <= 20_000,
            "message_bytes_le_20kb": r["bytes_per_interaction_median"] <= 20_000,
            "no_geometry_per_rerun": r["geometry_bytes_per_rerun_max"] == 0,
        }
    rep = result.get("replicas")
    if rep and rep.get("throughput_ratio") is not None:
        out["replicas"] = {"throughput_ratio_ge_1_7": rep["throughput_ratio"] >= 1.7,
                           "p95_20_sessions_le_1500ms": (rep["n_replicas"]["p95_ms"] or 1e9) <= 1500}
    br = result.get("browser")
    if br:
        ratio = round(br["map"]["cold_ms"] / br["hello_floor"]["cold_ms"], 2)
        out["browser"] = {"map_cold_over_floor_cold": ratio, "map_cold_le_1_5x_floor": ratio <= 1.5,
                          "map_warm_over_floor_warm": round(br["map"]["warm_ms"] / br["hello_floor"]["warm_ms"], 2)}
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reruns", type=int, default=30)
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-replicas", action="store_true")
    ap.add_argument("--pages", default="", help="comma-separated page names (default: every page)")
    ap.add_argument("--browser-rounds", type=int, default=3)
    args = ap.parse_args(argv)
    from etl.build import build
    tmp = Path(tempfile.mkdtemp(prefix="bsim-bench-"))
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    build(data, boundaries=str(BOUNDARIES) if BOUNDARIES.exists() else None, log=lambda *a: None)
    db = data / "impact.duckdb"
    # other work on the machine moves every figure: the 1-minute load average when the run started and ended
    result: dict = {"load_average": {"at_start": round(os.getloadavg()[0], 2)}, "reruns": {}}
    with streamlit_server(db, script="bench/hello.py") as base:
        result["reruns"]["hello_floor"] = scenario(base, FLOOR, args.reruns)
        if not args.skip_load:
            result["concurrency_floor"] = concurrent(base, 20, 10, page="")
    with streamlit_server(db) as base:
        for name, plan in PAGES.items():
            if args.pages and name not in args.pages.split(","):
                continue
            print(f"bench: {name}", file=sys.stderr)
            result["reruns"][name] = scenario(base, plan, args.reruns)
        if not args.skip_load:
            result["concurrency"] = [concurrent(base, n, 10) for n in (1, 5, 20)]
    if not args.skip_replicas:
        result["replicas"] = replicas_figures(db, 20, 10)
    if not args.skip_browser:
        print("bench: browser", file=sys.stderr)
        with served_stack(db, replicas=1, script="bench/hello.py") as hello, served_stack(db, replicas=1) as app:
            result["browser_via"] = "nginx, one replica each"
            result["browser"] = browser_times({"hello_floor": (hello.url + "/", HELLO_RENDERED),
                                               "map": (app.url + MAP_URL, MAP_RENDERED)}, args.browser_rounds)
    shutil.rmtree(tmp, ignore_errors=True)
    result["load_average"]["at_end"] = round(os.getloadavg()[0], 2)
    result["targets"] = targets(result)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
