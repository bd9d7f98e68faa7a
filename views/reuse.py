"""Re-use & waste: tonnes collected, re-used and recycled by member sites per commune (map, trend, breakdown
by stream), CO2e avoided with cited factors, beside the public regional and organisation-wide figures.
URL: lang, indicator, year, commune, y."""
from __future__ import annotations

import streamlit as st

from dashboard import chart
from dashboard import data, impact_db, impact_ui, state
from dashboard import impact_view as iv
from dashboard.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Re-use & waste"))
st.caption(_("Tonnes collected, re-used and recycled by the re-use sites of the federation's members, by commune "
             "of the site and by stream, from the member-data templates."))

options = [i for i in iv.REUSE_MAP_INDICATORS if i in ctx.indicators.index]
obs_reused = impact_ui.member_obs(ctx, "member_reused_t") if "member_reused_t" in ctx.indicators.index else None
if not options or obs_reused is None or obs_reused.empty:
    st.info(_("No member data yet: fill the templates in data/templates/ and put them in data/members/."))
    impact_ui.public_block(ctx, iv.REUSE_PUBLIC, key="reuse_public")
    st.stop()
if iv.has_example(obs_reused):
    impact_ui.example_banner(ctx)

c_ind, c_year, c_commune = st.columns([2, 1, 2])
with c_ind:
    ind_id = impact_ui.indicator_picker(ctx, options, options[0])
years = iv.years_of(obs_reused)
year = state.select(_("Year"), years, "year", years[0], cast=int, container=c_year)
nis = impact_ui.commune_picker(ctx, container=c_commune)

m1, m2 = st.columns(2)
with m1:
    impact_ui.region_metric(ctx, "member_reused_t", year)
with m2:
    impact_ui.region_metric(ctx, "member_co2e_avoided_t", year)
with st.expander(_("How CO₂e avoided is computed")):
    st.caption(ctx.indicators.loc["member_co2e_avoided_t", f"description_{lang}"])
impact_ui.map_block(ctx, ind_id, year, key="reuse_map")

st.subheader(_("Trend"))
trend_ind = state.select(_("Figure"), [i for i in iv.REUSE_TREND_INDICATORS if i in ctx.indicators.index], "y",
                         "member_reused_t", format_func=lambda i: ctx.indicators.loc[i, f"label_{lang}"],
                         widget=st.segmented_control)
impact_ui.trend_block(ctx, trend_ind or "member_reused_t", nis, key="reuse_trend")

st.subheader(_("By stream"))
flows = impact_db.flows_by_site(ctx.ver)
bd = iv.breakdown_streams(flows, year, nis)
where = _("Brussels-Capital Region") if nis == iv.REGION else ctx.both_names(nis)
quality = iv.quality_of(bd)
meta = iv.ChartMeta(title="", unit_label=ctx.indicators.loc["member_reused_t", f"unit_{lang}"],
                    source_label=data.source_label(ctx.sources, ";".join(dict.fromkeys(
                        flows.loc[flows["year"] == year, "source_id"]))),
                    quality=quality, year=year, where=where, is_example=quality == "example")
chart.show(iv.streams_figure(bd, lang=lang, meta=meta), key="reuse_streams", config=impact_ui.CHART_CONFIG)

impact_ui.public_block(ctx, iv.REUSE_PUBLIC, key="reuse_public")
