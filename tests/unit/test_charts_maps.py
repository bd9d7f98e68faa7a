import json

import numpy as np
import pandas as pd
import pytest

from dashboard.charts.classify import NO_DATA, classify, diverging_colours, legend_labels, sequential_colours
from dashboard.charts.maps import (
    Boundaries,
    NotMappable,
    attribution_of,
    change_map,
    choropleth,
    commune_map,
    feature_collection,
    selected_commune,
    tile_map,
)
from dashboard.model.map import change_frame
from dashboard.model.meta import ChartMeta
from tests.support.frames import CODES, frame, square_geojson, tiles

META = ChartMeta(title="Unemployment rate", unit_label="%", source_label="Statbel 2023",
                 quality="official", year=2023, decimals=1, direction="lower_better",
                 method="quantiles", k=5, region_value=12.5)


def _traces(fig, kind="choroplethmap"):
    return [t for t in fig.data if t.type == kind]


def _all_locations(fig):
    return [loc for t in _traces(fig) for loc in t.locations]


def _text(fig):
    return (fig.layout.title.text + " ".join(a.text for a in fig.layout.annotations)).replace("<br>", " ")


def test_choropleth_structure():
    fig = choropleth(frame(), square_geojson(), lang="fr", meta=META)
    traces = _traces(fig)
    assert len(traces) == 5  # one per class, no missing data -> no "No data" trace
    assert sorted(_all_locations(fig)) == CODES
    # each trace carries only its own features: the geometry travels once
    assert sum(len(t.geojson["features"]) for t in traces) == 19
    colours = [t.colorscale[0][1] for t in traces]
    assert len(set(colours)) == 5
    assert set(colours) == set(sequential_colours(5))
    assert all(t.featureidkey == "id" for t in traces)
    assert fig.layout.map.style == "white-bg"
    assert abs(fig.layout.map.center.lat - 50.84) < 0.02 and abs(fig.layout.map.center.lon - 4.37) < 0.02
    assert traces[0].name.endswith(" – 28,5")  # highest class first, fr number format
    assert traces[-1].name.startswith("1,5 – ")


def test_missing_commune_in_no_data_trace():
    d = frame()
    d.loc[d["nis_code"] == "21014", "value"] = np.nan
    fig = choropleth(d, square_geojson(), lang="nl", meta=META)
    nd = [t for t in _traces(fig) if t.name == "Geen gegevens"]
    assert len(nd) == 1 and list(nd[0].locations) == ["21014"]
    assert nd[0].colorscale[0][1] == NO_DATA
    row = nd[0].customdata[0]
    assert row[2] == "Geen gegevens" and row[3] == "—"
    assert len(_all_locations(fig)) == 19


def hover_text(trace, row) -> str:
    """The hover of one point as plotly fills it in: ``%{customdata[i]}`` replaced by the row's values."""
    text = trace.hovertemplate
    for i, v in enumerate(row):
        text = text.replace(f"%{{customdata[{i}]}}", str(v))
    return text


def test_hover_names_rank_year_source():
    fig = choropleth(frame(), square_geojson(), lang="fr", meta=META)
    trace, ixl = next((t, row) for t in _traces(fig) for row in t.customdata if row[0] == "21009")
    assert ixl[1] == "Ixelles / Elsene"
    assert ixl[2] == "13,5\u00a0%"
    assert ixl[3] == "9 / 19"  # lower is better: 9th smallest value
    assert ixl[4] == "2023"
    hover = hover_text(trace, ixl)
    assert "Source: Statbel 2023" in hover and "Qualité: officiel" in hover
    tmpl = _traces(fig)[0].hovertemplate
    for word in ("Rang", "Année", "Source", "Qualité", "customdata[1]"):
        assert word in tmpl


def test_source_shared_by_a_trace_is_written_once_in_its_hover():
    d = frame().assign(source_label="Statbel 2023")
    d.loc[d["nis_code"] == "21001", "source_label"] = "IBSA 2022"
    fig = choropleth(d, square_geojson(), lang="en", meta=META)
    for t in _traces(fig):
        for row in t.customdata:
            source = "IBSA 2022" if row[0] == "21001" else "Statbel 2023"
            assert f"Source: {source}<br>" in hover_text(t, row)
        if "21001" not in [row[0] for row in t.customdata]:
            assert "Statbel 2023" in t.hovertemplate and all(row[5] == "" for row in t.customdata)
    nl = choropleth(frame(), square_geojson(), lang="nl", meta=META)
    ixl = next(row for t in _traces(nl) for row in t.customdata if row[0] == "21009")
    assert ixl[1] == "Elsene / Ixelles"


