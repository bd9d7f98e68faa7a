"""Five tips in the ETL: criteria catalogue, evidence -> real assessments, the example switch."""
from __future__ import annotations

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


def test_example_rows_only_with_example_and_never_over_real(built):
    with_ex, _c = built[True]
    without, _c = built[False]
    assert (without["quality"] != "example").all()
    ex = with_ex[with_ex["quality"] == "example"]
    assert len(ex) > 50 and (ex["source_id"] == "SRC_EXAMPLE_ASSESSMENTS").all()
    assert ex["assessed_on"].dt.strftime("%Y-%m-%d").isin(["2024-06-30", "2025-06-30"]).all()
    real_pairs = set(zip(without["nis_code"], without["criterion_id"]))
    assert not real_pairs & set(zip(ex["nis_code"], ex["criterion_id"]))
    pd.testing.assert_frame_equal(
        with_ex[with_ex["quality"] != "example"].sort_values(list(with_ex.columns)).reset_index(drop=True),
        without.sort_values(list(without.columns)).reset_index(drop=True))
