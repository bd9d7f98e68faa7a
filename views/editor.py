"""Editor: upload a filled template, read the validation report and the preview, publish.

Listed by app.py only for a signed-in user on the allow-list (dashboard.ui.auth); checked again here.
The ETL runs in its own process (``python -m etl archive | preview | load --json``, through
``dashboard.data.etl_command``): the app imports nothing of it. Each upload's working files live in a
private temporary folder of this session, removed when the next file comes or after publishing.
Nothing from an uploaded file is rendered as HTML: names, problems and values go to st.dataframe,
st.table, st.text or st.code only.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from dashboard import config
from dashboard.data import etl_command
from dashboard.data.snapshot import snapshot
from dashboard.model import editor as ev
from dashboard.text.plain import md
from dashboard.ui import auth
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

if not auth.can_edit():
    st.error(_("This page is for editors only."))
    st.stop()

DATA_DIR = config.data_dir()
LIMITS = st.session_state.get("etl_limits") or st.session_state.setdefault("etl_limits", etl_command.limits())
_logged_in, email = auth.current_user()
st.title(_("Editor"))
st.text(_("Signed in as {email}", email=email))
st.markdown(_("Upload a filled template: the five-tips **assessments** "
              "(nis_code, criterion_id, assessed_on, status, evidence_url, note) or **member data** (sites, jobs, "
              "re-use flows). You get a row-by-row report and a preview of what changes before you publish. "
              "Every uploaded file is archived first (time, uploader, sha256). The same path on the command line: "
              "`python -m etl load FILE`."))

upload = st.file_uploader(_("Filled template (.csv or .xlsx, at most 5 MB)"),
                          type=[s.lstrip(".") for s in LIMITS["suffixes"]],
                          max_upload_size=LIMITS["max_upload_bytes"] // (1024 * 1024), key="upload")
if upload is None:
    st.stop()

data = upload.getvalue()
name = Path(upload.name).name
digest = hashlib.sha256(data).hexdigest()
state = st.session_state.setdefault("editor", {})
if state.get("sha") != digest:
    # a new file: a private working folder for it (the previous one goes), then archive it first
    if state.get("work"):
        shutil.rmtree(state["work"], ignore_errors=True)
    state.clear()
    work = Path(tempfile.mkdtemp(prefix="bsim-upload-"))      # mode 0700, unpredictable name
    upload_file = work / ("upload" + Path(name).suffix.lower())
    upload_file.write_bytes(data)
    state.update(sha=digest, work=str(work), file=str(upload_file),
                 archived=etl_command.archive(upload_file, name=name, user=email or "unknown", data_dir=DATA_DIR))
work, tmp_file = Path(state["work"]), Path(state["file"])
st.caption(_("Archived: {name}, {size} bytes, sha256 {sha}", name=md(name), size=len(data), sha=digest[:16] + "…"))

if "preview" not in state or state.get("preview_lang") != lang:     # the report is in the reader's language
    state["preview_lang"] = lang
    out_db = work / "preview.duckdb"
    with st.spinner(_("Checking the file and building a preview…")):
        res = etl_command.preview(tmp_file, name=name, out_db=out_db, data_dir=DATA_DIR, lang=lang)
        if res.ok:
            diff = ev.diff_databases(snapshot(config.db_path()), snapshot(out_db))
            state["preview"] = {"ok": True, "kind": res.kind, "diff": diff, "notes": res.extra.get("notes") or []}
        else:
            state["preview"] = {"ok": False, "message": res.message,
                                "problems": ev.problem_table(res.problems, name, str(tmp_file), tmp_file.name)}
        out_db.unlink(missing_ok=True)
preview = state["preview"]

st.header(_("Validation report"))


def show_problems(rows, key: str) -> None:
    """Problems (or notes) with every reason readable in full: a table wraps its text (a scrolling grid,
    which cuts long text, only past 100 rows)."""
    rows = rows.astype(object).where(rows.notna(), "").rename(
        columns={"file": _("File"), "row": _("Row"), "column": _("Column"), "reason": _("Reason")})
    if len(rows) <= 100:
        st.table(rows, hide_index=True)
    else:
        st.dataframe(rows, hide_index=True, key=key)


if not preview["ok"]:
    st.error(_("The file has problems; nothing was published. Fix the rows below and upload again."))
    show_problems(preview["problems"], "problems")
    st.stop()
kinds = {"assessments": _("five-tips assessments"), "members": _("member data")}
st.success(_("No problem found: recognised as {kind}.", kind=kinds.get(preview["kind"], preview["kind"])))
if preview.get("notes"):          # what was accepted that the uploader should know (a header below title rows)
    st.info(_("The file was read, with these notes:"))
    show_problems(ev.problem_table(preview["notes"], name, str(tmp_file), tmp_file.name), "notes")

st.header(_("Preview of the changes"))
diff = preview["diff"]
if diff.empty:
    st.info(_("Publishing this file changes no figure and no assessment."))
else:
    summary = ev.change_summary(diff)
    names = ctx.communes.set_index("nis_code")
    summary.insert(1, "commune", [ctx.both_names(c) if c in names.index else c for c in summary["nis_code"]])
    st.dataframe(summary, hide_index=True, key="summary", column_config={
        "nis_code": _("NIS code"), "commune": _("Commune"), "table": _("Table"), "added": _("Added"),
        "changed": _("Changed"), "removed": _("Removed")})
    with st.expander(_("Every change ({n})", n=len(diff))):
        st.dataframe(diff.head(2000), hide_index=True, key="diff")

if st.button(_("Publish"), type="primary", key="publish"):
    with st.spinner(_("Publishing…")):
        res = etl_command.load(tmp_file, name=name, user=email or "unknown", data_dir=DATA_DIR, db=config.db_path(),
                               lang=lang)
    if not res.ok:
        st.error(_("Publishing failed; the published database was not changed."))
        show_problems(ev.problem_table(res.problems, name, str(tmp_file), tmp_file.name), "publish_problems")
        st.stop()
    st.cache_data.clear()
    shutil.rmtree(work, ignore_errors=True)
    state.clear()
    st.success(_("Published: {message}", message=res.run["message"]))
