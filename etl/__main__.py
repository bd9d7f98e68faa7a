"""Command line: ``python -m etl build | validate FILE... | load FILE | preview FILE... | archive FILE | limits |
fetch | derive-boundaries FILE``, and the review queue: ``submit FILE... | queue | approve ID | reject ID |
publish | status | audit``.

With ``--json`` (every command but build and fetch) a command prints exactly one JSON object on stdout
and nothing else (build logs go to stderr)::

    {"ok": bool, "kind": str | null, "problems": [{"file", "row", "column", "reason", "code"}, ...],
     "message": str, "notes": [...]?, "archive": {...}?, "run": {...}?, "files": [...]?}

and exits 0 when ``ok``, 1 otherwise, as without ``--json`` (``files``: validate's report per file;
``notes``: what load, preview and submit accepted that the uploader should know, e.g. a header found below
title rows — shaped like problems; ``submission``: the record of submit, approve, reject; ``submissions``:
queue; ``entries``: audit; ``status``: publish and status). ``build``, ``load``, ``approve`` and ``publish``
hold the writer lock (``data/private/publish.lock``): a second one waits ``$BSIM_PUBLISH_WAIT`` seconds,
then is refused.
``--lang fr|nl|en`` (every command with ``--json``; default en) says ``reason`` and ``message`` in that
language; ``code`` is the reason's stable code in ``etl/messages.py`` (null for a problem of a file only
maintainers edit, or of the review queue's own steps, said in English).
``limits --json`` prints
``{"max_upload_bytes": int, "suffixes": [...]}``.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
import traceback
from pathlib import Path

from .build import BuildError, build
from .messages import LANGUAGES, Message, localise
from .sources.base import ROOT


def _lang(args) -> str:
    return getattr(args, "lang", None) or "en"


def _print_problems(problems, lang: str = "en") -> None:
    for p in problems[:200]:
        print(f"  {p.text(lang)}", file=sys.stderr)
    if len(problems) > 200:
        print(f"  ... and {len(problems) - 200} more", file=sys.stderr)


def _headline(exc: BuildError, lang: str = "en") -> str:
    if isinstance(exc.headline, Message):
        return exc.headline.render(lang)
    return str(exc).splitlines()[0] if exc.problems else str(exc)


def _notes(notes, lang: str) -> list[dict]:
    return [n.as_dict(lang) for n in notes]


def _emit(ok: bool, kind, problems, message: str, lang: str = "en", **extra) -> int:
    """The one JSON object of a ``--json`` command; its exit code."""
    doc = {"ok": ok, "kind": kind, "problems": [p.as_dict(lang) for p in problems], "message": localise(message, lang),
           **{k: v for k, v in extra.items() if v is not None}}
    print(json.dumps(doc, ensure_ascii=False, default=str))
    return 0 if ok else 1


def _ok(args, kind, message: str, notes=None, **extra) -> int:
    """A command that succeeded: its JSON object, or its message (and ``notes``) for people, in ``--lang``."""
    lang = _lang(args)
    if args.json:
        return _emit(True, kind, [], message, lang, **extra, **({} if notes is None else {"notes": _notes(notes, lang)}))
    print(localise(message, lang))
    _print_problems(notes or [], lang)
    return 0


def _log(as_json: bool):
    """Build progress: stdout for people, stderr when stdout carries the JSON object."""
    return (lambda *a: print(*a, file=sys.stderr)) if as_json else print


def _validate(args) -> int:
    from .validate import validate_files
    lang = _lang(args)
    reports = validate_files([Path(p) for p in args.files], Path(args.data))
    bad = sum(1 for _path, _kind, problems, _summary in reports if problems)
    if args.json:
        files = [{"file": str(path), "kind": kind, "ok": not problems, "summary": summary,
                  "problems": [p.as_dict(lang) for p in problems]} for path, kind, problems, summary in reports]
        kinds = {f["kind"] for f in files}
        return _emit(not bad, kinds.pop() if len(kinds) == 1 else None,
                     [p for _path, _kind, problems, _summary in reports for p in problems],
                     Message("cli_validated", n=len(reports), good=len(reports) - bad, bad=bad), lang, files=files)
    for path, _kind, problems, summary in reports:
        if problems:
            print(localise(Message("cli_file_problems", file=str(path), n=len(problems)), lang))
            for p in problems[:200]:
                print(f"  {p.text(lang)}")
        else:
            print(f"{path}: OK ({summary})")
    return 1 if bad else 0


def _refusal(args, exc: BuildError, what) -> int:
    """A refused command: ``what`` says what did not change — English text, or a function of the headline
    that gives a ``Message``; the problems and message in ``--lang``."""
    lang = _lang(args)
    message = what(_headline(exc, lang)) if callable(what) else f"{_headline(exc, lang)}; {what}"
    if args.json:
        return _emit(False, None, exc.problems, message, lang)
    print(f"{args.command} failed: {localise(message, lang)}", file=sys.stderr)
    _print_problems(exc.problems, lang)
    return 1


def _files(args) -> list[tuple[Path, str]]:
    names = list(args.name or [])
    if names and len(names) != len(args.files):
        raise SystemExit("give one --name per file, in the same order")
    return [(Path(f), names[i] if names else Path(f).name) for i, f in enumerate(args.files)]


def _load(args) -> int:
    from .review import load_file
    try:
        out = load_file(Path(args.file), uploader=args.as_user or getpass.getuser(), data_dir=Path(args.data),
                        db_path=Path(args.db) if args.db else None, original_name=args.name, log=_log(args.json))
    except BuildError as exc:
        return _refusal(args, exc, lambda headline: Message("cli_db_unchanged", headline=headline))
    lang = _lang(args)
    message = Message("cli_loaded", name=args.name or args.file, kind=out["kind"],
                      archive=out["archive"]["archive_path"], sha=out["archive"]["sha256"][:12])
    if args.json:
        return _emit(True, out["kind"], [], message, lang, notes=_notes(out["notes"], lang),
                     archive=out["archive"], run=out["run"], submission=out["submission"])
    print(localise(message, lang))
    _print_problems(out["notes"], lang)
    return 0


def _preview(args) -> int:
    from .load_upload import preview_build
    try:
        kinds, notes = preview_build(_files(args), data_dir=Path(args.data), out_db=Path(args.out),
                                     log=_log(args.json), boundaries=args.boundaries, organisation=args.organisation,
                                     submission=args.submission)
    except BuildError as exc:
        return _refusal(args, exc, lambda headline: Message("cli_no_preview", headline=headline))
    kind = kinds[0] if len(set(kinds)) == 1 else None
    message = Message("cli_preview_built", name=", ".join(n for _p, n in _files(args)), kind=", ".join(kinds),
                      out=args.out)
    return _ok(args, kind, message, kinds=kinds, notes=notes)


def _submit(args) -> int:
    from .review import submit
    try:
        record = submit(_files(args), user=args.as_user or getpass.getuser(), role=args.role,
                        organisation=args.organisation, data_dir=Path(args.data), db_path=_db(args),
                        out_db=Path(args.out) if args.out else None, note=args.note, log=_log(args.json))
    except BuildError as exc:
        return _refusal(args, exc, lambda headline: Message("cli_nothing_queued", headline=headline))
    notes = record.pop("notes")
    message = Message("cli_submitted", id=record["id"], n=len(record["files"]))
    return _ok(args, record["files"][0]["kind"], message, submission=record, notes=notes)


def _db(args) -> Path | None:
    return Path(args.db) if getattr(args, "db", None) else None


def _queue(args) -> int:
    from .review import queue
    records = queue(Path(args.data), args.organisation)
    if args.json:
        return _emit(True, None, [], f"{len(records)} submission(s)", _lang(args), submissions=records)
    for r in records:
        print(f"{r['id']}  {r['status']:<9}  {r['organisation'] or r['role']:<30}  {r['submitted_by']}  "
              + ", ".join(f["name"] for f in r["files"]))
    return 0


def _decide(args) -> int:
    from .review import approve, reject
    user = args.as_user or getpass.getuser()
    try:
        if args.command == "approve":
            record = approve(Path(args.data), args.id, user=user, db_path=_db(args), log=_log(args.json))
        else:
            record = reject(Path(args.data), args.id, user=user, reason=args.reason)
    except BuildError as exc:
        return _refusal(args, exc, f"{args.id} stays waiting for review; the inputs were not changed")
    message = f"{args.id} {record['status']}"
    return _ok(args, record["files"][0]["kind"], message, submission=record)


def _publish(args) -> int:
    from .review import publish
    try:
        state = publish(Path(args.data), user=args.as_user or getpass.getuser(), db_path=_db(args),
                        log=_log(args.json))
    except BuildError as exc:
        return _refusal(args, exc, lambda headline: Message("cli_db_unchanged", headline=headline))
    return _ok(args, None, state["message"], status=state)


def _status(args) -> int:
    from .review import publish_status
    state = publish_status(Path(args.data))
    if args.json:
        return _emit(True, None, [], state.get("message", state["state"]), _lang(args), status=state)
    print(f"{state['state']}: {state.get('message', '')}")
    return 0


def _audit(args) -> int:
    from .review import audit_log
    entries = audit_log(Path(args.data))
    if args.json:
        return _emit(True, None, [], f"{len(entries)} audit entries", _lang(args), entries=entries)
    for e in entries:
        print(json.dumps(e, ensure_ascii=False))
    return 0


def _archive(args) -> int:
    from .errors import Problem
    from .load_upload import archive
    path = Path(args.file)
    if not path.is_file():
        problems = [Problem(args.name or str(path), None, None, Message("file_not_found"))]
        if args.json:
            return _emit(False, None, problems, "nothing archived")
        _print_problems(problems)
        return 1
    from .load_upload import check_upload
    problems = check_upload(args.name or path.name, path.stat().st_size)
    if problems:
        if args.json:
            return _emit(False, None, problems, "nothing archived")
        _print_problems(problems)
        return 1
    entry = archive(path.read_bytes(), args.name or path.name, args.as_user or getpass.getuser(), Path(args.data))
    message = f"archived {entry['original_name']} as {entry['archive_path']}"
    return _ok(args, None, message, archive=entry)


def _limits(args) -> int:
    from .load_upload import limits
    doc = limits()
    if args.json:
        print(json.dumps(doc))
    else:
        print(f"uploads: {', '.join(doc['suffixes'])}, at most {doc['max_upload_bytes']} bytes")
    return 0


def _derive_boundaries(args) -> int:
    from .errors import InputError
    from .sources.boundaries import derive_boundaries
    try:
        info = derive_boundaries(Path(args.source), Path(args.out), target_bytes=args.max_bytes)
    except InputError as exc:
        print("derive-boundaries failed:", file=sys.stderr)
        _print_problems(exc.problems)
        return 1
    print(f"wrote {info['output']}: {info['features']} communes, {info['vertices']} vertices, {info['bytes']} bytes, "
          f"simplification tolerance {info['tolerance_deg']:g} degrees")
    print(f"  input  sha256 {info['input_sha256']}  {info['input']}")
    print(f"  output sha256 {info['output_sha256']}  {info['output']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    # the options most commands share, declared once (argparse parents)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", default=str(ROOT / "data"), help="data folder (default: data/)")
    answer = argparse.ArgumentParser(add_help=False)
    answer.add_argument("--json", action="store_true", help="print one JSON object on stdout (see python -m etl --help)")
    answer.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="the language of the problems and messages (default: en)")
    published = argparse.ArgumentParser(add_help=False)
    published.add_argument("--db", default=None, help="the published database (default: DATA/impact.duckdb)")
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--as-user", default=None,
                      help="who does it (recorded in the audit log data/private/audit.jsonl; default: the login name)")
    names = argparse.ArgumentParser(add_help=False)
    names.add_argument("files", nargs="+")
    names.add_argument("--name", action="append", help="the upload's original file name (once per file)")

    b = sub.add_parser("build", parents=[data, published],
                       help="build data/impact.duckdb from data/ and publish it atomically")
    b.add_argument("--boundaries", default=None,
                   help="commune or statistical-sector boundary file (GeoJSON/GPKG/SHP/zip), or 'none' (tile map "
                        "only); default: $BSIM_BOUNDARIES, else fetched Statbel sectors, else the shipped "
                        "data/raw/geo/brussels_communes.geojson")
    b.add_argument("--no-example", action="store_true",
                   help="leave out the example member data and assessments (same as BSIM_NO_EXAMPLE=1)")
    v = sub.add_parser("validate", parents=[data, answer],
                       help="check input files and print a report (against the catalogue and communes of --data); "
                            "the database is not touched")
    v.add_argument("files", nargs="+")
    ld = sub.add_parser("load", parents=[user, data, published, answer],
                        help="check an uploaded template (assessments or member data), archive it, file it as an "
                             "input, rebuild and publish; a refused file leaves the database unchanged")
    ld.add_argument("file")
    ld.add_argument("--name", default=None, help="the upload's original file name (default: FILE's name)")
    pv = sub.add_parser("preview", parents=[names, data, answer],
                        help="build what the database would become with these uploads into --out; nothing under "
                             "DATA changes, nothing is archived")
    pv.add_argument("--out", required=True, help="the preview database to write")
    pv.add_argument("--organisation", default=None,
                    help="a member organisation's upload: refuse sites, jobs and flows that are not its own")
    pv.add_argument("--submission", default=None,
                    help="the queued submission these files are (a reviewer's preview): not refused as waiting")
    pv.add_argument("--boundaries", default=None, help="boundary file (default: the one of the last build)")
    sm = sub.add_parser("submit", parents=[names, user, data, published, answer],
                        help="check uploads, archive them and put them in the review queue "
                             "(data/private/submissions/); nothing is published")
    sm.add_argument("--role", choices=["member", "editor"], default="editor")
    sm.add_argument("--organisation", default=None, help="the member organisation submitting (role member)")
    sm.add_argument("--note", default=None, help="a word for the reviewers")
    sm.add_argument("--out", default=None, help="also keep the check build here (a preview database)")
    qu = sub.add_parser("queue", parents=[data, answer], help="the submissions, newest first, with their status")
    qu.add_argument("--organisation", default=None, help="only this member organisation's submissions")
    ap = sub.add_parser("approve", parents=[user, data, published, answer],
                        help="file a submission's uploads as inputs (checked by a scratch build); publish makes "
                             "them public")
    ap.add_argument("id")
    rj = sub.add_parser("reject", parents=[user, data, answer], help="refuse a submission, with a reason")
    rj.add_argument("id")
    rj.add_argument("--reason", required=True)
    sub.add_parser("publish", parents=[user, data, published, answer],
                   help="rebuild and publish the database with every approved submission; progress in "
                        "data/private/publish_status.json")
    sub.add_parser("status", parents=[data, answer],
                   help="the last publish: waiting, running, ok, failed or refused, with its log")
    sub.add_parser("audit", parents=[data, answer],
                   help="the audit log: every submission, refusal, approval, rejection, publish")
    ar = sub.add_parser("archive", parents=[user, data],
                        help="keep an upload in data/archive/ (copy + index line) without loading it")
    ar.add_argument("file")
    ar.add_argument("--name", default=None, help="the upload's original file name (default: FILE's name)")
    ar.add_argument("--json", action="store_true", help="print one JSON object on stdout (see python -m etl --help)")
    lm = sub.add_parser("limits", help="what an upload may be: size cap and file suffixes")
    lm.add_argument("--json", action="store_true", help="print {max_upload_bytes, suffixes}")
    db = sub.add_parser("derive-boundaries", help="derive the shipped commune geometry from a publisher's boundary "
                                                 "file: read, check, coverage-simplify, write GeoJSON")
    db.add_argument("source", help="commune or statistical-sector boundary file (GeoJSON/GPKG/SHP/zip)")
    db.add_argument("--out", default=str(ROOT / "data" / "raw" / "geo" / "brussels_communes.geojson"))
    db.add_argument("--max-bytes", type=int, default=100_000, help="size limit of the written file (default 100000)")
    f = sub.add_parser("fetch", help="download the official publisher files into data/raw/statbel/fetched/")
    f.add_argument("--dest", default=str(ROOT / "data" / "raw" / "statbel" / "fetched"))
    args = parser.parse_args(argv)

    if args.command == "build":
        from .publish import PublishBusy, writer_lock
        try:
            with writer_lock(Path(args.data), getpass.getuser(), "python -m etl build"):
                build(Path(args.data), Path(args.db) if args.db else None, boundaries=args.boundaries,
                      with_example=False if args.no_example else None)
        except PublishBusy as exc:
            print(f"build refused: {exc}", file=sys.stderr)
            return 1
        except BuildError as exc:
            print(f"build failed: {_headline(exc)}; the published database was not changed", file=sys.stderr)
            _print_problems(exc.problems)
            return 1
        return 0
    if args.command == "derive-boundaries":
        return _derive_boundaries(args)
    if args.command == "fetch":
        from .fetch import fetch
        fetch(Path(args.dest))
        return 0
    commands = {"validate": _validate, "load": _load, "preview": _preview, "archive": _archive, "limits": _limits,
                "submit": _submit, "queue": _queue, "approve": _decide, "reject": _decide, "publish": _publish,
                "status": _status, "audit": _audit}
    from .publish import PublishBusy
    from .review import ReviewError
    try:
        return commands[args.command](args)
    except (PublishBusy, ReviewError) as exc:      # a clear refusal, not a crash
        if args.json:
            return _emit(False, None, [], str(exc), busy=isinstance(exc, PublishBusy) or None)
        print(f"{args.command} refused: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:       # still one JSON object for a caller that reads one; the traceback on stderr
        if not args.json:
            raise
        traceback.print_exc()
        return _emit(False, None, [], f"internal error: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
