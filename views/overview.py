"""Overview (home): what the federation's members deliver — jobs created, tonnes re-used, the five tips across the
19 communes — each with its quality mark, then the context figures, one map, the tips and where data is missing."""
from __future__ import annotations

import streamlit as st

from dashboard.charts import maps
from dashboard.charts.scorecard import tip_progress_figure
from dashboard.data import queries
from dashboard.model import memo
from dashboard.model.indicators import indicator_meta, year_rows, year_source_ids, years_with_data
from dashboard.model.meta import ChartMeta, example_mark
from dashboard.model.quality import Quality, quality_of
from dashboard.text.plain import md
from dashboard.ui import chart, nav
from dashboard.ui.context import page_context
from dashboard.ui.impact import no_member_data_notice

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

# ----------------------------------------------------------------------------- what the members deliver
st.header(_("What the federation's members deliver"))
delivery = ctx.shown("overview_delivery")   # jobs created, tonnes re-used (data/catalog/display.csv)
cols = st.columns(max(1, len(delivery)))
for col, ind_id in zip(cols, delivery):
    row = ctx.indicators.loc[ind_id]
    obs = queries.observations(ctx.ver, ind_id)
    with col:
        if obs.empty:
            no_member_data_notice(ctx, _("No member has reported “{figure}” yet.", figure=row[f"label_{lang}"]))
            continue
        h, t = memo.headline_of(ctx.ver, ind_id, lang)
        st.metric(md(t["label"]), t["value"], delta=t["delta"], delta_color=t["delta_color"],
                  delta_arrow=t["delta_arrow"], border=True, help=md(row[f"description_{lang}"]))
        st.caption(md(_("Brussels-Capital Region") + " · " + t["caption"]))
        if Quality.of(h["quality"]).is_example:
            st.warning(example_mark(lang), icon=":material/warning:")
        page = "views/jobs.py" if ind_id.startswith("member_jobs") else "views/reuse.py"
        nav.page_link(page, _("By commune, by year and by operator"), ":material/arrow_forward:")

# ----------------------------------------------------------------------------- the five tips across the communes
st.header(_("The five tips across the 19 communes"))
history = queries.history(ctx.ver)
tips = queries.tips(ctx.ver)
statuses_frame = queries.tip_statuses(ctx.ver)
if history.empty:
    st.info(_("No commune has been assessed yet. Fill the assessments template (Data & sources, “Templates for "
              "members and communes”) and send it to the editors, who load it on the editor page."),
            icon=":material/info:")
else:
    progress = memo.tip_progress(ctx.ver, tuple(ctx.commune_codes))
    quality = quality_of(list(progress["quality"].dropna()))
    meta = ChartMeta(title=_("Communes by the furthest step reached on each tip"), unit_label=_("communes"),
                     source_label=_("Five tips assessments from public evidence") + (
                         " " + _("and example assessments") if quality.is_example else ""),
                     quality=quality, decimals=0, kind="count")
    titles = {int(r.tip_id): f"{int(r.tip_id)}. {getattr(r, f'title_{lang}')}" for r in tips.itertuples()}
    chart.show(chart.figure(tip_progress_figure, progress, statuses_frame, titles, lang=lang, meta=meta),
               key="overview_tips")
    st.caption(_("A commune counts at the furthest step it reached on at least one of the tip's criteria; "
                 "“unknown”: no criterion with a known status (never counted as “none”)."))
    nav.page_link("views/tips.py", _("Five tips scorecard"), ":material/checklist:")

# ----------------------------------------------------------------------------- context figures
st.header(_("Context: the region in figures"))
present = ctx.shown("overview_headline")
cols = [c for _row in range((len(present) + 1) // 2) for c in st.columns(2)]
for col, ind_id in zip(cols, present):
    _h, t = memo.headline_of(ctx.ver, ind_id, lang)
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
links = memo.tip_links(ctx.ver, lang)
for tip in tips.itertuples():
    page, params = links[int(tip.tip_id)]
    with st.container(border=True):
        st.markdown(f"**{_('Tip {n}', n=tip.tip_id)} · {md(getattr(tip, f'title_{lang}'))}**")
        st.markdown(md(getattr(tip, f"summary_{lang}")))
        if page == "views/map.py":
            label = _("On the map: {indicator}", indicator=md(ctx.label(params["indicator"])))
            nav.page_link(page, label, ":material/map:", indicator=params["indicator"])
        else:
            nav.page_link(page, _("No commune figures yet: see the data and sources"), ":material/menu_book:")

# ----------------------------------------------------------------------------- where data is missing
st.header(_("Where data is missing"))
s = memo.coverage_summary(ctx.ver)
st.markdown(_("Of {n} indicators, {complete} have real figures for all 19 communes in their latest year, {partial} "
              "for some communes only and {none} for none (regional or organisation-wide figures only, or example "
              "data only); {tips} of the five tips have a real assessment in every commune.", n=s["indicators"],
              complete=s["complete"], partial=s["partial"], none=s["none"], tips=s["tips_complete"]))
nav.page_link("views/sources.py", _("Data coverage per indicator and per tip"), ":material/table:", coverage="1")
