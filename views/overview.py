"""Overview (home): what the monitor is, regional headline figures, one map, the five tips."""
from __future__ import annotations

import streamlit as st

from dashboard.charts import maps
from dashboard.data import queries
from dashboard.model import map as map_view
from dashboard.model import memo
from dashboard.model.indicators import indicator_meta, year_rows, year_source_ids, years_with_data
from dashboard.text.plain import md
from dashboard.ui import chart, nav
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Brussels Social Impact Monitor"))
st.markdown(_(
    "This monitor follows what social integration enterprises and the social and circular economy "
    "deliver in the 19 communes of the Brussels-Capital Region: jobs for people far from work, waste "
    "diverted from disposal through re-use and repair, and each commune's progress on five tips. "
    "It sets these results beside context figures — population, income, unemployment — and every "
    "figure carries its year, unit, source and quality (official, reported or example)."))

# ----------------------------------------------------------------------------- headline figures
st.header(_("The region in figures"))
present = ctx.shown("overview_headline")
cols = [c for _row in range((len(present) + 1) // 2) for c in st.columns(2)]
for col, ind_id in zip(cols, present):
    row = ctx.indicators.loc[ind_id]
    t = map_view.headline_texts(map_view.headline(queries.observations(ctx.ver, ind_id)), row, lang, ctx.sources)
    with col:
        st.metric(md(t["label"]), t["value"], delta=t["delta"], delta_color=t["delta_color"],
                  delta_arrow=t["delta_arrow"], border=True, help=md(t["label"]))
        st.caption(md(t["caption"]))

# ----------------------------------------------------------------------------- one headline map
ind_id = ctx.default("overview_map", ctx.indicators.index)
if ind_id in ctx.indicators.index:
    row = ctx.indicators.loc[ind_id]
    obs = queries.observations(ctx.ver, ind_id)
    years = years_with_data(obs)
    if years:
        year = years[0]
        df, region_value = memo.commune_values(ctx.ver, ind_id, year)
        meta = indicator_meta(row, lang, rows=year_rows(obs, year), year=year, sources=ctx.sources,
                              source_ids=year_source_ids(obs, year), region_value=region_value)
        fig = chart.figure(maps.page_map, df, ctx.geojson_url, ctx.tiles, lang=lang, meta=meta, height=540)
        event = chart.show(fig, key=f"overview_map_{year}", on_select="rerun", selection_mode="points")
        st.caption(_("Click a commune on the map to open its profile"))
        nav.on_map_click(event, df["nis_code"], indicator=ind_id)
        nav.commune_opener(ctx, ctx.commune_codes, key="overview_open", indicator=ind_id)
        nav.page_link("views/map.py", _("Open in the map explorer"), ":material/map:", indicator=ind_id, year=year)

# ----------------------------------------------------------------------------- five tips
st.header(_("Five tips for the communes"))
tips = queries.tips(ctx.ver)
for tip in tips.itertuples():
    page, params = map_view.tip_link(ctx.indicators, tip.tip_id, lang)
    with st.container(border=True):
        st.markdown(f"**{_('Tip {n}', n=tip.tip_id)} · {md(getattr(tip, f'title_{lang}'))}**")
        st.markdown(md(getattr(tip, f"summary_{lang}")))
        if page == "views/map.py":
            label = _("On the map: {indicator}", indicator=md(ctx.label(params["indicator"])))
            nav.page_link(page, label, ":material/map:", indicator=params["indicator"])
        else:
            nav.page_link(page, _("No commune figures yet: see the data and sources"), ":material/menu_book:")
