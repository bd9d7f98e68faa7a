"""Charts besides maps: ranking of the 19 communes, labelled scatter, time series. Pure functions:
DataFrame → plotly Figure."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import BAR, BAR_HIGHLIGHT, LINE_COLOURS, REGION_COLOUR, finish, plain, plain_short_name
from dashboard.model.meta import ChartMeta, as_meta, chart_title
from dashboard.model.quality import quality_of
from dashboard.model.ranking import rank_labels, rank_with_ties, tied_mask
from dashboard.text import measure
from dashboard.text.format import fmt_number, fmt_value, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, local_name


def ranking_bar(df: pd.DataFrame, *, lang: str, meta, highlight: str | None = None,
                value_col: str = "value") -> go.Figure:
    """Horizontal bars, best first (per ``meta.direction``; neutral = highest first). Equal values
    share a rank shown as '=3'; communes without data are listed last with 'No data'. The region
    value (``meta.region_value``) is a dashed vertical line. ``highlight``: a NIS code."""
    meta = as_meta(meta)
    _ = translator(lang)
    d = df.copy()
    d["nis_code"] = d["nis_code"].astype(str)
    d["value"] = pd.to_numeric(d[value_col], errors="coerce").astype("float64")
    d["rank"] = rank_with_ties(d["value"], meta.direction).to_numpy()
    tied = tied_mask(pd.Series(d["rank"].to_numpy()))
    d["rank_label"] = [("—" if is_missing(r) else f"{'=' if t else ''}{int(r)}") for r, t in zip(d["rank"], tied)]
    d["name"] = [local_name(r, lang) for r in d.to_dict("records")]
    d["names"] = [plain(both_names(r, lang)) for r in d.to_dict("records")]
    d["sort"] = d["rank"].astype("float64").fillna(1e9)
    d = d.sort_values(["sort", "name"]).reset_index(drop=True)
    d["label"] = [f"{rl}  {plain(n)}" for rl, n in zip(d["rank_label"], d["name"])]
    d["text"] = [plain(fmt_value(v, lang, meta.decimals, meta.unit_label, missing=_("No data"))) for v in d["value"]]
    colours = [BAR_HIGHLIGHT if c == highlight else BAR for c in d["nis_code"]]
    fig = go.Figure(go.Bar(
        x=d["value"].fillna(0), y=d["label"], orientation="h", marker_color=colours,
        text=d["text"], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["nis_code"], d["names"], d["text"],
                             rank_labels(pd.Series(d["rank"].to_numpy()), 19)], axis=1),
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<br>" + _("Rank")
                      + ": %{customdata[3]}<extra></extra>",
        name=plain(meta.title), showlegend=False,
    ))
    extra = []
    if not is_missing(meta.region_value):
        rtext = fmt_value(meta.region_value, lang, meta.decimals, meta.unit_label)
        fig.add_vline(x=float(meta.region_value), line_dash="dash", line_color=REGION_COLOUR, line_width=1.5,
                      annotation_text=plain(_("Region") + ": " + rtext), annotation_position="bottom right",
                      annotation_font_size=11)
        extra.append(_("Dashed line: Brussels-Capital Region"))
    if tied.any():
        extra.append(_("= tied rank"))
    fig.update_yaxes(autorange="reversed", title=None, tickfont={"size": 11})
    fig.update_xaxes(title=plain(meta.unit_label) or None, showgrid=True, gridcolor="#eee", zeroline=True,
                     separatethousands=True)
    fig.update_layout(height=max(360, 26 * len(d) + 120), bargap=0.25)
    # room for the longest commune label, measured with the widest font a browser may use: the bars start at
    # a known place, and the footer at the figure's left edge under the names, not at the bars
    label_width = int(max([measure.text_width(f"{rl}  {n}", 11, family="verdana")   # the text as drawn, unescaped
                           for rl, n in zip(d["rank_label"], d["name"])] or [0]) + 8)
    fig = finish(fig, meta, lang, chart_title(meta, lang, what=_("Ranking") + ": " + meta.title), extra, "",
                 margin={"l": label_width + 10, "r": 60, "t": 60, "b": 100}, footer_shift=-50)
    fig.layout.annotations[-1 - int(meta.is_example)].xshift = -label_width
    return fig


def scatter(df: pd.DataFrame, x_meta, y_meta, *, lang: str, highlight: str | None = None,
            region: tuple[float, float] | None = None) -> go.Figure:
    """One labelled point per commune (``df``: nis_code, name_fr, name_nl, x, y). Axis titles carry
    the units, the footer both sources and years; the region point is drawn when ``region`` (x, y)
    is given or both metas have a ``region_value``. The footer gives Pearson's r."""
    xm, ym = as_meta(x_meta), as_meta(y_meta)
    _ = translator(lang)
    d = df.copy()
    d["nis_code"] = d["nis_code"].astype(str)
    d["x"] = pd.to_numeric(d["x"], errors="coerce").astype("float64")
    d["y"] = pd.to_numeric(d["y"], errors="coerce").astype("float64")
    d = d.dropna(subset=["x", "y"])
    recs = d.to_dict("records")
    d["label"] = [plain_short_name(r["nis_code"], r, lang) for r in recs]
    d["names"] = [plain(both_names(r, lang)) for r in recs]
    d["xt"] = [plain(fmt_value(v, lang, xm.decimals, xm.unit_label)) for v in d["x"]]
    d["yt"] = [plain(fmt_value(v, lang, ym.decimals, ym.unit_label)) for v in d["y"]]
    colours = [BAR_HIGHLIGHT if c == highlight else BAR for c in d["nis_code"]]
    fig = go.Figure(go.Scatter(
        x=d["x"], y=d["y"], mode="markers+text", text=d["label"], textposition="top center",
        textfont={"size": 10}, marker={"size": 10, "color": colours, "line": {"color": "white", "width": 1}},
        # the axis titles reach the hover as the trace's ``meta`` (data text, escaped), never as template text;
        # customdata keeps its four columns (nis, names, x text, y text), which ``charts.alt`` reads back
        customdata=np.stack([d["nis_code"], d["names"], d["xt"], d["yt"]], axis=1) if len(d) else None,
        meta=[plain(xm.title), plain(ym.title)],
        hovertemplate="<b>%{customdata[1]}</b><br>%{meta[0]}: %{customdata[2]}<br>"
                      "%{meta[1]}: %{customdata[3]}<extra></extra>",
        name=_("Communes"), showlegend=False,
    ))
    if region is None and not is_missing(xm.region_value) and not is_missing(ym.region_value):
        region = (float(xm.region_value), float(ym.region_value))
    if region is not None:
        fig.add_trace(go.Scatter(
            x=[region[0]], y=[region[1]], mode="markers+text", text=[_("Region")], textposition="bottom center",
            marker={"symbol": "diamond", "size": 12, "color": REGION_COLOUR}, name=_("Region"), showlegend=False,
            hovertemplate=_("Brussels-Capital Region") + "<extra></extra>",
        ))
    ax = lambda m: plain(m.title + (f" ({m.unit_label})" if m.unit_label else ""))
    fig.update_xaxes(title=ax(xm), showgrid=True, gridcolor="#eee", separatethousands=True)
    fig.update_yaxes(title=ax(ym), showgrid=True, gridcolor="#eee", separatethousands=True)
    when = lambda m: "" if m.year is None else f", {m.year}"
    footer = [f"x: {m_src(xm, lang)}{when(xm)}".strip(), f"y: {m_src(ym, lang)}{when(ym)}".strip()]
    if len(d) >= 3 and d["x"].std() > 0 and d["y"].std() > 0:
        footer.append("r = " + fmt_number(float(np.corrcoef(d["x"], d["y"])[0, 1]), lang, 2))
    title = chart_title(ChartMeta(title=f"{ym.title} × {xm.title}",
                                  year=xm.year if xm.year == ym.year else f"{xm.year} / {ym.year}",
                                  where=xm.where), lang)
    # the footer names each axis' source with its own quality; the example mark covers both
    fmeta = ChartMeta(title=title, quality=quality_of(xm.quality, ym.quality) if (xm.is_example or ym.is_example)
                      else None)
    fig = finish(fig, fmeta, lang, title, footer, "", margin={"b": 100}, footer_shift=-50, axis_width=75)
    fig.update_layout(height=520)
    return fig


