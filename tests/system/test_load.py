"""Load: 20 concurrent browser-like sessions x 10 interactions on the map page of the real server.

Each session speaks Streamlit's websocket protocol (``bench.ws_client``) and changes indicator, year
and view through the query string, as the map page's URL-bound widgets do. Zero exceptions (no
exception element, no socket error) and every one of the 200 reruns answered. No time bound: latency
and throughput under load are figures of ``python -m bench`` (ratios to a floor of the same run), not
assertions that a busy CI machine could fail.
"""
from __future__ import annotations

import duckdb
import pytest

from bench.ws_client import run_sessions
from tests.support.browser_server import streamlit_server
from tests.support.built import built_data

pytestmark = pytest.mark.slow

SESSIONS = 20
INTERACTIONS = 10
INDICATORS = ["onem_unemployment_rate_annual_avg", "fiscal_avg_net_taxable_income_per_inhabitant",
              "census_unemployment_rate_15_64", "census_employment_rate_15_64", "population_1jan",
              "establishment_units"]
VIEWS = ["geo", "tile", "table"]


@pytest.fixture(scope="module")
def db_copy(tmp_path_factory, shipped_geojson):
    return built_data(tmp_path_factory.mktemp("load") / "data", shipped_geojson) / "impact.duckdb"


def interactions(db, k: int) -> list[str]:
    """Ten query strings for session ``k``: real indicator/year pairs, all three views, fr/nl/en."""
    with duckdb.connect(str(db), read_only=True) as con:
        years = {i: [r[0] for r in con.execute("SELECT DISTINCT year FROM observation WHERE indicator_id = ? "
                                               "ORDER BY year DESC", [i]).fetchall()] for i in INDICATORS}
    inds = [i for i in INDICATORS if years[i]]
    out = []
    for n in range(INTERACTIONS):
        ind = inds[(k + n) % len(inds)]
        year = years[ind][(k + n) % len(years[ind])]
        lang = ("fr", "nl", "en")[(k + n) % 3]
        out.append(f"lang={lang}&indicator={ind}&year={year}&view={VIEWS[(k + 2 * n) % 3]}")
    return out


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def test_20_sessions_x_10_interactions_on_the_map(db_copy):
    plans = [interactions(db_copy, k) for k in range(SESSIONS)]
    with streamlit_server(db_copy) as base:
        times, errors, wall = run_sessions(base, plans, "map")
    assert not errors, errors[:5]
    assert len(times) == SESSIONS * INTERACTIONS
    p50, p95 = pct(times, 0.5), pct(times, 0.95)
    print(f"\nload: {len(times)} reruns in {wall:.1f} s ({len(times) / wall:.1f}/s), p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, max {max(times):.0f} ms")
