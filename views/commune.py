"""Commune profile: key figures against the region, time series, organisations and operators located there."""
from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.charts import figures
from dashboard.data import queries
from dashboard.exports import cite
from dashboard.exports.bundle import summary_sentences
from dashboard.model import commune as cv
from dashboard.model import memo
from dashboard.model.indicators import source_label, unit_label
from dashboard.model.quality import quality_of
from dashboard.text.cards import figure_grid
from dashboard.text.plain import md
from dashboard.ui import chart, frames, lazy, nav, state
from dashboard.ui import impact as impact_ui
from dashboard.ui.cite import cite_menu
from dashboard.ui.context import page_context
from dashboard.ui.downloads import commune_export_buttons

ctx = page_context()
_ = ctx._
lang = ctx.lang

codes = ctx.commune_codes
title_slot = st.empty()   # the title names the commune picked just below it
nis = state.select(_("Commune"), codes, "commune", cv.DEFAULT_COMMUNE, format_func=cv.picker_labels(ctx.communes).get)

title, english = cv.header_names(ctx.communes, nis)
title_slot.title(md(title))
st.caption(" · ".join(md(p) for p in (english, f"NIS {nis}", _("Brussels-Capital Region")) if p))
view_link = cite.view_url(cite.base_url(st.context.url), "commune", {"lang": lang, "commune": nis})
commune_export_buttons(ctx.ver, nis, lang, url=view_link)

# ------------------------------------------------------------------ the commune in a few sentences
st.header(_("In a few sentences"))
sentences = summary_sentences(ctx.ver, nis, lang)
if sentences:
    st.markdown("\n\n".join(md(sentence) for sentence in sentences))   # one element, a paragraph a sentence
    # the copyable block is built when opened: a code block on every profile would load the highlighter
    lazy.popover(_("Copy the text"), partial(st.code, "\n\n".join(sentences), language=None, wrap_lines=True),
                 key="summary_copy", icon=":material/content_copy:")
    st.caption(_("Written from the figures of this page, each sentence with its year and source; “Copy the "
                 "text” opens it with a copy button. The fiche and the slides carry the same text."))
else:
    st.info(_("No figure"))

# ------------------------------------------------------------------ key figures
st.header(_("Key figures"))
ids = cv.key_indicator_ids(ctx.indicators, ctx.shown("profile_key"))
kf = memo.key_figures(ctx.ver, nis, tuple(ids))
scoped_all = queries.scoped(ctx.ver)
parts = set(scoped_all.loc[scoped_all["nis_code"] == nis, "indicator_id"])   # e.g. the City's four districts
cards = cv.key_figure_cards(kf, ctx.indicators, ctx.sources, lang, parts=parts)
# the eight cards as one block (label, value, change, year, region, rank, source and quality): one message
# per rerun instead of some 35 containers, labels, metrics and captions
if cards:
    st.html(figure_grid(cards))


def key_figure_citations() -> list[str]:
    return [cite.citation(lang=lang, figure=c["label"], value=c["value_unit"], year=c["year"],
                          where=ctx.both_names(nis), source=c["source"], quality=c["quality"], url=view_link)
            for c in cards if c["year"] is not None]


if any(c["year"] is not None for c in cards):   # one menu, every dated card's citation (none: no empty menu)
    cite_menu(key_figure_citations, key="cite_key_figures", lang=lang)


def key_figure_table() -> None:
    frames.dataframe(cv.key_figure_table(kf, ctx.indicators, ctx.sources, lang), hide_index=True, width="stretch")
    st.markdown("\n".join(f"- **{md(c['label_full'])}**: {md(c['help'])}" for c in cards if c["help"]))


# built when opened: the table, and each figure's definition (the cards' help)
lazy.expander(_("Key figures as a table, with their definitions"), key_figure_table, key="key_figures_table")
if st.button(_("Compare this commune with the others")):
    st.switch_page("views/compare.py", query_params=state.carried(commune=nis))

# ------------------------------------------------------------------ time series
# a fragment: choosing another indicator redraws this block only
@st.fragment
def time_series_block() -> None:
    st.header(_("Over time: the commune and the region"))
    obs_commune = queries.observations_for_commune(ctx.ver, nis)
    series_ids = cv.series_indicator_ids(obs_commune, ctx.indicators, nis, ctx.shown("profile_key"))
    if not series_ids:
        st.info(_("No data"))
        return
    ind_id = state.select(_("Indicator"), series_ids, "indicator", series_ids[0], format_func=ctx.label)
    ind = ctx.indicators.loc[ind_id]
    block = memo.commune_series(ctx.ver, nis, ind_id, lang, ctx.both_names(nis))
    if block["n_years"] > 1:
        # its text alternative is the table under it (the commune and the region by year), not an expander
        # repeating it
        chart.show(chart.figure(figures.time_series, block["drawn"], lang=lang, meta=block["meta"], communes=[nis]),
                   key="series", table=False)
        if block["total"]:
            st.caption(_("A total: the regional total is in the table below, not on the chart."))
    else:
        st.caption(_("Only one year of data: no time series to draw."))
    frames.dataframe(block["table"], hide_index=True)
    st.caption(md(ind[f"description_{lang}"]))
    st.caption(" · ".join([_("Unit: {unit}", unit=md(unit_label(ind, lang)) or "—"),
                           _("Source: {source}", source=md(source_label(ctx.sources, block["source_ids"])))
                           + f" ({quality_of(block['shown']).label(lang)})"]))

time_series_block()

# ------------------------------------------------------------------ organisations and operators located here
st.header(_("Figures of organisations located in the commune"))
st.caption(_("Figures whose scope is an organisation, a site or part of the commune: context, not commune statistics."))
scoped = memo.scoped_for_commune(ctx.ver, nis, lang)
if scoped.empty:
    st.info(_("No figure"))
else:   # the count on the page, the rows (1.5 KB and more, notes included) sent when it is opened
    lazy.expander(_.ngettext("{n} figure of an organisation or site in the commune",
                             "{n} figures of organisations or sites in the commune", len(scoped)),
                  partial(frames.dataframe, scoped, hide_index=True, width="stretch"), key="scoped_table",
                  icon=":material/table_chart:")

# jobs, re-use and operator sites (member and directory data, example data marked)
impact_ui.commune_section(ctx, nis)

nav.page_link("views/tips.py", _("Five tips scorecard"), ":material/checklist:", commune=nis)