def test_title_footer_and_example_mark():
    fig = choropleth(frame(), square_geojson(), lang="en", meta=META)
    text = _text(fig)
    assert "Unemployment rate" in text and "2023" in text and "Statbel 2023" in text
    assert "Brussels-Capital Region" in text and "%" in text and "12.5%" in text
    assert "EXAMPLE" not in text
    ex = choropleth(frame(), square_geojson(), lang="en", meta=META.replace(quality="example"))
    assert "EXAMPLE DATA" in ex.layout.title.text
    assert any("illustrative" in a.text for a in ex.layout.annotations)
    fr = choropleth(frame(), square_geojson(), lang="fr", meta=META.replace(quality="example"))
    assert "DONNÉES D'EXEMPLE" in _text(fr)


def test_meta_as_dict_and_geojson_url():
    meta = dict(title="x", unit_label="%", source_label="s", year=2020, decimals=0, unknown="ignored")
    fig = choropleth(frame(), "/app/static/communes.geojson", lang="en", meta=meta)
    assert all(t.geojson == "/app/static/communes.geojson" for t in _traces(fig))


def test_totals_are_not_mapped():
    with pytest.raises(NotMappable):
        choropleth(frame(), square_geojson(), lang="fr", meta=META.replace(kind="count"))
    fig = choropleth(frame(), square_geojson(), lang="fr", meta=META.replace(kind="count", denominator="population"))
    assert len(_all_locations(fig)) == 19


@pytest.mark.parametrize("method", ["quantiles", "equal_interval", "natural_breaks"])
def test_classify_methods(method):
    bins, cls = classify(pd.Series(np.arange(19.0)), method, 5)
    assert len(bins) == 5 and cls.min() == 0 and cls.max() == 4
    assert cls.is_monotonic_increasing


def test_classify_edge_cases():
    bins, cls = classify(pd.Series([2.0] * 19), "quantiles")
    assert bins == [2.0] and set(cls) == {0}
    bins, cls = classify(pd.Series([1.0, 2.0, 2.0, np.nan]), "natural_breaks", 5)
    assert bins == [1.0, 2.0] and cls.tolist() == [0, 1, 1, -1]
    bins, cls = classify(pd.Series([np.nan] * 19), "equal_interval")
    assert bins == [] and set(cls) == {-1}
    bins, cls = classify(pd.Series([0.0] * 10 + list(range(1, 10))), "quantiles", 5)
    assert sorted(set(cls)) == list(range(len(bins)))  # no empty classes after ties
    with pytest.raises(ValueError):
        classify(pd.Series([1.0]), "jenks")
    assert legend_labels([15.0, 20.0], 12.3, "fr", 1) == ["12,3 – 15,0", "15,0 – 20,0"]
    assert legend_labels([15.0], 12.3, "en", 1) == ["12.3 – 15.0"]


def test_diverging_direction():
    good_up = diverging_colours(5, "higher_better")
    good_down = diverging_colours(5, "lower_better")
    assert good_up == good_down[::-1]
    assert diverging_colours(5, "neutral") != good_up


def test_all_missing_map():
    d = frame(values=[np.nan] * 19)
    fig = choropleth(d, square_geojson(), lang="en", meta=META)
    assert len(_traces(fig)) == 1 and _traces(fig)[0].name == "No data"


def test_tile_map():
    d = frame()
    d.loc[d["nis_code"] == "21011", "value"] = np.nan
    fig = tile_map(d, tiles(), lang="fr", meta=META)
    points = [t for t in fig.data if t.mode == "markers+text"]
    codes = [row[0] for t in points for row in t.customdata]
    assert sorted(codes) == CODES  # 19 tiles
    legend = [t.name for t in fig.data if t.showlegend]
    assert len(legend) == 6 and legend[-1] == "Pas de données"
    assert "St-Josse" in " ".join(x for t in points for x in t.text)
    # a commune missing from df still gets its tile, as no data
    fig2 = tile_map(d[d["nis_code"] != "21001"], tiles(), lang="en", meta=META)
    nd = [t for t in fig2.data if t.mode == "markers+text" and t.name == "No data"][0]
    assert {row[0] for row in nd.customdata} == {"21001", "21011"}


def test_tile_grid_is_a_layout():
    t = tiles()
    assert sorted(t["nis_code"]) == CODES
    assert not t.duplicated(["tile_row", "tile_col"]).any()
    assert t["tile_row"].min() == 0 and t["tile_col"].min() == 0


def test_tile_grid_follows_geography(shipped_geojson):
    g = json.loads(shipped_geojson.read_text())
    from shapely.geometry import shape
    cent = {f["properties"]["nis_code"]: shape(f["geometry"]).centroid for f in g["features"]}
    t = tiles().set_index("nis_code")
    lat = pd.Series({c: p.y for c, p in cent.items()})
    lon = pd.Series({c: p.x for c, p in cent.items()})
    assert t["tile_row"].corr(lat[t.index], method="spearman") < -0.8  # row 0 = north
    assert t["tile_col"].corr(lon[t.index], method="spearman") > 0.8


