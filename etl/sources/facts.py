"""Long-format fact files, validated and loaded inside DuckDB so a 10-million-row file costs seconds.

Columns: ``nis_code, year, indicator, value, unit, source_id, ref_period, note[, scope]``.

Rules (README "Data rules"):

* A row is a commune/region **observation** when its code is known, it has a year, and its
  ``scope`` (if any) is geographic: empty, the region or the commune's own name. Otherwise
  (organisation-wide, Wallonia + Brussels, part of a commune, undated) it is a **scoped** figure:
  kept with its scope, shown as context, never mapped.
* When one indicator has several rows for the same place and year with different reference periods
  (monthly press snapshots), the whole indicator of that file is kept as dated points (scoped): a
  yearly series would silently pick one month.
* Exact duplicates (same place, indicator, year and period) are an error naming both rows.

Every problem is reported as file, row, column and reason; at most ``MAX_PER_CHECK`` per kind.

In the build every ``*.csv`` of ``data/raw/facts/`` is a fact file but the three that other sources
read (``NOT_FACTS``); the figures earlier sources staged (Statbel files) are merged with them.
"""
from __future__ import annotations

import codecs
import os
import tempfile
import time
from pathlib import Path

import duckdb

from .. import decimals
from ..control_chars import SQL_SUSPECT, clean, sql_clean
from ..encodings import wide_encoding
from ..errors import InputError, Problem
from ..messages import Message
from ..readers import check_size
from .base import SCHEMA, Source, Step, insert_frame, rel
from .catalog import insert_catalog

REQUIRED = ["nis_code", "year", "indicator", "value", "unit", "source_id", "ref_period", "note"]
OPTIONAL = ["scope"]
GEOGRAPHIC_SCOPES = ("", "brussels-capital region", "région de bruxelles-capitale", "brussels hoofdstedelijk gewest")
MAX_PER_CHECK = 50
NOT_FACTS = {"communes.csv", "sources.csv", "operators_directory.csv"}


def _is_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(1 << 22):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace") as fh:
        return fh.readline().lstrip("\ufeff")


