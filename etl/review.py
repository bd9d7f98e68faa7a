"""The review queue between an upload and the public database: submit → approve | reject → publish.

Everything here lives in ``data/private/`` (beside ``data/archive/``), never in the public database:

* ``submissions/<id>.json`` — one record per submission: who (e-mail, role, organisation), when, its files
  (original name, archive copy, sha256, kind), status ``submitted`` → ``approved`` | ``rejected`` →
  ``published``, who decided, when and why;
* ``audit.jsonl`` — one line per step (submitted, refused, approved, rejected, published) with user,
  time and sha256s: the editors' audit log;
* ``refused/`` — the files of refused submissions, kept only for their report: at most
  ``$BSIM_REFUSED_KEEP`` files (default 50) and ``$BSIM_REFUSED_DAYS`` days (default 7);
* ``publish.lock`` (``etl.publish.writer_lock``) and ``publish_status.json`` (the last publish: state,
  user, times, message, its log), which the editor page polls.

A submission's files are archived (``data/archive/``, forever) once they pass every check; an approval
copies them into the ETL inputs (``data/members/`` or ``data/assessments/``) under a name of their own
(``<submission id>_<name>``), so a new round never replaces an earlier one of the same file name (history
is append-only), and checks that the inputs still build (a scratch build; the published file is untouched).
``publish`` rebuilds and swaps the public database (``etl.build``) and marks the approved submissions
published. Approvals, publishes and loads hold the writer lock, so they never interleave.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .build import BuildError, build
from .errors import Problem
from .load_upload import archived_entry
from .messages import Message
from .publish import PublishBusy, writer_lock
from .sources.base import ROOT, rel
from .submissions import PRIVATE, queue

STATUSES = ("submitted", "approved", "rejected", "published")
ROLES = ("member", "editor")
REFUSED_KEEP_ENV, REFUSED_DAYS_ENV = "BSIM_REFUSED_KEEP", "BSIM_REFUSED_DAYS"
# the codes of a refusal for bytes already loaded or waiting for review (``load_upload.repeated``)
REPEATED = ("already_loaded", "already_submitted", "same_file_in_upload")
ID_RE = re.compile(r"S\d{8}T\d{6}\d{6}Z-[0-9a-f]{8}")


class ReviewError(Exception):
    """A step that cannot be taken (unknown submission, wrong status, missing reason)."""


def private_dir(data_dir: Path) -> Path:
    d = Path(data_dir) / PRIVATE
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _write_json(path: Path, doc: dict) -> None:
    """Whole or not at all: a temp file in the same folder, flushed, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1, default=str)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def audit(data_dir: Path, event: str, user: str, **fields) -> dict:
    """Append one line to the audit log."""
    entry = {"at": _now(), "event": event, "user": user, **{k: v for k, v in fields.items() if v is not None}}
    with open(private_dir(data_dir) / "audit.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def audit_log(data_dir: Path) -> list[dict]:
    path = Path(data_dir) / PRIVATE / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ----------------------------------------------------------------------------- refused files, bounded

def keep_refused(data_dir: Path, data: bytes, name: str, now: float | None = None) -> Path:
    """Keep a refused file for its report, then prune ``refused/`` to its bounds (count and age)."""
    from .load_upload import safe_name
    folder = private_dir(data_dir) / "refused"
    folder.mkdir(exist_ok=True, mode=0o700)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    dest = folder / f"{stamp}_{hashlib.sha256(data).hexdigest()[:8]}_{safe_name(name)}"
    dest.write_bytes(data)
    prune_refused(data_dir, now)
    return dest


def prune_refused(data_dir: Path, now: float | None = None) -> list[Path]:
    """Remove refused files past ``$BSIM_REFUSED_DAYS`` days, then all but the newest ``$BSIM_REFUSED_KEEP``."""
    folder = Path(data_dir) / PRIVATE / "refused"
    if not folder.exists():
        return []
    keep = int(os.environ.get(REFUSED_KEEP_ENV, "50"))
    max_age = float(os.environ.get(REFUSED_DAYS_ENV, "7")) * 86400
    now = time.time() if now is None else now
    files = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime, reverse=True)
    gone = [p for i, p in enumerate(files) if i >= keep or now - p.stat().st_mtime > max_age]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


