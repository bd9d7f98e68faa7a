"""Data & sources: the indicator catalogue, the last ETL run, downloads and the scoped (unmapped) figures."""
from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard.data import connection, queries
from dashboard.model import memo
from dashboard.model import sources as sv
from dashboard.model.indicators import ALL_TOPICS, TOPICS, topic_label
from dashboard.text.plain import md
from dashboard.ui import downloads, frames, state
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

st.title(_("Data & sources"))
st.markdown(_("Every figure in this dashboard comes from the sources below. Each carries a quality tier: "
              "**official** (a public statistics body), **reported** (an organisation's own report or a member "
              "survey) or **example** (illustrative, not real figures)."))

# ------------------------------------------------------------------ data coverage (the overview links here)
st.header(_("Data coverage"))
st.markdown(_("Where real figures are missing: for each tip, how many communes have a real assessment (example "
              "assessments not counted); for each indicator, how many of the 19 communes have a real figure in its "
              "latest year, which year, whether the region has one, and which quality tiers it has."))
tip_cov = memo.tip_coverage(ctx.ver, lang)
communes_col = st.column_config.ProgressColumn(_("Communes with real figures"), min_value=0, max_value=19,
                                               format="%d / 19", width="small")
st.dataframe(tip_cov, hide_index=True, key="coverage_tips",
             column_order=["tip_id", "tip", "criteria", "n_communes", "latest", "quality"], column_config={
                 "tip_id": st.column_config.NumberColumn(_("Tip"), format="%d", width="small"),
                 "tip": st.column_config.TextColumn(_("Title"), width="large"),
                 "criteria": st.column_config.NumberColumn(_("Criteria"), format="%d", width="small"),
                 "n_communes": communes_col,
                 "latest": st.column_config.TextColumn(_("Latest assessment"), width="small"),
                 "quality": st.column_config.TextColumn(_("Quality"), width="small")})
cov_topic = state.select(_("Topic"), (ALL_TOPICS,) + TOPICS, "coverage_topic", ALL_TOPICS,
                         format_func=lambda t: topic_label(t, lang))
ind_cov = memo.indicator_coverage(ctx.ver, lang)
shown_cov = ind_cov if cov_topic in (None, ALL_TOPICS) else ind_cov[ind_cov["topic"] == cov_topic]
st.dataframe(shown_cov, hide_index=True, key="coverage_indicators", height=360,
             column_order=["label", "topic_label", "n_communes", "year", "region", "quality", "scoped"], column_config={
                 "label": st.column_config.TextColumn(_("Indicator"), width="large"),
                 "topic_label": st.column_config.TextColumn(_("Topic"), width="small"),
                 "n_communes": communes_col,
                 "year": st.column_config.TextColumn(_("Latest year"), width="small"),
                 "region": st.column_config.TextColumn(_("Region (latest year)"), width="small"),
                 "quality": st.column_config.TextColumn(_("Quality"), width="small"),
                 "scoped": st.column_config.NumberColumn(_("Figures not mapped"), format="%d", width="small")})

# ------------------------------------------------------------------ catalogue
st.header(_("Indicator catalogue"))
catalogue = memo.cached_catalogue(ctx.ver, lang)


# a fragment: searching redraws the catalogue only
@st.fragment
def catalogue_block() -> None:
    c1, c2 = st.columns([2, 1])
    with c1:
        text = st.text_input(_("Search"), key="q", bind="query-params", placeholder=_("Word in a label, definition or source"))
    with c2:
        topic = state.select(_("Topic"), (ALL_TOPICS,) + TOPICS, "topic", ALL_TOPICS,
                             format_func=lambda t: topic_label(t, lang))
    shown = sv.filter_catalogue(catalogue, text, topic)
    st.caption(_("{n} of {total} indicators", n=len(shown), total=len(catalogue)))
    frames.dataframe(
        shown, hide_index=True, key="catalogue",
        column_order=["label", "topic_label", "description", "unit", "sources", "licence", "reference_date", "years",
                      "quality", "n_communes"],
        column_config={
            "label": st.column_config.TextColumn(_("Indicator"), width="medium"),
            "topic_label": st.column_config.TextColumn(_("Topic"), width="small"),
            "description": st.column_config.TextColumn(_("Definition"), width="medium"),
            "unit": st.column_config.TextColumn(_("Unit"), width="small"),
            "sources": st.column_config.TextColumn(_("Sources"), width="medium"),
            "licence": st.column_config.TextColumn(_("Licence"), width="medium"),
            "reference_date": st.column_config.TextColumn(_("Reference date"), width="small"),
            "years": st.column_config.TextColumn(_("Years"), width="small"),
            "quality": st.column_config.TextColumn(_("Quality"), width="small"),
            "n_communes": st.column_config.NumberColumn(_("Communes with data"), width="small", format="%d"),
        },
    )


catalogue_block()