def _sniff(header: str) -> str:
    counts = {d: header.count(d) for d in ("|", ";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        wide = wide_encoding(fh.read(4096))
    return wide or ("utf-8" if _is_utf8(path) else "cp1252")


def stage(con: duckdb.DuckDBPyConnection, path: Path, table: str, name: str) -> list[Problem]:
    """Read ``path`` as text into ``table`` with a ``_row`` column; return the problems."""
    check_size(path)
    src = path
    tmp = None
    encoding = _encoding(path)
    if encoding != "utf-8":
        # Windows-1252 or UTF-16 export: transcode once to UTF-8 for DuckDB's reader
        fd, tmp = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8") as out, open(path, encoding=encoding, errors="strict") as inp:
            try:
                for line in inp:
                    out.write(line)
            except UnicodeDecodeError as exc:
                os.unlink(tmp)
                return [Problem(name, None, None, Message("not_text", offset=exc.start))]
        src = Path(tmp)
    header = _first_line(src, "utf-8")
    if not header.strip():
        return [Problem(name, None, None, Message("file_empty"))]
    delim = _sniff(header)
    cols = [c.strip() for c in header.rstrip("\r\n").split(delim)]
    while cols and cols[-1] == "":
        cols.pop()
    problems = [Problem(name, 1, c, "required column is missing (header has: " + ", ".join(cols) + ")")
                for c in REQUIRED if c not in cols]
    problems += [Problem(name, 1, c, "unexpected column (expected: " + ", ".join(REQUIRED + OPTIONAL) + ")")
                 for c in cols if c not in REQUIRED + OPTIONAL]
    if len(set(cols)) != len(cols):
        problems.append(Problem(name, 1, None, "a column name appears twice in the header"))
    if problems:
        return problems
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER () + 1 AS _row, * FROM read_csv(?, "
            "delim = ?, header = true, all_varchar = true, quote = '\"', escape = '\"', "
            "strict_mode = true, null_padding = false, columns = ?)",
            [str(src), delim, {c: "VARCHAR" for c in cols}])
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        return [Problem(name, None, None, f"cannot read as {delim!r}-separated text: {msg}")]
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
        return [Problem(name, None, None, Message("no_data_rows"))]
    return []


NUMBER_TEXT = decimals.sql_normalise("coalesce(value, '')")


def value_evidence(con: duckdb.DuckDBPyConnection, table: str) -> decimals.Evidence:
    """What the staged file's values show about its decimal mark (``decimals``)."""
    dot, dot_row, comma, comma_row = con.execute(
        f"SELECT {decimals.sql_evidence('v', '_row')} FROM (SELECT _row, {NUMBER_TEXT} AS v FROM {table} "
        "WHERE contains(value, '.') OR contains(value, ','))").fetchone()
    return decimals.Evidence((dot, int(dot_row)) if dot is not None else None,
                             (comma, int(comma_row)) if comma is not None else None)


def _value_problem(raw: str, evidence: decimals.Evidence) -> Message:
    """Why a staged value is not a figure: missing, or not a number (same reasons as the Python reader)."""
    try:
        value = decimals.parse(raw, evidence)
    except decimals.NumberError as exc:
        return exc.message
    if value is None:
        return Message("value_missing_marker", text=raw) if raw else Message("value_missing_empty")
    return Message("not_a_number", text=raw)


def check_and_load(con: duckdb.DuckDBPyConnection, path: Path, name: str, *, quality_override: str | None = None
                   ) -> tuple[list[Problem], int]:
    """Stage, validate and append one fact file to ``_obs_stage`` / ``_scoped_stage``.

    Needs tables ``indicator``, ``source``, ``_unit_map(fact_unit, unit_id)``, ``_known(nis_code)``,
    ``_commune_names(nis_code, name)``, ``_obs_stage`` and ``_scoped_stage``.
    Returns (problems, rows read).
    """
    problems = stage(con, path, "_f", name)
    if problems:
        return problems, 0
    evidence = value_evidence(con, "_f")
    has_scope = "scope" in {r[0] for r in con.execute("DESCRIBE _f").fetchall()}
    scope_sql = sql_clean("coalesce(scope, '')") if has_scope else "''"
    geo = ", ".join(f"'{s}'" for s in GEOGRAPHIC_SCOPES)
    # one pass: normalise, parse, look up indicator/unit/source/commune; the raw table goes at once
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g AS
        WITH f AS (
          SELECT _row, trim(coalesce(nis_code, '')) AS raw_code, trim(coalesce(year, '')) AS raw_year,
                 trim(coalesce(indicator, '')) AS indicator_id, trim(coalesce(value, '')) AS raw_value,
                 {NUMBER_TEXT} AS number_text, trim(coalesce(unit, '')) AS unit,
                 trim(coalesce(source_id, '')) AS raw_sources,
                 nullif({sql_clean("coalesce(ref_period, '')")}, '') AS ref_period,
                 nullif({sql_clean("coalesce(note, '')")}, '') AS note, {scope_sql} AS scope
          FROM _f),
        n AS (SELECT f.* EXCLUDE (number_text),
                     {decimals.sql_value("number_text", decimals.sql_rule("number_text"), evidence.mark)} AS value
              FROM f),
        g AS (
          SELECT f.*,
                 CASE WHEN regexp_full_match(raw_code, '[0-9]{{1,4}}') THEN lpad(raw_code, 5, '0') ELSE raw_code END
                   AS nis_code,
                 TRY_CAST(raw_year AS INTEGER) AS year,
                 CASE WHEN contains(raw_sources, ';')
                      THEN array_to_string(list_filter(list_transform(string_split(raw_sources, ';'),
                                                                      lambda x: trim(x)), lambda x: x <> ''), ';')
                      ELSE raw_sources END AS source_ids
          FROM n AS f)
        SELECT g.*, split_part(g.source_ids, ';', 1) AS source_id, i.kind, i.unit_id AS indicator_unit,
               m.unit_id AS fact_unit, s.quality AS source_quality, k.nis_code IS NOT NULL AS known,
               (k.nis_code IS NOT NULL AND g.year IS NOT NULL AND (lower(g.scope) IN ({geo})
                 OR lower(g.scope) IN (SELECT name FROM _commune_names c WHERE c.nis_code = g.nis_code))) AS geo
        FROM g
        LEFT JOIN indicator i ON i.indicator_id = g.indicator_id
        LEFT JOIN _unit_map m ON m.fact_unit = g.unit
        LEFT JOIN source s ON s.source_id = split_part(g.source_ids, ';', 1)
        LEFT JOIN _known k ON k.nis_code = g.nis_code""")
    con.execute("DROP TABLE _f")
    code_reason = (
        "CASE WHEN raw_code = '' THEN 'nis_code is empty and no scope says what the figure covers' "
        "WHEN NOT regexp_full_match(nis_code, '[0-9]{5}') THEN '''' || raw_code || ''' is not a 5-digit NIS code' "
        "WHEN nis_code = '21000' THEN '21000 is the arrondissement; use the region code 04000 or a commune 21001-21019' "
        "WHEN nis_code LIKE '21%' THEN 'unknown NIS code ' || nis_code || ': Brussels communes are 21001-21019' "
        "ELSE 'NIS code ' || nis_code || ' is outside the Brussels-Capital Region (or a code retired by the "
        "2019/2025 municipal mergers); only 21001-21019 and the region 04000 are accepted' END")
    checks = [
        ("nis_code", code_reason, "(raw_code <> '' AND NOT known AND nis_code <> '01000') OR (raw_code = '' AND scope = '')"),
        ("year", "'''' || raw_year || ''' is not a year (1990-2100)'",
         "raw_year <> '' AND (year IS NULL OR year NOT BETWEEN 1990 AND 2100)"),
        ("indicator", "'unknown indicator ''' || indicator_id || ''' (add it to data/catalog/indicators.csv)'",
         "kind IS NULL"),
        ("unit", "'unknown unit ''' || unit || ''' (add it to data/catalog/unit_map.csv)'", "fact_unit IS NULL"),
        ("unit", "'unit ''' || unit || ''' does not match the indicator''s unit ''' || indicator_unit || ''''",
         "fact_unit <> indicator_unit"),
        ("source_id", "'every figure needs a source_id'", "source_ids = ''"),
        ("value", "'negative value ' || raw_value || ' for a ' || kind", "value < 0 AND kind IN ('count', 'flag', 'amount')"),
        ("value", "'a yes/no flag must be 0 or 1, not ' || raw_value", "value NOT IN (0, 1) AND kind = 'flag'"),
    ]
    out: list[Problem] = []
    for column, reason, where in checks:
        sql = f"SELECT _row, {reason} FROM _g WHERE {where} ORDER BY _row LIMIT {MAX_PER_CHECK}"
        out += [Problem(name, int(r), column, msg) for r, msg in con.execute(sql).fetchall()]
    # values that are not numbers, and control characters: the reader's own words (decimals, control_chars)
    for r, raw in con.execute("SELECT _row, raw_value FROM _g WHERE value IS NULL OR NOT isfinite(value) "
                              f"ORDER BY _row LIMIT {MAX_PER_CHECK}").fetchall():
        out.append(Problem(name, int(r), "value", _value_problem(raw, evidence)))
    for r, *texts in con.execute(
            "SELECT _row, note, ref_period, scope FROM _g WHERE regexp_matches(coalesce(note, '') || "
            f"coalesce(ref_period, '') || scope, '{SQL_SUSPECT}') ORDER BY _row LIMIT {MAX_PER_CHECK}").fetchall():
        for column, text in zip(("note", "ref_period", "scope"), texts):
            why = clean(text or "")[1]
            if why:
                out.append(Problem(name, int(r), column, why))
    rows = con.execute(
        "SELECT _row, s FROM (SELECT _row, unnest(string_split(source_ids, ';')) AS s FROM _g "
        "                     WHERE source_quality IS NULL OR contains(source_ids, ';')) "
        f"WHERE s <> '' AND s NOT IN (SELECT source_id FROM source) ORDER BY _row LIMIT {MAX_PER_CHECK}").fetchall()
    out += [Problem(name, int(r), "source_id", f"unknown source '{s}' (add it to the sources file)") for r, s in rows]
    if out:
        con.execute("DROP TABLE _g")
        return sorted(out, key=lambda p: (p.row or 0, p.column or "")), 0

    # the same place, indicator and year more than once: exact duplicates are errors; distinct periods make
    # the indicator a dated-point series (kept as scoped figures)
    # a plain count first (usually nothing repeats); distinct periods only for the keys that do
    con.execute("CREATE OR REPLACE TEMP TABLE _rep AS SELECT nis_code, indicator_id, year FROM _g WHERE geo "
                "GROUP BY nis_code, indicator_id, year HAVING count(*) > 1")
    groups = con.execute(
        "SELECT nis_code, indicator_id, year, count(*) = count(DISTINCT coalesce(ref_period, '')) "
        "FROM _g SEMI JOIN _rep USING (nis_code, indicator_id, year) WHERE geo "
        "GROUP BY nis_code, indicator_id, year").fetchall()
    con.execute("DROP TABLE _rep")
    if any(not distinct for *_, distinct in groups):
        dups = con.execute(
            "SELECT _row, first FROM (SELECT _row, min(_row) OVER (PARTITION BY nis_code, indicator_id, year, "
            "coalesce(ref_period, '')) AS first FROM _g WHERE geo) "
            f"WHERE _row <> first ORDER BY _row LIMIT {MAX_PER_CHECK}").fetchall()
        con.execute("DROP TABLE _g")
        return [Problem(name, int(r), None, f"duplicate of row {first} (same nis_code, indicator, year and ref_period)")
                for r, first in dups], 0
    point_series = sorted({ind for _, ind, _, _ in groups})
    con.execute("CREATE OR REPLACE TEMP TABLE _points AS SELECT unnest(?::VARCHAR[]) AS indicator_id", [point_series])
    quality = "source_quality" if quality_override is None else "?"
    params = [] if quality_override is None else [quality_override]
    con.execute(f"""
        INSERT INTO _obs_stage SELECT nis_code, indicator_id, year, value, source_id, source_ids, {quality},
               ref_period, note, ?, 1
        FROM _g WHERE geo AND indicator_id NOT IN (SELECT indicator_id FROM _points)""", params + [name])
    con.execute(f"""
        INSERT INTO _scoped_stage SELECT
               CASE WHEN scope <> '' THEN scope WHEN nis_code = '04000' THEN 'Brussels-Capital Region'
                    WHEN nis_code = '01000' THEN 'Belgium' ELSE nis_code END,
               CASE WHEN known THEN nis_code END, indicator_id, year, value, source_id, source_ids, {quality},
               ref_period, note, ?, _row
        FROM _g WHERE NOT geo OR indicator_id IN (SELECT indicator_id FROM _points)""", params + [name])
    n = con.execute("SELECT count(*) FROM _g").fetchone()[0]
    con.execute("DROP TABLE _g; DROP TABLE _points")
    return [], n


def prepare(con: duckdb.DuckDBPyConnection, catalog) -> None:
    """The lookups ``check_and_load`` validates against and the stage tables, once the catalogue and
    commune tables are in ``con``."""
    con.execute("CREATE TEMP TABLE _unit_map (fact_unit VARCHAR, unit_id VARCHAR)")
    con.executemany("INSERT INTO _unit_map VALUES (?, ?)", list(catalog.unit_map.items()))
    con.execute("CREATE TEMP TABLE _known AS SELECT nis_code FROM commune")
    # published totals that any loaded figure of the same place, indicator and year must reproduce
    con.execute("CREATE TEMP TABLE _check_values (indicator_id VARCHAR, nis_code VARCHAR, year INTEGER, "
                "value DOUBLE, tolerance DOUBLE, reference VARCHAR)")
    if not catalog.check_values.empty:
        insert_frame(con, "_check_values", catalog.check_values)
    con.execute("CREATE TEMP TABLE _commune_names AS SELECT nis_code, lower(unnest([name_fr, name_nl, name_en])) AS name "
                "FROM commune")
    con.execute(STAGE_DDL)


STAGE_DDL = """
CREATE TEMP TABLE _obs_stage (nis_code VARCHAR, indicator_id VARCHAR, year INTEGER, value DOUBLE, source_id VARCHAR,
    source_ids VARCHAR, quality VARCHAR, ref_period VARCHAR, note VARCHAR, input_file VARCHAR, pref INTEGER);
CREATE TEMP TABLE _scoped_stage (scope VARCHAR, nis_code VARCHAR, indicator_id VARCHAR, year INTEGER, value DOUBLE,
    source_id VARCHAR, source_ids VARCHAR, quality VARCHAR, ref_period VARCHAR, note VARCHAR, input_file VARCHAR,
    _row BIGINT);
"""

# the fact table's primary key is built once after the bulk load (much cheaper than per-row index upkeep)
OBSERVATION_KEY = "ALTER TABLE observation ADD PRIMARY KEY (nis_code, indicator_id, year)"


def merge_staged(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Move staged figures into observation/scoped_observation; equal duplicates across files merge
    (publisher files first), different values are an error naming the files."""
    con.execute("CREATE OR REPLACE TEMP TABLE _dupkeys AS SELECT nis_code, indicator_id, year FROM _obs_stage "
                "GROUP BY ALL HAVING count(*) > 1")
    rows = con.execute(
        "SELECT s.nis_code, s.indicator_id, s.year, "
        "string_agg(s.input_file || ' = ' || s.value, '; ' ORDER BY s.input_file) "
        "FROM _obs_stage s SEMI JOIN _dupkeys d USING (nis_code, indicator_id, year) GROUP BY ALL "
        f"HAVING max(s.value) - min(s.value) > greatest(0.5, 1e-6 * abs(max(s.value))) LIMIT {MAX_PER_CHECK}").fetchall()
    if rows:
        return [Problem(files.split(" = ")[0], None, "value", f"{c} {i} {y}: files disagree ({files})")
                for c, i, y, files in rows]
    cols = "nis_code, indicator_id, year, value, source_id, source_ids, quality, ref_period, note, input_file"
    if con.execute("SELECT count(*) FROM _dupkeys").fetchone()[0] == 0:
        con.execute(f"INSERT INTO observation SELECT {cols} FROM _obs_stage")
    else:
        con.execute(f"INSERT INTO observation SELECT {cols} FROM _obs_stage "
                    "ANTI JOIN _dupkeys USING (nis_code, indicator_id, year)")
        con.execute(f"INSERT INTO observation SELECT {cols} FROM _obs_stage "
                    "SEMI JOIN _dupkeys USING (nis_code, indicator_id, year) "
                    "QUALIFY row_number() OVER (PARTITION BY nis_code, indicator_id, year ORDER BY pref, input_file) = 1")
    con.execute("DROP TABLE _obs_stage; DROP TABLE _dupkeys")
    con.execute(
        "INSERT INTO scoped_observation SELECT row_number() OVER (ORDER BY input_file, _row), scope, nis_code, "
        "indicator_id, year, value, source_id, source_ids, quality, ref_period, note, input_file FROM _scoped_stage")
    con.execute("DROP TABLE _scoped_stage")
    return []


# ----------------------------------------------------------------------------- the source

def fact_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (Path(data_dir) / "raw" / "facts").glob("*.csv") if p.name not in NOT_FACTS)


def claims(path: Path, header) -> bool:
    return {"nis_code", "indicator", "value"} <= header.columns


def validate(path: Path, context) -> tuple[list[Problem], str]:
    with duckdb.connect(":memory:") as con:     # a scratch database: the published one is never opened
        con.execute(SCHEMA.read_text())
        insert_catalog(con, context.catalog)
        insert_frame(con, "commune", context.communes)
        prepare(con, context.catalog)
        problems, n = check_and_load(con, path, str(path))
        if problems:
            return problems, ""
        obs, = con.execute("SELECT count(*) FROM _obs_stage").fetchone()
        scoped, = con.execute("SELECT count(*) FROM _scoped_stage").fetchone()
    return [], f"facts: {n} rows, {obs} observations, {scoped} scoped figures"


def load(step: Step) -> list[Problem]:
    """Stage every fact file and the figures earlier sources left in ``step.observations``; merge them
    into ``observation`` / ``scoped_observation`` when no file has a problem."""
    con = step.con
    prepare(con, step.catalog)
    problems: list[Problem] = []
    for path in fact_files(step.data_dir):
        t = time.perf_counter()
        try:
            found, n = check_and_load(con, path, rel(path))
        except InputError as exc:
            found, n = exc.problems, 0
        problems += found
        if not found:
            step.inputs.add(path, "facts", n)
            step.log(f"  {rel(path)}: {n} rows in {time.perf_counter() - t:.2f} s")
    for frame in step.observations:
        insert_frame(con, "_obs_stage", frame)
    if problems:
        return problems
    problems = merge_staged(con)
    if problems:
        raise InputError(problems, headline="two inputs give different values for the same figure")
    return []


SOURCE = Source("facts", load, claims, validate, requires=("catalog", "communes"))
