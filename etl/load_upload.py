"""Uploads: ``python -m etl load FILE`` checks an upload, archives it, files it as an input, rebuilds and
publishes; ``python -m etl preview FILE...`` builds what the database would become, into a scratch file;
``python -m etl archive FILE`` only archives; ``python -m etl limits`` gives the size cap and suffixes.

The same path serves the editor page, through the review queue (``etl.review``). Steps of a load:

1. **size and type first**: a file over the cap or of another type is refused before anything is stored;
2. **detect** the template by its header: the first uploadable source of the registry that claims it
   (the five-tips assessments, or a member template), and check its rows with a scratch build;
3. **archive**: the bytes are copied to ``data/archive/YYYYmmddTHHMMSSZ_<sha8>_<name>`` and a line
   (time, uploader, sha256, original name, size, kind, submission) is appended to ``data/archive/index.jsonl``;
   a refused file is not archived: it is kept in ``data/private/refused/`` for a bounded time (``etl.review``);
4. **stage**: copy it into that source's input folder (``data/assessments/`` or ``data/members/``) under a
   name of its own (``<submission id>_<name>``): a new upload with the same name never replaces an
   earlier one (history is append-only; a later member round replaces the same site-year figures only);
5. **build** with ``etl.build.build`` (new file, checks, atomic swap), holding the writer lock. If the
   build fails, the staged file is removed and the published database is untouched.

Between 1 and 2, **the same file twice** is refused: bytes whose sha256 is that of an input the
published database was built from (a member file, an assessment round), of the example data (whether
or not the last build included it), of a file already in an upload folder (an approved submission: the
inputs of the next build), of a submission still waiting for review, or of another file of the same
submission would count the same rows again (or pass example data as reported data); nothing changes and
the message says which input it repeats. Preview and submit refuse it the same way, so no upload is ever
archived twice.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .build import BuildError, build
from .errors import InputError, Problem
from .messages import Message
from .sources import REGISTRY, claiming
from .sources.base import ROOT, ROUND_RE, rel

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# a preview stages the upload as the newest round of all (``sources.base.ROUND_RE``)
PREVIEW_ROUND = "S99991231T235959999999Z-fffffff"
ALLOWED_SUFFIXES = (".csv", ".xlsx")


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: letters, digits, ``.-_`` only."""
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "upload"
    return f"{stem[:80]}{suffix.lower()}"


def limits() -> dict:
    """What an upload may be (``python -m etl limits --json``)."""
    return {"max_upload_bytes": MAX_UPLOAD_BYTES, "suffixes": list(ALLOWED_SUFFIXES)}


def check_upload(name: str, size: int, max_bytes: int = MAX_UPLOAD_BYTES) -> list[Problem]:
    problems = []
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        problems.append(Problem(name, None, None, Message("upload_suffix")))
    if size > max_bytes:
        problems.append(Problem(name, None, None, Message("upload_too_big", size_mb=round(size / 1e6, 1),
                                                          cap_mb=float(round(max_bytes / 1e6)))))
    if size == 0:
        problems.append(Problem(name, None, None, Message("file_empty")))
    return problems


