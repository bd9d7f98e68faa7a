"""Compare the 19 communes: ranking, scatter of two indicators, series of chosen communes, similar communes."""
from __future__ import annotations

import streamlit as st

from dashboard.charts import figures
from dashboard.data import queries
from dashboard.model import commune as cv
from dashboard.model import compare as cmp
from dashboard.model import memo
from dashboard.model.indicators import (
    DENOMINATOR_INFO,
    default_denominator,
    denominators_for,
    years_with_data,
)
from dashboard.text.plain import md
from dashboard.ui import chart, state
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Compare"))
codes = ctx.commune_codes
ids = memo.comparable_ids(ctx.ver)
den_label = lambda d: _(DENOMINATOR_INFO[d].label_msgid)

nis = state.select(_("Commune"), codes, "commune", cv.DEFAULT_COMMUNE, format_func=ctx.both_names)

# ------------------------------------------------------------------ (a) ranking
st.header(_("Ranking"))
c1, c2, c3 = st.columns([3, 1, 2])
with c1:
    ind_id = state.select(_("Indicator"), ids, "indicator", ctx.default("compare_y", ids), format_func=ctx.label)
ind = ctx.indicators.loc[ind_id]
obs = queries.observations(ctx.ver, ind_id)
years = years_with_data(obs)
with c2:
    year = state.select(_("Year"), years, "year", years[0] if years else None, cast=int)
with c3:
    dens = denominators_for(ind)
    if len(dens) > 1:
        den = state.select(_("Denominator"), dens, "denominator", default_denominator(ind),
                           format_func=den_label)
    else:
        den = "none"
        state.set_param("denominator", None)
        st.caption(_("Shown as published (a rate or an average)."))
if year is None:
    st.info(_("No data"))
else:
    vals = memo.commune_values(ctx.ver, ind_id, year, den)[0]
    meta = memo.ranking_meta(ctx.ver, ind_id, year, den, lang)
    chart.show(chart.figure(figures.ranking_bar, vals, lang=lang, meta=meta, highlight=nis), key="ranking")

# ------------------------------------------------------------------ (b) scatter
# a fragment: other axes redraw the scatter only
@st.fragment
def scatter_block() -> None:
    st.header(_("Two indicators"))
    c1, c2 = st.columns(2)
    with c1:
        x_id = state.select(_("X axis"), ids, "x", ctx.default("compare_x", ids), format_func=ctx.label)
    with c2:
        y_id = state.select(_("Y axis"), ids, "y", ctx.default("compare_y", ids), format_func=ctx.label)
    view = memo.scatter_view(ctx.ver, x_id, y_id, den, lang)
    if view is None:
        st.info(_("No data"))
        return
    yx, yy, sdf, sregion, mx, my, short_x, short_y = view   # short_*: the publishers only, one footer line
    chart.show(chart.figure(figures.scatter, sdf, short_x, short_y, lang=lang, highlight=nis, region=sregion),
               key="scatter")
    st.caption(" · ".join([f"x: {_('Source: {source}', source=md(mx.source_label))} ({mx.quality.label(lang)})",
                           f"y: {_('Source: {source}', source=md(my.source_label))} ({my.quality.label(lang)})"]))
    if yx == yy:
        st.caption(_("Latest year with commune data for both indicators: {year}", year=yx))
    else:
        st.caption(_("No common year with commune data: x shows {year_x}, y shows {year_y}", year_x=yx, year_y=yy))


scatter_block()

# ------------------------------------------------------------------ (c) time series of chosen communes
# a fragment: other communes redraw their series only
@st.fragment
def series_block() -> None:
    st.header(_("Over time: chosen communes"))
    chosen = state.multiselect(_("Communes (up to 6)"), codes, "communes", [nis], format_func=ctx.both_names,
                               max_selections=cmp.MAX_COMMUNES)
    series = memo.compare_series(ctx.ver, ind_id, tuple(chosen), den)
    if series.empty or not chosen:
        st.info(_("No data"))
    else:
        smeta = memo.series_meta(ctx.ver, ind_id, tuple(chosen), den, lang)
        chart.show(chart.figure(figures.time_series, series, lang=lang, meta=smeta, communes=chosen), key="series")


series_block()

# ------------------------------------------------------------------ (d) communes like this one
st.header(_("Communes like this one") + ": " + md(ctx.both_names(nis)))
similar, similar_caption = memo.similar_view(ctx.ver, nis, lang)
if similar.empty:
    st.info(_("None found"))
else:
    st.table(similar)
st.caption(similar_caption)
