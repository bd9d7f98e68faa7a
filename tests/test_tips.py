"""Five tips scorecard: scores on hand-made cases, history, evidence → real assessments, example switch,
and the page in fr / nl / en."""
from __future__ import annotations

import os
import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts.scorecard import score_tile_map
from dashboard.model import tips as tv
from dashboard.text.i18n import translator
from etl.build import build

ROOT = Path(__file__).resolve().parents[1]
DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py

CRIT = pd.DataFrame({"criterion_id": ["a", "b", "c", "d"], "tip_id": [1, 1, 1, 2], "weight": [2.0, 1.0, 1.0, 1.0]})


def hist(rows):
    return pd.DataFrame(rows, columns=["nis_code", "criterion_id", "assessed_on", "status", "quality"]).assign(
        assessed_on=lambda d: pd.to_datetime(d["assessed_on"]))


# ----------------------------------------------------------------------------- scores

def test_scores_hand_made():
    h = hist([("21001", "a", "2024-06-30", "done", "reported"),          # w 2 -> action 2, commit 2
              ("21001", "b", "2024-06-30", "in_progress", "reported"),   # w 1 -> action .5, commit 1
              ("21001", "c", "2024-06-30", "committed", "reported"),     # w 1 -> action 0, commit 1
              ("21002", "a", "2024-06-30", "none", "example"),           # w 2 known, nothing
              ("21002", "b", "2024-06-30", "committed", "example")])
    g = tv.grid(tv.latest(h), CRIT, ["21001", "21002", "21003"])
    s = tv.tip_scores(g).set_index(["nis_code", "tip_id"])
    assert s.loc[("21001", 1), "action"] == pytest.approx(2.5 / 4)
    assert s.loc[("21001", 1), "commitment"] == pytest.approx(1.0)
    assert s.loc[("21001", 1), "coverage"] == pytest.approx(1.0)
    assert s.loc[("21002", 1), "action"] == 0
    assert s.loc[("21002", 1), "commitment"] == pytest.approx(1 / 3)
    assert s.loc[("21002", 1), "coverage"] == pytest.approx(3 / 4)
    assert bool(s.loc[("21002", 1), "example"]) and not bool(s.loc[("21001", 1), "example"])
    # nothing known: unknown (NaN), never 0
    assert np.isnan(s.loc[("21003", 1), "action"]) and np.isnan(s.loc[("21003", 1), "commitment"])
    assert s.loc[("21003", 1), "coverage"] == 0
    assert np.isnan(s.loc[("21001", 2), "action"])
    assert (g.loc[(g["nis_code"] == "21003"), "status"] == "unknown").all()


def test_latest_and_change_since_previous():
    h = hist([("21001", "a", "2024-06-30", "committed", "reported"),
              ("21001", "a", "2025-06-30", "done", "reported"),
              ("21001", "b", "2024-06-30", "in_progress", "reported"),
              ("21001", "b", "2025-06-30", "none", "reported"),
              ("21001", "c", "2025-06-30", "committed", "reported"),
              ("21002", "a", "2024-06-30", "done", "reported"),
              ("21002", "a", "2025-06-30", "done", "reported")])
    last = tv.latest(h).set_index(["nis_code", "criterion_id"])
    assert last.loc[("21001", "a"), "status"] == "done"
    assert last.loc[("21001", "a"), "previous_status"] == "committed"
    assert last.loc[("21001", "c"), "previous_status"] is None
    assert last.loc[("21002", "a"), "n_assessments"] == 2
    assert tv.rounds(h) == [dt.date(2025, 6, 30), dt.date(2024, 6, 30)]
    ch = tv.changes_since(h, dt.date(2024, 6, 30)).set_index(["nis_code", "criterion_id"])
    assert ch["change"].to_dict() == {("21001", "a"): "better", ("21001", "b"): "worse", ("21001", "c"): "new"}
    assert len(tv.changes_since(h, dt.date(2024, 6, 30), include_unchanged=True)) == 4
    assert tv.changes_since(h, dt.date(2025, 6, 30)).empty
    assert tv.default_since([dt.date(2025, 7, 1), dt.date(2025, 6, 30), dt.date(2024, 6, 30)]) == dt.date(2024, 6, 30)


def test_score_table_and_map():
    h = hist([("21001", "a", "2024-06-30", "done", "reported")])
    s = tv.tip_scores(tv.grid(tv.latest(h), CRIT, ["21001", "21002"]))
    communes = pd.DataFrame({"nis_code": ["21001", "21002"], "name_fr": ["Anderlecht", "Auderghem"],
                             "name_nl": ["Anderlecht", "Oudergem"]})
    t = tv.score_table(s, communes, "action", {1: "Tip 1", 2: "Tip 2"})
    assert list(t.columns) == ["nis_code", "Commune", "Gemeente", "Tip 1", "Tip 2"]
    assert t.set_index("nis_code").loc["21001", "Tip 1"] == 100 and np.isnan(t.set_index("nis_code").loc["21002", "Tip 1"])
    assert [tv.score_bin(v) for v in (np.nan, 0, 0.2, 0.5, 0.8, 1)] == [-1, 0, 1, 2, 3, 4]
    tiles = pd.DataFrame({"nis_code": ["21001", "21002"], "tile_row": [0, 0], "tile_col": [0, 1]})
    fig = score_tile_map(t.rename(columns={"Tip 1": "value"}).assign(value=lambda d: d["value"] / 100),
                         tiles, lang="en", _=translator("en"), title="T", footer="F", example=True)
    assert "EXAMPLE" in fig.layout.title.text


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


# ----------------------------------------------------------------------------- the page

@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_tips_page(lang):
    _ = translator(lang)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/tips.py")
    at.query_params["commune"] = "21004"
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [_("Five tips scorecard")]
    headers = [h.value for h in at.header]
    for h in ("Scores per commune and tip", "Maps per tip", "Commune detail", "What changed"):
        assert _(h) in headers
    grid = at.dataframe[0].value
    assert len(grid) == 19 and [_("Tip {n}", n=i) for i in range(1, 6)] == list(grid.columns[-5:])
    detail = [d.value for d in at.dataframe if _("Responsible level") in d.value.columns]
    assert len(detail) == 5
    rows = pd.concat(detail)
    # Brussels City: the mobile container park evidence with its source
    assert rows[_("Evidence")].notna().any()
    assert (rows[_("Status")].str.contains(_("unknown"))).any()
    assert "21004" in [s.value for s in at.selectbox]
    # the URL commune is the one shown; the changes list exists (example rounds)
    assert any(_("Since the assessment round of") == s.label for s in at.selectbox)


def test_grid_display_sorts_like_numbers_and_shows_unknown_as_dash():
    from dashboard.model.tips import grid_display
    table = pd.DataFrame({"Commune": list("abcde"), "Tip 1": [100.0, 5.0, np.nan, 33.0, 0.0]})
    shown = grid_display(table, ["Tip 1"])["Tip 1"].tolist()
    assert sorted(shown) == ["  0 %", "  5 %", " 33 %", "100 %", "—"]
    assert "None" not in shown and "nan" not in " ".join(shown)
