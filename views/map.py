"""Map explorer: one indicator, one year, a denominator and a classification, as a geographic map,
a tile map or a table; the region's value beside it; the change between two years below.
Every control lives in the URL (indicator, year, denominator, method, view, from, lang)."""
from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.charts import figures, maps
from dashboard.data import queries
from dashboard.exports import cite, embed
from dashboard.model import map as map_view
from dashboard.model import memo
from dashboard.model.indicators import (
    DENOMINATOR_INFO,
    REGION,
    default_denominator,
    denominators_for,
    indicator_meta,
    year_rows,
    year_source_ids,
    years_with_data,
)
from dashboard.model.meta import METHODS, mappable
from dashboard.model.quality import quality_of
from dashboard.text.format import fmt_value
from dashboard.text.plain import md
from dashboard.ui import chart, geo_map, lazy, nav, state
from dashboard.ui.cite import cite_popover
from dashboard.ui.context import page_context
from dashboard.ui.impact import example_banner

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Map explorer"))

inds = memo.mappable_for_version(ctx.ver)
if inds.empty:
    st.info(_("No data"))
    st.stop()
options = list(inds.index)
default_ind = ctx.default("map_default", options)
ind_id = state.select(_("Indicator"), options, "indicator", default_ind,
                      format_func=memo.mappable_labels(ctx.ver, lang).get)
row = ctx.indicators.loc[ind_id]
obs = queries.observations(ctx.ver, ind_id)
years = years_with_data(obs)

c_year, c_den, c_method, c_view = st.columns([1, 1.3, 1.3, 2.6])
year = state.select(_("Year"), years, "year", years[0], cast=int, container=c_year)
dens = denominators_for(row)
if len(dens) > 1:
    den = state.select(_("Denominator"), dens, "denominator", default_denominator(row),
                       format_func=lambda d: _(DENOMINATOR_INFO[d].label_msgid), container=c_den)
else:   # nothing to choose: said in words (a disabled control is hard to read and to reach)
    den = dens[0]
    state.set_param("denominator", None)
    c_den.caption(_("Shown as published (a rate or an average)."))
method = state.select(_("Classification"), METHODS, "method", "quantiles",
                      format_func=lambda m: _(map_view.METHOD_MSGIDS[m]), container=c_method)
views = map_view.view_options(bool(ctx.geojson_url))
view = state.select(_("Map style"), views, "view", views[0], format_func=lambda v: _(map_view.VIEW_MSGIDS[v]),
                    widget=c_view.radio, horizontal=True)
if not ctx.geojson_url:
    st.caption(_("Boundaries not loaded: showing the tile map"))


def values_for(y: int):
    return memo.commune_values(ctx.ver, ind_id, y, den)


def meta_for(y: int, region_value):
    return indicator_meta(row, lang, rows=year_rows(obs, y), year=y, denominator=den, sources=ctx.sources,
                          source_ids=year_source_ids(obs, y), region_value=region_value, method=method)


def show_table(df, meta, key: str) -> None:
    value_label = _("Value") + (f" ({meta.unit_label})" if meta.unit_label else "")
    table = map_view.table_frame(df, lang, source=None, value_label=value_label)
    st.dataframe(map_view.styled(table, lang, meta.decimals), hide_index=True, key=key)
    st.caption(_("Source: {source}", source=md(meta.source_label)))


df, region_value = values_for(year)
meta = meta_for(year, region_value)
codes = set(df["nis_code"])
is_mappable = mappable(meta)
if meta.is_example:      # the regional figure beside the map is example data too: said above both
    example_banner(ctx)

