"""Streamlit blocks shared by the Jobs, Re-use & waste and Operators pages and the commune profile
(rendering only: the frames are in ``model/impact.py``, the queries in ``data/queries.py``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import figures, maps
from dashboard.data import queries
from dashboard.exports import tables
from dashboard.model import impact as iv
from dashboard.model.indicators import has_example, indicator_meta, source_label
from dashboard.model.meta import ChartMeta, example_mark
from dashboard.text.format import fmt_value
from dashboard.ui import chart, state


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
                        format_func=lambda i: ctx.indicators.loc[i, f"label_{ctx.lang}"])


def commune_picker(ctx, container=None):
    _ = ctx._
    codes = [iv.REGION] + ctx.commune_codes
    return state.select(_("Commune"), codes, "commune", iv.REGION, container=container,
                        format_func=lambda c: _("Brussels-Capital Region") if c == iv.REGION else ctx.both_names(c))


def map_block(ctx, ind_id: str, year: int, *, key: str) -> pd.DataFrame:
    """Choropleth (or tile map) of a member rate, its table and CSV download (with the quality column)."""
    _, lang = ctx._, ctx.lang
    row = ctx.indicators.loc[ind_id]
    obs = member_obs(ctx, ind_id)
    df = iv.commune_frame(obs, ctx.communes, year)
    reg, q, sids = iv.region_value(obs, year)
    quality = iv.quality_of(obs[obs["year"] == year]) or row["quality"]
    meta = indicator_meta(row, lang, year=year, sources=ctx.sources, source_ids=sids or row["source_ids"],
                          region_value=reg, quality=quality, is_example=quality == "example")
    fig = maps.commune_map(df, ctx.geojson_url, ctx.tiles, lang=lang, meta=meta,
                           style="geo" if ctx.geojson_url else "tile")
    fig.update_layout(height=540)
    event = chart.show(fig, key=f"{key}_{ind_id}_{year}", on_select="rerun", selection_mode="points")
    nis = maps.selected_commune(event)
    if nis and nis in set(df["nis_code"]):
        st.switch_page("views/commune.py", query_params={"commune": nis, "lang": lang})
    st.caption(_("Click a commune on the map to open its profile") + " · " + row[f"description_{lang}"])
    table = iv.table_frame(df, lang, value_label=_("Value"), unit=meta.unit_label, sources=ctx.sources)
    with st.expander(_("Table")):
        st.dataframe(table.drop(columns="quality"), hide_index=True, key=f"{key}_table")
    st.download_button(_("Download CSV"), tables.to_csv(
        df.assign(indicator_id=ind_id, unit=meta.unit_label)[
            ["nis_code", "name_fr", "name_nl", "indicator_id", "year", "value", "unit", "source_ids", "quality"]]),
        file_name=f"{ind_id}_{year}{'_EXAMPLE' if quality == 'example' else ''}.csv", mime="text/csv",
        key=f"{key}_csv", on_click="ignore")
    return df


def region_metric(ctx, ind_id: str, year: int) -> None:
    _, lang = ctx._, ctx.lang
    row = ctx.indicators.loc[ind_id]
    obs = member_obs(ctx, ind_id)
    value, q, sids = iv.region_value(obs, year)
    st.metric(row[f"label_{lang}"], fmt_value(value, lang, int(row["decimals"]), row[f"unit_{lang}"],
                                              missing=_("No data")), border=True)
    st.caption(" · ".join(p for p in (_("Brussels-Capital Region"), str(year),
                                      source_label(ctx.sources, sids) if sids else "",
                                      _(q) if q else "") if p))


def trend_block(ctx, ind_id: str, nis: str, *, key: str) -> None:
    lang = ctx.lang
    row = ctx.indicators.loc[ind_id]
    obs = member_obs(ctx, ind_id)
    codes = [] if nis == iv.REGION else [nis]
    frame = iv.trend_frame(obs, ctx.communes, codes)
    quality = iv.quality_of(frame) or row["quality"]
    meta = indicator_meta(row, lang, sources=ctx.sources, source_ids=";".join(
        dict.fromkeys(s for v in frame.get("source_ids", []) for s in str(v).split(";") if s)) or row["source_ids"],
        quality=quality, is_example=quality == "example")
    chart.show(figures.time_series(frame, lang=lang, meta=meta, communes=codes), key=key)


def public_block(ctx, ids, *, key: str) -> None:
    """Regional / organisation-wide public figures beside the member figures (never summed with them)."""
    _, lang = ctx._, ctx.lang
    obs = queries.all_observations(ctx.ver)
    table = iv.public_figures(obs, queries.scoped(ctx.ver), ctx.indicators, ctx.sources, ids, lang, ctx.communes)
    st.subheader(_("Public figures (regional or organisation-wide)"))
    st.caption(_("Published totals with their own scope and definition: shown beside the member figures, never "
                 "added to them."))
    if table.empty:
        st.info(_("No data"))
        return
    st.dataframe(table.drop(columns=["quality", "indicator_id"]), hide_index=True, key=key, column_config={
        _("Definition"): st.column_config.TextColumn(_("Definition"), width="large")})


def commune_section(ctx, nis: str) -> None:
    """The impact block of the commune profile: member jobs / re-use figures and the operators located there.
    Call from views/commune.py: ``impact_ui.commune_section(ctx, nis)``."""
    _, lang = ctx._, ctx.lang
    ids = [i for i in ctx.indicators.index if str(i).startswith("member_")]
    obs = queries.observations_of(ctx.ver, ids)
    summary = iv.commune_summary(obs, queries.operator_sites(ctx.ver), ctx.indicators, ctx.sources, nis, lang)
    st.subheader(_("Jobs, re-use and operators"))
    if summary["is_example"]:
        example_banner(ctx)
    figs = summary["figures"]
    if figs.empty:
        st.caption(_("No member data for this commune yet."))
    else:
        cols = st.columns(4)
        for i, r in enumerate(figs.itertuples()):
            with cols[i % 4]:
                st.metric(r.what, r.value, border=True)
                st.caption(f"{r.year} · {r.source} · {_(r.quality)}")
    ops = summary["operators"]
    st.markdown("**" + _("{n} operator sites in this commune", n=summary["n_operators"]) + "**")
    if len(ops):
        st.dataframe(iv.directory_display(ops, lang), hide_index=True, key="impact_commune_ops")
    st.page_link("views/operators.py", label=_("Operators map and directory"), icon=":material/storefront:",
                 query_params={"lang": lang, "communes": nis})


def member_page_controls(ctx, *, map_indicators, anchor: str, public, key: str):
    """The common head of the Jobs and Re-use pages: indicator, year and commune pickers bound to the URL,
    the example banner; without member data a notice and the public figures, then the page stops.
    Returns (indicator_id, year, nis_code)."""
    _ = ctx._
    options = [i for i in map_indicators if i in ctx.indicators.index]
    obs = member_obs(ctx, anchor) if anchor in ctx.indicators.index else None
    if not options or obs is None or obs.empty:
        no_member_data_notice(ctx)
        public_block(ctx, public, key=f"{key}_public")
        st.stop()
    if has_example(obs):
        example_banner(ctx)
    c_ind, c_year, c_commune = st.columns([2, 1, 2])
    with c_ind:
        ind_id = indicator_picker(ctx, options, options[0])
    years = iv.years_of(obs)
    year = state.select(_("Year"), years, "year", years[0], cast=int, container=c_year)
    nis = commune_picker(ctx, container=c_commune)
    return ind_id, year, nis


def trend_section(ctx, trend_indicators, default: str, nis: str, key: str) -> None:
    """'Trend': a figure picker bound to ``y`` and the series of the region and the chosen commune."""
    _ = ctx._
    st.subheader(_("Trend"))
    trend_ind = state.select(_("Figure"), [i for i in trend_indicators if i in ctx.indicators.index], "y", default,
                             format_func=lambda i: ctx.indicators.loc[i, f"label_{ctx.lang}"],
                             widget=st.segmented_control)
    trend_block(ctx, trend_ind or default, nis, key=key)


def breakdown_meta(ctx, breakdown, site_rows, unit_indicator: str, year: int, nis: str):
    """ChartMeta of a breakdown chart: unit of ``unit_indicator``, sources of the year's site rows,
    quality of the breakdown (example when any part is)."""
    _ = ctx._
    quality = iv.quality_of(breakdown)
    sources = ";".join(dict.fromkeys(site_rows.loc[site_rows["year"] == year, "source_id"]))
    return ChartMeta(
        title="", unit_label=ctx.indicators.loc[unit_indicator, f"unit_{ctx.lang}"],
        source_label=source_label(ctx.sources, sources),
        quality=quality, year=year, where=_("Brussels-Capital Region") if nis == iv.REGION else ctx.both_names(nis),
        is_example=quality == "example")
