"""The builders of the Jobs, Re-use & waste and Operators pages and the time series write their figure as
plain data for ``style.finish`` to validate once: each gives the figure it gave when it built a Figure and
edited it (``add_trace``, ``update_xaxes``, ``update_yaxes``, ``update_layout``), kept here as the
reference — traces, layout, template, and the types Python code reading the figure sees."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import figures, impact
from dashboard.charts.maps import BRUSSELS_CENTER, GEO_ZOOM, boundaries_footer
from dashboard.charts.style import FLOW_COLOURS, GROUP_COLOURS, LINE_COLOURS, REGION_COLOUR, finish, plain
from dashboard.model.impact import CATEGORY_GROUPS, FLOW_MSGIDS, JOB_MSGIDS
from dashboard.model.meta import ChartMeta, as_meta, chart_title
from dashboard.model.quality import tier_label
from dashboard.text.format import fmt_number, fmt_value, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, local_name
from tests.support import frames
from tests.unit.test_charts_finish import _json, _python, trim_by_assignment

# ----------------------------------------------------------------------------- the builders as they were


def old_time_series(df, *, lang, meta, communes, region_code="04000"):
    meta = as_meta(meta)
    _ = translator(lang)
    d = df.copy()
    d["nis_code"] = d["nis_code"].astype(str)
    d["value"] = pd.to_numeric(d["value"], errors="coerce").astype("float64")
    fig = go.Figure()
    codes = [str(c) for c in communes if str(c) != region_code]
    hover = "<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>"
    years = sorted(d["year"].dropna().unique())
    for i, code in enumerate(codes + [region_code]):
        s = d[d["nis_code"] == code].sort_values("year")
        if s.empty:
            continue
        is_region = code == region_code
        name = _("Brussels-Capital Region") if is_region else local_name(s.iloc[0].to_dict(), lang)
        s = s.set_index("year").reindex(years).reset_index()  # gaps for missing years
        fig.add_trace(go.Scatter(
            x=s["year"], y=s["value"], mode="lines+markers", name=plain(name),
            line={"color": REGION_COLOUR if is_region else LINE_COLOURS[i % len(LINE_COLOURS)],
                  "dash": "dash" if is_region else "solid", "width": 2.5 if is_region else 2},
            customdata=[plain(fmt_value(v, lang, meta.decimals, meta.unit_label, missing=_("No data")))
                        for v in s["value"]],
            hovertemplate=hover, connectgaps=False,
        ))
    fig.update_xaxes(title=_("Year"), tickformat="d", dtick=1 if len(years) <= 12 else None, showgrid=False)
    fig.update_yaxes(title=plain(meta.unit_label) or None, showgrid=True, gridcolor="#eee",
                     separatethousands=True)
    if years:
        meta = meta.replace(year_from=int(min(years)), year=int(max(years))) if len(years) > 1 else meta.replace(year=int(years[0]))
    fig.update_layout(hovermode="x unified", height=420)
    return finish(fig, meta, lang, chart_title(meta, lang), [], "", margin={"b": 100}, footer_shift=-50,
                  axis_width=70)


def old_bar_finish(fig, meta, lang, what, legend_title=""):
    fig.update_layout(height=420, bargap=0.3, barmode="group")
    fig.update_yaxes(title=plain(meta.unit_label) or None, showgrid=True, gridcolor="#eee", separatethousands=True)
    return finish(fig, meta, lang, chart_title(meta, lang, what=what), [], legend_title,
                  margin={"b": 110}, footer_shift=-60, axis_width=70)


def old_jobs_breakdown_figure(bd, *, lang, meta):
    _ = translator(lang)
    fig = go.Figure()
    x = [_(CATEGORY_GROUPS[g]) for g in bd["group"]]
    for col, colour in (("integration_workers", "#0072B2"), ("art60_placements", "#E69F00"),
                        ("exits_to_work", "#009E73")):
        vals = bd[col] if col in bd else []
        fig.add_trace(go.Bar(x=x, y=vals, name=_(JOB_MSGIDS[col]), marker_color=colour,
                             text=[fmt_number(v, lang, 0) if not is_missing(v) else "" for v in vals],
                             textposition="outside", cliponaxis=False,
                             hovertemplate="%{x}<br>" + _(JOB_MSGIDS[col]) + ": %{y}<extra></extra>"))
    return old_bar_finish(fig, meta, lang, _("Integration jobs by operator category"))


def old_streams_figure(bd, *, lang, meta, stream_labels):
    _ = translator(lang)
    fig = go.Figure()
    x = [plain(stream_labels.get(s, s)) for s in bd["stream"]]
    for col in ("collected_t", "reused_t", "recycled_t"):
        vals = bd[col]
        fig.add_trace(go.Bar(x=x, y=vals, name=_(FLOW_MSGIDS[col]), marker_color=FLOW_COLOURS[col],
                             text=[fmt_number(v, lang, 0) if not is_missing(v) else _("No data") for v in vals],
                             textposition="outside", cliponaxis=False,
                             hovertemplate="%{x}<br>" + _(FLOW_MSGIDS[col]) + ": %{y:,.1f} t<extra></extra>"))
    return old_bar_finish(fig, meta, lang, _("Tonnes by stream"))


def old_operators_map(points, geojson_url, *, lang, meta):
    _ = translator(lang)
    fig = go.Figure()
    if geojson_url:
        fig.add_trace(go.Choroplethmap(
            geojson=geojson_url, featureidkey="id", locations=[f"210{i:02d}" for i in range(1, 20)],
            z=[0] * 19, colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker={"line": {"color": "#666", "width": 0.8}, "opacity": 1}, hoverinfo="skip", showlegend=False,
            name=_("Communes")))
    for g, label in CATEGORY_GROUPS.items():
        d = points[points["group"] == g]
        if d.empty:
            continue
        pos = [_("position: site address") if p == "site" else _("position: commune centre (address not geocoded)")
               for p in d["position"]]
        names = [both_names(r, lang) if isinstance(r.get("name_fr"), str) else "—" for r in d.to_dict("records")]
        texts = lambda values: [plain(v) for v in values]  # noqa: E731
        custom = np.stack([texts(d["name"].astype(str)), texts(d["organisation"].fillna("—").astype(str)),
                           texts(d["category"].astype(str)), texts(d["address"].fillna("—").astype(str)),
                           texts(names), pos, texts(tier_label(q, lang) for q in d["quality"]),
                           d["operator_id"].astype(str)], axis=1)
        fig.add_trace(go.Scattermap(
            lon=d["plot_lon"], lat=d["plot_lat"], mode="markers", name=_(label),
            marker={"size": np.where(d["position"] == "site", 11, 8), "color": GROUP_COLOURS[g], "opacity": 0.9},
            customdata=custom,
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}<br>"
                          "%{customdata[4]}<br><i>%{customdata[5]}</i><br>" + _("Quality")
                          + ": %{customdata[6]}<extra></extra>"))
    fig.update_layout(map={"style": "white-bg", "center": BRUSSELS_CENTER, "zoom": GEO_ZOOM}, height=600)
    n_centre = int((points["position"] == "commune_centre").sum()) if len(points) else 0
    extra = [_("{n} sites without coordinates are drawn at their commune's centre (address not geocoded)", n=n_centre)] \
        if n_centre else []
    extra += boundaries_footer(geojson_url, lang) if geojson_url else []
    return finish(fig, meta, lang, chart_title(meta, lang), extra, _("Category"))


# ----------------------------------------------------------------------------- inputs

def _meta(quality: str, **kw) -> ChartMeta:
    return ChartMeta(**{"title": "Travailleurs en insertion", "unit_label": "travailleurs",
                        "source_label": "Membres 2024", "quality": quality, "year": 2024, "decimals": 0,
                        "where": "Ixelles", **kw})


def _series(n_years: int = 3) -> pd.DataFrame:
    d = frames.frame()
    parts = [d.assign(year=2020 + y, value=d["value"] + y) for y in range(n_years)]
    region = pd.DataFrame({"nis_code": "04000", "name_fr": "Région", "name_nl": "Gewest", "name_en": "Region",
                           "year": [2020 + y for y in range(n_years)], "value": [10.0 + y for y in range(n_years)]})
    s = pd.concat(parts + [region], ignore_index=True)
    return s.drop(index=s.index[(s["nis_code"] == "21004") & (s["year"] == 2021)])   # a gap


def _cases(quality: str) -> dict:
    meta = _meta(quality)
    bd = pd.DataFrame({"group": ["reuse", "food", "repair"], "integration_workers": [3.0, 5.0, 0.0],
                       "art60_placements": [1.0, np.nan, 2.0], "exits_to_work": [1.0, 2.0, np.nan]})
    flows = pd.DataFrame({"stream": ["textiles", "furniture", "<b>x</b>"], "collected_t": [1.0, 4.0, 2.5],
                          "reused_t": [1.0, 2.5, np.nan], "recycled_t": [0.0, np.nan, 1.25]})
    points = pd.DataFrame({"operator_id": ["o1", "o2", "o3"], "name": ["A & B", "B", "<i>C</i>"],
                           "organisation": ["O", None, "P"], "category": ["reuse_shop", "food", "repair_cafe"],
                           "address": ["rue 1", None, "rue 3"], "name_fr": ["Ixelles", 1, "Uccle"],
                           "name_nl": ["Elsene", None, "Ukkel"], "position": ["site", "commune_centre", "site"],
                           "quality": [quality] * 3, "group": ["reuse", "food", "reuse"],
                           "plot_lon": [4.35, 4.37, 4.33], "plot_lat": [50.85, 50.83, 50.80]})
    series, long = _series(), _series(14)
    undated = pd.concat([series, series.iloc[[0]].assign(year=np.nan, value=99.0)], ignore_index=True)
    unnamed = series.assign(name_en=series["name_en"].where(series["nis_code"] != "21004"))
    labels = {"textiles": "Textiel", "furniture": "Meubels & co"}
    return {
        "time_series_commune": (lambda f: f(series, lang="fr", meta=meta, communes=["21004"])),
        "time_series_region": (lambda f: f(series, lang="nl", meta=meta, communes=[])),
        "time_series_several": (lambda f: f(series, lang="en", meta=meta.replace(unit_label=""),
                                            communes=["21009", "21004", "04000"])),
        "time_series_long": (lambda f: f(long, lang="fr", meta=meta, communes=["21001"])),
        "time_series_one_year": (lambda f: f(series[series["year"] == 2020], lang="fr", meta=meta,
                                             communes=["21001"])),
        "time_series_empty": (lambda f: f(series.iloc[:0], lang="fr", meta=meta, communes=["21001"])),
        # as the database gives it (years as int32), a commune without rows, a code given as a number
        "time_series_int32": (lambda f: f(series.astype({"year": "int32"}), lang="fr", meta=meta,
                                          communes=[21004, "21999"])),
        "time_series_nullable_int16": (lambda f: f(series.astype({"year": "Int64"}).astype({"year": "int16"}),
                                                   lang="fr", meta=meta, communes=["21004"])),
        "time_series_undated_row": (lambda f: f(undated, lang="nl", meta=meta, communes=["21004"])),
        "time_series_unnamed": (lambda f: f(unnamed, lang="en", meta=meta, communes=["21004"])),
        "jobs_breakdown": (lambda f: f(bd, lang="fr", meta=meta)),
        "jobs_breakdown_no_art60": (lambda f: f(bd.drop(columns="art60_placements"), lang="en",
                                                meta=meta.replace(unit_label=""))),
        "streams": (lambda f: f(flows, lang="nl", meta=meta, stream_labels=labels)),
        "operators_map": (lambda f: f(points, "/app/static/b.geojson", lang="en", meta=meta)),
        "operators_map_no_boundaries": (lambda f: f(points, None, lang="fr", meta=meta)),
        "operators_map_empty": (lambda f: f(points.iloc[:0], None, lang="fr", meta=meta)),
    }


BUILDERS = {"time_series": (figures.time_series, old_time_series),
            "jobs_breakdown": (impact.jobs_breakdown_figure, old_jobs_breakdown_figure),
            "streams": (impact.streams_figure, old_streams_figure),
            "operators_map": (impact.operators_map, old_operators_map)}


@pytest.mark.parametrize("quality", ["official", "example"])
@pytest.mark.parametrize("case", list(_cases("official")))
def test_each_builder_gives_the_figure_it_gave_when_it_edited_a_figure(case, quality):
    new_builder, old_builder = next(v for k, v in BUILDERS.items() if case.startswith(k))
    build = _cases(quality)[case]
    new, old = build(new_builder), trim_by_assignment(go.Figure(build(old_builder)))
    assert _json(new) == _json(old)
    assert _python(new) == _python(old)
