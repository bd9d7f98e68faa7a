"""Long-format fact files, validated and loaded inside DuckDB so a 10-million-row file costs seconds.

Columns: ``nis_code, year, indicator, value, unit, source_id, ref_period, note[, scope]``.

Rules (README "Data rules"):

* A row is a commune/region **observation** when its code is known, it has a year, and its
  ``scope`` (if any) is geographic: empty, the region, the commune's own name, or the words
  ``commune`` / ``region`` with a commune's / the region's code. Otherwise (organisation-wide,
  Wallonia + Brussels, part of a commune, undated) it is a **scoped** figure: kept with its scope
  (labelled through the catalogue's scope vocabulary), shown as context, never mapped.
* **Undated** means: no year, a span of years (``2021-2025``: kept as the reference period), or a
  reference period that gives only a publication date or says the period is not stated
  (``UNDATED_PERIOD``; the year column then holds a publication year): such a row never gets a year.
* An indicator name listed in ``data/catalog/fact_aliases.csv`` loads as the catalogued indicator it
  repeats (value × factor).
* When one indicator has several rows for the same place and year with different reference periods
  (monthly press snapshots), the whole indicator of that file is kept as dated points (scoped): a
  yearly series would silently pick one month.
* Exact duplicates (same place, indicator, year and period) are an error naming both rows.
* The same figure from two files is kept once, citing both files' sources; a different value is a
  **contradiction**, an error naming both files and rows (``merge_staged``).

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
NOT_FACTS = {"communes.csv", "sources.csv", "operators_directory.csv"}   # and every sources_*.csv
# a reference period that gives only a publication date or says the period is not stated: the figure is
# undated, whatever the year column says (a later collection put the publication year there)
UNDATED_PERIOD = r"^(undated|reported\b)|(period|year) not stated"


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
                 trim(coalesce(indicator, '')) AS raw_indicator, trim(coalesce(value, '')) AS raw_value,
                 {NUMBER_TEXT} AS number_text, trim(coalesce(unit, '')) AS unit,
                 trim(coalesce(source_id, '')) AS raw_sources,
                 nullif({sql_clean("coalesce(ref_period, '')")}, '') AS ref_period,
                 nullif({sql_clean("coalesce(note, '')")}, '') AS note, {scope_sql} AS scope
          FROM _f),
        n AS (SELECT f.* EXCLUDE (number_text),
                     {decimals.sql_value("number_text", decimals.sql_rule("number_text"), evidence.mark)} AS raw_number
              FROM f),
        g AS (
          SELECT f.* EXCLUDE (scope, ref_period),
                 CASE WHEN regexp_full_match(raw_code, '[0-9]{{1,4}}') THEN lpad(raw_code, 5, '0') ELSE raw_code END
                   AS nis_code,
                 TRY_CAST(raw_year AS INTEGER) AS year_given,
                 -- a span of years ('2021-2025') is a period: kept as the reference period, with no year
                 regexp_full_match(raw_year, '[0-9]{{4}}-[0-9]{{4}}') AS year_span,
                 coalesce(f.ref_period, CASE WHEN regexp_full_match(raw_year, '[0-9]{{4}}-[0-9]{{4}}')
                                             THEN raw_year END) AS ref_period,
                 regexp_matches(lower(coalesce(f.ref_period, '')), '{UNDATED_PERIOD}') AS undated_period,
                 coalesce(a.indicator_id, raw_indicator) AS indicator_id, a.fact_unit AS alias_unit,
                 raw_number * coalesce(a.factor, 1) AS value,
                 CASE WHEN contains(raw_sources, ';')
                      THEN array_to_string(list_filter(list_transform(string_split(raw_sources, ';'),
                                                                      lambda x: trim(x)), lambda x: x <> ''), ';')
                      ELSE raw_sources END AS source_ids,
                 f.scope AS raw_scope
          FROM n AS f LEFT JOIN _alias a ON a.fact_indicator = f.raw_indicator),
        h AS (
          SELECT g.*, CASE WHEN year_span OR undated_period THEN NULL ELSE year_given END AS year,
                 -- the scope words of a later collection: 'commune' (with a commune's code) and 'region'
                 -- (with 04000) are geographic, like an empty scope
                 CASE WHEN (lower(raw_scope) = 'commune' AND nis_code LIKE '21%')
                        OR (lower(raw_scope) = 'region' AND nis_code = '04000') THEN '' ELSE raw_scope END AS scope
          FROM g)
        SELECT h.*, split_part(h.source_ids, ';', 1) AS source_id, i.kind, i.unit_id AS indicator_unit,
               m.unit_id AS fact_unit, s.quality AS source_quality, k.nis_code IS NOT NULL AS known,
               (k.nis_code IS NOT NULL AND h.year IS NOT NULL AND (lower(h.scope) IN ({geo})
                 OR lower(h.scope) IN (SELECT name FROM _commune_names c WHERE c.nis_code = h.nis_code))) AS geo
        FROM h
        LEFT JOIN indicator i ON i.indicator_id = h.indicator_id
        LEFT JOIN _unit_map m ON m.fact_unit = h.unit
        LEFT JOIN source s ON s.source_id = split_part(h.source_ids, ';', 1)
        LEFT JOIN _known k ON k.nis_code = h.nis_code""")
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
         "raw_year <> '' AND NOT year_span AND (year_given IS NULL OR year_given NOT BETWEEN 1990 AND 2100)"),
        ("year", "'''' || raw_year || ''' is not a span of years within 1990-2100, first year before the last'",
         "year_span AND NOT (split_part(raw_year, '-', 1)::INTEGER >= 1990 AND split_part(raw_year, '-', 2)::INTEGER "
         "<= 2100 AND split_part(raw_year, '-', 1)::INTEGER < split_part(raw_year, '-', 2)::INTEGER)"),
        ("indicator", "'unknown indicator ''' || indicator_id || ''' (add it to data/catalog/indicators.csv)'",
         "kind IS NULL"),
        ("unit", "'unknown unit ''' || unit || ''' (add it to data/catalog/unit_map.csv)'",
         "alias_unit IS NULL AND fact_unit IS NULL"),
        ("unit", "'unit ''' || unit || ''' does not match the indicator''s unit ''' || indicator_unit || ''''",
         "alias_unit IS NULL AND fact_unit <> indicator_unit"),
        ("unit", "'unit ''' || unit || ''' is not ''' || alias_unit || ''', the unit data/catalog/fact_aliases.csv "
                 "gives for ''' || raw_indicator || ''''", "alias_unit IS NOT NULL AND unit <> alias_unit"),
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
    # remembered for every file: another file's yearly rows of a dated-point indicator join its points
    con.execute("INSERT INTO _point_series SELECT indicator_id FROM _points EXCEPT SELECT indicator_id FROM _point_series")
    quality = "source_quality" if quality_override is None else "?"
    params = [] if quality_override is None else [quality_override]
    con.execute(f"""
        INSERT INTO _obs_stage SELECT nis_code, indicator_id, year, value, source_id, source_ids, {quality},
               ref_period, note, ?, 1, _row
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


def _lookup(con: duckdb.DuckDBPyConnection, table: str, columns: str, frame) -> None:
    """A temporary lookup table with ``columns`` filled from a catalogue frame (empty when the frame is)."""
    con.execute(f"CREATE TEMP TABLE {table} ({columns})")
    insert_frame(con, table, frame)


def prepare(con: duckdb.DuckDBPyConnection, catalog) -> None:
    """The lookups ``check_and_load`` validates against and the stage tables, once the catalogue and
    commune tables are in ``con``."""
    con.execute("CREATE TEMP TABLE _unit_map (fact_unit VARCHAR, unit_id VARCHAR)")
    con.executemany("INSERT INTO _unit_map VALUES (?, ?)", list(catalog.unit_map.items()))
    con.execute("CREATE TEMP TABLE _known AS SELECT nis_code FROM commune")
    # published totals that any loaded figure of the same place, indicator and year must reproduce
    _lookup(con, "_check_values", "indicator_id VARCHAR, nis_code VARCHAR, year INTEGER, value DOUBLE, "
            "tolerance DOUBLE, reference VARCHAR", catalog.check_values)
    con.execute("CREATE TEMP TABLE _commune_names AS SELECT nis_code, lower(unnest([name_fr, name_nl, name_en])) AS name "
                "FROM commune")
    _lookup(con, "_alias", "fact_indicator VARCHAR, fact_unit VARCHAR, indicator_id VARCHAR, factor DOUBLE",
            catalog.fact_aliases)
    _lookup(con, "_scope_rule", "position INTEGER, scope VARCHAR, indicator VARCHAR, note_contains VARCHAR, "
            "scope_id VARCHAR", catalog.scope_rules)
    con.execute(STAGE_DDL)


STAGE_DDL = """
CREATE TEMP TABLE _obs_stage (nis_code VARCHAR, indicator_id VARCHAR, year INTEGER, value DOUBLE, source_id VARCHAR,
    source_ids VARCHAR, quality VARCHAR, ref_period VARCHAR, note VARCHAR, input_file VARCHAR, pref INTEGER,
    input_row BIGINT);
CREATE TEMP TABLE _point_series (indicator_id VARCHAR);
CREATE TEMP TABLE _scoped_stage (scope VARCHAR, nis_code VARCHAR, indicator_id VARCHAR, year INTEGER, value DOUBLE,
    source_id VARCHAR, source_ids VARCHAR, quality VARCHAR, ref_period VARCHAR, note VARCHAR, input_file VARCHAR,
    _row BIGINT);
"""

# the fact table's primary key is built once after the bulk load (much cheaper than per-row index upkeep)
OBSERVATION_KEY = "ALTER TABLE observation ADD PRIMARY KEY (nis_code, indicator_id, year)"


# two figures of the same thing differ when they are further apart than this (rounded copies are equal)
DIFFERENT = "max(value) - min(value) > greatest(0.5, 1e-6 * abs(max(value)))"


def _repeated(con, table: str, key: str) -> None:
    """``_rep``: the keys of ``table`` given by more than one file (usually none: a plain count first)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rep AS SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rep AS SELECT {key} FROM {table} SEMI JOIN _rep USING ({key}) "
                "GROUP BY ALL HAVING count(DISTINCT input_file) > 1")


