"""Editor: the federation's review queue, five-tips assessments (form or upload), publishing and the audit log.

Listed by app.py only for a signed-in, verified editor on the allow-list (dashboard.ui.auth); checked again
here. The ETL runs in its own processes (``python -m etl preview | submit | approve | reject | queue | audit
--json`` through ``dashboard.data.etl_command``, in the reader's language: ``--lang``): the app imports
nothing of it. Publishing is a detached
``python -m etl publish`` whose progress this page polls: it never runs in a viewer's rerun, and the ETL's
writer lock keeps two publishes apart. One section runs per rerun (each asks the ETL for what it shows).
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import config
from dashboard.data import etl_command, queries
from dashboard.model import editor as ev
from dashboard.model import review as rv
from dashboard.text.plain import md
from dashboard.ui import auth
from dashboard.ui import review as ui
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

if not auth.can_edit():
    st.error(_("This page is for editors only."))
    st.stop()
access, _why = auth.current_access()
DATA = config.data_dir()

st.title(_("Editor"))
st.text(_("Signed in as {email}", email=access.email))
SECTIONS = {"queue": _("Review queue"), "upload": _("Upload"), "assess": _("Five-tips assessment"),
            "publish": _("Publish"), "audit": _("Audit log")}
section = st.segmented_control(_("Section"), list(SECTIONS), default="queue", key="editor_section",
                               format_func=SECTIONS.get) or "queue"

if section == "queue":
    records = etl_command.queue(DATA)
    pending = rv.waiting(records)
    st.header(_("Waiting for review ({n})", n=len(pending)))
    if not pending:
        st.info(_("No submission is waiting for review."))
    else:
        ids = [r["id"] for r in pending]
        by_id = {r["id"]: r for r in pending}
        sid = st.selectbox(_("Submission"), ids, key="review_id",
                           format_func=lambda i: f"{by_id[i]['submitted_at']} — {rv.who(by_id[i], lang)} — {i}")
        record = by_id[sid]
        facts = [(_("Organisation"), rv.who(record, lang)), (_("Submitted by"), record["submitted_by"]),
                 (_("Submitted (UTC)"), record["submitted_at"])]
        st.markdown("  \n".join(f"**{k}**: {md(v)}" for k, v in facts))   # names and e-mails are data: plain text
        if record.get("note"):
            st.text(_("Note: {note}", note=record["note"]))
        st.dataframe(rv.files_table(record), hide_index=True, key="review_files", column_config={
            "file": _("File"), "kind": _("Kind"), "bytes": _("Bytes"), "sha256": "sha256"})
        ui.show_report(ui.queued_preview(record, ctx, "review_preview"), ctx, "review")
        reason = st.text_area(_("Reason (required to reject; sent back to the member)"), key="review_reason",
                              max_chars=2000)
        c1, c2 = st.columns(2)
        if c1.button(_("Approve"), type="primary", key="review_approve"):
            with st.spinner(_("Filing the files as inputs and checking the build…")):
                res = etl_command.approve(sid, user=access.email, data_dir=DATA, db=config.db_path(), lang=lang)
            ui.result_message(res, _("Approved: {id}. Publish it in the Publish section.", id=sid), ctx, "approve")
        if c2.button(_("Reject"), key="review_reject"):
            if not reason.strip():
                st.error(_("Give a reason to reject."))
            else:
                res = etl_command.reject(sid, user=access.email, reason=reason, data_dir=DATA, lang=lang)
                ui.result_message(res, _("Rejected: {id}.", id=sid), ctx, "reject")
    st.header(_("Every submission"))
    st.dataframe(rv.queue_table(etl_command.queue(DATA), lang), hide_index=True, key="all_submissions",
                 column_config={"id": _("Submission"), "status": _("Status"), "organisation": _("Organisation"),
                                "submitted_by": _("Submitted by"), "submitted_at": _("Submitted (UTC)"),
                                "files": _("Files"), "note": _("Note"), "decided_by": _("Reviewed by"),
                                "decided_at": _("Reviewed (UTC)"), "reason": _("Reason")})

elif section == "upload":
    st.header(_("Upload"))
    st.markdown(_("Upload filled templates — five-tips **assessments** (nis_code, criterion_id, assessed_on, status, "
                  "evidence_url, note) or **member data** (sites, jobs, re-use flows). You get a row-by-row report "
                  "and a preview of what changes; approving archives the files (time, uploader, sha256) and files "
                  "them as inputs; publishing makes them public. The same path on the command line: "
                  "`python -m etl load FILE`."))
    ui.done_notice("editor_upload", ctx, approve=True)
    uploads = ui.uploader(ctx, "editor_upload")
    if uploads:
        ui.checked_flow(uploads, ctx, "editor_upload", access, approve=True)

elif section == "assess":
    st.header(_("Five-tips assessment"))
    ui.done_notice("editor_assess", ctx, approve=True)
    criteria = queries.criteria(ctx.ver).set_index("criterion_id")
    statuses = queries.tip_statuses(ctx.ver)
    statuses = statuses[statuses["rank"] > 0]           # 'unknown' is no assessment
    with st.form("assessment_form"):
        c1, c2 = st.columns(2)
        nis = c1.selectbox(_("Commune"), ctx.commune_codes, key="a_commune", format_func=ctx.both_names)
        crit = c2.selectbox(_("Criterion"), list(criteria.index), key="a_criterion",
                            format_func=lambda c: f"{_('Tip')} {criteria.loc[c, 'tip_id']} — "
                                                  f"{criteria.loc[c, f'label_{lang}']}")
        c3, c4 = st.columns(2)
        on = c3.date_input(_("Assessed on"), value=dt.date.today(), max_value=dt.date.today(), key="a_date")
        status = c4.selectbox(_("Status"), list(statuses["status"]), key="a_status",
                              format_func=dict(zip(statuses["status"], statuses[f"label_{lang}"])).get)
        url = st.text_input(_("Evidence (http or https link to the decision or document)"), key="a_url")
        note = st.text_area(_("Note"), key="a_note", max_chars=1000)
        sent = st.form_submit_button(_("Check"))
    if sent:
        if url.strip() and not rv.is_http_url(url):
            st.error(_("The evidence must be an http:// or https:// link."))
            st.session_state.pop("assessment_uploads", None)
        else:
            st.session_state["assessment_uploads"] = [(f"assessment_{nis}_{crit}_{on}.csv",
                                                       rv.assessment_csv(nis, crit, on, status, url, note))]
    uploads = st.session_state.get("assessment_uploads") or []
    if uploads:
        ui.checked_flow(uploads, ctx, "editor_assess", access, approve=True)

elif section == "publish":
    st.header(_("Publish"))
    records = etl_command.queue(DATA)
    approved = [r for r in records if r["status"] == "approved"]
    st.markdown(_("{n} approved submission(s) not yet public.", n=len(approved)))
    if approved:
        st.dataframe(rv.queue_table(approved, lang)[["id", "organisation", "submitted_at", "files", "decided_by"]],
                     hide_index=True, key="approved", column_config={
                         "id": _("Submission"), "organisation": _("Organisation"),
                         "submitted_at": _("Submitted (UTC)"), "files": _("Files"), "decided_by": _("Reviewed by")})

    if "publish_running" not in st.session_state:
        st.session_state["publish_running"] = etl_command.publish_status(DATA)["state"] in ("waiting", "running")
    if st.button(_("Publish now"), type="primary", key="publish",
                 disabled=st.session_state.get("publish_running", False)):
        st.session_state["publish_pid"] = etl_command.start_publish(user=access.email, data_dir=DATA,
                                                                    db=config.db_path())
        st.session_state["publish_running"] = True
        st.rerun()                                        # drawn again with the button disabled while it runs

    @st.fragment(run_every=2 if st.session_state["publish_running"] else None)
    def progress() -> None:
        """Polls the publishing process until it has finished, then refreshes the whole page once."""
        state = etl_command.publish_status(DATA, pid=st.session_state.get("publish_pid"))
        running = state["state"] in ("starting", "waiting", "running")
        label = {"none": _("Never published from here yet."), "starting": _("Starting the publish…"), "waiting": _("Waiting for another publish to finish…"),
                 "running": _("Publishing…"), "ok": _("Published."), "failed": _("Publishing failed; the published "
                                                                                "database was not changed."),
                 "refused": _("Refused: another publish was running.")}[state["state"]]
        box = {"ok": st.success, "failed": st.error, "refused": st.warning}.get(state["state"], st.info)
        box(label)
        if state.get("message"):
            st.text(state["message"])
        if state.get("started"):
            st.caption(_("Started {start} (UTC) by {user}; finished {end}", start=state["started"],
                         user=state.get("user", "?"), end=state.get("finished") or "…"))
        if state.get("problems"):
            ui.show_problems(ev.problem_table(state["problems"]), ctx, "publish_problems")
        if state.get("log"):
            with st.expander(_("Log"), expanded=running):
                st.code("\n".join(state["log"][-40:]), language=None)
        was = st.session_state["publish_running"]
        st.session_state["publish_running"] = running
        if was and not running:
            st.cache_data.clear()
            st.rerun(scope="app")

    progress()

else:
    st.header(_("Audit log"))
    st.caption(_("Every submission, refusal, approval, rejection and publish, with the user, the time (UTC) and the "
                 "sha256 of the files and of the published database. Private: it is never in the public database."))
    st.dataframe(rv.audit_table(etl_command.audit(DATA), lang), hide_index=True, key="audit", column_config={
        "at": _("Time (UTC)"), "event": _("Event"), "user": _("User"), "organisation": _("Organisation"),
        "submission": _("Submission"), "files": _("Files (sha256)"), "detail": _("Detail")})