# ----------------------------------------------------------------------------- submissions

def _record_path(data_dir: Path, sid: str) -> Path:
    if not ID_RE.fullmatch(sid or ""):
        raise ReviewError(f"'{sid}' is not a submission id")
    return Path(data_dir) / PRIVATE / "submissions" / f"{sid}.json"


def get(data_dir: Path, sid: str) -> dict:
    path = _record_path(data_dir, sid)
    if not path.exists():
        raise ReviewError(f"no submission {sid}")
    return json.loads(path.read_text(encoding="utf-8"))


def submit(files: list[tuple[Path, str]], *, user: str, role: str, organisation: str | None, data_dir: Path,
           db_path: Path | None = None, out_db: Path | None = None, note: str | None = None, log=print) -> dict:
    """Check the files (size and type first, before anything is stored; then the template, the rows, the
    organisation's ownership for a member, and a scratch build with the current inputs), archive them and
    queue the submission. Raises ``BuildError`` with every problem; a refused submission's files are kept in
    ``refused/`` for a bounded time (never those over the size cap, which are not stored at all, nor those
    already loaded or waiting for review: the same file twice is refused, ``load_upload.repeated``)."""
    from .load_upload import archive, check_upload, preview_build
    if role not in ROLES:
        raise ReviewError(f"role must be one of {', '.join(ROLES)}")
    if role == "member" and not organisation:
        raise ReviewError("a member submission needs its organisation")
    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    blobs = []
    problems: list[Problem] = []
    for path, name in files:
        size = Path(path).stat().st_size if Path(path).is_file() else -1
        if size < 0:
            problems.append(Problem(name, None, None, Message("file_not_found")))
            continue
        problems += check_upload(name, size)
        blobs.append((Path(path), name))
    if problems:
        audit(data_dir, "refused", user, role=role, organisation=organisation,
              files=[{"name": n} for _p, n in files], problems=len(problems))
        raise BuildError(Message("upload_refused"), problems)
    contents = [(p, n, p.read_bytes()) for p, n in blobs]
    with tempfile.TemporaryDirectory(prefix="bsim-submit-") as tmp:
        try:
            kinds, notes = preview_build(contents and [(p, n) for p, n, _d in contents], data_dir=data_dir,
                                         out_db=Path(out_db) if out_db else Path(tmp) / "check.duckdb", log=log,
                                         organisation=organisation if role == "member" else None, db_path=db_path)
        except BuildError as exc:
            # a file already loaded or waiting is not kept again: its bytes are an input or in the archive
            repeats = {p.file for p in exc.problems if p.code in REPEATED}
            kept = [rel(keep_refused(data_dir, d, n)) for _p, n, d in contents if n not in repeats]
            audit(data_dir, "refused", user, role=role, organisation=organisation,
                  files=[{"name": n, "sha256": hashlib.sha256(d).hexdigest()} for _p, n, d in contents],
                  problems=len(exc.problems))
            exc.refused = kept
            raise
    now = dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for _p, _n, d in contents)).hexdigest()
    sid = f"S{now.strftime('%Y%m%dT%H%M%S%fZ')}-{digest[:8]}"
    entries = []
    for (_p, name, d), kind in zip(contents, kinds):
        entry = archive(d, name, user, data_dir, kind=kind, submission=sid)
        entries.append({"name": name, "archive_path": entry["archive_path"], "sha256": entry["sha256"],
                        "bytes": len(d), "kind": kind, "staged": None})
    record = {"id": sid, "status": "submitted", "role": role, "organisation": organisation or "",
              "submitted_by": user, "submitted_at": now.strftime("%Y-%m-%d %H:%M:%S"), "note": note or "",
              "files": entries, "decided_by": None, "decided_at": None, "reason": None, "published_at": None,
              "notes": [n.as_dict() for n in notes]}
    _write_json(_record_path(data_dir, sid), record)
    audit(data_dir, "submitted", user, submission=sid, role=role, organisation=organisation,
          files=[{"name": e["name"], "sha256": e["sha256"], "kind": e["kind"]} for e in entries])
    return {**record, "notes": notes}


