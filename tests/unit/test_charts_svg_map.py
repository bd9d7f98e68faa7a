"""The geographic map as the page draws it (``charts.svg_map``): what the browser gets must say exactly what
the plotly figure says — classes, colours, hover texts, title, example mark, footer — as plain text."""
from __future__ import annotations

import numpy as np

from dashboard.charts.classify import NO_DATA
from dashboard.charts.maps import Boundaries, choropleth
from dashboard.charts.style import unwrapped_texts
from dashboard.charts.svg_map import full_hover, geo_map_spec, hover_lines, plain_lines, shared_lines
from dashboard.model.meta import ChartMeta, example_mark
from dashboard.text.i18n import translator
from tests.support.frames import CODES, frame

META = ChartMeta(title="Unemployment rate", unit_label="%", source_label="Statbel 2023",
                 quality="official", year=2023, decimals=1, direction="lower_better",
                 method="quantiles", k=5, region_value=12.5)
URL = Boundaries("app/static/boundaries-0123456789abcdef.geojson", "Statbel, 01/01/2025")


def _spec(df=None, meta=META, lang="fr"):
    fig = choropleth(frame() if df is None else df, URL, lang=lang, meta=meta)
    return fig, geo_map_spec(fig, URL, lang)


def test_spec_has_every_commune_in_its_class_colour():
    fig, spec = _spec()
    assert spec["geometry"] == str(URL)
    assert sorted(a["id"] for a in spec["areas"]) == CODES
    by_trace = {loc: t.colorscale[0][1] for t in fig.data for loc in t.locations}
    assert {a["id"]: a["fill"] for a in spec["areas"]} == by_trace
    assert [i["label"] for i in spec["legend"]["items"]] == [t.name for t in fig.data]   # highest class first
    assert [i["colour"] for i in spec["legend"]["items"]] == [t.colorscale[0][1] for t in fig.data]
    assert spec["mark"] == ""                                       # real data: no example mark


def test_spec_hover_is_plotlys_hover_as_plain_lines():
    fig, spec = _spec(lang="nl")
    trace = fig.data[0]
    area = next(a for a in spec["areas"] if a["id"] == trace.locations[0])
    hover = full_hover(spec, area)
    assert hover == hover_lines(trace.hovertemplate, list(trace.customdata[0]))
    assert hover[0] == str(trace.customdata[0][1])                 # the commune's names first
    assert any(line.startswith("Bron: Statbel 2023") for line in hover)
    assert not any("<" in line or "%{" in line for line in hover)
    # the lines every commune shares travel once: the source is in the template, not in the areas
    assert "Bron: Statbel 2023" in spec["hover"]
    assert not any(line.startswith("Bron:") for a in spec["areas"] for line in a["hover"])


def test_spec_title_and_footer_are_the_figures():
    fig, spec = _spec()
    title, footer = unwrapped_texts(fig)
    assert spec["title"] == [title] and "Unemployment rate" in title
    assert spec["footer"] == [footer]
    assert "Statbel, 01/01/2025" in footer                         # the boundaries' attribution
    assert spec["legend"]["title"] == plain_lines(fig.layout.legend.title.text)[0]
    # what the page says, in its language, when the boundaries cannot be fetched
    assert spec["error"] == translator("fr")("Data temporarily unavailable") != "Data temporarily unavailable"


def test_missing_commune_drawn_in_the_no_data_colour():
    d = frame()
    d.loc[d["nis_code"] == "21014", "value"] = np.nan
    _, spec = _spec(d)
    area = next(a for a in spec["areas"] if a["id"] == "21014")
    assert area["fill"] == NO_DATA
    assert spec["legend"]["items"][-1] == {"label": "Pas de données", "colour": NO_DATA}


def test_example_data_is_marked_in_title_and_mark():
    fig, spec = _spec(meta=META.replace(quality="example"), lang="en")
    assert spec["mark"] == example_mark("en")
    assert spec["title"][0].startswith("[EXAMPLE DATA]")
    assert all("example" in " ".join(full_hover(spec, a)).lower() for a in spec["areas"])   # each commune's quality


def test_text_from_data_stays_text():
    d = frame()
    d.loc[d["nis_code"] == "21001", "name_fr"] = "<img src=x onerror=alert(1)> & co"
    fig, spec = _spec(d)
    area = next(a for a in spec["areas"] if a["id"] == "21001")
    # decoded to the characters themselves: the browser sets them with textContent, never as markup
    assert "<img src=x onerror=alert(1)> & co" in full_hover(spec, area)[0]


def test_plain_lines_undoes_plotly_markup():
    assert plain_lines("<b>A &amp; B</b><br>x &lt;y&gt;<br />z") == ["A & B", "x <y>", "z"]
    assert plain_lines("") == [] and plain_lines(None) == []
    assert hover_lines("<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>", ["21001", "N", "1,0 %"]) == \
        ["N", "1,0 %"]


def test_a_figure_without_a_geographic_trace_is_refused():
    import plotly.graph_objects as go
    import pytest
    with pytest.raises(ValueError, match="choroplethmap"):
        geo_map_spec(go.Figure(go.Scatter(x=[1], y=[1])), URL, "fr")


def test_shared_lines_template_round_trips():
    areas = [{"hover": ["A", "1", "Year: 2025", "Src"]}, {"hover": ["B", "2", "Year: 2025", "Src"]}]
    original = [list(a["hover"]) for a in areas]
    template = shared_lines(areas)
    assert template == [None, None, "Year: 2025", "Src"] and areas[0]["hover"] == ["A", "1"]
    assert [full_hover({"hover": template}, a) for a in areas] == original
    uneven = [{"hover": ["A", "x"]}, {"hover": ["B"]}]
    assert shared_lines(uneven) == [] and full_hover({"hover": []}, uneven[1]) == ["B"]
