"""Embed view: one chart or one commune card, no navigation (app.py hides it for embed requests)."""
from __future__ import annotations

import streamlit as st

from dashboard.data import queries
from dashboard.exports import cite
from dashboard.exports import embed as em
from dashboard.model.indicators import years_with_data
from dashboard.text.plain import md, md_link
from dashboard.ui.chart import CHART_CONFIG, image_download_buttons, text_alternative
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

spec = em.parse_embed(st.query_params, ctx.indicators, ctx.communes,
                      years_for=lambda i: years_with_data(queries.observations(ctx.ver, i)), default_lang=lang,
                      default_indicator=ctx.default("embed_default", ctx.indicators.index))
base = cite.base_url(st.context.url)

if spec.chart == "card":
    card = em.build_card(spec, ctx.ver)
    st.subheader(md(card["title"]))
    if card["english"]:
        st.caption(md(card["english"]))
    if card["quality"].is_example:
        st.warning(_("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures"))
    cols = st.columns(2)
    for i, c in enumerate(card["cards"]):
        with cols[i % 2].container(border=True):
            st.metric(md(c["label_full"]), c["value"], delta=c["delta"], delta_color=c["delta_color"],
                      delta_arrow=c["delta_arrow"], help=md(c["help"]) if c["help"] else None)
            st.caption(md(c["caption"]))
else:
    fig = em.build_chart(spec, ctx.ver, geojson_url=ctx.geojson_url, tiles=ctx.tiles)
    if fig is None:
        st.info(_("No data"))
    else:
        st.plotly_chart(fig, key="embed_chart", config=CHART_CONFIG)
        text_alternative(fig, lang)
        image_download_buttons(fig, f"{spec.chart}-{spec.indicator}-{spec.year or ''}", "embed", lang)

# plain text, not a caption: a link in faded caption text is too pale to read (WCAG contrast)
st.markdown(_("Brussels Social Impact Monitor") + " · " + md_link(_("Open in the monitor"), em.full_view_url(base, spec)))
