"""Crash safety of the publish, seen from the running app.

(a) ``python -m etl build`` killed with ``kill -9`` at 20 random moments spread over a build's
    duration: after every kill the published file is byte-identical or a complete new version, opens
    through the viewer's read-only connection with its 20 communes, and the running server still
    answers a rerun of the map page over its websocket without an exception.
(b) A real build swaps the database while 10 sessions are rerunning pages: no session fails, and
    every rerun that starts after the swap has completed shows the new version (the new ETL run id
    on the sources page) — the app picks a new file up within one rerun.
"""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.ws_client import Session
from dashboard.data.connection import connect_read_only
from tests.conftest import ROOT
from tests.support.browser_server import streamlit_server
from tests.support.built import built_data

pytestmark = pytest.mark.slow

KILLS = 20
READERS = 10
SEED = int(os.environ.get("BSIM_CRASH_SEED", "20250"))
MAP_QUERIES = ["lang=fr&indicator=onem_unemployment_rate_annual_avg&view=geo",
               "lang=nl&indicator=population_1jan&view=table",
               "lang=en&indicator=fiscal_avg_net_taxable_income_per_inhabitant&view=tile"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_id(db: Path) -> str:
    """The ETL run recorded in the published file, read through the viewer's locked-down connection."""
    con = connect_read_only(db)
    try:
        return con.execute("SELECT run_id FROM etl_run ORDER BY finished_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def communes(db: Path) -> int:
    con = connect_read_only(db)
    try:
        return con.execute("SELECT count(*) FROM commune").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def boundaries(shipped_geojson) -> str:
    return str(shipped_geojson)


@pytest.fixture()
def data(tmp_path, boundaries) -> Path:
    return built_data(tmp_path / "data", boundaries)


def build_cmd(data: Path, boundaries: str) -> list[str]:
    return [sys.executable, "-m", "etl", "build", "--data", str(data), "--boundaries", boundaries]


def build_env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BSIM_BOUNDARIES", None)
    return env


def test_kill_9_at_20_random_moments_keeps_database_and_app_serving(data, boundaries):
    published = data / "impact.duckdb"
    cmd, env = build_cmd(data, boundaries), build_env()
    # one complete build, timed as the kills will see it (a subprocess from start to exit)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    duration = time.perf_counter() - t
    rng = random.Random(SEED)
    before, versions = sha(published), {sha(published)}
    outcomes = []
    with streamlit_server(published) as base:
        s = Session(base)
        first = s.rerun(MAP_QUERIES[0], "map")
        assert not first.exception
        for k in range(KILLS):
            delay = rng.uniform(0.0, duration)
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            code = proc.wait()
            after = sha(published)
            if after == before:
                outcomes.append("unchanged")
            else:                          # the build had published before the kill: a complete new version
                assert after not in versions, "an older version came back"
                versions.add(after)
                before = after
                outcomes.append("new version")
            assert communes(published) == 20, f"kill {k} after {delay:.2f} s (exit {code})"
            assert run_id(published)
            r = s.rerun(MAP_QUERIES[k % len(MAP_QUERIES)], "map")
            assert not r.exception, f"map page raised after kill {k} ({delay:.2f} s)"
        # a new visitor too
        fresh = Session(base)
        r = fresh.rerun(MAP_QUERIES[0], "map")
        assert not r.exception
        fresh.close()
        s.close()
    print(f"\nkill -9: build takes {duration:.2f} s; {outcomes.count('unchanged')} kills left the file unchanged, "
          f"{outcomes.count('new version')} came after a publish (seed {SEED})")
    # the next build removes whatever the killed ones left
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert not list(data.glob(".build-*"))


def test_swap_while_10_sessions_read_each_sees_new_version_within_one_rerun(data, boundaries):
    published = data / "impact.duckdb"
    old = run_id(published)
    swapped = threading.Event()
    ready = threading.Barrier(READERS + 1)
    lock = threading.Lock()
    errors: list = []
    report: dict[int, dict] = {}

    def reader(k: int) -> None:
        seen = {"before_swap_reruns": 0, "after_swap_reruns": 0}
        try:
            s = Session(base)
            r = s.rerun("lang=fr", "sources", keep_payload=True)
            payload = r.payload
            if r.exception or old.encode() not in payload:
                errors.append((k, "before the swap the sources page does not show the current run"))
            ready.wait(timeout=120)
            i = 0
            while not swapped.is_set():            # keep reading while the build runs and publishes
                page, q = ("sources", "lang=nl") if i % 4 == 3 else ("map", MAP_QUERIES[(i + k) % len(MAP_QUERIES)])
                r = s.rerun(q, page)
                seen["before_swap_reruns"] += 1
                if r.exception:
                    errors.append((k, f"exception on {page} during the swap"))
                i += 1
            # the swap has completed: the very next rerun must show the new version
            r = s.rerun("lang=en", "sources", keep_payload=True)
            payload = r.payload
            seen["after_swap_reruns"] += 1
            seen["new_version_seen"] = new.encode() in payload
            seen["old_version_seen"] = old.encode() in payload
            if r.exception:
                errors.append((k, "exception on the first rerun after the swap"))
            r = s.rerun(MAP_QUERIES[k % len(MAP_QUERIES)], "map")
            if r.exception:
                errors.append((k, "exception on the map after the swap"))
            s.close()
        except Exception as exc:  # noqa: BLE001 - a socket error is a failure
            errors.append((k, repr(exc)))
        with lock:
            report[k] = seen

    new = None
    with streamlit_server(published) as base:
        threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
        for th in threads:
            th.start()
        ready.wait(timeout=180)
        time.sleep(1.0)                             # sessions are mid-rerun when the build starts
        subprocess.run(build_cmd(data, boundaries), cwd=ROOT, env=build_env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        new = run_id(published)                     # the build has exited: os.replace is done
        assert new != old
        swapped.set()
        for th in threads:
            th.join(timeout=300)
    assert not errors, errors
    assert len(report) == READERS
    stale = {k: v for k, v in report.items() if not v.get("new_version_seen") or v.get("old_version_seen")}
    print(f"\nswap: old run {old}, new run {new}; reruns during the build: "
          f"{sum(v['before_swap_reruns'] for v in report.values())}")
    assert not stale, f"sessions still showing the old version on the first rerun after the swap: {stale}"
