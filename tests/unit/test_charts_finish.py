"""``style.finish`` and ``style.trim_template`` build their figure once from plain data: every chart builder
gives the figure it gave when both edited the figure in place (``update_layout``, ``add_annotation``,
assigning the template), kept here as the reference; ``finish`` trims the template itself now."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.charts import figures, impact, maps, scorecard, style
from dashboard.charts.style import (
    FOOTER_SIZE,
    LEGEND_ROW,
    LEGEND_SIZE,
    MARK_SIZE,
    MODEBAR,
    SCREEN_TEXT_WIDTH,
    TITLE_SIZE,
    example_title,
    legend_rows,
    mark_quality,
    plain,
    screen_lines,
    unwrapped_meta,
)
from dashboard.model.meta import ChartMeta, chart_footer, example_mark
from dashboard.text import measure
from dashboard.text.i18n import translator
from tests.support import frames


def finish_by_updates(fig, meta, lang, title, extra_footer, legend_title, margin=None, footer_shift=-8,
                      axis_width=0):
    """``finish`` as it was: the figure edited in place (a builder's plain data made a Figure first:
    ``test_charts_specs`` checks that Figure is the one the builder used to build)."""
    if isinstance(fig, dict):
        fig = go.Figure(fig)
    footer = chart_footer(meta, lang, extra_footer)
    title = example_title(title, meta.quality, lang)
    title_lines = screen_lines(title, TITLE_SIZE)
    footer_lines = screen_lines(footer, FOOTER_SIZE, SCREEN_TEXT_WIDTH - axis_width)
    mark_lines = screen_lines(example_mark(lang), MARK_SIZE) if meta.is_example else []
    legend_h = legend_rows(fig, legend_title) * LEGEND_ROW
    mark_h = int(len(mark_lines) * MARK_SIZE * 1.3 + 10) if mark_lines else 0
    top = int(MODEBAR + len(title_lines) * TITLE_SIZE * 1.35 + mark_h + legend_h + 10)
    bottom = int(-footer_shift + 12 + len(footer_lines) * FOOTER_SIZE * 1.35)
    given = margin or {}
    margin = {"l": given.get("l", 10), "r": given.get("r", 10), "t": max(top, given.get("t", 0)),
              "b": max(bottom, given.get("b", 0))}
    if fig.layout.height:
        fig.layout.height += max(0, margin["t"] + margin["b"] - given.get("t", 60) - given.get("b", 60))
    fig.update_layout(
        title={"text": "<br>".join(title_lines), "x": 0.01, "xanchor": "left", "font": {"size": TITLE_SIZE},
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": MODEBAR}},
        legend={"title": {"text": plain(legend_title), "side": "left"}, "itemclick": "toggle", "orientation": "h",
                "bgcolor": "rgba(255,255,255,0)", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                "font": {"size": LEGEND_SIZE}},
        margin=margin, paper_bgcolor="white", separators=".," if lang == "en" else ",.", plot_bgcolor="white",
        meta=unwrapped_meta(title, footer))
    fig.add_annotation(text="<br>".join(footer_lines), xref="paper", yref="paper", x=0, y=0, xanchor="left",
                       yanchor="top", yshift=footer_shift, showarrow=False, align="left",
                       font={"size": FOOTER_SIZE, "color": "#444"})
    mark_quality(fig, meta.quality)
    if mark_lines:
        fig.add_annotation(text="<br>".join(mark_lines), xref="paper", yref="paper", x=0, y=1, xanchor="left",
                           yanchor="bottom", yshift=4 + legend_h, showarrow=False, align="left",
                           font={"size": MARK_SIZE, "color": "#b2182b"}, bgcolor="rgba(255,255,255,0.85)",
                           bordercolor="#b2182b", borderwidth=1)
    return fig


def trim_by_assignment(fig):
    """``trim_template`` as it was: the trimmed template assigned to the figure."""
    template = fig.layout.template
    used = {trace.type for trace in fig.data}
    data = {kind: traces for kind, traces in template.data.to_plotly_json().items() if kind in used}
    fig.layout.template = go.layout.Template(layout=template.layout, data=data)
    return fig


def _builds(quality: str):
    """Every chart builder that finishes its figure, on small frames (a gap, a missing commune, a tie)."""
    _ = translator("fr")
    d = frames.frame()
    d.loc[3, "value"] = np.nan
    d.loc[5, "value"] = d.loc[6, "value"]
    meta = ChartMeta(title="Taux de chômage", unit_label="%", source_label="Statbel 2023", quality=quality,
                     year=2023, decimals=1, direction="lower_better", method="quantiles", k=5, region_value=12.5)
    geo = frames.square_geojson()
    change = d[["nis_code", "name_fr", "name_nl", "name_en"]].assign(value_from=1.0, value_to=d["value"],
                                                                     change=d["value"] - 1)
    series = pd.concat([d.assign(year=2021), d.assign(year=2023).iloc[2:]])
    bd = pd.DataFrame({"group": ["reuse", "food"], "integration_workers": [3.0, 5.0],
                       "art60_placements": [1.0, np.nan], "exits_to_work": [1.0, 2.0]})
    flows = pd.DataFrame({"stream": ["textiles", "furniture"], "collected_t": [1.0, 4.0],
                          "reused_t": [1.0, 2.5], "recycled_t": [0.0, np.nan]})
    points = pd.DataFrame({"operator_id": ["o1", "o2"], "name": ["A", "B"], "organisation": ["O", None],
                           "category": ["reuse_shop", "food"], "address": ["rue 1", None], "name_fr": ["Ixelles", 1],
                           "name_nl": ["Elsene", None], "position": ["site", "commune_centre"],
                           "quality": [quality, quality], "group": ["reuse", "food"],
                           "plot_lon": [4.35, 4.37], "plot_lat": [50.85, 50.83]})
    return {
        "choropleth": lambda: maps.choropleth(d, geo, lang="fr", meta=meta),
        "tile_map": lambda: maps.tile_map(d, frames.tiles(), lang="nl", meta=meta),
        "page_map": lambda: maps.page_map(d, geo, frames.tiles(), lang="en", meta=meta, style="geo", height=540),
        "change_map": lambda: maps.change_map(change, geo, lang="fr", meta=meta.replace(year_from=2015)),
        "ranking_bar": lambda: figures.ranking_bar(d, lang="en", meta=meta, highlight="21009"),
        "scatter": lambda: figures.scatter(d.assign(x=d["value"], y=d["value"] * 2), meta, meta, lang="fr",
                                           highlight="21004"),
        "time_series": lambda: figures.time_series(series, lang="nl", meta=meta, communes=["21004", "21009"],
                                                   region_code="21001"),
        "score_tile_map": lambda: scorecard.score_tile_map(d.assign(value=0.5), frames.tiles(), lang="fr", _=_,
                                                           title="T", footer="F", quality=quality),
        "jobs_breakdown": lambda: impact.jobs_breakdown_figure(bd, lang="fr", meta=meta),
        "streams": lambda: impact.streams_figure(flows, lang="nl", meta=meta,
                                                 stream_labels={"textiles": "Textiel", "furniture": "Meubels"}),
        "operators_map": lambda: impact.operators_map(points, "/app/static/b.geojson", lang="en", meta=meta),
    }


def _json(fig) -> dict:
    """The figure as the browser gets it, empty objects left out (``"title": {}`` draws what no title does)."""
    def drop_empty(v):
        if isinstance(v, dict):
            return {k: drop_empty(x) for k, x in v.items() if x != {}}
        return [drop_empty(x) for x in v] if isinstance(v, list) else v
    return drop_empty(json.loads(pio.to_json(fig, validate=False)))


def _python(fig) -> list:
    """What Python code reading the figure sees (``charts.alt`` reads the traces): each property's type."""
    return [{k: type(v).__name__ for k, v in tr.to_plotly_json().items()} for tr in fig.data] + \
        [{k: type(v).__name__ for k, v in fig.layout.to_plotly_json().items()}]


