"""Command line: ``python -m etl build | validate FILE... | load FILE | preview FILE | archive FILE | limits | fetch``.

With ``--json`` (validate, load, preview, archive) a command prints exactly one JSON object on stdout
and nothing else (build logs go to stderr)::

    {"ok": bool, "kind": str | null, "problems": [{"file", "row", "column", "reason", "code"}, ...],
     "message": str, "notes": [...]?, "archive": {...}?, "run": {...}?, "files": [...]?}

and exits 0 when ``ok``, 1 otherwise, as without ``--json`` (``files``: validate's report per file;
``notes``: what load and preview accepted that the uploader should know, e.g. a header found below
title rows — shaped like problems).
``--lang fr|nl|en`` (validate, load, preview; default en) says ``reason`` and ``message`` in that
language; ``code`` is the reason's stable code in ``etl/messages.py`` (null for a problem of a file only
maintainers edit, said in English).
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


def _load(args) -> int:
    from .load_upload import archived_entry, load_file
    path, data_dir = Path(args.file), Path(args.data)
    archived = None
    if args.archived and path.is_file():
        import hashlib
        archived = archived_entry(data_dir, hashlib.sha256(path.read_bytes()).hexdigest())
    try:
        out = load_file(path, uploader=args.as_user or getpass.getuser(), data_dir=data_dir,
                        db_path=Path(args.db) if args.db else None, original_name=args.name,
                        boundaries=args.boundaries, log=_log(args.json), archived=archived)
    except BuildError as exc:
        lang = _lang(args)
        message = Message("cli_db_unchanged", headline=_headline(exc, lang))
        if getattr(exc, "archive", None):
            message = Message("cli_kept_in_archive", message=message)
        if args.json:
            return _emit(False, None, exc.problems, message, _lang(args), archive=getattr(exc, "archive", None))
        print(f"load failed: {localise(message, lang)}", file=sys.stderr)
        _print_problems(exc.problems, lang)
        return 1
    message = Message("cli_loaded", name=args.name or args.file, kind=out["kind"],
                      archive=out["archive"]["archive_path"], sha=out["archive"]["sha256"][:12])
    if args.json:
        return _emit(True, out["kind"], [], message, _lang(args), notes=_notes(out["notes"], _lang(args)),
                     archive=out["archive"], run=out["run"])
    print(localise(message, _lang(args)))
    _print_problems(out["notes"], _lang(args))
    return 0


def _preview(args) -> int:
    from .load_upload import preview_build
    try:
        kind, notes = preview_build(Path(args.file), data_dir=Path(args.data), original_name=args.name,
                                    out_db=Path(args.out), boundaries=args.boundaries, log=_log(args.json))
    except BuildError as exc:
        lang = _lang(args)
        message = Message("cli_no_preview", headline=_headline(exc, lang))
        if args.json:
            return _emit(False, None, exc.problems, message, lang)
        print(f"preview failed: {localise(message, lang)}", file=sys.stderr)
        _print_problems(exc.problems, lang)
        return 1
    message = Message("cli_preview_built", name=args.name or args.file, kind=kind, out=args.out)
    if args.json:
        return _emit(True, kind, [], message, _lang(args), notes=_notes(notes, _lang(args)))
    print(localise(message, _lang(args)))
    _print_problems(notes, _lang(args))
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
    entry = archive(path.read_bytes(), args.name or path.name, args.as_user or getpass.getuser(), Path(args.data))
    message = f"archived {entry['original_name']} as {entry['archive_path']}"
    if args.json:
        return _emit(True, None, [], message, archive=entry)
    print(message)
    return 0


def _limits(args) -> int:
    from .load_upload import limits
    doc = limits()
    if args.json:
        print(json.dumps(doc))
    else:
        print(f"uploads: {', '.join(doc['suffixes'])}, at most {doc['max_upload_bytes']} bytes")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    data_help = "data folder (default: data/)"
    json_help = "print one JSON object on stdout (see python -m etl --help)"
    lang_help = "the language of the problems and messages (default: en)"
    b = sub.add_parser("build", help="build data/impact.duckdb from data/ and publish it atomically")
    b.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    b.add_argument("--db", default=None, help="database to publish (default: DATA/impact.duckdb)")
    b.add_argument("--boundaries", default=None,
                   help="commune or statistical-sector boundary file (GeoJSON/GPKG/SHP/zip); "
                        "default: $BSIM_BOUNDARIES, else fetched Statbel sectors, else none (tile map only)")
    b.add_argument("--no-example", action="store_true",
                   help="leave out the example member data and assessments (same as BSIM_NO_EXAMPLE=1)")
    v = sub.add_parser("validate", help="check input files and print a report; the database is not touched")
    v.add_argument("files", nargs="+")
    v.add_argument("--data", default=str(ROOT / "data"), help=data_help + ": the catalogue and communes checked against")
    v.add_argument("--json", action="store_true", help=json_help)
    v.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    ld = sub.add_parser("load", help="archive an uploaded template (assessments or member data), file it as an "
                                      "input, rebuild and publish; a refused file leaves the database unchanged")
    ld.add_argument("file")
    ld.add_argument("--name", default=None, help="the upload's original file name (default: FILE's name)")
    ld.add_argument("--as-user", default=None, help="who uploads (recorded in data/archive/index.jsonl; "
                                                    "default: the login name)")
    ld.add_argument("--archived", action="store_true",
                    help="the file is archived already (python -m etl archive): do not archive it again")
    ld.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    ld.add_argument("--db", default=None, help="database to publish (default: DATA/impact.duckdb)")
    ld.add_argument("--boundaries", default=None, help="boundary file (default: the one of the last build)")
    ld.add_argument("--json", action="store_true", help=json_help)
    ld.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    pv = sub.add_parser("preview", help="build what the database would become with this upload into --out; "
                                         "nothing under DATA changes, nothing is archived")
    pv.add_argument("file")
    pv.add_argument("--name", required=True, help="the upload's original file name")
    pv.add_argument("--out", required=True, help="the preview database to write")
    pv.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    pv.add_argument("--boundaries", default=None, help="boundary file (default: the one of the last build)")
    pv.add_argument("--json", action="store_true", help=json_help)
    pv.add_argument("--lang", choices=LANGUAGES, default="en", help=lang_help)
    ar = sub.add_parser("archive", help="keep an upload in data/archive/ (copy + index line) without loading it")
    ar.add_argument("file")
    ar.add_argument("--name", default=None, help="the upload's original file name (default: FILE's name)")
    ar.add_argument("--as-user", default=None, help="who uploads (default: the login name)")
    ar.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    ar.add_argument("--json", action="store_true", help=json_help)
    lm = sub.add_parser("limits", help="what an upload may be: size cap and file suffixes")
    lm.add_argument("--json", action="store_true", help="print {max_upload_bytes, suffixes}")
    f = sub.add_parser("fetch", help="download the official publisher files into data/raw/statbel/fetched/")
    f.add_argument("--dest", default=str(ROOT / "data" / "raw" / "statbel" / "fetched"))
    args = parser.parse_args(argv)

    if args.command == "build":
        try:
            build(Path(args.data), Path(args.db) if args.db else None, boundaries=args.boundaries,
                  with_example=False if args.no_example else None)
        except BuildError as exc:
            print(f"build failed: {_headline(exc)}; the published database was not changed", file=sys.stderr)
            _print_problems(exc.problems)
            return 1
        return 0
    if args.command == "fetch":
        from .fetch import fetch
        fetch(Path(args.dest))
        return 0
    commands = {"validate": _validate, "load": _load, "preview": _preview, "archive": _archive, "limits": _limits}
    try:
        return commands[args.command](args)
    except Exception as exc:       # still one JSON object for a caller that reads one; the traceback on stderr
        if not args.json:
            raise
        traceback.print_exc()
        return _emit(False, None, [], f"internal error: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