def m_src(meta: ChartMeta, lang: str) -> str:
    _ = translator(lang)
    label = meta.quality.label(lang)
    q = f" ({label})" if label else ""
    return _("Source: {source}", source=meta.source_label) + q if meta.source_label else q.strip()


def time_series(df: pd.DataFrame, *, lang: str, meta, communes: Sequence[str],
                region_code: str = "04000") -> go.Figure:
    """Lines per chosen commune (``df``: nis_code, year, value, name_fr, name_nl) and the region
    (``region_code``) dashed black. Years with no value are gaps, not zeros."""
    meta = as_meta(meta)
    _ = translator(lang)
    codes = [str(c) for c in communes if str(c) != region_code]
    hover = "<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>"
    years = sorted(df["year"].dropna().unique())
    # every line has every year (a missing one is a gap); whole years as int64 (as a frame's index has them)
    x = pd.Index(years, name="year")
    if pd.api.types.is_integer_dtype(x.dtype):
        x = x.astype("int64")
    # each commune's rows gathered once, in plain Python (a filter, sort and reindex per line cost more
    # than plotly's validation of the whole figure)
    values = pd.to_numeric(df["value"], errors="coerce").astype("float64").tolist()
    by_code: dict[str, dict] = {}
    first: dict[str, tuple] = {}             # the row of a commune's first year: its names
    for pos, (code, year, value) in enumerate(zip(df["nis_code"].astype(str).tolist(), df["year"].tolist(),
                                                  values)):
        by_code.setdefault(code, {})[year] = value
        order = (is_missing(year), year if not is_missing(year) else 0, pos)
        if code not in first or order < first[code]:
            first[code] = order
    traces = []     # plain data, validated once by ``finish``
    for i, code in enumerate(codes + [region_code]):
        if code not in by_code:
            continue
        is_region = code == region_code
        name = _("Brussels-Capital Region") if is_region else local_name(df.iloc[first[code][2]].to_dict(), lang)
        y = [by_code[code].get(year, np.nan) for year in years]
        traces.append({
            "type": "scatter", "x": x, "y": pd.Series(y, dtype="float64"), "mode": "lines+markers",
            "name": plain(name),
            "line": {"color": REGION_COLOUR if is_region else LINE_COLOURS[i % len(LINE_COLOURS)],
                     "dash": "dash" if is_region else "solid", "width": 2.5 if is_region else 2},
            "customdata": [plain(fmt_value(v, lang, meta.decimals, meta.unit_label, missing=_("No data")))
                           for v in y],
            "hovertemplate": hover, "connectgaps": False,
        })
    xaxis = {"title": {"text": _("Year")}, "tickformat": "d", "showgrid": False}
    if len(years) <= 12:
        xaxis["dtick"] = 1
    yaxis = {"showgrid": True, "gridcolor": "#eee", "separatethousands": True}
    if plain(meta.unit_label):
        yaxis["title"] = {"text": plain(meta.unit_label)}
    if years:
        meta = meta.replace(year_from=int(min(years)), year=int(max(years))) if len(years) > 1 else meta.replace(year=int(years[0]))
    layout = {"xaxis": xaxis, "yaxis": yaxis, "hovermode": "x unified", "height": 420}
    return finish({"data": traces, "layout": layout}, meta, lang, chart_title(meta, lang), [], "",
                  margin={"b": 100}, footer_shift=-50, axis_width=70)
