"""Jobs created: integration jobs at member sites per commune (map, trend, breakdown by operator category)
beside the public regional and organisation-wide figures. URL: lang, indicator, year, commune, y."""
from __future__ import annotations

import streamlit as st

from dashboard.charts.impact import jobs_breakdown_figure
from dashboard.ui import chart
from dashboard.ui import impact as impact_ui
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._

st.title(_("Jobs created"))
st.caption(_("Workers in integration and article 60§7 placements at the sites of the federation's members, by "
             "commune of the site, from the member-data templates."))
trend_ids = ctx.shown("jobs_trend")   # the catalogue's places of this page (data/catalog/display.csv)
ind_id, year, nis = impact_ui.member_page_controls(ctx, map_indicators=ctx.shown("jobs_map"), anchor=trend_ids[0],
                                                   public=ctx.shown("jobs_public"), key="jobs")
m1, m2 = st.columns(2)
with m1:
    impact_ui.region_metric(ctx, "member_jobs", year)
with m2:
    impact_ui.region_metric(ctx, "member_exits_to_work", year)
impact_ui.map_block(ctx, ind_id, year, key="jobs_map")

impact_ui.trend_section(ctx, trend_ids, trend_ids[0], nis, key="jobs_trend")

st.header(_("By operator category"))
bd, meta = impact_ui.breakdown(ctx, "jobs", "member_integration_workers", year, nis)
if bd.empty:
    st.info(_("No data"))
else:
    chart.show(chart.figure(jobs_breakdown_figure, bd, lang=ctx.lang, meta=meta), key="jobs_breakdown")

impact_ui.public_block(ctx, ctx.shown("jobs_public"), key="jobs_public")
