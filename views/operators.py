"""Operators: social-economy and circular sites on a map over the commune boundaries (coloured by category)
and a searchable, downloadable directory. URL: lang, q (search), categories, communes."""
from __future__ import annotations

import streamlit as st

from dashboard.charts.impact import operators_map
from dashboard.data import queries
from dashboard.model import impact as iv
from dashboard.model.meta import ChartMeta
from dashboard.model.quality import quality_of
from dashboard.ui import chart, frames, state
from dashboard.ui import impact as impact_ui
from dashboard.ui.context import page_context
from dashboard.ui.downloads import csv_buttons

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Operators"))
st.caption(_("Re-use shops, sorting centres, recycling parks, repair workshops, social and insertion restaurants, "
             "social groceries, urban agriculture: the directory from public sources and the sites of members."))

ops = queries.operator_sites(ctx.ver)
if ops.empty:
    st.info(_("No data"))
    st.stop()

c_q, c_cat, c_com = st.columns([2, 2, 2])
text = c_q.text_input(_("Search"), value=state.get_param("q", ""), key="ops_q",
                      placeholder=_("Name, organisation, address, category…"))
state.set_param("q", text, "")
groups = state.multiselect(_("Category"), list(iv.CATEGORY_GROUPS), "categories",
                           format_func=lambda g: _(iv.CATEGORY_GROUPS[g]), container=c_cat)
codes = ctx.commune_codes
communes = state.multiselect(_("Commune"), codes, "communes", format_func=ctx.both_names, container=c_com)

table = iv.directory_frame(ops, ctx.sources, lang, text=text, groups=groups, communes=communes)
shown = ops[ops["operator_id"].isin(table["operator_id"])]
quality = quality_of(shown)
if quality.is_example:
    impact_ui.example_banner(ctx)

points = iv.operator_points(shown)
meta = ChartMeta(title=_("Social-economy and circular operators"), quality=quality,
                 source_label=_("{n} sites shown of {total}", n=len(table), total=len(ops)), year=None)
chart.show(chart.figure(operators_map, points, ctx.geojson_url, lang=lang, meta=meta), key="ops_map")
st.caption(_("Sites with coordinates are drawn at their position; the others at their commune's centre "
             "(position: commune centre, address not geocoded). Sites without a commune are only in the table."))

st.header(_("Directory"))
frames.dataframe(iv.directory_display(table, lang), hide_index=True, key="ops_table")
csv_buttons(table, "operators" + ("_EXAMPLE" if quality.is_example else "") + ".csv", key="ops_csv", lang=lang)
