import numpy as np
import pandas as pd

from dashboard.charts.figures import ranking_bar, scatter, time_series
from dashboard.model.compare import similar_communes
from dashboard.model.meta import ChartMeta
from dashboard.model.ranking import rank_labels, rank_with_ties
from tests.support.frames import CODES, communes, frame

META = ChartMeta(title="Median income", unit_label="€", source_label="Statbel", year=2022,
                 decimals=0, direction="higher_better", region_value=10.0)


def test_rank_with_ties():
    v = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan])
    assert rank_with_ties(v, "higher_better").tolist() == [3, 1, 1, 4, pd.NA]
    assert rank_with_ties(v, "neutral").tolist() == [3, 1, 1, 4, pd.NA]
    assert rank_with_ties(v, "lower_better").tolist() == [2, 3, 3, 1, pd.NA]
    assert rank_labels(rank_with_ties(v, "higher_better"), 19).tolist() == ["3 / 19", "=1 / 19", "=1 / 19", "4 / 19", "—"]


def test_ranking_with_ties_and_region_line():
    values = np.arange(1, 20, dtype=float)
    values[4] = values[5] = 17.0  # 21005 and 21006 tie with 21017 (value 17)
    d = frame(values)
    d.loc[d["nis_code"] == "21019", "value"] = np.nan
    fig = ranking_bar(d, lang="en", meta=META, highlight="21009")
    bar = fig.data[0]
    labels = list(bar.y)
    assert len(labels) == 19
    assert labels[0] == "1  Woluwe-Saint-Lambert"  # 18 (21018) is the highest value left
    tied = [label for label in labels if label.startswith("=2 ")]
    assert len(tied) == 3  # the three 17s share rank 2 ...
    assert labels[4].startswith("5 ")  # ... and the next one is 5th
    assert labels[-1] == "—  Woluwe-Saint-Pierre" and bar.text[-1] == "No data"
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert any(s.x0 == 10.0 and s.x1 == 10.0 for s in lines)
    text = (fig.layout.title.text + " ".join(a.text for a in fig.layout.annotations)).replace("<br>", " ")
    assert "Region" in text and "2022" in text and "Statbel" in text and "tied" in text
    assert "#f46d43" in list(bar.marker.color)


def test_ranking_lower_better_order_fr():
    d = frame()
    fig = ranking_bar(d, lang="fr", meta=META.replace(direction="lower_better", region_value=None))
    assert list(fig.data[0].y)[0] == "1  Anderlecht"
    assert not fig.layout.shapes


def test_scatter_19_labelled_points():
    d = communes()
    d["x"] = np.arange(19.0)
    d["y"] = np.arange(19.0) ** 1.5
    xm = ChartMeta(title="Unemployment rate", unit_label="%", source_label="Actiris", year=2023, region_value=9)
    ym = ChartMeta(title="Median income", unit_label="€", source_label="Statbel", year=2022, region_value=20)
    fig = scatter(d, xm, ym, lang="nl")
    pts = fig.data[0]
    assert len(pts.x) == 19 and len(pts.text) == 19 and all(pts.text)
    assert "Elsene" in pts.text and "Ukkel" in pts.text
    assert fig.layout.xaxis.title.text == "Unemployment rate (%)"
    assert fig.layout.yaxis.title.text == "Median income (€)"
    footer = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    assert "Actiris" in footer and "Statbel" in footer and "2023" in footer and "2022" in footer
    assert "r = " in footer
    assert len(fig.data) == 2  # region point


def test_time_series_region_dashed():
    rows = []
    for code, name_fr, name_nl in [("21001", "Anderlecht", "Anderlecht"), ("21009", "Ixelles", "Elsene"),
                                   ("21016", "Uccle", "Ukkel"), ("04000", "Région", "Gewest")]:
        for year in range(2018, 2024):
            rows.append(dict(nis_code=code, name_fr=name_fr, name_nl=name_nl, year=year,
                             value=np.nan if (code == "21009" and year == 2020) else year - 2000.0))
    df = pd.DataFrame(rows)
    fig = time_series(df, lang="fr", meta=META, communes=["21001", "21009"])
    names = [t.name for t in fig.data]
    assert names == ["Anderlecht", "Ixelles", "Région de Bruxelles-Capitale"]
    assert fig.data[-1].line.dash == "dash" and fig.data[0].line.dash == "solid"
    assert np.isnan(fig.data[1].y[2])  # gap, not zero
    assert "2018–2023" in fig.layout.title.text


def test_similar_communes():
    rng = np.random.default_rng(0)
    f = pd.DataFrame({"nis_code": CODES, "a": rng.normal(size=19), "b": rng.normal(size=19) * 100,
                      "c": rng.normal(size=19), "const": 1.0})
    f.loc[f["nis_code"] == "21002", ["a", "b", "c"]] = f.loc[f["nis_code"] == "21001", ["a", "b", "c"]].to_numpy() + 0.001
    f.loc[f["nis_code"] == "21003", "c"] = np.nan
    out = similar_communes(f, "21001", ["a", "b", "c", "const", "absent"], k=3,
                           labels={"a": "Unemployment", "b": "Income", "c": "Age"}, lang="fr")
    assert list(out.columns) == ["nis_code", "distance", "reason"]
    assert len(out) == 3 and "21001" not in set(out["nis_code"])
    assert out.iloc[0]["nis_code"] == "21002"
    assert out["distance"].is_monotonic_increasing
    assert out.iloc[0]["reason"].startswith("Proche pour : ")
    assert "Unemployment" in out.iloc[0]["reason"] or "Income" in out.iloc[0]["reason"]


def test_similar_communes_unknown_code():
    f = pd.DataFrame({"a": np.arange(19.0)}, index=CODES)
    assert similar_communes(f, "99999", ["a"]).empty
    assert len(similar_communes(f, "21010", ["a"], k=2)) == 2