def _archived(path: str) -> Path:
    from .sources.base import ROOT
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def _stage(data_dir: Path, record: dict) -> list[Path]:
    """Copy the submission's archived files into the inputs under names of their own (atomically: a
    hidden temp name first, which no source reads, then ``os.replace``)."""
    from .load_upload import safe_name
    from .sources import REGISTRY
    folders = {s.kind: s.upload_dir for s in REGISTRY if s.uploadable}
    staged = []
    for f in record["files"]:
        folder = Path(data_dir) / folders[f["kind"]]
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{record['id']}_{safe_name(f['name'])}"
        tmp = folder / f".staging-{os.getpid()}.part"
        shutil.copyfile(_archived(f["archive_path"]), tmp)
        if hashlib.sha256(tmp.read_bytes()).hexdigest() != f["sha256"]:
            tmp.unlink(missing_ok=True)
            raise ReviewError(f"the archived copy of {f['name']} does not match its sha256")
        os.replace(tmp, dest)
        f["staged"] = rel(dest)
        staged.append(dest)
    return staged


def approve(data_dir: Path, sid: str, *, user: str, db_path: Path | None = None, publish: bool = False,
            log=print) -> dict:
    """Stage a submitted submission into the inputs and check they build (``publish``: build and publish
    the public database at once, as ``python -m etl load`` does). A failed build unstages it and says why;
    the submission stays submitted."""
    from .load_upload import _as_uploaded, last_boundaries
    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    with writer_lock(data_dir, user, f"approval of {sid}"):
        record = get(data_dir, sid)
        if record["status"] != "submitted":
            raise ReviewError(f"{sid} is {record['status']}, not waiting for review")
        staged = _stage(data_dir, record)
        try:
            with tempfile.TemporaryDirectory(prefix="bsim-approve-") as tmp:
                run = build(data_dir, db_path if publish else Path(tmp) / "check.duckdb",
                            boundaries=last_boundaries(db_path), log=log)
        except BaseException as exc:
            for p in staged:
                p.unlink(missing_ok=True)
            if isinstance(exc, BuildError):
                for p, f in zip(staged, record["files"]):
                    exc = _as_uploaded(exc, p, f["name"])
            raise exc
        record.update(status="approved", decided_by=user, decided_at=_now())
        _write_json(_record_path(data_dir, sid), record)
        audit(data_dir, "approved", user, submission=sid, organisation=record["organisation"] or None,
              files=[{"name": f["name"], "sha256": f["sha256"], "staged": f["staged"]} for f in record["files"]])
        if publish:
            _mark_published(data_dir, db_path, user, run)
    return record