def archive(data: bytes, original_name: str, uploader: str, data_dir: Path, kind: str | None = None,
            submission: str | None = None) -> dict:
    """Keep the upload forever: copy + one JSON line in ``archive/index.jsonl``. Returns the entry."""
    adir = Path(data_dir) / "archive"
    adir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    base = f"{stamp}_{digest[:8]}_{safe_name(original_name)}"
    dest, n = adir / base, 1
    while dest.exists():                      # same file, same second: keep both
        n += 1
        dest = adir / f"{stamp}_{digest[:8]}_{n}_{safe_name(original_name)}"
    with open(dest, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    entry = {"archived_at": now.strftime("%Y-%m-%d %H:%M:%S"), "uploader": uploader or "unknown",
             "sha256": digest, "original_name": str(original_name)[:300], "bytes": len(data),
             "archive_path": rel(dest), "kind": kind, "submission": submission}
    with open(adir / "index.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


NOT_A_TEMPLATE = Message("not_a_template")


def detect(path: Path, name: str):
    """The first uploadable source of the registry that claims the file (by its header, any language);
    BuildError when none does (naming the sheet read, for a workbook)."""
    try:
        source = claiming(path, uploadable=True)
    except InputError as exc:
        raise BuildError(Message("upload_refused"), [dataclasses.replace(p, file=name) for p in exc.problems]) from None
    if source is None:
        sheet = None
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from .workbook import sheet_title
            sheet = sheet_title(path)
        reason = Message("not_a_template_sheet", sheet=sheet) if sheet else NOT_A_TEMPLATE
        raise BuildError(Message("upload_refused"), [Problem(name, 1, None, reason)])
    return source


def loaded_inputs(data_dir: Path, db_path: Path) -> dict[str, Path]:
    """sha256 -> path of every input the published database was built from, of every file in an
    upload folder (the inputs of the next build: approved submissions among them) and of every file of
    the example set (``data/example/``): the example set is left out of a build as soon as real data of
    its kind is present, so it is no input of that database, yet its bytes uploaded as a member file or an
    assessment round would pass example rows as reported ones."""
    import duckdb
    out: dict[str, Path] = {}
    folders = [Path(data_dir) / s.upload_dir for s in REGISTRY if s.upload_dir] + [Path(data_dir) / "example"]
    for folder in folders:
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file() and not f.name.startswith("."):
                    out.setdefault(hashlib.sha256(f.read_bytes()).hexdigest(), f)
    if Path(db_path).exists():
        try:
            with duckdb.connect(str(db_path), read_only=True) as con:
                for digest, path in con.execute("SELECT sha256, path FROM etl_input").fetchall():
                    out.setdefault(digest, Path(path) if Path(path).is_absolute() else ROOT / path)
        except duckdb.Error:
            pass
    return out


def waiting_inputs(data_dir: Path, but: str | None = None) -> dict[str, dict]:
    """sha256 -> the file entry (name, submitted_at) of every submission still waiting for review (but the
    submission ``but``)."""
    from .submissions import queue
    out: dict[str, dict] = {}
    for record in queue(data_dir):
        if record.get("status") == "submitted" and record["id"] != but:
            for f in record["files"]:
                out.setdefault(f["sha256"], {"name": f["name"], "submitted_at": record["submitted_at"]})
    return out


def _shown(path: Path, data_dir: Path) -> str:
    """An input as it lies in the data folder (no server path in a member's message), a submitted round
    under the name it was uploaded with (without its ``<submission id>_``)."""
    parts = path.parts
    top = Path(data_dir).name
    shown = "/".join(parts[len(parts) - parts[::-1].index(top):]) if top in parts else path.name
    head, _, tail = shown.rpartition("/")
    tail = ROUND_RE.sub("", tail, count=1)
    return f"{head}/{tail}" if head else tail


def repeated(files: list[tuple[bytes, str]], data_dir: Path, db_path: Path, submission: str | None = None
             ) -> list[Problem]:
    """A problem for each upload (bytes, name) that is already an input, waiting for review, or the same
    bytes as an earlier file of this upload (see the module docstring). ``submission``: these files are
    that queued submission's (its review preview), not a new upload of them."""
    if not files:
        return []
    known = loaded_inputs(data_dir, db_path)
    waiting = waiting_inputs(data_dir, but=submission)
    seen: dict[str, str] = {}
    problems = []
    for data, name in files:
        digest = hashlib.sha256(data).hexdigest()
        if digest in known:
            path = known[digest]
            uploaded = any(path.parent.name == s.upload_dir for s in REGISTRY if s.upload_dir)
            if uploaded and path.exists():
                when = Message("already_loaded_time", time=dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                               .strftime("%Y-%m-%d %H:%M"))
            else:
                when = Message("already_loaded_unknown_time")
            problems.append(Problem(name, None, None, Message("already_loaded", path=_shown(path, data_dir),
                                                              when=when)))
        elif digest in waiting:
            problems.append(Problem(name, None, None, Message("already_submitted", name=waiting[digest]["name"],
                                                              time=waiting[digest]["submitted_at"][:16])))
        elif digest in seen:
            problems.append(Problem(name, None, None, Message("same_file_in_upload", name=seen[digest])))
        seen.setdefault(digest, name)
    return problems


def check_not_loaded(data: bytes, name: str, data_dir: Path, db_path: Path) -> None:
    """BuildError when these bytes are already an input or waiting for review (``repeated``)."""
    problems = repeated([(data, name)], data_dir, db_path)
    if problems:
        raise BuildError(Message("upload_refused"), problems)


def scratch_copy(data_dir: Path, tmp: Path) -> Path:
    """A copy of the inputs (not the database, archive or build leftovers) to build a preview from."""
    data_dir = Path(data_dir)
    dest = Path(tmp) / "data"
    shutil.copytree(data_dir, dest, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", "archive", "private",
                                                                    "etl_runs.jsonl", ".build-*"))
    return dest


def last_boundaries(db_path: Path) -> str | None:
    """The boundary file the published database was built with (so a load keeps the geometry)."""
    import duckdb
    db_path = Path(db_path)
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            row = con.execute("SELECT boundaries FROM etl_run ORDER BY finished_at DESC LIMIT 1").fetchone()
    except duckdb.Error:
        return None
    if not row or not row[0]:
        return None
    p = Path(row[0]) if Path(row[0]).is_absolute() else ROOT / row[0]
    return str(p) if p.exists() else None


def archived_entry(data_dir: Path, sha256: str) -> dict | None:
    """The latest line of ``archive/index.jsonl`` for these bytes, or None."""
    index = Path(data_dir) / "archive" / "index.jsonl"
    if not index.exists():
        return None
    entries = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next((e for e in reversed(entries) if e.get("sha256") == sha256), None)


def preview_build(files, *, data_dir: Path = ROOT / "data", original_name: str | None = None, out_db: Path,
                  boundaries: str | None = None, with_example: bool | None = None, log=print,
                  organisation: str | None = None, db_path: Path | None = None, submission: str | None = None):
    """Build what the database would become with these uploads into ``out_db`` (a scratch copy of the
    inputs; nothing under ``data_dir`` changes, nothing is archived). ``files``: a path, or a list of
    (path, shown name). ``organisation``: a member organisation's submission, checked for ownership
    (``etl.ownership``) against the published database ``db_path``. ``submission``: the queued submission
    these files are (an editor's review), so they are not refused as waiting. Returns the kind (one file) or the
    list of kinds, and the notes about the uploads (``build``), named after the uploaded files."""
    from .ownership import check_ownership
    single = not isinstance(files, list)
    files = [(Path(files), original_name or Path(files).name)] if single else [(Path(p), n) for p, n in files]
    data_dir = Path(data_dir)
    db_path = Path(db_path or data_dir / "impact.duckdb")
    problems, sources = [], []
    for path, name in files:
        if not path.is_file():
            problems.append(Problem(name, None, None, Message("file_not_found")))
            continue
        problems += check_upload(name, path.stat().st_size)
    if problems:
        raise BuildError(Message("upload_refused"), problems)
    problems = repeated([(path.read_bytes(), name) for path, name in files], data_dir, db_path, submission)
    if problems:
        raise BuildError(Message("upload_refused"), problems)
    for path, name in files:
        try:
            sources.append(detect(path, name))
        except BuildError as exc:
            problems += exc.problems
    if problems:
        raise BuildError(Message("upload_refused"), problems)
    if organisation:
        problems = check_ownership([(p, n, s.kind) for (p, n), s in zip(files, sources)], organisation, db_path)
        if problems:
            raise BuildError(Message("upload_not_yours"), problems)
    with tempfile.TemporaryDirectory(prefix="bsim-preview-") as tmp:
        scratch = scratch_copy(data_dir, Path(tmp))
        staged = []
        for i, ((path, name), source) in enumerate(zip(files, sources)):
            folder = scratch / source.upload_dir
            folder.mkdir(parents=True, exist_ok=True)
            dest = folder / f"{PREVIEW_ROUND}{i % 16:x}_{safe_name(name)}"
            shutil.copyfile(path, dest)
            staged.append((dest, name))
        try:
            record = build(scratch, Path(out_db), boundaries=boundaries or last_boundaries(db_path),
                           with_example=with_example, log=log, public=False)
        except BuildError as exc:
            for dest, name in staged:
                exc = _as_uploaded(exc, dest, name)
            raise exc from None
        notes = [n for dest, name in staged for n in _renamed(record.get("notes", []), dest, name)]
    kinds = [s.kind for s in sources]
    return (kinds[0] if single else kinds), notes


def _renamed(notes: list[Problem], staged: Path, name: str) -> list[Problem]:
    """The notes of the staged copy of an upload, named after the uploaded file (other files' notes go)."""
    where = {str(staged), str(staged.resolve()), rel(staged)}
    return [dataclasses.replace(p, file=name) for p in notes if p.file in where]


def _as_uploaded(exc: BuildError, staged: Path, name: str) -> BuildError:
    """The same error, its problems in the staged copy of an upload named after the uploaded file."""
    where = {str(staged), str(staged.resolve()), rel(staged)}
    problems = [dataclasses.replace(p, file=name) if p.file in where else p for p in exc.problems]
    out = BuildError(exc.headline, problems)
    for attr, value in vars(exc).items():
        if attr != "problems":
            setattr(out, attr, value)
    return out
