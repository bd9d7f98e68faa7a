"""Command line: ``python -m etl build | validate FILE... | load FILE | fetch``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import ROOT, BuildError, build


def _print_problems(problems) -> None:
    for p in problems[:200]:
        print(f"  {p}", file=sys.stderr)
    if len(problems) > 200:
        print(f"  ... and {len(problems) - 200} more", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/impact.duckdb from data/ and publish it atomically")
    b.add_argument("--data", default=str(ROOT / "data"), help="data folder (default: data/)")
    b.add_argument("--db", default=None, help="database to publish (default: DATA/impact.duckdb)")
    b.add_argument("--boundaries", default=None,
                   help="commune or statistical-sector boundary file (GeoJSON/GPKG/SHP/zip); "
                        "default: $BSIM_BOUNDARIES, else fetched Statbel sectors, else none (tile map only)")
    b.add_argument("--no-example", action="store_true",
                   help="leave out the example member data and assessments (same as BSIM_NO_EXAMPLE=1)")
    v = sub.add_parser("validate", help="check input files and print a report; the database is not touched")
    v.add_argument("files", nargs="+")
    ld = sub.add_parser("load", help="archive an uploaded template (assessments or member data), file it as an "
                                      "input, rebuild and publish; a refused file leaves the database unchanged")
    ld.add_argument("file")
    ld.add_argument("--as-user", default=None, help="who uploads (recorded in data/archive/index.jsonl; "
                                                    "default: the login name)")
    ld.add_argument("--data", default=str(ROOT / "data"), help="data folder (default: data/)")
    ld.add_argument("--db", default=None, help="database to publish (default: DATA/impact.duckdb)")
    ld.add_argument("--boundaries", default=None, help="boundary file (default: the one of the last build)")
    f = sub.add_parser("fetch", help="download the official publisher files into data/raw/statbel/fetched/")
    f.add_argument("--dest", default=str(ROOT / "data" / "raw" / "statbel" / "fetched"))
    args = parser.parse_args(argv)

    if args.command == "build":
        try:
            build(Path(args.data), Path(args.db) if args.db else None, boundaries=args.boundaries,
                  with_example=False if args.no_example else None)
        except BuildError as exc:
            headline = str(exc).splitlines()[0] if exc.problems else str(exc)
            print(f"build failed: {headline}; the published database was not changed", file=sys.stderr)
            _print_problems(exc.problems)
            return 1
        return 0
    if args.command == "validate":
        from .validate import validate_files
        reports = validate_files([Path(p) for p in args.files])
        bad = 0
        for path, _kind, problems, summary in reports:
            if problems:
                bad += 1
                print(f"{path}: {len(problems)} problem(s)")
                for p in problems[:200]:
                    print(f"  {p}")
            else:
                print(f"{path}: OK ({summary})")
        return 1 if bad else 0
    if args.command == "load":
        import getpass
        from .load_upload import load_file
        try:
            out = load_file(Path(args.file), uploader=args.as_user or getpass.getuser(), data_dir=Path(args.data),
                            db_path=Path(args.db) if args.db else None, boundaries=args.boundaries)
        except BuildError as exc:
            headline = str(exc).splitlines()[0] if exc.problems else str(exc)
            print(f"load failed: {headline}; the published database was not changed "
                  "(the upload is kept in the archive)", file=sys.stderr)
            _print_problems(exc.problems)
            return 1
        print(f"loaded {args.file} as {out['kind']} (archived as {out['archive']['archive_path']}, "
              f"sha256 {out['archive']['sha256'][:12]}…)")
        return 0
    if args.command == "fetch":
        from .fetch import fetch
        fetch(Path(args.dest))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