def test_commune_map_fallback():
    assert commune_map(frame(), None, tiles(), lang="fr", meta=META).data[0].type == "scatter"
    assert commune_map(frame(), square_geojson(), tiles(), lang="fr", meta=META).data[0].type == "choroplethmap"
    assert commune_map(frame(), square_geojson(), tiles(), lang="fr", meta=META, style="tiles").data[0].type == "scatter"


def test_change_frame_and_map():
    a, b = frame(year=2015), frame(year=2023)
    b["value"] = a["value"] + np.linspace(-3, 3, 19)
    a.loc[0, "value"] = 0.0
    b.loc[1, "value"] = np.nan
    ch = change_frame(a, b)
    assert len(ch) == 19 and {"change", "change_pct", "value_from", "value_to"} <= set(ch.columns)
    assert np.isnan(ch.loc[0, "change_pct"]) and np.isnan(ch.loc[1, "change"])
    assert ch.loc[18, "change"] == pytest.approx(3.0)
    meta = META.replace(year_from=2015)
    fig = change_map(ch, square_geojson(), lang="en", meta=meta)
    assert "2015–2023" in fig.layout.title.text
    colours = {t.colorscale[0][1] for t in _traces(fig) if t.name != "No data"}
    assert colours <= set(diverging_colours(5, "lower_better"))
    assert any(t.name == "No data" and list(t.locations) == ["21002"] for t in _traces(fig))
    hover = next(row for t in _traces(fig) for row in t.customdata if row[0] == "21019")
    assert hover[2].startswith("+3.0") and "→" in hover[2]
    assert hover[3] == "18 / 19"  # lower is better: the biggest rise ranks last among 18 with data
    rel = change_map(ch, None, lang="nl", meta=meta, relative=True, tiles=tiles())
    assert rel.layout.legend.title.text == "Verandering (%)"
    assert [t.name for t in rel.data if t.showlegend][0].startswith("+")


@pytest.mark.parametrize("event,expected", [
    (None, None),
    ({}, None),
    ({"selection": {"points": []}}, None),
    ({"selection": {"points": [{"location": "21001", "curve_number": 0}]}}, "21001"),
    ({"selection": {"points": [{"location": 21004}]}}, "21004"),
    ({"selection": {"points": [{"customdata": ["21014", "Saint-Josse"], "x": 3, "y": -1}]}}, "21014"),
    ({"selection": {"points": [{"customdata": "21015"}]}}, "21015"),
    ({"selection": {"points": [{"x": 1}]}}, None),
])
def test_selected_commune(event, expected):
    assert selected_commune(event) == expected


def test_selected_commune_attribute_style():
    class Obj(dict):
        __getattr__ = dict.__getitem__
    ev = Obj(selection=Obj(points=[{"location": "21009"}]))
    assert selected_commune(ev) == "21009"


def test_feature_collection_from_rows():
    rows = pd.DataFrame({"nis_code": ["21001"], "geojson": [json.dumps({"type": "Point", "coordinates": [4.3, 50.8]})]})
    fc = feature_collection(rows)
    assert fc["features"][0]["id"] == "21001" and fc["features"][0]["geometry"]["type"] == "Point"


def test_geographic_maps_name_their_boundaries_tile_maps_do_not():
    """The attribution of the boundaries is in the footer of every geographic map (choropleth, change map,
    operators), whether the boundaries come as a URL or as a FeatureCollection; the tile map draws none."""
    from dashboard.charts.impact import operators_map
    meta = {"title": "T", "kind": "rate", "year": 2024}
    url = Boundaries("app/static/b.geojson", "Statbel, statistical sectors 01/01/2025")
    geo = dict(square_geojson(), attribution="Statbel, statistical sectors 01/01/2025")

    def footer(fig):
        return " ".join(a.text for a in fig.layout.annotations)

    for g in (url, geo):
        assert "Limites : Statbel, statistical sectors 01/01/2025" in footer(
            choropleth(frame(), g, lang="fr", meta=meta))
    change = change_frame(frame(year=2020), frame(year=2024))
    assert "Grenzen: Statbel" in footer(change_map(change, url, lang="nl", meta=dict(meta, year_from=2020)))
    points = pd.DataFrame(columns=["group", "position", "plot_lon", "plot_lat", "name", "organisation", "category",
                                   "address", "quality", "operator_id", "name_fr", "name_nl"])
    assert "Boundaries: Statbel" in footer(operators_map(points, url, lang="en", meta=ChartMeta(title="Sites")))
    assert "Statbel" not in footer(tile_map(frame(), tiles(), lang="fr", meta=meta))
    assert attribution_of("app/static/plain.geojson") == ""
