"""Jobs created: integration jobs at member sites per commune (map, trend, breakdown by operator category)
beside the public regional and organisation-wide figures. URL: lang, indicator, year, commune."""
from __future__ import annotations

import streamlit as st

from dashboard import chart
from dashboard import data, impact_db, impact_ui, state
from dashboard import impact_view as iv
from dashboard.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Jobs created"))
st.caption(_("Workers in integration and article 60§7 placements at the sites of the federation's members, by "
             "commune of the site, from the member-data templates."))

options = [i for i in iv.JOBS_MAP_INDICATORS if i in ctx.indicators.index]
obs_jobs = impact_ui.member_obs(ctx, "member_jobs") if "member_jobs" in ctx.indicators.index else None
if not options or obs_jobs is None or obs_jobs.empty:
    st.info(_("No member data yet: fill the templates in data/templates/ and put them in data/members/."))
    impact_ui.public_block(ctx, iv.JOBS_PUBLIC, key="jobs_public")
    st.stop()
if iv.has_example(obs_jobs):
    impact_ui.example_banner(ctx)

c_ind, c_year, c_commune = st.columns([2, 1, 2])
with c_ind:
    ind_id = impact_ui.indicator_picker(ctx, options, options[0])
years = iv.years_of(obs_jobs)
year = state.select(_("Year"), years, "year", years[0], cast=int, container=c_year)
nis = impact_ui.commune_picker(ctx, container=c_commune)

m1, m2 = st.columns(2)
with m1:
    impact_ui.region_metric(ctx, "member_jobs", year)
with m2:
    impact_ui.region_metric(ctx, "member_exits_to_work", year)
impact_ui.map_block(ctx, ind_id, year, key="jobs_map")

st.subheader(_("Trend"))
trend_ind = state.select(_("Figure"), [i for i in iv.JOBS_TREND_INDICATORS if i in ctx.indicators.index], "y",
                         "member_jobs", format_func=lambda i: ctx.indicators.loc[i, f"label_{lang}"],
                         widget=st.segmented_control)
impact_ui.trend_block(ctx, trend_ind or "member_jobs", nis, key="jobs_trend")

st.subheader(_("By operator category"))
jobs = impact_db.jobs_by_site(ctx.ver)
bd = iv.breakdown_jobs(jobs, year, nis)
if bd.empty:
    st.info(_("No data"))
else:
    where = _("Brussels-Capital Region") if nis == iv.REGION else ctx.both_names(nis)
    quality = iv.quality_of(bd)
    meta = iv.ChartMeta(title="", unit_label=ctx.indicators.loc["member_integration_workers", f"unit_{lang}"],
                        source_label=data.source_label(ctx.sources, ";".join(dict.fromkeys(
                            jobs.loc[jobs["year"] == year, "source_id"]))),
                        quality=quality, year=year, where=where, is_example=quality == "example")
    chart.show(iv.jobs_breakdown_figure(bd, lang=lang, meta=meta), key="jobs_breakdown",
                    config=impact_ui.CHART_CONFIG)

impact_ui.public_block(ctx, iv.JOBS_PUBLIC, key="jobs_public")
