"""Re-use & waste: tonnes collected, re-used and recycled by member sites per commune (map, trend, breakdown
by stream), CO2e avoided with cited factors, beside the public regional and organisation-wide figures.
URL: lang, indicator, year, commune, y."""
from __future__ import annotations

import streamlit as st

from dashboard.charts.impact import streams_figure
from dashboard.data import queries
from dashboard.ui import chart
from dashboard.ui import impact as impact_ui
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._

st.title(_("Re-use & waste"))
st.caption(_("Tonnes collected, re-used and recycled by the re-use sites of the federation's members, by commune "
             "of the site and by stream, from the member-data templates."))
trend_ids = ctx.shown("reuse_trend")   # the catalogue's places of this page (data/catalog/display.csv)
ind_id, year, nis = impact_ui.member_page_controls(ctx, map_indicators=ctx.shown("reuse_map"),
                                                   anchor=trend_ids[0], public=ctx.shown("reuse_public"), key="reuse")
m1, m2 = st.columns(2)
with m1:
    impact_ui.region_metric(ctx, "member_reused_t", year)
with m2:
    impact_ui.region_metric(ctx, "member_co2e_avoided_t", year)
with st.expander(_("How CO₂e avoided is computed")):
    st.caption(ctx.indicators.loc["member_co2e_avoided_t", f"description_{ctx.lang}"])
impact_ui.map_block(ctx, ind_id, year, key="reuse_map")

impact_ui.trend_section(ctx, trend_ids, trend_ids[0], nis, key="reuse_trend")

st.header(_("By stream"))
streams = queries.reuse_streams(ctx.ver)
bd, meta = impact_ui.breakdown(ctx, "streams", "member_reused_t", year, nis)
chart.show(chart.figure(streams_figure, bd, lang=ctx.lang, meta=meta,
                        stream_labels=dict(zip(streams["stream"], streams[f"label_{ctx.lang}"]))), key="reuse_streams")

impact_ui.public_block(ctx, ctx.shown("reuse_public"), key="reuse_public")
