"""Every chart's text alternative (dashboard/charts/alt.py): the figures the chart draws, read back from it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts.alt import figure_table
from dashboard.charts.figures import ranking_bar, scatter, time_series
from dashboard.charts.impact import streams_figure
from dashboard.charts.maps import choropleth, tile_map
from dashboard.charts.scorecard import score_tile_map
from dashboard.model.meta import ChartMeta
from dashboard.text.i18n import translator
from tests.support.frames import CODES, communes, frame, square_geojson, tiles

META = ChartMeta(title="Rate", unit_label="%", source_label="Statbel", quality="official", year=2023, decimals=1)


def test_maps_and_rankings_list_every_commune_with_value_and_rank():
    for fig in (choropleth(frame(), square_geojson(), lang="fr", meta=META), tile_map(frame(), tiles(), lang="fr",
                                                                                          meta=META),
                ranking_bar(frame(), lang="fr", meta=META)):
        t = figure_table(fig, "fr")
        assert len(t) == 19 and {"Commune", "Valeur", "Rang"} <= set(t.columns)
        assert "Anderlecht" in set(t["Commune"]) and "1,5\u00a0%" in set(t["Valeur"])


def test_time_series_is_a_table_of_years():
    d = pd.concat([frame(year=y).assign(value=lambda f, y=y: f["value"] + y - 2020) for y in (2020, 2021, 2022)])
    fig = time_series(d[d["nis_code"].isin(["21001", "21009"])], lang="en", meta=META, communes=["21001", "21009"])
    t = figure_table(fig, "en")
    assert list(t["Year"]) == ["2020", "2021", "2022"] and {"Anderlecht", "Ixelles"} <= set(t.columns)


def test_scatter_has_both_values_per_commune():
    d = communes().assign(x=np.arange(19.0), y=np.arange(19.0) * 2)
    fig = scatter(d, META.replace(title="X"), META.replace(title="Y"), lang="en")
    t = figure_table(fig, "en")
    assert len(t) == 19 and list(t.columns) == ["Commune", "X (%)", "Y (%)"]


def test_scorecard_tiles_and_grouped_bars():
    vals = communes().assign(value=[np.nan] + [0.5] * 18)
    fig = score_tile_map(vals, tiles(), lang="en", _=translator("en"), title="T", footer="F")
    t = figure_table(fig, "en")
    assert len(t) == 19 and set(t["Score"]) == {"unknown", "50 %"}
    bd = pd.DataFrame({"stream": ["textiles", "furniture"], "collected_t": [10.0, 5.0], "reused_t": [4.0, 2.0],
                       "recycled_t": [3.0, np.nan]})
    fig = streams_figure(bd, lang="en", meta=META, stream_labels={"textiles": "Textiles", "furniture": "Furniture"})
    t = figure_table(fig, "en")
    assert list(t.iloc[:, 0]) == ["Textiles", "Furniture"] and t.shape[1] == 4
    assert len(CODES) == 19
