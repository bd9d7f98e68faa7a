"""The production layout (``python -m serve``): Streamlit replicas behind a real nginx, driven through it.

(a) 20 sessions x 10 map interactions through nginx: every rerun answered, no exception, each
    browser kept on one replica (sticky cookie) and the sessions spread over the replicas.
(b) One replica killed with ``kill -9`` while 20 sessions rerun: the sessions it held reconnect,
    land on a live replica and finish every interaction; the sessions of the other replica never
    see a dropped connection or an error.
(c) A database published (a real build, ``os.replace``) while sessions on every replica read: the
    first rerun after the publish shows the new ETL run on each of them.
(d) What nginx serves itself: the geometry with a year-long immutable cache under its versioned
    name, gzipped; a first response sets the route cookie, a browser holding one gets none.

Behaviour only: no time bound (figures are ``python -m bench``'s).
"""
from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict

import pytest

from bench.ws_client import Session, http_cookies, run_sessions
from serve.nginx import IMMUTABLE, ROUTE_COOKIE
from serve.stack import ACCESS_LINE
from tests.conftest import ROOT
from tests.support.browser_server import served_stack
from tests.support.built import built_data
from tests.system.test_crash_safety import run_id

pytestmark = pytest.mark.slow

SESSIONS = 20
INTERACTIONS = 10
INDICATORS = ["onem_unemployment_rate_annual_avg", "fiscal_avg_net_taxable_income_per_inhabitant",
              "census_unemployment_rate_15_64", "census_employment_rate_15_64"]
VIEWS = ["geo", "tile", "table"]


def plans(n: int = SESSIONS, k: int = INTERACTIONS) -> list[list[str]]:
    return [[f"lang={('fr', 'nl', 'en')[(s + i) % 3]}&indicator={INDICATORS[(s + i) % len(INDICATORS)]}"
             f"&view={VIEWS[(s + 2 * i) % 3]}" for i in range(k)] for s in range(n)]


@pytest.fixture(scope="module")
def data(tmp_path_factory, shipped_geojson):
    return built_data(tmp_path_factory.mktemp("serve") / "data", shipped_geojson)


@pytest.fixture(scope="module")
def stack(data):
    with served_stack(data / "impact.duckdb", replicas=2) as stack:
        yield stack


def test_20_sessions_x_10_interactions_through_nginx(stack):
    cookies: dict[int, str] = {}
    times, errors, wall = run_sessions(stack.url, plans(), "map",
                                       during=lambda sessions: cookies.update({k: s.cookie for k, s in sessions.items()}))
    assert not errors, errors[:5]
    assert len(times) == SESSIONS * INTERACTIONS
    # new browsers are spread evenly (the replica with the fewest open connections, not a random hash)
    held = defaultdict(int)
    for cookie in cookies.values():
        held[stack.replica_of(cookie).index] += 1
    assert sorted(held) == [r.index for r in stack.members] and max(held.values()) - min(held.values()) <= 2, held
    upstreams = defaultdict(set)
    for line in (stack.prefix / "logs" / "access.log").read_text().splitlines():
        m = ACCESS_LINE.search(line)
        if m and m["upstreams"] != "-":
            upstreams[m["route"]].update(m["upstreams"].split(", "))
    assert upstreams and all(len(u) == 1 for u in upstreams.values()), "a browser was moved between replicas"
    used = {next(iter(u)) for u in upstreams.values()}
    assert used == {r.upstream for r in stack.members}, f"sessions all went to {used}"
    print(f"\nthrough nginx: {len(times)} reruns in {wall:.1f} s over {len(used)} replicas, sessions held {dict(held)}")


def test_kill_9_of_a_replica_moves_its_sessions_and_spares_the_others(data):
    with served_stack(data / "impact.duckdb", replicas=2) as stack:
        killed = {}

        def kill_busiest(sessions):
            by_replica = defaultdict(list)
            for k, s in sessions.items():
                by_replica[stack.replica_of(s.cookie).index].append(k)
            victim = max(stack.members, key=lambda r: len(by_replica[r.index]))
            time.sleep(0.5)                       # the sessions are mid-run
            os.kill(victim.proc.pid, signal.SIGKILL)
            victim.proc.wait()
            killed.update(replica=victim.index, sessions=set(by_replica[victim.index]), all=dict(sessions))

        times, errors, _wall = run_sessions(stack.url, plans(), "map", reconnect=True, during=kill_busiest)
        assert not errors, errors[:5]
        assert len(times) == SESSIONS * INTERACTIONS, "every interaction of every session was answered"
        moved = killed["sessions"]
        assert moved, "the killed replica held sessions"
        reconnects = {k: s.reconnects for k, s in killed["all"].items()}
        assert all(reconnects[k] >= 1 for k in moved), f"sessions of the killed replica: {reconnects}"
        assert all(reconnects[k] == 0 for k in reconnects if k not in moved), \
            f"sessions of the live replica were disturbed: {reconnects}"
        # and a new visitor is served
        with Session(stack.url) as s:
            assert not s.rerun("lang=fr", "map").exception


