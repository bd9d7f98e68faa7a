"""Five tips in the ETL: criteria catalogue, evidence -> real assessments, the example switch."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.build import build

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- ETL: evidence, example switch

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for example in (True, False):
        db = tmp_path_factory.mktemp("tips") / "t.duckdb"
        build(ROOT / "data", db, with_example=example, log=lambda *a: None)
        with duckdb.connect(str(db), read_only=True) as con:
            out[example] = (con.execute("SELECT * FROM tip_assessment").df(),
                            con.execute("SELECT * FROM tip_criterion").df())
    return out


def test_criteria_catalogue(built):
    _rows, crit = built[True]
    per_tip = crit.groupby("tip_id").size()
    assert sorted(per_tip.index) == [1, 2, 3, 4, 5] and per_tip.between(3, 5).all()
    assert crit[["label_fr", "label_nl", "label_en", "judged_fr", "judged_nl", "judged_en"]].notna().all().all()
    assert set(crit["level"]) <= {"commune", "cpas", "region"}


def test_evidence_map_gives_real_rows_with_source(built):
    rows, _crit = built[False]
    real = rows.set_index(["nis_code", "criterion_id", "assessed_on"])
    # a flag 1: done, with its source, dated 1 July of the evidence year
    r = real.loc[("21001", "t3_mobile_recypark", pd.Timestamp("2017-07-01"))]
    assert r["status"] == "done" and r["source_id"] == "SRC_BX1_RECYPARKMOBILE_2017" and r["quality"] == "reported"
    assert r["evidence_url"].startswith("http")
    # an explicit 0: none
    assert real.loc[("21002", "t3_mobile_recypark", pd.Timestamp("2017-07-01")), "status"] == "none"
    # an announcement: committed, apart from done
    assert real.loc[("21005", "t3_reuse_partner", pd.Timestamp("2024-07-01")), "status"] == "committed"
    assert set(rows["quality"]) <= {"official", "reported"} and rows["source_id"].notna().all()


def test_no_real_row_without_evidence(built):
    rows, _crit = built[False]
    # no public evidence of a local jobs plan anywhere: no row at all (the page shows unknown)
    assert rows[rows["criterion_id"] == "t4_plan"].empty
    # Koekelberg has evidence for the mobile container parks only (and its neighbourhood contract)
    assert set(rows.loc[rows["nis_code"] == "21011", "criterion_id"]) == {"t3_mobile_recypark", "t4_partnerships"}


def test_example_assessments_left_out_while_real_ones_exist(built):
    """Public evidence gives real assessments: the example set is left out entirely, so no score, map,
    ranking or grid sets an example assessment beside a real one."""
    with_ex, _c = built[True]
    without, _c = built[False]
    assert (with_ex["quality"] != "example").all() and (without["quality"] != "example").all()
    pd.testing.assert_frame_equal(with_ex.sort_values(list(with_ex.columns)).reset_index(drop=True),
                                  without.sort_values(list(without.columns)).reset_index(drop=True))


@pytest.fixture(scope="module")
def no_evidence(tmp_path_factory):
    """The shipped inputs without the public evidence: no real assessment at all."""
    data = tmp_path_factory.mktemp("noevidence") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    (data / "raw" / "facts" / "policy_evidence.csv").unlink()
    build(data, with_example=True, log=lambda *a: None)
    with duckdb.connect(str(data / "impact.duckdb"), read_only=True) as con:
        return (con.execute("SELECT * FROM tip_assessment").df(),
                con.execute("SELECT example_members, example_assessments FROM etl_run").fetchone()), data


def test_example_assessments_only_without_any_real_one(no_evidence):
    (rows, run), _data = no_evidence
    assert run == ("included", "included")
    assert len(rows) > 50 and (rows["quality"] == "example").all()
    assert (rows["source_id"] == "SRC_EXAMPLE_ASSESSMENTS").all()
    # plausible dates: recent rounds, none in the future
    assert rows["assessed_on"].between(pd.Timestamp("2020-01-01"), pd.Timestamp.today()).all()
    # each row says it is an example, and no link points to a placeholder address
    assert rows["note"].str.contains("EXAMPLE", case=True).all()
    links = rows["evidence_url"].dropna()
    assert not links.str.contains(r"example\.(?:org|com|net)|localhost|placeholder", regex=True).any()


def test_an_uploaded_assessment_leaves_the_example_set_out(no_evidence, tmp_path):
    """Same rule for an upload: one real assessment and the example set is gone from the next build."""
    _rows, data = no_evidence
    up = data / "assessments"
    up.mkdir(exist_ok=True)
    (up / "round.csv").write_text("nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
                                  "21004,t3_food,2025-03-01,done,https://www.bruxelles.be/,menu durable\n",
                                  encoding="utf-8")
    try:
        db = tmp_path / "t.duckdb"
        logs = []
        build(data, db, with_example=True, log=logs.append)
        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("SELECT quality, count(*) FROM tip_assessment GROUP BY ALL").fetchall()
            run = con.execute("SELECT example_assessments, message FROM etl_run").fetchone()
        assert rows == [("reported", 1)]
        assert run[0] == "left_out" and "left out" in run[1]
        assert any("example assessments left out" in line for line in logs)
    finally:
        (up / "round.csv").unlink()