@pytest.mark.parametrize("quality", ["official", "example"])
@pytest.mark.parametrize("name", list(_builds("official")))
def test_every_builder_gives_the_figure_it_gave_when_finish_edited_in_place(monkeypatch, name, quality):
    build = _builds(quality)[name]
    new = build()
    for module in (figures, impact, maps, scorecard):
        if hasattr(module, "finish"):
            monkeypatch.setattr(module, "finish", finish_by_updates)
    old = build()
    # what ``ui.chart.figure`` keeps: the figure with its template trimmed (``finish`` trims it already)
    trimmed_old = trim_by_assignment(go.Figure(old))
    assert _json(style.trim_template(new)) == _json(trimmed_old)
    assert _python(style.trim_template(new)) == _python(trimmed_old)
    if name != "score_tile_map":                  # the tile map of scores lays itself out, without ``finish``
        assert style.trim_template(new) is new                              # nothing left to trim
    trimmed = style.trim_template(go.Figure(new))
    assert _json(trimmed) == _json(trimmed_old) and _python(trimmed) == _python(trimmed_old)


def test_finish_keeps_what_the_builder_set_and_leaves_its_figure_alone():
    fig = go.Figure(go.Bar(x=[1], y=[2], name="a"), layout={"height": 300, "title": {"font": {"color": "red"}},
                                                             "annotations": [{"text": "kept"}], "meta": {"x": 1}})
    before = _json(fig)
    out = style.finish(fig, ChartMeta(title="T", quality="example"), "fr", "T", [], "")
    assert _json(fig) == before                                 # the builder's figure is not changed
    assert out.layout.title.font.color == "red" and out.layout.title.text
    assert [a.text for a in out.layout.annotations][0] == "kept" and len(out.layout.annotations) == 3
    assert out.layout.height > 300
    assert out.layout.meta["example"] is True and "x" not in out.layout.meta   # meta replaced, as before


def test_wrap_is_remembered_and_returns_a_fresh_list():
    a = measure.wrap("Taux de chômage des 15-64 ans — Ixelles, 2023", 15, 120, family="verdana")
    a.append("changed")
    b = measure.wrap("Taux de chômage des 15-64 ans — Ixelles, 2023", 15, 120, family="verdana")
    assert "changed" not in b and len(b) > 1
    assert measure.wrap("", 15, 120) == [""]