def reject(data_dir: Path, sid: str, *, user: str, reason: str) -> dict:
    """Refuse a submitted submission with a reason (kept in its record and the audit log; its archived
    files stay in the archive)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("a rejection needs a reason")
    with writer_lock(Path(data_dir), user, f"rejection of {sid}"):
        record = get(data_dir, sid)
        if record["status"] != "submitted":
            raise ReviewError(f"{sid} is {record['status']}, not waiting for review")
        record.update(status="rejected", decided_by=user, decided_at=_now(), reason=reason[:2000])
        _write_json(_record_path(data_dir, sid), record)
        audit(data_dir, "rejected", user, submission=sid, organisation=record["organisation"] or None,
              reason=record["reason"], files=[{"name": f["name"], "sha256": f["sha256"]} for f in record["files"]])
    return record


def _mark_published(data_dir: Path, db_path: Path, user: str, run: dict) -> list[str]:
    with open(db_path, "rb") as fh:
        db_sha = hashlib.file_digest(fh, "sha256").hexdigest()
    done = []
    for record in queue(data_dir):
        if record["status"] == "approved":
            record.update(status="published", published_at=_now(), published_run=run["run_id"])
            _write_json(_record_path(data_dir, record["id"]), record)
            done.append(record["id"])
    audit(data_dir, "published", user, run=run["run_id"], db_sha256=db_sha, submissions=done, message=run["message"])
    return done


# ----------------------------------------------------------------------------- publishing, with its status

def status_path(data_dir: Path) -> Path:
    return Path(data_dir) / PRIVATE / "publish_status.json"


def publish_status(data_dir: Path) -> dict:
    """The last publish as the editor page shows it (``{"state": "none"}`` before the first). A publish
    whose process died without finishing reads as ``failed``."""
    path = status_path(data_dir)
    if not path.exists():
        return {"state": "none"}
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("state") in ("waiting", "running") and doc.get("pid") and not _alive(int(doc["pid"])):
        doc.update(state="failed", message="the publishing process ended before it finished; the published "
                                           "database was not changed")
    return doc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(data_dir: Path, *, user: str, db_path: Path | None = None, log=print) -> dict:
    """Rebuild and publish the public database from the inputs (approved submissions included), holding
    the writer lock; ``publish_status.json`` follows every step (waiting, running, ok | failed | refused)."""
    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    from .load_upload import last_boundaries
    state = {"state": "waiting", "user": user, "pid": os.getpid(), "started": _now(), "finished": None,
             "message": "waiting for the publish lock", "log": []}
    path = status_path(data_dir)
    _write_json(path, state)

    def step(*parts) -> None:
        line = " ".join(str(p) for p in parts)
        log(line)
        state["log"] = (state["log"] + [line])[-200:]
        _write_json(path, state)

    try:
        with writer_lock(data_dir, user, "publish"):
            state.update(state="running", message="building the database")
            step("publish: lock taken, building")
            run = build(data_dir, db_path, boundaries=last_boundaries(db_path), log=step)
            done = _mark_published(data_dir, db_path, user, run)
    except PublishBusy as exc:
        state.update(state="refused", finished=_now(), message=str(exc))
        _write_json(path, state)
        raise
    except BuildError as exc:
        state.update(state="failed", finished=_now(), message=str(exc).splitlines()[0],
                     problems=[p.as_dict() for p in exc.problems[:200]])
        _write_json(path, state)
        audit(data_dir, "publish_failed", user, message=state["message"])
        raise
    except BaseException as exc:
        state.update(state="failed", finished=_now(), message=f"{type(exc).__name__}: {exc}"[:2000])
        _write_json(path, state)
        raise
    state.update(state="ok", finished=_now(), run=run, submissions=done,
                 message=f"published: {run['message']}" + (f"; {len(done)} submission(s)" if done else ""))
    _write_json(path, state)
    return state


def load_file(path: Path | str, *, uploader: str, data_dir: Path = ROOT / "data", db_path: Path | None = None,
              original_name: str | None = None, log=print) -> dict:
    """Check, archive, stage, build and publish one upload (``submit`` then ``approve``, publishing).
    Returns ``{"archive": entry, "kind": ..., "run": record, "submission": id, "notes": [...]}`` (``notes``:
    what was accepted that the uploader should know, e.g. a header found below title rows).

    Raises ``BuildError`` (with problems) when the file is refused; the published database is unchanged and
    the file is kept only in ``private/refused/`` (bounded), or not at all when it is over the size cap or
    already loaded. The archive entry is made once, by the submission (``etl.review.submit``).
    """
    data_dir = Path(data_dir)
    name = original_name or Path(path).name
    record = submit([(Path(path), name)], user=uploader, role="editor", organisation=None, data_dir=data_dir,
                    db_path=db_path, log=log)
    approve(data_dir, record["id"], user=uploader, db_path=db_path, publish=True, log=log)
    entry = archived_entry(data_dir, record["files"][0]["sha256"])
    runs = Path(db_path or data_dir / "impact.duckdb").parent / "etl_runs.jsonl"
    run = json.loads(runs.read_text(encoding="utf-8").splitlines()[-1])
    return {"archive": entry, "kind": record["files"][0]["kind"], "run": run, "submission": record["id"],
            "notes": record["notes"]}
