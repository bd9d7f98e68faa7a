"""Widgets the editor and member pages share: take uploads (refused over the size cap before anything is
written), check them with ``python -m etl preview`` and show the row report, the notes and the changes per
commune, and a submission's details. Every ETL command is given the reader's language (``--lang``): its
problems, notes and messages come back in it, and a report is made again when the language changes.

Uploads live in this session's memory only (at most the ETL's cap, 5 MB a file). Each ETL command gets
them in a private temporary folder of its own (``tempfile.TemporaryDirectory``: mode 0700, unpredictable
name), removed as soon as the command has answered; the preview database is read there and goes with it.
Nothing from an uploaded file is rendered as HTML: names, problems and values go to st.dataframe, st.table or
st.text.
"""
from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from dashboard import config
from dashboard.data import etl_command
from dashboard.data.snapshot import snapshot
from dashboard.model import editor as ev
from dashboard.text.plain import md


def limits() -> dict:
    """The ETL's upload cap and suffixes, asked once per session."""
    if "etl_limits" not in st.session_state:
        st.session_state["etl_limits"] = etl_command.limits()
    return st.session_state["etl_limits"]


@contextmanager
def working_files(uploads: list[tuple[str, bytes]]):
    """The uploads as files in a private temporary folder, for one ETL command; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bsim-upload-") as tmp:
        files = []
        for i, (name, data) in enumerate(uploads):
            p = Path(tmp) / f"upload{i}{Path(name).suffix.lower()}"
            p.write_bytes(data)
            files.append((p, name))
        yield Path(tmp), files


def too_big(uploads: list[tuple[str, bytes]], _) -> list[dict]:
    """Problems for uploads over the cap or of another type — decided before anything is stored."""
    lim = limits()
    out = []
    for name, data in uploads:
        if len(data) > lim["max_upload_bytes"]:
            size, cap = f"{len(data) / 1e6:.1f}", f"{lim['max_upload_bytes'] / 1e6:.0f}"
            out.append({"file": name, "row": None, "column": None,
                        "reason": _("file is {size} MB, over the {cap} MB upload cap", size=size, cap=cap)})
        elif Path(name).suffix.lower() not in lim["suffixes"]:
            out.append({"file": name, "row": None, "column": None, "reason": _("only .csv and .xlsx files are accepted")})
    return out


def _uploaded_names(table, files: list[tuple[Path, str]]):
    """A problem table with the temporary copies under the uploaded names."""
    for p, name in files:
        table["file"] = table["file"].replace({str(p): name, p.name: name})
    return table


def check(uploads: list[tuple[str, bytes]], _, organisation: str | None = None, lang: str = "en") -> dict:
    """Run the preview; ``{"ok", "kinds", "diff", "notes"}`` (notes: a frame, what was accepted that the
    uploader should know) or ``{"ok": False, "problems"}`` (a frame), said in ``lang``."""
    refused = too_big(uploads, _)
    if refused:
        return {"ok": False, "problems": ev.problem_table(refused)}
    with working_files(uploads) as (tmp, files):
        out_db = tmp / "preview.duckdb"
        res = etl_command.preview(files, out_db=out_db, data_dir=config.data_dir(), organisation=organisation,
                                  lang=lang)
        if not res.ok:
            return {"ok": False, "problems": _uploaded_names(ev.problem_table(res.problems), files),
                    "message": res.message}
        diff = ev.diff_databases(snapshot(config.db_path()), snapshot(out_db))
    return {"ok": True, "kinds": res.extra.get("kinds") or [res.kind], "diff": diff,
            "notes": _uploaded_names(ev.problem_table(res.extra.get("notes") or []), files)}


def digest(uploads: list[tuple[str, bytes]]) -> str:
    return hashlib.sha256(b"".join(n.encode() + hashlib.sha256(d).digest() for n, d in uploads)).hexdigest()


def checked(uploads: list[tuple[str, bytes]], key: str, _, organisation: str | None = None,
            lang: str = "en") -> dict:
    """The preview of these uploads, run once per distinct set of files and language (kept in the session)."""
    state = st.session_state.setdefault(key, {})
    sha = digest(uploads)
    if state.get("sha") != sha or state.get("lang") != lang:       # the report is in the reader's language
        with st.spinner(_("Checking the file and building a preview…")):
            state.clear()
            state.update(sha=sha, lang=lang, preview=check(uploads, _, organisation, lang))
    return state["preview"]


def show_problems(rows, ctx, key: str) -> None:
    """Problems (or notes) with every reason readable in full: a table wraps its text (a scrolling grid,
    which cuts long text, only past 100 rows)."""
    _ = ctx._
    rows = rows.astype(object).where(rows.notna(), "").rename(
        columns={"file": _("File"), "row": _("Row"), "column": _("Column"), "reason": _("Reason")})
    if len(rows) <= 100:
        st.table(rows, hide_index=True)
    else:
        st.dataframe(rows, hide_index=True, key=key)


def show_report(preview: dict, ctx, key: str) -> bool:
    """The row-by-row report and the changes per commune; True when the uploads passed every check."""
    _ = ctx._
    st.subheader(_("Validation report"))
    if not preview["ok"]:
        st.error(_("The file has problems; nothing was stored or published. Fix the rows below and upload again."))
        show_problems(preview["problems"], ctx, f"{key}_problems")
        return False
    kinds = {"assessments": _("five-tips assessments"), "members": _("member data")}
    st.success(_("No problem found: recognised as {kind}.",
                 kind=", ".join(dict.fromkeys(kinds.get(k, k) for k in preview["kinds"]))))
    notes = preview.get("notes")
    if notes is not None and len(notes):    # what was accepted that the uploader should know (a header below title rows)
        st.info(_("The file was read, with these notes:"))
        show_problems(notes, ctx, f"{key}_notes")
    show_changes(preview["diff"], ctx, key)
    return True


def show_changes(diff, ctx, key: str) -> None:
    _ = ctx._
    st.subheader(_("Preview of the changes"))
    if diff.empty:
        st.info(_("Publishing this file changes no figure and no assessment."))
        return
    summary = ev.change_summary(diff)
    names = ctx.communes.set_index("nis_code")
    summary.insert(1, "commune", [ctx.both_names(c) if c in names.index else c for c in summary["nis_code"]])
    st.dataframe(summary, hide_index=True, key=f"{key}_summary", column_config={
        "nis_code": _("NIS code"), "commune": _("Commune"), "table": _("Table"), "added": _("Added"),
        "changed": _("Changed"), "removed": _("Removed")})
    with st.expander(_("Every change ({n})", n=len(diff))):
        st.dataframe(diff.head(2000), hide_index=True, key=f"{key}_diff")


def uploads_from(files) -> list[tuple[str, bytes]]:
    """(original name, bytes) of st.file_uploader files (one or several)."""
    if files is None:
        return []
    files = files if isinstance(files, list) else [files]
    return [(Path(f.name).name, f.getvalue()) for f in files]


def submit(uploads: list[tuple[str, bytes]], *, user: str, role: str, organisation: str | None,
           note: str | None = None, lang: str = "en") -> etl_command.EtlResult:
    """Queue the uploads for review (the ETL checks them again and archives them); said in ``lang``."""
    with working_files(uploads) as (_tmp, files):
        res = etl_command.submit(files, user=user, role=role, organisation=organisation, data_dir=config.data_dir(),
                                 db=config.db_path(), note=note, lang=lang)
        if res.problems:
            res = dataclasses.replace(res, problems=_uploaded_names(ev.problem_table(res.problems), files)
                                      .to_dict("records"))
        return res


def queued_preview(record: dict, ctx, key: str) -> dict:
    """The preview of a queued submission against the database as published now (its archived files),
    computed once per submission and database version."""
    cache = st.session_state.setdefault(key, {})
    k = (record["id"], ctx.ver, ctx.lang)
    if k not in cache:
        root = config.ROOT
        files = [(Path(f["archive_path"]) if Path(f["archive_path"]).is_absolute() else root / f["archive_path"],
                  f["name"]) for f in record["files"]]
        with tempfile.TemporaryDirectory(prefix="bsim-review-") as tmp, st.spinner(ctx._("Building a preview…")):
            out_db = Path(tmp) / "preview.duckdb"
            res = etl_command.preview(files, out_db=out_db, data_dir=config.data_dir(), lang=ctx.lang,
                                      submission=record["id"])
            cache.clear()
            cache[k] = ({"ok": True, "kinds": res.extra.get("kinds") or [res.kind],
                         "diff": ev.diff_databases(snapshot(config.db_path()), snapshot(out_db)),
                         "notes": ev.problem_table(res.extra.get("notes") or [])} if res.ok else
                        {"ok": False, "problems": ev.problem_table(res.problems)})
    return cache[k]


def result_message(res: etl_command.EtlResult, ok_text: str, ctx, key: str,
                   on_ok: Callable[[], None] | None = None) -> None:
    """Say how an ETL step went: its message, and the problems when it failed."""
    if res.ok:
        st.success(ok_text)
        if on_ok:
            on_ok()
    else:
        st.error(md(res.message))    # the message names files: plain text
        if res.problems:
            show_problems(ev.problem_table(res.problems), ctx, f"{key}_problems")


def checked_flow(uploads: list[tuple[str, bytes]], ctx, key: str, access, *, approve: bool) -> None:
    """Report and preview of these uploads, then one button: a member's "Submit for review", or an editor's
    "Approve for publishing" (queued and approved at once; the Publish section makes it public)."""
    _ = ctx._
    organisation = access.organisation if access.role == "member" else None
    preview = checked(uploads, f"{key}_check", _, organisation, ctx.lang)
    if not show_report(preview, ctx, key):
        return
    if access.role == "editor" and "members" in preview["kinds"]:
        # an editor loading a member's file: the organisation that reported it, for the public provenance
        organisation = st.text_input(_("Reported by (the member organisation, if the file is a member's)"),
                                     key=f"{key}_org", max_chars=200).strip() or None
    note = st.text_input(_("A word for the reviewers (optional)"), key=f"{key}_note", max_chars=500)
    label = _("Approve for publishing") if approve else _("Submit for review")
    if not st.button(label, type="primary", key=f"{key}_submit"):
        return
    with st.spinner(_("Archiving and checking…")):
        res = submit(uploads, user=access.email, role=access.role, organisation=organisation, note=note or None,
                     lang=ctx.lang)
        if res.ok and approve:
            sid = res.extra["submission"]["id"]
            res = etl_command.approve(sid, user=access.email, data_dir=config.data_dir(), db=config.db_path(),
                                      lang=ctx.lang)
    if not res.ok:
        result_message(res, "", ctx, f"{key}_result")
        return
    record = res.extra["submission"]
    st.session_state.pop(f"{key}_check", None)
    st.session_state[f"{key}_n"] = st.session_state.get(f"{key}_n", 0) + 1    # a fresh, empty uploader
    st.session_state[f"{key}_done"] = record["id"]
    st.rerun()


def done_notice(key: str, ctx, approve: bool) -> None:
    """What happened to the last submission of this form (shown once after the rerun)."""
    sid = st.session_state.pop(f"{key}_done", None)
    if sid:
        _ = ctx._
        st.success(_("Approved: {id}. Publish it in the Publish section.", id=sid) if approve else
                   _("Submitted: {id}. It is waiting for review by the federation's editors; it is not public yet.",
                     id=sid))


def uploader(ctx, key: str) -> list[tuple[str, bytes]]:
    """One or several filled templates (the widget is renewed after each submission)."""
    _ = ctx._
    lim = limits()
    files = st.file_uploader(
        _("Filled templates (.csv or .xlsx, at most {cap} MB each)", cap=lim["max_upload_bytes"] // (1024 * 1024)),
        type=[s.lstrip(".") for s in lim["suffixes"]], accept_multiple_files=True,
        max_upload_size=max(1, lim["max_upload_bytes"] // (1024 * 1024)),
        key=f"{key}_upload_{st.session_state.get(f'{key}_n', 0)}")
    return uploads_from(files)