# ------------------------------------------------------------------ one indicator: details + its downloads
# a fragment: choosing another indicator redraws its details and downloads only
@st.fragment
def indicator_block() -> None:
    ids = list(ctx.indicators["indicator_id"])
    indicator_id = state.select(_("Indicator"), ids, "indicator", ids[0] if ids else None,
                                format_func=lambda i: f"{ctx.label(i)} ({i})")
    ind = ctx.indicators.loc[indicator_id]
    with st.expander(_("Details: {indicator}", indicator=md(ind[f"label_{lang}"])), expanded=True):
        colon = "\u00a0: " if lang == "fr" else ": "
        st.markdown("**" + _("Definition") + "** — " + md(ind[f"description_{lang}"]))
        row = catalogue.set_index("indicator_id").loc[indicator_id]
        facts = [(_("Topic"), row["topic_label"]), (_("Unit"), row["unit"]), (_("Years"), row["years"]),
                 (_("Quality"), row["quality"]), (_("Communes with data"), f"{row['n_communes']} / 19")]
        st.markdown(" · ".join(f"**{k}**{colon}{md(v)}" for k, v in facts))
        n_scoped = sv.scoped_count(queries.scoped(ctx.ver), indicator_id)
        if n_scoped:
            st.caption(_("{n} more figures of this indicator are not mapped: see the table of figures not mapped "
                         "below.", n=n_scoped))
        srcs = sv.indicator_sources(ind, ctx.sources)
        if len(srcs) <= 3:
            for src in srcs.itertuples():
                st.markdown(f"**{md(src.publisher)} — {md(src.title)}**")
                st.markdown("\n".join(f"- {k}{colon}{v}" for k, v in sv.source_facts(src, lang)))
        else:
            st.markdown("**" + _("{n} sources", n=len(srcs)) + "**")
            frames.dataframe(sv.sources_table(srcs, lang), hide_index=True, key="indicator_sources", column_config={
                "publisher": st.column_config.TextColumn(_("Publisher"), width="medium"),
                "title": st.column_config.TextColumn(_("Title"), width="medium"),
                "url": st.column_config.LinkColumn("URL", width="medium"),
                "reference_date": st.column_config.TextColumn(_("Reference date"), width="small"),
                "licence": st.column_config.TextColumn(_("Licence"), width="small"),
                "quality": st.column_config.TextColumn(_("Quality"), width="small"),
                "notes": st.column_config.TextColumn(_("Description"), width="medium"),
                "source_id": st.column_config.TextColumn(_("Source id"), width="small"),
            })

    # ------------------------------------------------------------------ downloads
    # one indicator: bytes built now (cached per version, indicator, language); the full export and the
    # database file are built only when clicked (callables, cached too) so the page opens fast
    st.header(_("Downloads"))
    st.caption(_("CSV files are UTF-8, comma-separated, with the source and licence in columns. XLSX files add an "
                 "\"About\" sheet with the date of the data, the sources, their licences and the quality tiers."))
    st.caption(_("For Excel in Belgium take “CSV for Excel (Belgium)”: semicolons and decimal commas, with a "
                 "byte-order mark, so a double click opens it with its columns, numbers and accents right. XLSX "
                 "opens right everywhere."))
    d1, d2, d3 = st.columns(3)
    ind_example = downloads.indicator_is_example(ctx.ver, indicator_id)
    all_example = downloads.everything_is_example(ctx.ver)
    with d1:
        st.markdown("**" + _("This indicator, all communes and years") + "**")
        st.caption(md(ind[f"label_{lang}"]) + (" · " + _("includes example data") if ind_example else ""))
        downloads.csv_buttons(partial(downloads.indicator_csv, ctx.ver, indicator_id, lang),
                              sv.file_name(indicator_id, lang, "csv", ind_example), key="dl_ind_csv", lang=lang,
                              width="stretch")
        st.download_button(_("Download XLSX"), data=downloads.indicator_xlsx(ctx.ver, indicator_id, lang),
                           file_name=sv.file_name(indicator_id, lang, "xlsx", ind_example), key="dl_ind_xlsx",
                           on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch")
    with d2:
        st.markdown("**" + _("All indicators and scoped figures") + "**")
        st.caption(_("{n} indicators, {obs} observations", n=len(ctx.indicators), obs=int(ctx.indicators["n_obs"].sum()))
                   + (" · " + _("includes example data (column quality)") if all_example else ""))
        downloads.csv_buttons(partial(downloads.everything_csv, ctx.ver, lang), sv.file_name("all", lang, "csv", all_example),
                              key="dl_all_csv", lang=lang, width="stretch")
        st.download_button(_("Download XLSX"), data=partial(downloads.everything_xlsx, ctx.ver, lang),
                           file_name=sv.file_name("all", lang, "xlsx", all_example), key="dl_all_xlsx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch")
    with d3:
        st.markdown("**" + _("The database") + "**")
        st.caption(_("Every figure with its source, licence and quality, the indicators, communes, boundaries and the "
                     "five tips, in one DuckDB file (its table about says what is in it)."))
        if connection.public_database_available():
            st.download_button(_("Download the database"), data=connection.public_database_bytes,
                               file_name="bsim_impact" + ("_EXAMPLE" if all_example else "") + ".duckdb",
                               mime="application/octet-stream", key="dl_db", on_click="ignore",
                               icon=":material/database:", width="stretch")
        else:
            st.caption(_("Not available until the next publication of the data."))


indicator_block()

# ------------------------------------------------------------------ scoped figures
st.header(_("Templates for members and communes"))
st.caption(_("Jobs and re-use per site come from the federation's members, and scorecard assessments from the "
             "communes: fill a template (headers in French, Dutch or English) and send it to the editors, who load "
             "it on the editor page."))
tpl_files, tpl_doc = queries.templates(ctx.ver, lang)
if tpl_files.empty:
    st.info(_("No data"))
else:
    for template, group in tpl_files.groupby("template", sort=False):
        cols = st.columns([2, 1, 1])
        cols[0].markdown(f"**{template}**")
        for col, r in zip(cols[1:], group.itertuples()):
            col.download_button(r.format.upper(), data=bytes(r.content), file_name=r.file_name,
                                key=f"tpl_{r.file_name}", on_click="ignore", width="stretch")
    with st.expander(_("Every column, accepted headers and checks")):
        st.markdown(tpl_doc)   # the product's own documentation (data/templates/README.md), meant as Markdown

st.header(_("Figures not mapped"))
st.markdown(_("These figures cover an organisation as a whole, Wallonia and Brussels together, Belgium, part of "
              "a commune, or carry no year. They are not comparable between the 19 communes, so they are shown "
              "here as context and never drawn on a map or ranked."))
scoped = memo.cached_scoped_table(ctx.ver, lang)
frames.dataframe(scoped, hide_index=True, key="scoped", column_config={
    "scope": st.column_config.TextColumn(_("Scope"), width="medium"),
    "indicator": st.column_config.TextColumn(_("Indicator"), width="medium"),
    "year": st.column_config.TextColumn(_("Year"), width="small"),
    "value": st.column_config.TextColumn(_("Value"), width="small", alignment="right"),
    "unit": st.column_config.TextColumn(_("Unit"), width="small"),
    "source": st.column_config.TextColumn(_("Source"), width="medium"),
    "quality": st.column_config.TextColumn(_("Quality"), width="small"),
    "note": st.column_config.TextColumn(_(sv.NOTE_HEADER_MSGID), width="large"),
})

# ------------------------------------------------------------------ who reported the member data
st.header(_("Who reported the member data"))
st.caption(_("Member figures and five-tips assessments reach this dashboard through the federation's review: "
             "each file below was submitted by the organisation named, then checked and approved by the "
             "federation's editors before it was published."))
reported = memo.provenance_table(ctx.ver, lang)
if reported.empty:
    st.info(_("No reviewed member data is published yet."))
else:
    frames.dataframe(reported, hide_index=True, key="provenance", column_config={
        "organisation": st.column_config.TextColumn(_("Reported by"), width="medium"),
        "what": st.column_config.TextColumn(_("What"), width="medium"),
        "communes": st.column_config.TextColumn(_("Communes"), width="medium"),
        "years": st.column_config.TextColumn(_("Years"), width="small"),
        "rows": st.column_config.TextColumn(_("Rows"), width="small", alignment="right"),
        "submitted": st.column_config.TextColumn(_("Submitted"), width="small"),
        "approved": st.column_config.TextColumn(_("Approved"), width="small"),
    })

# ------------------------------------------------------------------ last ETL run
st.header(_("Last ETL run"))
run, inputs = queries.last_run(ctx.ver)
summary = sv.run_summary(run, lang)
if summary is None:
    st.info(_("No ETL run yet"))
else:
    m1, m2, m3 = st.columns([2, 1, 1])
    m1.metric(_("Finished"), summary["when"])
    m2.metric(_("Status"), summary["status"])
    m3.metric(_("Input files"), len(inputs))
    (st.success if summary["ok"] else st.error)(md(summary["message"]))
    facts = [(_("Boundaries file"), md(summary["boundaries"]) or "—"),
             (_("Example member data"), sv.example_part_text(summary["example_members"], "members", lang)),
             (_("Example assessments"), sv.example_part_text(summary["example_assessments"], "assessments", lang)),
             (_("Run id"), md(summary["run_id"]))]
    st.markdown("  \n".join(f"**{k}**: {v}" for k, v in facts))
    frames.dataframe(sv.run_inputs(inputs, lang), hide_index=True, key="inputs", column_config={
        "path": st.column_config.TextColumn(_("File"), width="large"),
        "kind": st.column_config.TextColumn(_("Kind"), width="small"),
        "rows_read": st.column_config.TextColumn(_("Rows read"), width="small", alignment="right"),
        "bytes": st.column_config.TextColumn(_("Bytes"), width="small", alignment="right"),
        "sha256": st.column_config.TextColumn("sha256", width="small"),
    })
