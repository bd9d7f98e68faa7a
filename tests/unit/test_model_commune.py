"""Pure tests of the commune profile and compare helpers (dashboard/model/commune.py, model/compare.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.connection import connect_read_only
from dashboard.model import commune as cv
from dashboard.model import compare as cmp
from dashboard.model.compare import similar_communes
from dashboard.model.quality import quality_of
from dashboard.model.ranking import rank_with_ties, tied_mask
from tests.support import frames

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
DEFAULT_X, = frames.display_place("compare_x")   # the catalogue's defaults of the Compare page
DEFAULT_Y, = frames.display_place("compare_y")


@pytest.fixture(scope="module")
def tables():
    con = connect_read_only(DB)
    q = lambda sql: con.execute(sql).df()
    t = {
        "communes": q("SELECT * FROM commune ORDER BY nis_code"),
        "indicators": q("SELECT i.*, u.label_fr AS unit_fr, u.label_nl AS unit_nl, u.label_en AS unit_en, "
                        "(SELECT count(DISTINCT nis_code) FROM observation o WHERE o.indicator_id = i.indicator_id "
                        " AND o.nis_code <> '04000') AS n_communes FROM indicator i JOIN unit u USING (unit_id) "
                        "ORDER BY sort_order").set_index("indicator_id", drop=False),
        "obs": q("SELECT * FROM observation"),
        "sources": q("SELECT * FROM source").set_index("source_id", drop=False),
        "scoped": q("SELECT * FROM scoped_observation"),
        "operators": q("SELECT * FROM operator"),
    }
    con.close()
    return t


def _kf(t, nis="21001"):
    ids = cv.key_indicator_ids(t["indicators"], frames.display_place("profile_key"))
    return cv.key_figures(t["obs"][t["obs"]["indicator_id"].isin(ids)], t["indicators"], nis, ids), ids


def test_key_indicators_exist(tables):
    ids = cv.key_indicator_ids(tables["indicators"], frames.display_place("profile_key"))
    assert ids[0] == "population_1jan"
    assert "onem_unemployment_rate_annual_avg" in ids and len(ids) >= 6
    assert cv.key_indicator_ids(tables["indicators"], ["no_such_indicator"]) == []


def test_key_figures_anderlecht_population(tables):
    kf, _ = _kf(tables)
    pop = kf.set_index("indicator_id").loc["population_1jan"]
    assert pop["year"] == 2026 and pop["value"] == 129600
    assert pop["prev_year"] == 2025 and pop["prev_value"] == 128724 and pop["change"] == 876
    assert pop["region_value"] == 1255834
    # rank among the 19 communes in 2026 (neutral direction: largest first)
    o = tables["obs"]
    y = o[(o["indicator_id"] == "population_1jan") & (o["year"] == 2026) & (o["nis_code"] != "04000")]
    expected = int((y["value"] > 129600).sum()) + 1
    assert pop["rank"] == expected and pop["n_ranked"] == 19 and not pop["tied"]


def test_key_figure_texts_per_language(tables):
    kf, _ = _kf(tables)
    fr = cv.key_figure_cards(kf, tables["indicators"], tables["sources"], "fr")[0]
    en = cv.key_figure_cards(kf, tables["indicators"], tables["sources"], "en")[0]
    assert fr["value"] == "129.600" and en["value"] == "129,600" and en["label_full"].endswith("(persons)")
    assert "2025: 128.724" in fr["caption"] and "2025: 128,724" in en["caption"]
    assert "/ 19" in fr["caption"] and "Statbel" in fr["caption"] and "(officiel)" in fr["caption"]
    assert fr["delta"] == "+876 depuis 2025" and fr["delta_color"] == "off"
    table = cv.key_figure_table(kf, tables["indicators"], tables["sources"], "nl")
    assert table.iloc[0]["Jaar"] == "2026"


def test_missing_key_figure_is_missing_not_zero(tables):
    ids = ["cpas_income_recipients_share_18_64"]
    o = tables["obs"]
    have = set(o.loc[o["indicator_id"] == ids[0], "nis_code"])
    nis = next(c for c in tables["communes"]["nis_code"] if c not in have and c != "04000")
    kf = cv.key_figures(o[o["indicator_id"].isin(ids)], tables["indicators"], nis, ids)
    assert pd.isna(kf.iloc[0]["value"]) and pd.isna(kf.iloc[0]["rank"])
    card = cv.key_figure_cards(kf, tables["indicators"], tables["sources"], "en")[0]
    assert card["value"] == "No data" and card["delta"] is None


def test_tied_rank_is_honest():
    ind = pd.DataFrame({"indicator_id": ["x"], "direction": ["higher_better"]}).set_index("indicator_id", drop=False)
    obs = pd.DataFrame({"indicator_id": "x", "nis_code": ["21001", "21002", "21003", "04000"],
                        "year": 2024, "value": [5.0, 7.0, 7.0, 6.0], "source_id": "S", "quality": "official"})
    kf = cv.key_figures(obs, ind, "21003", ["x"]).iloc[0]
    assert (kf["rank"], kf["tied"], kf["n_ranked"]) == (1, True, 3)
    assert cv.rank_text(kf["rank"], kf["n_ranked"], kf["tied"]) == "=1 / 3"
    assert cv.rank_text(None, 19, False) == "—"


def _reference_key_figure(obs, indicators, nis, ind):
    """The key-figure row of one commune and indicator, computed directly (as the page did before every
    commune's rows were computed at once)."""
    mine = obs[(obs["nis_code"] == nis) & (obs["indicator_id"] == ind)].sort_values("year")
    if mine.empty:
        return None
    last, prev = mine.iloc[-1], (mine.iloc[-2] if len(mine) > 1 else None)
    same = obs[(obs["indicator_id"] == ind) & (obs["year"] == last["year"])]
    reg = same[same["nis_code"] == "04000"]
    comm = same[same["nis_code"] != "04000"].reset_index(drop=True)
    ranks = rank_with_ties(comm["value"], indicators.loc[ind, "direction"])
    pos = comm.index[comm["nis_code"] == nis]
    rank = ranks.iloc[pos[0]] if len(pos) else pd.NA
    return {"year": int(last["year"]), "value": last["value"],
            "prev_year": None if prev is None else int(prev["year"]),
            "change": None if prev is None else last["value"] - prev["value"],
            "region_value": float(reg["value"].iloc[0]) if len(reg) else None,
            "rank": None if pd.isna(rank) else int(rank), "n_ranked": int(ranks.notna().sum()),
            "tied": False if pd.isna(rank) else bool(tied_mask(ranks).iloc[pos[0]]),
            "source_id": last["source_id"], "quality": quality_of(mine.iloc[-2:], reg)}


def test_key_figures_of_every_commune_at_once_equal_each_computed_alone(tables):
    o, inds = tables["obs"], tables["indicators"]
    ids = list(inds.index)
    by_place = cv.key_figures_by_place(o[o["indicator_id"].isin(ids)], inds, ids)
    codes = [c for c in tables["communes"]["nis_code"]]
    checked = 0
    for nis in codes:
        kf = cv.key_figures(o, inds, nis, ids, by_place=by_place).set_index("indicator_id")
        for ind in ids:
            want, got = _reference_key_figure(o, inds, nis, ind), kf.loc[ind]
            if want is None:
                assert pd.isna(got["value"]) and got["n_ranked"] == 0 and got["quality"] is None
                continue
            for k, v in want.items():
                assert (pd.isna(v) and pd.isna(got[k])) or got[k] == v, (nis, ind, k, v, got[k])
            checked += 1
    assert checked > 500
    # lower is better: the lowest value ranks first; a region of example data marks the commune's figure
    ind = pd.DataFrame({"indicator_id": ["u"], "direction": ["lower_better"]}).set_index("indicator_id", drop=False)
    obs = pd.DataFrame({"indicator_id": "u", "nis_code": ["21001", "21002", "21003", "04000"], "year": 2024,
                        "value": [9.0, 3.0, None, 6.0], "source_id": "S",
                        "quality": ["official", "official", "official", "example"]})
    rows = cv.key_figures_by_place(obs, ind, ["u"])
    assert (rows[("u", "21002")]["rank"], rows[("u", "21001")]["rank"], rows[("u", "21003")]["rank"]) == (1, 2, None)
    assert rows[("u", "21001")]["n_ranked"] == 2 and rows[("u", "21001")]["quality"].is_example


def test_series_table_has_2025(tables):
    o = tables["obs"]
    series = cv.series_frame(o[o["indicator_id"] == "population_1jan"], tables["communes"], "21001")
    t = cv.series_table(series, "21001", "en", 0, "persons")
    row = t[t["Year"] == "2025"].iloc[0]
    assert row["Anderlecht"] == "128,724\u00a0persons"
    assert row["Brussels-Capital Region"] == "1,255,795\u00a0persons"
    assert list(t["Year"])[:2] == ["2026", "2025"]


def test_header_names(tables):
    assert cv.header_names(tables["communes"], "21009") == ("Ixelles / Elsene", None)
    assert cv.header_names(tables["communes"], "21004") == ("Bruxelles / Brussel", "City of Brussels")
    assert cv.header_names(tables["communes"], "21001") == ("Anderlecht", None)


def test_scoped_figures_of_the_commune(tables):
    s = cv.scoped_for_commune(tables["scoped"], tables["indicators"], tables["sources"], tables["communes"],
                              "21001", "fr")
    assert len(s) == int((tables["scoped"]["nis_code"] == "21001").sum()) > 0
    assert "21001" not in set(s["Périmètre"])          # the code is shown as the commune's names
    assert cv.scoped_for_commune(tables["scoped"].iloc[0:0], tables["indicators"], tables["sources"],
                                 tables["communes"], "21007", "en").empty


def test_similar_communes_exclude_itself(tables):
    frame, labels, years = cmp.similarity_frame(tables["obs"], tables["communes"], tables["indicators"], "en")
    assert len(frame) == 19 and "density" in frame.columns and years["density"] == 2026
    assert frame["foreign_share"].between(0, 100).all()
    sim = similar_communes(frame, "21001", list(frame.columns), k=5, labels=labels, lang="en")
    assert len(sim) == 5 and "21001" not in set(sim["nis_code"])
    assert sim["distance"].is_monotonic_increasing
    assert all(r.startswith("Close on: ") for r in sim["reason"])
    table = cmp.similar_table(sim, tables["communes"], "nl")
    assert list(table.columns) == ["Gemeente", "Afstand", "Reden"]


def test_scatter_years_and_frame(tables):
    o, ind, c = tables["obs"], tables["indicators"], tables["communes"]
    ox = o[o["indicator_id"] == DEFAULT_X]
    oy = o[o["indicator_id"] == DEFAULT_Y]
    yx, yy = cmp.scatter_years(ox, oy)
    assert yx == yy == 2023                               # income ends 2023, ONEM rate 2017–2025
    census = o[o["indicator_id"] == "census_employment_rate_15_64"]
    pop_2026 = pd.DataFrame({"nis_code": ["21001"], "year": [2026], "value": [1.0]})
    assert cmp.scatter_years(census, pop_2026) == (2021, 2026)   # no common year: each one's latest
    d, region = cmp.scatter_frame(ox, oy, c, ind.loc[DEFAULT_X], ind.loc[DEFAULT_Y], yx, yy)
    assert len(d) == 19 and d[["x", "y"]].notna().all().all()


def test_denominators_and_series(tables):
    o, ind, c = tables["obs"], tables["indicators"], tables["communes"]
    est = ind.loc["establishment_units"]
    assert cmp.denominator_for(est, "area") == "area"
    assert cmp.denominator_for(ind.loc[DEFAULT_Y], "area") == "none"
    assert cmp.denominator_for(est, "bogus") == "population"
    pop = o[o["indicator_id"] == "population_1jan"]
    obs = o[o["indicator_id"] == "establishment_units"]
    s = cmp.series_frame(obs, c, est, ["21001", "21009"], "population", pop)
    assert set(s["nis_code"]) == {"21001", "21009", "04000"}
    a = s[(s["nis_code"] == "21001") & (s["year"] == 2023)]["value"].iloc[0]
    raw = obs[(obs["nis_code"] == "21001") & (obs["year"] == 2023)]["value"].iloc[0]
    p = pop[(pop["nis_code"] == "21001") & (pop["year"] == 2023)]["value"].iloc[0]
    assert a == pytest.approx(raw / p * 1000)
    assert "onem_unemployment_rate_annual_avg" in cmp.comparable_ids(ind)
    assert "ris_recipients" not in cmp.comparable_ids(ind)       # one commune only


def test_publishers_and_names(tables):
    assert cmp.publishers(tables["indicators"].loc[DEFAULT_Y], tables["sources"]).startswith("ONEM")
    assert cmp.names_list(tables["communes"], ["21004", "21009"], "nl") == "Brussel, Elsene"
    assert cmp.names_list(tables["communes"], ["21004"], "en") == "City of Brussels"
