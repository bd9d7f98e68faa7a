"""Commune profile: key figures against the region, time series, organisations and operators located there."""
from __future__ import annotations

import streamlit as st

from dashboard.charts import figures
from dashboard.data import queries
from dashboard.exports import cite
from dashboard.model import commune as cv
from dashboard.model.indicators import indicator_meta, source_label, unit_label
from dashboard.ui import chart, state
from dashboard.ui import impact as impact_ui
from dashboard.ui.cite import cite_popover
from dashboard.ui.context import page_context
from dashboard.ui.downloads import commune_export_buttons

ctx = page_context()
_ = ctx._
lang = ctx.lang

codes = ctx.commune_codes
with st.sidebar:
    nis = state.select(_("Commune"), codes, "commune", cv.DEFAULT_COMMUNE,
                       format_func=lambda c: cv.picker_label(ctx.communes, c))

title, english = cv.header_names(ctx.communes, nis)
st.title(title)
st.caption(" · ".join(p for p in (english, f"NIS {nis}", _("Brussels-Capital Region")) if p))
view_link = cite.view_url(cite.base_url(st.context.url), "commune", {"lang": lang, "commune": nis})
commune_export_buttons(ctx.ver, nis, lang, url=view_link)

# ------------------------------------------------------------------ key figures
st.subheader(_("Key figures"))
ids = cv.key_indicator_ids(ctx.indicators, ctx.shown("profile_key"))
obs_keys = queries.observations_of(ctx.ver, ids)
kf = cv.key_figures(obs_keys, ctx.indicators, nis, ids)
scoped_all = queries.scoped(ctx.ver)
parts = set(scoped_all.loc[scoped_all["nis_code"] == nis, "indicator_id"])   # e.g. the City's four districts
cards = cv.key_figure_cards(kf, ctx.indicators, ctx.sources, lang, parts=parts)
for start in range(0, len(cards), 4):
    cols = st.columns(4)
    for col, card in zip(cols, cards[start:start + 4]):
        with col.container(border=True):
            st.markdown(f"**{card['label_full']}**", help=card["help"])
            st.metric(card["label"], card["value"], delta=card["delta"], delta_color=card["delta_color"],
                      label_visibility="collapsed")
            st.caption(card["caption"])
            if card["year"] is not None:
                cite_popover(cite.citation(lang=lang, figure=card["label"], value=card["value_unit"],
                                           year=card["year"], where=ctx.both_names(nis), source=card["source"],
                                           quality=_(card["quality"]), url=view_link),
                             key=f"cite_{card['indicator_id']}", lang=lang)
with st.expander(_("Key figures as a table")):
    st.dataframe(cv.key_figure_table(kf, ctx.indicators, ctx.sources, lang), hide_index=True,
                 width="stretch")
if st.button(_("Compare this commune with the others")):
    st.switch_page("views/compare.py", query_params={"commune": nis, "lang": lang})

# ------------------------------------------------------------------ time series
st.subheader(_("Over time: the commune and the region"))
obs_commune = queries.observations_for_commune(ctx.ver, nis)
series_ids = cv.series_indicator_ids(obs_commune, ctx.indicators, nis, ctx.shown("profile_key"))
if not series_ids:
    st.info(_("No data"))
else:
    ind_id = state.select(_("Indicator"), series_ids, "indicator", series_ids[0], format_func=ctx.label)
    ind = ctx.indicators.loc[ind_id]
    obs = queries.observations(ctx.ver, ind_id)
    series = cv.series_frame(obs, ctx.communes, nis)
    mine = series[series["nis_code"] == nis]
    latest = obs[(obs["nis_code"] == nis)].sort_values("year").iloc[-1]
    meta = indicator_meta(ind, lang, sources=ctx.sources, source_ids=latest["source_ids"],
                          quality=latest["quality"], where=ctx.both_names(nis))
    total = ind["kind"] in ("count", "amount")   # a total: the region is not on the commune's scale
    if len(mine["year"].unique()) > 1:
        drawn = series[series["nis_code"] == nis] if total else series
        chart.show(figures.time_series(drawn, lang=lang, meta=meta, communes=[nis]), key="series")
        if total:
            st.caption(_("A total: the regional total is in the table below, not on the chart."))
    else:
        st.caption(_("Only one year of data: no time series to draw."))
    st.caption(ind[f"description_{lang}"])
    st.dataframe(cv.series_table(series, nis, lang, int(ind["decimals"]), unit_label(ind, lang)),
                 hide_index=True)
    st.caption(" · ".join([_("Unit: {unit}", unit=unit_label(ind, lang) or "—"),
                           _("Source: {source}", source=source_label(ctx.sources, latest["source_ids"]))
                           + f" ({_(latest['quality'])})"]))

# ------------------------------------------------------------------ organisations and operators located here
st.subheader(_("Figures of organisations located in the commune"))
st.caption(_("Figures whose scope is an organisation, a site or part of the commune: context, not commune statistics."))
scoped = cv.scoped_for_commune(scoped_all, ctx.indicators, ctx.sources, ctx.communes, nis, lang)
if scoped.empty:
    st.info(_("No figure"))
else:
    st.dataframe(scoped, hide_index=True, width="stretch")

# jobs, re-use and operator sites (member and directory data, example data marked)
impact_ui.commune_section(ctx, nis)

st.page_link("views/tips.py", label=_("Five tips scorecard"), icon=":material/checklist:", query_params={"lang": lang, "commune": nis})