def test_publish_is_seen_by_every_replica_within_one_rerun(tmp_path, shipped_geojson):
    data = built_data(tmp_path / "data", shipped_geojson)
    published = data / "impact.duckdb"
    old = run_id(published)
    with served_stack(published, replicas=2) as stack:
        # sessions until every replica holds at least two (routes are random: a bounded number of tries)
        sessions, per_replica = [], defaultdict(int)
        for _ in range(60):
            if len(per_replica) == len(stack.members) and min(per_replica.values()) >= 2:
                break
            s = Session(stack.url)
            r = s.rerun("lang=fr", "sources", keep_payload=True)
            assert not r.exception and old.encode() in r.payload
            sessions.append(s)
            per_replica[stack.replica_of(s.cookie).index] += 1
        assert len(per_replica) == len(stack.members), f"sessions reached only replicas {dict(per_replica)}"

        swapped, errors = threading.Event(), []

        def read(s: Session) -> None:       # keep every session reading while the build runs and publishes
            i = 0
            while not swapped.is_set():
                page, q = ("map", "lang=nl") if i % 2 else ("sources", "lang=fr")
                if s.rerun(q, page).exception:
                    errors.append(f"exception on {page} during the publish")
                i += 1

        readers = [threading.Thread(target=read, args=(s,)) for s in sessions]
        for th in readers:
            th.start()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("BSIM_BOUNDARIES", None)
        subprocess.run([sys.executable, "-m", "etl", "build", "--data", str(data), "--boundaries",
                        str(shipped_geojson)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        new = run_id(published)
        assert new != old
        swapped.set()
        for th in readers:
            th.join(timeout=300)
        assert not errors, errors[:5]
        stale = []
        for s in sessions:                   # the first rerun after the publish, on every replica
            r = s.rerun("lang=en", "sources", keep_payload=True)
            if r.exception or new.encode() not in r.payload or old.encode() in r.payload:
                stale.append(stack.replica_of(s.cookie).index)
            s.close()
        assert not stale, f"sessions on replicas {stale} still showed the old run after the publish"


def test_nginx_serves_geometry_immutable_and_sets_the_route_cookie(stack):
    with Session(stack.url) as s:
        r = s.rerun("lang=fr&indicator=onem_unemployment_rate_annual_avg&view=geo", "map", keep_payload=True)
    # the page's map names its boundaries' URL (plotly's JSON wrote the slashes as \u002f)
    m = re.search(rb"app(?:/|\\u002f)static(?:/|\\u002f)(boundaries-[0-9a-f]{16}\.geojson)", r.payload)
    assert m, "the map points at the versioned geometry file"
    url = f"{stack.url}/app/static/{m[1].decode()}"
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as resp:
        body = resp.read()
        assert resp.headers["Cache-Control"] == IMMUTABLE
        assert resp.headers["Content-Encoding"] == "gzip"
        assert resp.headers["Content-Type"].startswith("application/geo+json")
        assert resp.headers["Server"] == "nginx"
    assert gzip.decompress(body).startswith(b'{"features"')
    # a first visit gets the route cookie; a browser that has one is not given another
    first = http_cookies(stack.url)
    assert first.startswith(f"{ROUTE_COOKIE}=")
    req = urllib.request.Request(stack.url + "/", headers={"Cookie": first})
    with urllib.request.urlopen(req) as resp:
        assert ROUTE_COOKIE not in (resp.headers.get("Set-Cookie") or "")


def test_the_chart_bundle_is_asked_for_only_with_a_page_that_draws_charts(stack):
    # Chromium acts on a Link header of any answer: on the map page's host-config or favicon it fetched
    # plotly's 1.4 MB bundle, which that page does not draw with (its map is SVG)
    def link(path: str, dest: str) -> str:
        req = urllib.request.Request(stack.url + path, headers={"Sec-Fetch-Dest": dest})
        with urllib.request.urlopen(req) as resp:
            resp.read()
            return resp.headers.get("Link") or ""
    assert "PlotlyChart." in link("/", "document") and "rel=modulepreload" in link("/compare", "document")
    assert link("/map?lang=fr&view=geo", "document") == ""
    for path, dest in [("/_stcore/host-config", "empty"), ("/_stcore/health", "empty"), ("/favicon.png", "image"),
                       ("/", "empty")]:
        assert link(path, dest) == "", f"{path} ({dest}) asks for the chart bundle"
