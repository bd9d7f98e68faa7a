"""Five tips scorecard model: scores on hand-made cases, history, the grid and the small maps."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.charts.scorecard import score_tile_map
from dashboard.model import tips as tv
from dashboard.text.i18n import translator
from tests.support import frames

STATUSES = tv.Statuses.from_frame(frames.tip_statuses())
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
    s = tv.tip_scores(g, STATUSES).set_index(["nis_code", "tip_id"])
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
    ch = tv.changes_since(h, dt.date(2024, 6, 30), STATUSES).set_index(["nis_code", "criterion_id"])
    assert ch["change"].to_dict() == {("21001", "a"): "better", ("21001", "b"): "worse", ("21001", "c"): "new"}
    assert len(tv.changes_since(h, dt.date(2024, 6, 30), STATUSES, include_unchanged=True)) == 4
    assert tv.changes_since(h, dt.date(2025, 6, 30), STATUSES).empty
    assert tv.default_since([dt.date(2025, 7, 1), dt.date(2025, 6, 30), dt.date(2024, 6, 30)]) == dt.date(2024, 6, 30)


def test_score_table_and_map():
    h = hist([("21001", "a", "2024-06-30", "done", "reported")])
    s = tv.tip_scores(tv.grid(tv.latest(h), CRIT, ["21001", "21002"]), STATUSES)
    communes = pd.DataFrame({"nis_code": ["21001", "21002"], "name_fr": ["Anderlecht", "Auderghem"],
                             "name_nl": ["Anderlecht", "Oudergem"]})
    t = tv.score_table(s, communes, "action", {1: "Tip 1", 2: "Tip 2"})
    assert list(t.columns) == ["nis_code", "Commune", "Gemeente", "Tip 1", "Tip 2"]
    assert t.set_index("nis_code").loc["21001", "Tip 1"] == 100 and np.isnan(t.set_index("nis_code").loc["21002", "Tip 1"])
    assert [tv.score_bin(v) for v in (np.nan, 0, 0.2, 0.5, 0.8, 1)] == [-1, 0, 1, 2, 3, 4]
    tiles = pd.DataFrame({"nis_code": ["21001", "21002"], "tile_row": [0, 0], "tile_col": [0, 1]})
    fig = score_tile_map(t.rename(columns={"Tip 1": "value"}).assign(value=lambda d: d["value"] / 100),
                         tiles, lang="en", _=translator("en"), title="T", footer="F", quality="example")
    assert "EXAMPLE" in fig.layout.title.text


# ----------------------------------------------------------------------------- ETL: evidence, example switch


def test_grid_display_sorts_like_numbers_and_shows_unknown_as_dash():
    from dashboard.model.tips import grid_display
    table = pd.DataFrame({"Commune": list("abcde"), "Tip 1": [100.0, 5.0, np.nan, 33.0, 0.0]})
    shown = grid_display(table, ["Tip 1"])["Tip 1"].tolist()
    assert sorted(shown) == ["  0 %", "  5 %", " 33 %", "100 %", "—"]
    assert "None" not in shown and "nan" not in " ".join(shown)