main, side = st.columns([3, 1])
with side:
    r_label, r_value = map_view.metric_texts(_("Brussels-Capital Region"), region_value, lang, meta.decimals,
                                             meta.unit_label)
    st.metric(md(r_label), r_value, border=True, help=md(r_label))
    if region_value is None:
        st.caption(_("No regional figure published for this year"))
    else:
        cite_popover(cite.citation(
            lang=lang, figure=meta.title, value=fmt_value(region_value, lang, meta.decimals, meta.unit_label),
            year=year, where=_("Brussels-Capital Region"), source=meta.source_label,
            quality=quality_of(year_rows(obs, year, place=REGION)) or meta.quality,
            url=cite.view_url(cite.base_url(st.context.url), "map", dict(st.query_params))), key="cite_region", lang=lang)
    st.caption(" · ".join(p for p in [_("Unit: {unit}", unit=md(meta.unit_label)) if meta.unit_label else "",
                                       str(year), md(meta.source_label), meta.quality.label(lang)] if p))
    desc = row.get(f"description_{lang}")
    if desc:
        st.caption(md(desc))
    n_missing = int(df["value"].isna().sum())
    if n_missing:
        st.caption(_.ngettext("{n} commune without data", "{n} communes without data", n_missing))

with main:
    if not is_mappable:
        st.info(_("This indicator is a total: choose a denominator to map it"))
        # the region of a total is the sum of the communes: no reference line, it would flatten the bars
        chart.show(chart.figure(figures.ranking_bar, df, lang=lang, meta=meta.replace(region_value=None)),
                   key="ranking")
        show_table(df, meta, "table_main")
    elif view == "table":
        show_table(df, meta, "table_main")
    else:
        fig = chart.figure(maps.page_map, df, ctx.geojson_url, ctx.tiles, lang=lang, meta=meta, style=view,
                           height=580 if view == "geo" else None)
        if view == "geo" and ctx.geojson_url:   # drawn as SVG by the browser: no plotly.js to start
            clicked = geo_map.show(fig, ctx.geojson_url, key="geo_map", lang=lang, name=f"map_{ind_id}_{year}_{view}")
        else:
            clicked = maps.selected_commune(chart.show(fig, key=f"map_{ind_id}_{year}_{view}", on_select="rerun",
                                                       selection_mode="points"))
        st.caption(_("Click a commune on the map to open its profile"))
        nav.commune_opener(ctx, sorted(codes), key="map_open", indicator=ind_id)
        snippet = embed.iframe_snippet(embed.embed_url(cite.base_url(st.context.url),
                                                       embed.EmbedSpec("map", ind_id, year, "", lang, den, view)),
                                       embed.snippet_title(meta, lang))
        # plain text, not highlighted: the highlighter's token colours fail WCAG AA contrast on this background
        lazy.expander(_("Embed this map on another website"),
                      partial(st.code, snippet, language=None, wrap_lines=True), key="embed_snippet")
        nav.on_commune_click(clicked, codes, indicator=ind_id)
        st.caption(_("The same figures as a table: choose the table view above."))

# ----------------------------------------------------------------------------- change between two years
# opt-in (URL ?change=1): a second map and table on every rerun would double what travels to the browser
st.header(_("Change between two years"))
show_change = st.toggle(_("Show the change between two years"), value=state.get_param("change") == "1")
state.set_param("change", "1" if show_change else None)
earlier = [y for y in years if y < year]
if not show_change:
    pass
elif not earlier:
    st.caption(_("No earlier year with data: choose a later year to see a change"))
else:
    year_from = state.select(_("From"), earlier, "from", map_view.from_year_default(earlier), cast=int,
                             container=st.columns([1, 4])[0])
    df_from, region_from = values_for(year_from)
    frame = map_view.change_frame(df_from, df)
    cmeta = meta.replace(year_from=year_from, quality=quality_of(year_rows(obs, year), year_rows(obs, year_from)))
    ctable = map_view.change_table(frame, lang, year_from=year_from, year_to=year, unit=meta.unit_label,
                                   points=meta.points)
    cstyled = map_view.styled(ctable, lang, meta.decimals, signed=(ctable.columns[-1],))
    if not is_mappable or view == "table":
        st.dataframe(cstyled, hide_index=True, key="change_table_main")
    else:
        cfig = chart.figure(maps.page_change_map, frame, ctx.geojson_url if view == "geo" else None, lang=lang,
                            meta=cmeta, tiles=ctx.tiles, height=580 if view == "geo" else None)
        cevent = chart.show(cfig, key=f"change_{ind_id}_{year_from}_{year}_{view}", on_select="rerun",
                            selection_mode="points")
        nav.on_map_click(cevent, codes, indicator=ind_id)
        with st.expander(_("Table")):
            st.dataframe(cstyled, hide_index=True, key="change_table_alt")
