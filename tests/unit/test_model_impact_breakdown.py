"""The breakdowns of the Jobs and Re-use pages (``impact.breakdown_jobs`` / ``breakdown_streams``, summed by
pandas' own group-by) equal what they gave with a Python function per column and group, on the shipped data;
``memo.breakdown`` serves the same frames once per version and choice."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data.connection import connect_read_only
from dashboard.model import impact as iv
from dashboard.model.quality import quality_of

DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
CODES = [iv.REGION] + [f"210{i:02d}" for i in range(1, 20)]


@pytest.fixture(scope="module")
def sites():
    con = connect_read_only(DB)
    q = lambda sql: con.execute(sql).df()   # noqa: E731
    t = {"jobs": q("SELECT j.*, o.nis_code, o.category, o.name FROM operator_jobs j JOIN operator o USING (operator_id) "
                   "ORDER BY j.year, o.nis_code"),
         "flows": q("SELECT f.*, o.nis_code, o.category, o.name FROM reuse_flow f JOIN operator o USING (operator_id) "
                    "ORDER BY f.year, o.nis_code"),
         "streams": list(q("SELECT stream FROM reuse_stream ORDER BY position")["stream"])}
    con.close()
    return t


def jobs_by_lambdas(jobs, year, nis_code=None):
    d = iv.breakdown_rows(jobs, year, nis_code)
    if d.empty:
        return pd.DataFrame(columns=["group", "integration_workers", "art60_placements", "fte", "exits_to_work",
                                     "sites", "quality"])
    d = d.assign(group=d["category"].map(iv.category_group))
    out = d.groupby("group").agg(integration_workers=("integration_workers", lambda s: s.sum(min_count=1)),
                                 art60_placements=("art60_placements", lambda s: s.sum(min_count=1)),
                                 fte=("fte", lambda s: s.sum(min_count=1)),
                                 exits_to_work=("exits_to_work", lambda s: s.sum(min_count=1)),
                                 sites=("operator_id", "nunique"),
                                 quality=("quality", lambda q: quality_of(q).tier))
    return out.reset_index()


def streams_by_lambdas(flows, year, streams, nis_code=None):
    d = iv.breakdown_rows(flows, year, nis_code)
    agg = {c: (c, lambda s: s.sum(min_count=1)) for c in ("collected_t", "reused_t", "recycled_t")}
    if d.empty:
        out = pd.DataFrame({"stream": list(streams)})
        for c in agg:
            out[c] = np.nan
        out["quality"] = None
        return out
    g = d.groupby("stream").agg(**agg, quality=("quality", lambda q: quality_of(q).tier))
    return g.reindex(list(streams)).rename_axis("stream").reset_index()


def _years(frame):
    return sorted(set(frame["year"])) + [1900]       # and a year without rows


def test_jobs_breakdown_equals_the_per_group_functions(sites):
    jobs = sites["jobs"]
    assert len(jobs)
    for year in _years(jobs):
        for nis in CODES:
            pd.testing.assert_frame_equal(iv.breakdown_jobs(jobs, year, nis), jobs_by_lambdas(jobs, year, nis))


def test_streams_breakdown_equals_the_per_group_functions(sites):
    flows, streams = sites["flows"], sites["streams"]
    assert len(flows)
    for year in _years(flows):
        for nis in CODES:
            pd.testing.assert_frame_equal(iv.breakdown_streams(flows, year, streams, nis),
                                          streams_by_lambdas(flows, year, streams, nis))


def test_a_group_whose_values_are_all_missing_stays_missing():
    jobs = pd.DataFrame({"year": [2024] * 3, "nis_code": ["21001"] * 3, "category": ["reuse_shop", "reuse_shop", "x"],
                         "operator_id": ["a", "b", "c"], "integration_workers": [np.nan, np.nan, 2.0],
                         "art60_placements": [1.0, np.nan, np.nan], "fte": [np.nan] * 3, "exits_to_work": [0.0] * 3,
                         "quality": ["example", "official", "official"]})
    pd.testing.assert_frame_equal(iv.breakdown_jobs(jobs, 2024), jobs_by_lambdas(jobs, 2024))


def test_memo_breakdown_is_kept_per_version_and_choice(sites):
    from dashboard.data import connection
    from dashboard.model import memo

    ver = connection.version()
    year = int(sites["jobs"]["year"].max())
    bd, sources, quality = memo.breakdown(ver, "jobs", year, "21004")
    pd.testing.assert_frame_equal(bd, iv.breakdown_jobs(sites["jobs"], year, "21004"))
    shown = iv.breakdown_rows(sites["jobs"], year, "21004")
    assert sources == ";".join(dict.fromkeys(shown["source_id"])) and quality == quality_of(shown)
    again = memo.breakdown(ver, "jobs", year, "21004")[0]
    assert again is not bd and again.equals(bd)                    # a shallow copy of the one kept frame
    other = memo.breakdown(ver, "streams", year, iv.REGION)[0]
    pd.testing.assert_frame_equal(other, iv.breakdown_streams(sites["flows"], year, sites["streams"], iv.REGION))
