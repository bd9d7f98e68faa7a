"""The public copy of the database: the file the Data & sources page offers for download.

The published database also holds what only the product needs: the build log with the paths of its
input files (``etl_run``, ``etl_input``), the input file of every row, the app's display places and the
fill-in templates (the upload archive and the review queue, with the uploaders' e-mail addresses, stay
private files beside it).
The public copy, ``<database>-public.duckdb`` beside it, is written by every build from the new
database before either is published, and holds only what a reader of the figures needs:

* the figures (``observation``, ``scoped_observation``), the member data behind them (``operator``,
  ``operator_jobs``, ``reuse_flow``) and the five tips (``tip``, ``tip_criterion``, ``tip_status``,
  ``tip_assessment``), each row with its source and quality;
* what explains them: ``indicator``, ``unit``, ``commune``, ``commune_geometry``, ``reuse_stream`` and
  ``source`` (publisher, title, address, licence, reference date, quality);
* ``about``: what the file is, when it was built, the quality tiers, whether example data is in it.

Columns naming input files are left out (a boundary file keeps its name, never its folder), and any
e-mail address in a text is replaced by ``[e-mail removed]``.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

# table -> columns left out (input files, parsing aids of the ETL)
PUBLIC_TABLES: dict[str, tuple[str, ...]] = {
    "source": (),
    "unit": (),
    "indicator": (),
    "commune": (),
    "commune_geometry": (),
    "observation": ("input_file",),
    "scoped_observation": ("input_file",),
    "operator": ("input_file",),
    "operator_jobs": ("input_file",),
    "reuse_stream": ("input_words",),
    "reuse_flow": ("input_file",),
    "tip": (),
    "tip_status": ("input_words",),
    "tip_criterion": (),
    "tip_assessment": ("input_file",),
    "input_provenance": ("input_file",),   # which organisation reported a submission and when (no e-mail)
}
# column -> SQL expression replacing it (the boundary file's name without its folder)
REWRITTEN = {("commune_geometry", "source_file"): "regexp_replace(source_file, '^.*[/\\\\]', '')"}
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
EMAIL_REMOVED = "[e-mail removed]"

QUALITY_TIERS = (
    ("quality official", "published by a public statistics body (Statbel, IBSA/BISA, ONEM/RVA ...)"),
    ("quality reported", "from an organisation's own report, a press article quoting it, or a member's data file"),
    ("quality example", "illustrative data shipped so that every page works on first run: not real figures"),
)


def public_path(db_path: Path) -> Path:
    """``data/impact.duckdb`` -> ``data/impact-public.duckdb`` (the app finds it by the same rule)."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-public{db_path.suffix}")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = 'built' "
                       "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()


def _select(table: str, columns: list[tuple[str, str]]) -> str:
    exprs = []
    for name, dtype in columns:
        if name in PUBLIC_TABLES[table]:
            continue
        expr = REWRITTEN.get((table, name), f'"{name}"')
        if dtype == "VARCHAR":
            expr = f"regexp_replace({expr}, '{EMAIL}', '{EMAIL_REMOVED}', 'g')"
        exprs.append(f'{expr} AS "{name}"')
    return ", ".join(exprs)


def write_public_copy(full_db: Path, out: Path) -> dict[str, int]:
    """Write the public copy of the closed database ``full_db`` into the new file ``out``; rows per table."""
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    try:
        con.execute("ATTACH ? AS built (READ_ONLY)", [str(full_db)])
        counts = {}
        for table in PUBLIC_TABLES:
            cols = _columns(con, table)
            con.execute(f"CREATE TABLE main.{table} AS SELECT {_select(table, cols)} FROM built.main.{table}")
            counts[table] = con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
        run = con.execute("SELECT finished_at, example_members, example_assessments FROM built.main.etl_run "
                          "ORDER BY finished_at DESC LIMIT 1").fetchone()
        about = [
            ("title", "Brussels Social Impact Monitor: the figures of the dashboard, with their sources, "
                      "licences and quality"),
            ("built_at", str(run[0]) if run else ""),
            ("tables", ", ".join(PUBLIC_TABLES)),
            ("licences", "each figure names its source (source_id, source_ids); the table source gives each "
                         "source's publisher, title, address, reference date and licence"),
            *QUALITY_TIERS,
            ("example member data", run[1] if run else "off"),
            ("example assessments", run[2] if run else "off"),
            ("example data", "rows of quality 'example' are illustrative, never real figures; example and real "
                             "data are never mixed in one indicator or one score"),
        ]
        con.execute("CREATE TABLE about (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        con.executemany("INSERT INTO about VALUES (?, ?)", about)
        con.execute("DETACH built")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts
