"""Uploads: ``python -m etl load FILE`` archives an upload, files it as an input, rebuilds, publishes;
``python -m etl preview FILE`` builds what the database would become, into a scratch file;
``python -m etl archive FILE`` only archives; ``python -m etl limits`` gives the size cap and suffixes.

The same path serves the editor page. Steps of a load:

1. **archive first**: the bytes are copied to ``data/archive/YYYYmmddTHHMMSSZ_<sha8>_<name>`` and a line
   (time, uploader, sha256, original name, size, kind) is appended to ``data/archive/index.jsonl`` —
   every upload, good or bad, so any earlier state can be rebuilt;
2. **detect** the template by its header: the first uploadable source of the registry that claims it
   (the five-tips assessments, or a member template);
3. **stage**: copy it into that source's input folder (``data/assessments/`` or ``data/members/``)
   under its (sanitised) original name — a new upload with the same name replaces the earlier one
   as input (the archive keeps both);
4. **build** with ``etl.build.build`` (new file, checks, atomic swap). If the build fails, the staged
   file is removed (or the earlier file of that name restored) and the published database is untouched.

Between 1 and 2, **the same file twice** is refused: bytes whose sha256 is that of an input the
published database was built from (a member file, an assessment round), of the example data (whether
or not the last build included it) or of a file already in an upload folder would count the same rows
again (or pass example data as reported data); nothing changes and the message says which input it
repeats. Preview refuses it the same way.
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
from .sources.base import ROOT, rel

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
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


def archive(data: bytes, original_name: str, uploader: str, data_dir: Path, kind: str | None = None) -> dict:
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
             "archive_path": rel(dest), "kind": kind}
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
    upload folder (the inputs of the next build) and of every file of the example set (``data/example/``):
    the example set is left out of a build as soon as real data of its kind is present, so it is no input
    of that database, yet its bytes uploaded as a member file or an assessment round would pass example
    rows as reported ones."""
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


def check_not_loaded(data: bytes, name: str, data_dir: Path, db_path: Path) -> None:
    """BuildError when these bytes are already an input (see the module docstring): the message names the
    input as it lies in the data folder, and when it was staged there (an upload folder's file)."""
    path = loaded_inputs(data_dir, db_path).get(hashlib.sha256(data).hexdigest())
    if path is None:
        return
    parts = path.parts                  # shown inside its data folder: no server path in a member's message
    top = Path(data_dir).name
    shown = "/".join(parts[len(parts) - parts[::-1].index(top):]) if top in parts else path.name
    uploaded = any(path.parent.name == s.upload_dir for s in REGISTRY if s.upload_dir)
    if uploaded and path.exists():
        when = Message("already_loaded_time", time=dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                       .strftime("%Y-%m-%d %H:%M"))
    else:
        when = Message("already_loaded_unknown_time")
    raise BuildError(Message("upload_refused"), [Problem(name, None, None, Message("already_loaded", path=shown,
                                                                                   when=when))])


class Staged:
    """A file placed in an input folder, with what it replaced, so a failed build can undo it."""

    def __init__(self, src: Path, dest: Path):
        self.dest = dest
        self.backup = None
        if dest.exists():
            fd, tmp = tempfile.mkstemp(prefix=".replaced-", dir=dest.parent)
            os.close(fd)
            self.backup = Path(tmp)
            shutil.copy2(dest, self.backup)
        shutil.copyfile(src, dest)

    def undo(self) -> None:
        if self.backup is not None:
            os.replace(self.backup, self.dest)
        else:
            self.dest.unlink(missing_ok=True)

    def keep(self) -> None:
        if self.backup is not None:
            self.backup.unlink(missing_ok=True)


def scratch_copy(data_dir: Path, tmp: Path) -> Path:
    """A copy of the inputs (not the database, archive or build leftovers) to build a preview from."""
    data_dir = Path(data_dir)
    dest = Path(tmp) / "data"
    shutil.copytree(data_dir, dest, ignore=shutil.ignore_patterns("*.duckdb", "*.duckdb.wal", "archive",
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


def load_file(path: Path | str, *, uploader: str, data_dir: Path = ROOT / "data", db_path: Path | None = None,
              original_name: str | None = None, boundaries: str | None = None, with_example: bool | None = None,
              log=print, archived: dict | None = None) -> dict:
    """Archive, detect, stage, build. Returns ``{"archive": entry, "kind": ..., "run": record}``.

    Raises ``BuildError`` (with problems, and the archive entry as ``archive``) when the file is refused;
    the archive keeps it anyway. ``archived``: the entry of an archive already made for these bytes (the
    editor archives on upload). Without ``boundaries`` the boundary file of the published database's last
    run is reused.
    """
    path = Path(path)
    data_dir = Path(data_dir)
    name = original_name or path.name
    if not path.is_file():
        raise BuildError(Message("upload_refused"), [Problem(name, None, None, Message("file_not_found"))])
    data = path.read_bytes()
    if archived and archived.get("sha256") == hashlib.sha256(data).hexdigest():
        entry = dict(archived)
    else:
        entry = archive(data, name, uploader, data_dir)
    try:
        return _stage_and_build(data, name, entry, data_dir, db_path, boundaries, with_example, log)
    except BuildError as exc:
        exc.archive = entry
        raise


def archived_entry(data_dir: Path, sha256: str) -> dict | None:
    """The latest line of ``archive/index.jsonl`` for these bytes, or None."""
    index = Path(data_dir) / "archive" / "index.jsonl"
    if not index.exists():
        return None
    entries = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
    return next((e for e in reversed(entries) if e.get("sha256") == sha256), None)


def _stage_and_build(data: bytes, name: str, entry: dict, data_dir: Path, db_path: Path | None,
                     boundaries: str | None, with_example: bool | None, log) -> dict:
    problems = check_upload(name, len(data))
    if problems:
        raise BuildError(Message("upload_refused"), problems)
    check_not_loaded(data, name, data_dir, db_path or data_dir / "impact.duckdb")
    with tempfile.TemporaryDirectory(prefix="bsim-upload-") as tmp:
        local = Path(tmp) / safe_name(name)
        local.write_bytes(data)
        source = detect(local, name)
        kind = entry["kind"] = source.kind
        folder = data_dir / source.upload_dir
        folder.mkdir(parents=True, exist_ok=True)
        staged = Staged(local, folder / safe_name(name))
        try:
            record = build(data_dir, db_path, boundaries=boundaries or last_boundaries(db_path or data_dir / "impact.duckdb"),
                           with_example=with_example, log=log)
        except BuildError as exc:
            staged.undo()
            raise _as_uploaded(exc, staged.dest, name) from None
        except BaseException:
            staged.undo()
            raise
        staged.keep()
    notes = _renamed(record.pop("notes", []), staged.dest, name)
    return {"archive": entry, "kind": kind, "run": record, "notes": notes}


def preview_build(path: Path | str, *, data_dir: Path = ROOT / "data", original_name: str | None = None,
                  out_db: Path, boundaries: str | None = None, with_example: bool | None = None, log=print
                  ) -> tuple[str, list[Problem]]:
    """Build what the database would become with this upload into ``out_db`` (a scratch copy of the
    inputs; nothing under ``data_dir`` changes, nothing is archived). Returns the kind and the notes
    about the upload (``build``)."""
    path = Path(path)
    name = original_name or path.name
    if not path.is_file():
        raise BuildError(Message("upload_refused"), [Problem(name, None, None, Message("file_not_found"))])
    problems = check_upload(name, path.stat().st_size)
    if problems:
        raise BuildError(Message("upload_refused"), problems)
    check_not_loaded(path.read_bytes(), name, data_dir, Path(data_dir) / "impact.duckdb")
    source = detect(path, name)
    with tempfile.TemporaryDirectory(prefix="bsim-preview-") as tmp:
        scratch = scratch_copy(data_dir, Path(tmp))
        folder = scratch / source.upload_dir
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / safe_name(name))
        try:
            record = build(scratch, Path(out_db), boundaries=boundaries or last_boundaries(data_dir / "impact.duckdb"),
                           with_example=with_example, log=log, public=False)
        except BuildError as exc:
            raise _as_uploaded(exc, folder / safe_name(name), name) from None
        notes = _renamed(record["notes"], folder / safe_name(name), name)
    return source.kind, notes


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
