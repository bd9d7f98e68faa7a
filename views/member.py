"""Submit member data: a member organisation sends its own sites, jobs and re-use flows for review.

Listed by app.py only for a signed-in, verified member on the allow-list (dashboard.ui.auth); checked again
here. By form (one site and year) or by template upload; either way the ETL checks the files with its own
rules and messages (``python -m etl preview --organisation``) and queues them (``python -m etl submit``):
nothing is public before an editor approves and publishes it.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import config
from dashboard.data import etl_command, queries
from dashboard.model import review as rv
from dashboard.ui import auth
from dashboard.ui import review as ui
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

access, _why = auth.current_access()
if access is None or access.role != "member":
    st.error(_("This page is for member organisations only."))
    st.stop()

st.title(_("Submit member data"))
st.text(_("Signed in as {email} for {organisation}", email=access.email, organisation=access.organisation))
st.markdown(_("Send your organisation's figures: jobs in integration and re-use tonnages per site and year. "
              "They are checked row by row as soon as you send them, then reviewed by the federation's editors "
              "before they are published. Leave a figure empty when you do not know it (never 0)."))

sites = rv.member_sites(queries.operators(ctx.ver), access.organisation)
st.header(_("Your sites"))
if sites.empty:
    st.info(_("No site of yours is published yet: upload a filled operator-sites template first."))
else:
    shown = sites.assign(commune=[ctx.both_names(c) for c in sites["nis_code"]],
                         address=sites["address"].fillna(""))
    st.dataframe(shown[["site_id", "name", "category", "address", "postal_code", "commune"]], hide_index=True,
                 key="sites", column_config={"site_id": _("Site id"), "name": _("Name"), "category": _("Category"),
                                             "address": _("Address"), "postal_code": _("Postal code"),
                                             "commune": _("Commune")})

mode = st.segmented_control(_("How"), ["form", "upload"], default="form", key="member_mode",
                            format_func={"form": _("Form: one site and year"),
                                         "upload": _("Upload filled templates")}.get)

if mode == "form" and not sites.empty:
    st.header(_("Form"))
    ui.done_notice("member_form", ctx, approve=False)
    streams = queries.reuse_streams(ctx.ver)
    with st.form("member_form"):
        c1, c2 = st.columns(2)
        site = c1.selectbox(_("Site"), list(sites["site_id"]), key="f_site",
                            format_func=lambda s: f"{sites.set_index('site_id').loc[s, 'name']} ({s})")
        year = c2.number_input(_("Year"), min_value=1990, max_value=dt.date.today().year,
                               value=dt.date.today().year - 1, step=1, key="f_year")
        st.subheader(_("Jobs"))
        j = st.columns(4)
        workers = j[0].number_input(_("Workers in integration"), min_value=0, step=1, value=None, key="f_workers")
        art60 = j[1].number_input(_("Article 60§7 placements"), min_value=0, step=1, value=None, key="f_art60")
        fte = j[2].number_input(_("Full-time equivalents"), min_value=0.0, step=0.1, value=None, key="f_fte")
        exits = j[3].number_input(_("Exits to work"), min_value=0, step=1, value=None, key="f_exits")
        st.subheader(_("Re-use (tonnes)"))
        tonnes = {}
        for r in streams.itertuples():
            t = st.columns([2, 1, 1, 1])
            t[0].markdown(f"**{getattr(r, f'label_{lang}')}**")
            tonnes[r.stream] = tuple(t[i + 1].number_input(label, min_value=0.0, step=0.1, value=None,
                                                           key=f"f_{r.stream}_{col}")
                                     for i, (col, label) in enumerate((("collected", _("Collected")),
                                                                       ("reused", _("Re-used")),
                                                                       ("recycled", _("Recycled")))))
        sent = st.form_submit_button(_("Check"))
    if sent:
        files = [(f"jobs_{site}_{year}.csv", rv.jobs_csv(site, year, workers, art60, fte, exits, access.organisation)),
                 (f"reuse_{site}_{year}.csv", rv.flows_csv(site, year, tonnes, access.organisation))]
        st.session_state["member_form_uploads"] = [(n, d) for n, d in files if d is not None]
    uploads = st.session_state.get("member_form_uploads") or []
    if sent and not uploads:
        st.warning(_("The form has no figure: give at least one."))
    if uploads:
        ui.checked_flow(uploads, ctx, "member_form", access, approve=False)
elif mode == "upload" or sites.empty:
    st.header(_("Upload filled templates"))
    st.caption(_("The templates are on the Data & sources page (headers in French, Dutch or English). Several "
                 "files go together in one submission: a new site and its figures, for instance."))
    ui.done_notice("member_upload", ctx, approve=False)
    uploads = ui.uploader(ctx, "member_upload")
    if uploads:
        ui.checked_flow(uploads, ctx, "member_upload", access, approve=False)

st.header(_("Your submissions"))
mine = etl_command.queue(config.data_dir(), access.organisation)
if not mine:
    st.info(_("No submission yet."))
else:
    table = rv.queue_table(mine, lang).drop(columns=["organisation"])
    st.dataframe(table, hide_index=True, key="mine", column_config={
        "id": _("Submission"), "status": _("Status"), "submitted_by": _("Submitted by"),
        "submitted_at": _("Submitted (UTC)"), "files": _("Files"), "note": _("Note"),
        "decided_by": _("Reviewed by"), "decided_at": _("Reviewed (UTC)"), "reason": _("Reason")})