def _disagreements(con, table: str, key: str, what: str) -> list[Problem]:
    """One problem per figure (``key``) that two files of ``table`` give with different values, naming
    every file and row: 'files disagree (a.csv row 5 = 1780; b.csv row 9 = 1700)'."""
    _repeated(con, table, key)
    rows = con.execute(
        f"SELECT {what}, string_agg(input_file || coalesce(' row ' || input_row, '') || ' = ' || value, '; ' "
        f"ORDER BY input_file, input_row), min(input_file), min(input_row) "
        f"FROM {table} SEMI JOIN _rep USING ({key}) GROUP BY {key} HAVING {DIFFERENT} "
        f"ORDER BY 1 LIMIT {MAX_PER_CHECK}").fetchall()
    con.execute("DROP TABLE _rep")
    return [Problem(file, None if row is None else int(row), "value", f"{label}: files disagree ({where})")
            for label, where, file, row in rows]


def _merged_sources(con, table: str, key: str) -> None:
    """``_merged``: for each figure (``key``) of ``table`` given by several files, every file's sources in
    file order (publisher files first), once each (``merged``)."""
    _repeated(con, table, key)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _merged AS
        WITH x AS (SELECT {key}, pref, input_file, input_row, unnest(string_split(source_ids, ';')) AS s,
                          generate_subscripts(string_split(source_ids, ';'), 1) AS i
                   FROM {table} SEMI JOIN _rep USING ({key})),
        y AS (SELECT * EXCLUDE (pref, input_file, input_row, i),
                     row_number() OVER (PARTITION BY {key} ORDER BY pref, input_file, input_row, i) AS pos FROM x)
        SELECT {key}, string_agg(s, ';' ORDER BY pos) AS merged
        FROM (SELECT {key}, s, min(pos) AS pos FROM y GROUP BY ALL) GROUP BY ALL""")
    con.execute("DROP TABLE _rep")


def _resolve_scopes(con) -> list[Problem]:
    """``_scoped_keyed``: the staged scoped figures with the ``scope_id`` of the catalogue's scope vocabulary
    (``scope_rules.csv``: the scope as written, optionally only for an indicator (``x_*`` a prefix) or for
    rows whose note contains a word; the most specific rule wins). A commune's code or name needs no rule;
    any other scope without one is a problem naming file, row and scope."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _scoped_keyed AS
        WITH s AS (SELECT *, row_number() OVER () AS _sid FROM _scoped_stage),
        m AS (
          SELECT s._sid, r.scope_id,
                 row_number() OVER (PARTITION BY s._sid ORDER BY (r.indicator <> '')::INT + (r.note_contains <> '')::INT
                                    DESC, r.position) AS n
          FROM s JOIN _scope_rule r ON lower(r.scope) = lower(trim(s.scope))
           AND (r.indicator = '' OR r.indicator = s.indicator_id
                OR (ends_with(r.indicator, '*') AND starts_with(s.indicator_id, rtrim(r.indicator, '*'))))
           AND (r.note_contains = '' OR contains(lower(coalesce(s.note, '')), lower(r.note_contains))))
        SELECT s.* EXCLUDE (_sid), m.scope_id, 0 AS pref, s._row AS input_row,
               (s.scope IN (SELECT nis_code FROM _known) OR lower(s.scope) IN (SELECT name FROM _commune_names))
                 AS commune_scope,
               coalesce(year, -1) AS year_key, lower(trim(coalesce(ref_period, ''))) AS period
        FROM s LEFT JOIN m ON m._sid = s._sid AND m.n = 1""")
    rows = con.execute("SELECT input_file, _row, scope FROM _scoped_keyed WHERE scope_id IS NULL AND NOT commune_scope "
                       f"ORDER BY input_file, _row LIMIT {MAX_PER_CHECK}").fetchall()
    return [Problem(f, None if r is None else int(r), "scope", f"scope '{sc}' has no labels: add it to "
                    "data/catalog/scope_rules.csv (and scopes.csv), or give a commune's code or name")
            for f, r, sc in rows]


def _fold_whole_region_repeats(con) -> list[Problem]:
    """A scoped figure whose scope covers the whole Region (``scope.whole_region``) and that gives the same
    indicator, year and reference period as a regional observation is that observation: equal, it is
    dropped and its sources join the observation's; different, it is a contradiction naming both rows."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _repeat AS
        SELECT k.input_file AS k_file, k._row AS k_row, k.value AS k_value, k.source_ids AS k_sources,
               o.input_file AS o_file, o.input_row AS o_row, o.value AS o_value, o.indicator_id, o.year
        FROM _scoped_keyed k JOIN scope sc USING (scope_id)
        JOIN _obs_stage o ON o.nis_code = '04000' AND o.indicator_id = k.indicator_id AND o.year = k.year
          AND lower(trim(coalesce(o.ref_period, ''))) = k.period
        WHERE sc.whole_region""")
    rows = con.execute(f"SELECT * FROM _repeat WHERE abs(k_value - o_value) > greatest(0.5, 1e-6 * abs(o_value)) "
                       f"LIMIT {MAX_PER_CHECK}").fetchall()
    if rows:
        return [Problem(kf, int(kr), "value", f"{ind} region {y}: files disagree ({of} row {orow} = {ov:g}; "
                                               f"{kf} row {kr} = {kv:g})")
                for kf, kr, kv, _ks, of, orow, ov, ind, y in rows]
    con.execute("""
        UPDATE _obs_stage o SET source_ids = array_to_string(string_split(o.source_ids, ';') || list_filter(
            string_split(r.k_sources, ';'), lambda x: NOT list_contains(string_split(o.source_ids, ';'), x)), ';')
        FROM _repeat r WHERE o.input_file = r.o_file AND o.input_row = r.o_row""")
    con.execute("DELETE FROM _scoped_keyed k USING _repeat r WHERE k.input_file = r.k_file AND k._row = r.k_row")
    con.execute("DROP TABLE _repeat")
    return []


def merge_staged(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Move staged figures into observation/scoped_observation. The yearly rows of an indicator that another
    file gives as dated points join those points; every scoped figure gets its scope from the vocabulary.
    The same figure given by several files (an observation: place, indicator, year; a scoped figure:
    indicator, scope, year and reference period; a scoped figure of the whole Region and a regional
    observation) is kept once, citing every file's sources (publisher files first); a different value is a
    contradiction: an error naming both files and rows."""
    con.execute("INSERT INTO _scoped_stage SELECT CASE WHEN nis_code = '04000' THEN 'Brussels-Capital Region' "
                "ELSE nis_code END, nis_code, indicator_id, year, value, source_id, source_ids, quality, ref_period, "
                "note, input_file, input_row FROM _obs_stage WHERE indicator_id IN (SELECT indicator_id FROM _point_series)")
    con.execute("DELETE FROM _obs_stage WHERE indicator_id IN (SELECT indicator_id FROM _point_series)")
    problems = _resolve_scopes(con)
    if problems:
        return problems
    obs_key = "nis_code, indicator_id, year"
    problems = _disagreements(con, "_obs_stage", obs_key, "nis_code || ' ' || indicator_id || ' ' || year")
    problems += _fold_whole_region_repeats(con)
    # a scoped figure is the same figure when it names the same indicator, scope, year and reference period;
    # undated, when it names the same indicator and scope and gives the same value (how the date is worded
    # differs; two values are two figures of unknown dates, never a contradiction)
    con.execute("ALTER TABLE _scoped_keyed ADD COLUMN place VARCHAR")
    con.execute("UPDATE _scoped_keyed SET place = coalesce(scope_id, nis_code, lower(trim(scope)))")
    con.execute("UPDATE _scoped_keyed SET period = 'undated ' || value WHERE year IS NULL "
                "AND NOT regexp_full_match(period, '[0-9]{4}-[0-9]{4}')")
    scoped_key = "indicator_id, place, year_key, period"
    problems += _disagreements(con, "_scoped_keyed", scoped_key,
                               "indicator_id || ' ' || place || ' ' || "
                               "coalesce(nullif(period, ''), CAST(nullif(year_key, -1) AS VARCHAR), 'undated')")
    if problems:
        return problems
    # a figure one file gives goes in as it is; of a figure several files give, the first file's row (publisher
    # files first), citing them all
    cols = "nis_code, indicator_id, year, value, source_id, {sources}, quality, ref_period, note, input_file"
    _merged_sources(con, "_obs_stage", obs_key)
    con.execute(f"INSERT INTO observation SELECT {cols.format(sources='source_ids')} FROM _obs_stage "
                f"ANTI JOIN _merged USING ({obs_key})")
    con.execute(f"INSERT INTO observation SELECT {cols.format(sources='m.merged')} FROM _obs_stage "
                f"JOIN _merged m USING ({obs_key}) "
                f"QUALIFY row_number() OVER (PARTITION BY {obs_key} ORDER BY pref, input_file, input_row) = 1")
    con.execute("DROP TABLE _obs_stage; DROP TABLE _merged")
    # a file may give one indicator for two scopes: every row of a figure one file gives goes in
    _merged_sources(con, "_scoped_keyed", scoped_key)
    con.execute(f"""
        INSERT INTO scoped_observation
        SELECT row_number() OVER (ORDER BY input_file, _row), scope, scope_id, nis_code, indicator_id, year, value,
               source_id, coalesce(m.merged, source_ids), quality, ref_period, note, input_file
        FROM _scoped_keyed LEFT JOIN _merged m USING ({scoped_key})
        QUALIFY m.merged IS NULL OR row_number() OVER (PARTITION BY {scoped_key} ORDER BY input_file, _row) = 1""")
    con.execute("DROP TABLE _scoped_stage; DROP TABLE _scoped_keyed; DROP TABLE _merged")
    return []


# ----------------------------------------------------------------------------- the source

def fact_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (Path(data_dir) / "raw" / "facts").glob("*.csv")
                  if p.name not in NOT_FACTS and not p.name.startswith("sources_"))


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
