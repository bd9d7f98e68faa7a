"""Editor: upload a filled template, read the validation report and the preview, publish.

Listed by app.py only for a signed-in user on the allow-list (dashboard.ui.auth); checked again here.
Nothing from an uploaded file is rendered as HTML: names, problems and values go to st.dataframe,
st.text or st.code only.
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from dashboard import config
from dashboard.data.snapshot import snapshot
from dashboard.model import editor as ev
from dashboard.ui import auth
from dashboard.ui.context import page_context

ctx = page_context()
_ = ctx._
lang = ctx.lang

if not auth.can_edit():
    st.error(_("This page is for editors only."))
    st.stop()

from etl.build import BuildError  # noqa: E402  (the editor is the one page that runs the ETL)
from etl.load_upload import MAX_UPLOAD_BYTES, archive, check_upload, load_file, preview_build, safe_name  # noqa: E402

DATA_DIR = config.data_dir()
_logged_in, email = auth.current_user()
st.title(_("Editor"))
st.text(_("Signed in as {email}", email=email))
st.markdown(_("Upload a filled template: the five-tips **assessments** "
              "(nis_code, criterion_id, assessed_on, status, evidence_url, note) or **member data** (sites, jobs, "
              "re-use flows). You get a row-by-row report and a preview of what changes before you publish. "
              "Every uploaded file is archived first (time, uploader, sha256). The same path on the command line: "
              "`python -m etl load FILE`."))

upload = st.file_uploader(_("Filled template (.csv or .xlsx, at most 5 MB)"), type=["csv", "xlsx"],
                          max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024), key="upload")
if upload is None:
    st.stop()

data = upload.getvalue()
name = Path(upload.name).name
digest = hashlib.sha256(data).hexdigest()
refused = check_upload(name, len(data))
state = st.session_state.setdefault("editor", {})
if state.get("sha") != digest:
    # a new file: archive it first, whatever happens next
    entry = archive(data, name, email or "unknown", DATA_DIR)
    state.clear()
    state.update(sha=digest, entry=entry)
st.caption(_("Archived: {name}, {size} bytes, sha256 {sha}", name=name, size=len(data), sha=digest[:16] + "…"))
if refused:
    st.error(_("File refused."))
    st.dataframe(ev.problem_table(refused), hide_index=True, key="refused")
    st.stop()

work = Path(tempfile.gettempdir()) / f"bsim-editor-{digest[:16]}"
work.mkdir(exist_ok=True)
tmp_file = work / ("upload" + Path(name).suffix.lower())
tmp_file.write_bytes(data)

if "preview" not in state:
    out_db = work / "preview.duckdb"
    out_db.unlink(missing_ok=True)
    with st.spinner(_("Checking the file and building a preview…")):
        try:
            kind = preview_build(tmp_file, original_name=name, data_dir=DATA_DIR, out_db=out_db,
                                 log=lambda *a: None)
            diff = ev.diff_databases(snapshot(config.db_path()), snapshot(out_db))
            state["preview"] = {"ok": True, "kind": kind, "diff": diff}
        except BuildError as exc:
            state["preview"] = {"ok": False, "problems": ev.problem_table(exc.problems, name, str(tmp_file), safe_name(name)),
                                "message": str(exc).splitlines()[0]}
preview = state["preview"]

st.header(_("Validation report"))
if not preview["ok"]:
    st.error(_("The file has problems; nothing was published. Fix the rows below and upload again."))
    st.dataframe(preview["problems"], hide_index=True, key="problems", column_config={
        "file": _("File"), "row": _("Row"), "column": _("Column"), "reason": _("Reason")})
    st.stop()
kinds = {"assessments": _("five-tips assessments"), "members": _("member data")}
st.success(_("No problem found: recognised as {kind}.", kind=kinds.get(preview["kind"], preview["kind"])))

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
        try:
            out = load_file(tmp_file, uploader=email or "unknown", original_name=name, data_dir=DATA_DIR,
                            db_path=config.db_path(), archived=state.get("entry"), log=lambda *a: None)
        except BuildError as exc:
            st.error(_("Publishing failed; the published database was not changed."))
            st.dataframe(ev.problem_table(exc.problems, name, str(tmp_file), safe_name(name)), hide_index=True, key="publish_problems")
            st.stop()
    st.cache_data.clear()
    state.clear()
    st.success(_("Published: {message}", message=out["run"]["message"]))
