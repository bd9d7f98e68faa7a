"""Command line: ``python -m etl build | validate FILE... | load FILE | preview FILE | archive FILE | limits | fetch |
derive-boundaries FILE``.

With ``--json`` (validate, load, preview, archive) a command prints exactly one JSON object on stdout
and nothing else (build logs go to stderr)::

    {"ok": bool, "kind": str | null, "problems": [{"file", "row", "column", "reason"}, ...],
     "message": str, "archive": {...}?, "run": {...}?, "files": [...]?}

and exits 0 when ``ok``, 1 otherwise, as without ``--json`` (``files``: validate's report per file).
``limits --json`` prints
``{"max_upload_bytes": int, "suffixes": [...]}``.
"""
from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
import traceback
from pathlib import Path

from .build import BuildError, build
from .sources.base import ROOT


def _print_problems(problems) -> None:
    for p in problems[:200]:
        print(f"  {p}", file=sys.stderr)
    if len(problems) > 200:
        print(f"  ... and {len(problems) - 200} more", file=sys.stderr)


def _headline(exc: BuildError) -> str:
    return str(exc).splitlines()[0] if exc.problems else str(exc)


def _emit(ok: bool, kind, problems, message: str, **extra) -> int:
    """The one JSON object of a ``--json`` command; its exit code."""
    doc = {"ok": ok, "kind": kind, "problems": [dataclasses.asdict(p) for p in problems], "message": message,
           **{k: v for k, v in extra.items() if v is not None}}
    print(json.dumps(doc, ensure_ascii=False, default=str))
    return 0 if ok else 1


def _log(as_json: bool):
    """Build progress: stdout for people, stderr when stdout carries the JSON object."""
    return (lambda *a: print(*a, file=sys.stderr)) if as_json else print


def _validate(args) -> int:
    from .validate import validate_files
    reports = validate_files([Path(p) for p in args.files], Path(args.data))
    bad = sum(1 for _path, _kind, problems, _summary in reports if problems)
    if args.json:
        files = [{"file": str(path), "kind": kind, "ok": not problems, "summary": summary,
                  "problems": [dataclasses.asdict(p) for p in problems]} for path, kind, problems, summary in reports]
        kinds = {f["kind"] for f in files}
        return _emit(not bad, kinds.pop() if len(kinds) == 1 else None,
                     [p for _path, _kind, problems, _summary in reports for p in problems],
                     f"{len(reports)} file(s): {len(reports) - bad} OK, {bad} with problems", files=files)
    for path, _kind, problems, summary in reports:
        if problems:
            print(f"{path}: {len(problems)} problem(s)")
            for p in problems[:200]:
                print(f"  {p}")
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
        message = (f"{_headline(exc)}; the published database was not changed"
                   + (" (the upload is kept in the archive)" if getattr(exc, "archive", None) else ""))
        if args.json:
            return _emit(False, None, exc.problems, message, archive=getattr(exc, "archive", None))
        print(f"load failed: {message}", file=sys.stderr)
        _print_problems(exc.problems)
        return 1
    message = (f"loaded {args.name or args.file} as {out['kind']} (archived as {out['archive']['archive_path']}, "
               f"sha256 {out['archive']['sha256'][:12]}…)")
    if args.json:
        return _emit(True, out["kind"], [], message, archive=out["archive"], run=out["run"])
    print(message)
    return 0


def _preview(args) -> int:
    from .load_upload import preview_build
    try:
        kind = preview_build(Path(args.file), data_dir=Path(args.data), original_name=args.name,
                             out_db=Path(args.out), boundaries=args.boundaries, log=_log(args.json))
    except BuildError as exc:
        message = f"{_headline(exc)}; no preview was built"
        if args.json:
            return _emit(False, None, exc.problems, message)
        print(f"preview failed: {message}", file=sys.stderr)
        _print_problems(exc.problems)
        return 1
    message = f"preview of {args.name or args.file} as {kind} built in {args.out}"
    if args.json:
        return _emit(True, kind, [], message)
    print(message)
    return 0


def _archive(args) -> int:
    from .errors import Problem
    from .load_upload import archive
    path = Path(args.file)
    if not path.is_file():
        problems = [Problem(args.name or str(path), None, None, "file not found")]
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
    data_help = "data folder (default: data/)"
    json_help = "print one JSON object on stdout (see python -m etl --help)"
    b = sub.add_parser("build", help="build data/impact.duckdb from data/ and publish it atomically")
    b.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    b.add_argument("--db", default=None, help="database to publish (default: DATA/impact.duckdb)")
    b.add_argument("--boundaries", default=None,
                   help="commune or statistical-sector boundary file (GeoJSON/GPKG/SHP/zip), or 'none' (tile map "
                        "only); default: $BSIM_BOUNDARIES, else fetched Statbel sectors, else the shipped "
                        "data/raw/geo/brussels_communes.geojson")
    b.add_argument("--no-example", action="store_true",
                   help="leave out the example member data and assessments (same as BSIM_NO_EXAMPLE=1)")
    v = sub.add_parser("validate", help="check input files and print a report; the database is not touched")
    v.add_argument("files", nargs="+")
    v.add_argument("--data", default=str(ROOT / "data"), help=data_help + ": the catalogue and communes checked against")
    v.add_argument("--json", action="store_true", help=json_help)
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
    pv = sub.add_parser("preview", help="build what the database would become with this upload into --out; "
                                         "nothing under DATA changes, nothing is archived")
    pv.add_argument("file")
    pv.add_argument("--name", required=True, help="the upload's original file name")
    pv.add_argument("--out", required=True, help="the preview database to write")
    pv.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    pv.add_argument("--boundaries", default=None, help="boundary file (default: the one of the last build)")
    pv.add_argument("--json", action="store_true", help=json_help)
    ar = sub.add_parser("archive", help="keep an upload in data/archive/ (copy + index line) without loading it")
    ar.add_argument("file")
    ar.add_argument("--name", default=None, help="the upload's original file name (default: FILE's name)")
    ar.add_argument("--as-user", default=None, help="who uploads (default: the login name)")
    ar.add_argument("--data", default=str(ROOT / "data"), help=data_help)
    ar.add_argument("--json", action="store_true", help=json_help)
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
        try:
            build(Path(args.data), Path(args.db) if args.db else None, boundaries=args.boundaries,
                  with_example=False if args.no_example else None)
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
