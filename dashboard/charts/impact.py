"""Charts of the Jobs, Re-use & waste and Operators pages: jobs by operator category, tonnes by stream,
and the operator sites on the commune outlines (blank map style: no tiles, no network). The frames they
draw come from ``model/impact.py``."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.maps import BRUSSELS_CENTER, GEO_ZOOM, boundaries_footer
from dashboard.charts.style import FLOW_COLOURS, GROUP_COLOURS, finish, plain
from dashboard.model.impact import CATEGORY_GROUPS, FLOW_MSGIDS, JOB_MSGIDS
from dashboard.model.meta import ChartMeta, chart_title
from dashboard.model.quality import tier_label
from dashboard.text.format import fmt_number, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import both_names


def _bar_finish(traces: list[dict], meta: ChartMeta, lang: str, what: str, legend_title: str = "") -> go.Figure:
    """Grouped bars (``traces``: plain data) finished: plotly validates them once, in ``finish``."""
    yaxis = {"showgrid": True, "gridcolor": "#eee", "separatethousands": True}
    if plain(meta.unit_label):
        yaxis["title"] = {"text": plain(meta.unit_label)}
    spec = {"data": traces, "layout": {"height": 420, "bargap": 0.3, "barmode": "group", "yaxis": yaxis}}
    return finish(spec, meta, lang, chart_title(meta, lang, what=what), [], legend_title,
                  margin={"b": 110}, footer_shift=-60, axis_width=70)


def _bar(x, vals, name: str, colour: str, texts: list[str], hover: str) -> dict:
    return {"type": "bar", "x": x, "y": vals, "name": name, "marker": {"color": colour}, "text": texts,
            "textposition": "outside", "cliponaxis": False, "hovertemplate": hover}


def jobs_breakdown_figure(bd: pd.DataFrame, *, lang: str, meta: ChartMeta) -> go.Figure:
    """Grouped bars per operator category group: workers in integration, art. 60§7, exits to work."""
    _ = translator(lang)
    x = [_(CATEGORY_GROUPS[g]) for g in bd["group"]]
    traces = []
    for col, colour in (("integration_workers", "#0072B2"), ("art60_placements", "#E69F00"),
                        ("exits_to_work", "#009E73")):
        vals = bd[col] if col in bd else []
        traces.append(_bar(x, vals, _(JOB_MSGIDS[col]), colour,
                           [fmt_number(v, lang, 0) if not is_missing(v) else "" for v in vals],
                           "%{x}<br>" + _(JOB_MSGIDS[col]) + ": %{y}<extra></extra>"))
    return _bar_finish(traces, meta, lang, _("Integration jobs by operator category"))


def streams_figure(bd: pd.DataFrame, *, lang: str, meta: ChartMeta, stream_labels: Mapping[str, str]) -> go.Figure:
    """Grouped bars per stream: collected, re-used, recycled tonnes (``stream_labels``: stream -> its label in
    ``lang``, from the database's ``reuse_stream`` vocabulary)."""
    _ = translator(lang)
    x = [plain(stream_labels.get(s, s)) for s in bd["stream"]]
    traces = []
    for col in ("collected_t", "reused_t", "recycled_t"):
        vals = bd[col]
        traces.append(_bar(x, vals, _(FLOW_MSGIDS[col]), FLOW_COLOURS[col],
                           [fmt_number(v, lang, 0) if not is_missing(v) else _("No data") for v in vals],
                           "%{x}<br>" + _(FLOW_MSGIDS[col]) + ": %{y:,.1f} t<extra></extra>"))
    return _bar_finish(traces, meta, lang, _("Tonnes by stream"))


def operators_map(points: pd.DataFrame, geojson_url: str | None, *, lang: str, meta: ChartMeta) -> go.Figure:
    """Points coloured by category group over the commune outlines (blank style: no tiles, no network)."""
    _ = translator(lang)
    traces = []     # plain data, validated once by ``finish``
    if geojson_url:
        traces.append({
            "type": "choroplethmap", "geojson": geojson_url, "featureidkey": "id",
            "locations": [f"210{i:02d}" for i in range(1, 20)], "z": [0] * 19,
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], "showscale": False,
            "marker": {"line": {"color": "#666", "width": 0.8}, "opacity": 1}, "hoverinfo": "skip",
            "showlegend": False, "name": _("Communes")})
    for g, label in CATEGORY_GROUPS.items():
        d = points[points["group"] == g]
        if d.empty:
            continue
        pos = [_("position: site address") if p == "site" else _("position: commune centre (address not geocoded)")
               for p in d["position"]]
        names = [both_names(r, lang) if isinstance(r.get("name_fr"), str) else "—" for r in d.to_dict("records")]
        texts = lambda values: [plain(v) for v in values]  # noqa: E731  (names, addresses: text from data)
        custom = np.stack([texts(d["name"].astype(str)), texts(d["organisation"].fillna("—").astype(str)),
                           texts(d["category"].astype(str)), texts(d["address"].fillna("—").astype(str)),
                           texts(names), pos, texts(tier_label(q, lang) for q in d["quality"]),
                           d["operator_id"].astype(str)], axis=1)
        traces.append({
            "type": "scattermap", "lon": d["plot_lon"], "lat": d["plot_lat"], "mode": "markers", "name": _(label),
            "marker": {"size": np.where(d["position"] == "site", 11, 8), "color": GROUP_COLOURS[g], "opacity": 0.9},
            "customdata": custom,
            "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}"
                             "<br>%{customdata[4]}<br><i>%{customdata[5]}</i><br>" + _("Quality")
                             + ": %{customdata[6]}<extra></extra>"})
    layout = {"map": {"style": "white-bg", "center": dict(BRUSSELS_CENTER), "zoom": GEO_ZOOM}, "height": 600}
    n_centre = int((points["position"] == "commune_centre").sum()) if len(points) else 0
    extra = [_("{n} sites without coordinates are drawn at their commune's centre (address not geocoded)", n=n_centre)] \
        if n_centre else []
    extra += boundaries_footer(geojson_url, lang) if geojson_url else []
    return finish({"data": traces, "layout": layout}, meta, lang, chart_title(meta, lang), extra, _("Category"))
