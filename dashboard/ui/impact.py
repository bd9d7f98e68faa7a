"""Streamlit blocks shared by the Jobs, Re-use & waste and Operators pages and the commune profile
(rendering only: the frames are in ``model/impact.py``, the queries in ``data/queries.py``)."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.charts import figures, maps
from dashboard.data import queries
from dashboard.model import impact as iv
from dashboard.model import memo
from dashboard.model.indicators import indicator_meta, source_label
from dashboard.model.map import metric_texts
from dashboard.model.meta import ChartMeta, example_mark
from dashboard.model.quality import tier_label
from dashboard.text.cards import figure_grid
from dashboard.text.format import is_missing
from dashboard.text.plain import md
from dashboard.ui import chart, frames, lazy, nav, state
from dashboard.ui.downloads import csv_buttons


def example_banner(ctx) -> None:
    _ = ctx._
    st.warning(example_mark(ctx.lang) + ". " + _("Build without example data: `python -m etl build --no-example`."),
               icon=":material/warning:")


def no_member_data_notice(ctx, what: str | None = None) -> None:
    """No member has reported yet: say so plainly, and how to load the templates (with a link to them)."""
    _ = ctx._
    st.info((what or _("No member has reported yet.")) + " " + _(
        "Download the templates (Data & sources, “Templates for members and communes”), fill them in, and put "
        "them in data/members/ before `python -m etl build` — or send them to the editors, who load them on the "
        "editor page."), icon=":material/info:")
    st.page_link("views/sources.py", label=_("Templates for members and communes"), icon=":material/download:",
                 query_params={"lang": ctx.lang})


def member_obs(ctx, indicator_id: str) -> pd.DataFrame:
    return queries.observations(ctx.ver, indicator_id)


def indicator_picker(ctx, options, default: str):
    return state.select(ctx._("Indicator"), list(options), "indicator", default,
                        format_func=lambda i: ctx.indicators.loc[i, f"label_{ctx.lang}"])   # a selectbox: plain text


def commune_picker(ctx, container=None):
    _ = ctx._
    codes = [iv.REGION] + ctx.commune_codes
    return state.select(_("Commune"), codes, "commune", iv.REGION, container=container,
                        format_func=lambda c: _("Brussels-Capital Region") if c == iv.REGION else ctx.both_names(c))


def map_block(ctx, ind_id: str, year: int, *, key: str) -> pd.DataFrame:
    """Choropleth (or tile map) of a member rate, its table and CSV download (with the quality column)."""
    _, lang = ctx._, ctx.lang
    row = ctx.indicators.loc[ind_id]
    # the map shows the year's rows (the region's too): its quality is theirs (``memo.member_values``)
    df, (reg, _q, sids), quality = memo.member_values(ctx.ver, ind_id, year)
    meta = indicator_meta(row, lang, rows=quality, year=year, sources=ctx.sources,
                          source_ids=sids or row["source_ids"], region_value=reg)
    fig = chart.figure(maps.page_map, df, ctx.geojson_url, ctx.tiles, lang=lang, meta=meta,
                       style="geo" if ctx.geojson_url else "tile", height=540, fit=False)
    event = chart.show(fig, key=f"{key}_{ind_id}_{year}", on_select="rerun", selection_mode="points")
    nav.on_map_click(event, df["nis_code"])
    st.caption(_("Click a commune on the map to open its profile") + " · " + md(row[f"description_{lang}"]))
    nav.commune_opener(ctx, ctx.commune_codes, key=f"{key}_open")
    table = memo.member_table(ctx.ver, ind_id, year, lang, _("Value"), meta.unit_label)
    with st.expander(_("Table")):
        frames.dataframe(table.drop(columns="quality"), hide_index=True, key=f"{key}_table")
    download = df.assign(indicator_id=ind_id, unit=meta.unit_label)[
        ["nis_code", "name_fr", "name_nl", "indicator_id", "year", "value", "unit", "source_ids", "quality"]]
    csv_buttons(download,
                f"{ind_id}_{year}{'_EXAMPLE' if meta.is_example else ''}.csv", key=f"{key}_csv", lang=lang)
    return df


def region_metric(ctx, ind_id: str, year: int) -> None:
    _, lang = ctx._, ctx.lang
    row = ctx.indicators.loc[ind_id]
    value, q, sids = memo.member_values(ctx.ver, ind_id, year)[1]     # ``impact.region_value``
    label, text = metric_texts(row[f"label_{lang}"], value, lang, int(row["decimals"]), row[f"unit_{lang}"])
    st.metric(md(label), _("No data") if is_missing(value) else text, border=True)   # the label reads Markdown
    st.caption(" · ".join(p for p in (_("Brussels-Capital Region"), str(year),
                                      md(source_label(ctx.sources, sids)) if sids else "",
                                      tier_label(q, lang)) if p))


def trend_block(ctx, ind_id: str, nis: str, *, key: str) -> None:
    lang = ctx.lang
    row = ctx.indicators.loc[ind_id]
    codes = [] if nis == iv.REGION else [nis]
    frame = memo.member_trend(ctx.ver, ind_id, nis)
    meta = indicator_meta(row, lang, rows=frame, sources=ctx.sources, source_ids=";".join(
        dict.fromkeys(s for v in frame.get("source_ids", []) for s in str(v).split(";") if s)) or row["source_ids"])
    chart.show(chart.figure(figures.time_series, frame, lang=lang, meta=meta, communes=codes), key=key)


def public_block(ctx, ids, *, key: str) -> None:
    """Regional / organisation-wide public figures beside the member figures (never summed with them)."""
    _, lang = ctx._, ctx.lang
    table = memo.public_figures(ctx.ver, tuple(ids), lang)
    st.header(_("Public figures (regional or organisation-wide)"))
    st.caption(_("Published totals with their own scope and definition: shown beside the member figures, never "
                 "added to them."))
    if table.empty:
        st.info(_("No data"))
        return
    frames.dataframe(table.drop(columns=["quality", "indicator_id"]), hide_index=True, key=key, column_config={
        _("Definition"): st.column_config.TextColumn(_("Definition"), width="large")})


def commune_section(ctx, nis: str) -> None:
    """The impact block of the commune profile: member jobs / re-use figures and the operators located there.
    Call from views/commune.py: ``impact_ui.commune_section(ctx, nis)``."""
    _, lang = ctx._, ctx.lang
    summary = memo.commune_summary(ctx.ver, nis, lang)
    st.header(_("Jobs, re-use and operators"))
    if summary["quality"].is_example:
        example_banner(ctx)
    figs = summary["figures"]
    if figs.empty:
        st.caption(_("No member data for this commune yet."))
    else:   # one block for the figures (value, year, source, quality), not a column, metric and caption each
        st.html(figure_grid(iv.summary_cards(figs, ctx.indicators, ctx.sources, lang)))
    ops = summary["operators"]
    count = _("{n} operator sites in this commune", n=summary["n_operators"])
    if len(ops):   # the count on the page, the directory's rows (2 KB, up to 15 KB) sent when it is opened
        lazy.expander(count, partial(_operator_table, ops, lang), key="impact_commune_ops_open",
                      icon=":material/storefront:")
    else:
        st.markdown("**" + count + "**")
    nav.page_link("views/operators.py", _("Operators map and directory"), ":material/storefront:", communes=nis)


def _operator_table(ops: pd.DataFrame, lang: str) -> None:
    frames.dataframe(iv.directory_display(ops, lang), hide_index=True, key="impact_commune_ops")


def member_page_controls(ctx, *, map_indicators, anchor: str, public, key: str):
    """The common head of the Jobs and Re-use pages: indicator, year and commune pickers bound to the URL,
    the example banner; without member data a notice and the public figures, then the page stops.
    Returns (indicator_id, year, nis_code)."""
    _ = ctx._
    options = [i for i in map_indicators if i in ctx.indicators.index]
    years, quality = memo.member_years(ctx.ver, anchor) if anchor in ctx.indicators.index else ([], None)
    if not options or not years:      # no rows, no years
        no_member_data_notice(ctx)
        public_block(ctx, public, key=f"{key}_public")
        st.stop()
    if quality.is_example:
        example_banner(ctx)
    c_ind, c_year, c_commune = st.columns([2, 1, 2])
    with c_ind:
        ind_id = indicator_picker(ctx, options, options[0])
    year = state.select(_("Year"), years, "year", years[0], cast=int, container=c_year)
    nis = commune_picker(ctx, container=c_commune)
    return ind_id, year, nis


def trend_section(ctx, trend_indicators, default: str, nis: str, key: str) -> None:
    """'Trend': a figure picker bound to ``y`` and the series of the region and the chosen commune."""
    _ = ctx._
    st.header(_("Trend"))
    trend_ind = state.select(_("Figure"), [i for i in trend_indicators if i in ctx.indicators.index], "y", default,
                             format_func=lambda i: md(ctx.indicators.loc[i, f"label_{ctx.lang}"]),  # reads Markdown
                             widget=st.segmented_control)
    trend_block(ctx, trend_ind or default, nis, key=key)


def breakdown(ctx, kind: str, unit_indicator: str, year: int, nis: str) -> tuple[pd.DataFrame, ChartMeta]:
    """(the breakdown of ``kind``, 'jobs' or 'streams' (``memo.breakdown``), and its ChartMeta: unit of
    ``unit_indicator``, sources and quality of the site rows it adds up (the year's, of the commune unless
    it is the region))."""
    _ = ctx._
    bd, sources, quality = memo.breakdown(ctx.ver, kind, year, nis)
    return bd, ChartMeta(
        title="", unit_label=ctx.indicators.loc[unit_indicator, f"unit_{ctx.lang}"],
        source_label=source_label(ctx.sources, sources),
        quality=quality, year=year,
        where=_("Brussels-Capital Region") if nis == iv.REGION else ctx.both_names(nis))
