"""SQL checks run on the new database before it is published.

Constraints in schema.sql already refuse nulls, bad codes, unknown references and out-of-range
values row by row; these checks look across rows. Each returns a list of failure messages.
"""
from __future__ import annotations

import duckdb

from .control_chars import SQL_REMOVED, SQL_SUSPECT

CHECKS: list[tuple[str, str]] = [
    ("observations name known communes",
     "SELECT 'observation names unknown commune ' || nis_code || ' (' || count(*) || ' rows)' FROM observation "
     "WHERE nis_code NOT IN (SELECT nis_code FROM commune) GROUP BY nis_code"),
    ("observations name known indicators",
     "SELECT 'observation names unknown indicator ' || indicator_id || ' (' || count(*) || ' rows)' FROM observation "
     "WHERE indicator_id NOT IN (SELECT indicator_id FROM indicator) GROUP BY indicator_id"),
    ("observations name known sources",
     "SELECT 'observation names unknown source ' || source_id || ' (' || count(*) || ' rows)' FROM observation "
     "WHERE source_id NOT IN (SELECT source_id FROM source) GROUP BY source_id"),
    ("19 communes and the region",
     "SELECT 'commune table has ' || count(*) || ' rows, expected 20' FROM commune HAVING count(*) <> 20"),
    ("every commune has a tile",
     "SELECT 'commune ' || nis_code || ' has no tile position' FROM commune "
     "WHERE level = 'commune' AND (tile_row IS NULL OR tile_col IS NULL)"),
    ("geometry covers all communes or none",
     "SELECT 'boundaries cover ' || count(*) || ' communes, expected 0 or 19' FROM commune_geometry "
     "HAVING count(*) NOT IN (0, 19)"),
    ("observation sources exist",
     "SELECT 'observation ' || nis_code || '/' || indicator_id || '/' || year || ' names unknown source ' || s "
     "FROM (SELECT *, unnest(string_split(source_ids, ';')) AS s FROM observation WHERE contains(source_ids, ';')) "
     "WHERE s NOT IN (SELECT source_id FROM source)"),
    ("indicator sources exist",
     "SELECT 'indicator ' || indicator_id || ' names unknown source ' || s "
     "FROM (SELECT *, unnest(string_split(source_ids, ';')) AS s FROM indicator) "
     "WHERE s NOT IN (SELECT source_id FROM source)"),
    ("example figures are marked",
     "SELECT 'observation ' || o.nis_code || '/' || o.indicator_id || '/' || o.year || ' comes from example source '"
     " || o.source_id || ' but is not marked example' FROM observation o JOIN source s USING (source_id) "
     "WHERE s.quality = 'example' AND o.quality <> 'example'"),
    ("no indicator mixes example and real figures",
     "SELECT 'indicator ' || indicator_id || ' has example and real figures (' || count(*) || ' rows): they are never "
     "mixed' FROM observation GROUP BY indicator_id HAVING count(DISTINCT quality = 'example') > 1"),
    ("member data is example or real, never both",
     "SELECT 'example member sites and real member sites in one build' FROM operator "
     "HAVING count(*) FILTER (operator_id LIKE 'ex-%') > 0 AND count(*) FILTER (operator_id LIKE 'mb-%') > 0"),
    ("assessments are example or real, never both",
     "SELECT 'example and real assessments in one build' FROM tip_assessment "
     "HAVING count(*) FILTER (quality = 'example') > 0 AND count(*) FILTER (quality <> 'example') > 0"),
    ("communes sum to the regional total where the source says so",
     "WITH r AS (SELECT indicator_id, year, value FROM observation WHERE nis_code = '04000' "
     "           AND note ILIKE '%sum of the 19 communes%'), "
     "c AS (SELECT indicator_id, year, sum(value) AS total, count(*) AS n FROM observation "
     "      WHERE nis_code <> '04000' GROUP BY ALL) "
     "SELECT 'region ' || r.indicator_id || ' ' || r.year || ' = ' || r.value || ' but the communes sum to ' || "
     "coalesce(c.total::VARCHAR, 'nothing') || ' (' || coalesce(c.n, 0) || ' communes)' "
     "FROM r JOIN indicator i USING (indicator_id) LEFT JOIN c USING (indicator_id, year) "
     "WHERE i.kind IN ('count', 'amount') AND (c.n IS DISTINCT FROM 19 OR abs(c.total - r.value) > greatest(1, 1e-9 * r.value))"),
    ("figures reproduce the publisher's check values",
     "SELECT o.indicator_id || ' ' || o.nis_code || ' ' || o.year || ' = ' || o.value || ' but ' || c.reference || "
     "' gives ' || c.value FROM observation o JOIN _check_values c USING (indicator_id, nis_code, year) "
     "WHERE abs(o.value - c.value) > c.tolerance"),
    ("figures not published for the region have no regional value",
     "SELECT 'indicator ' || d.indicator_id || ' is listed as not published for the region (display.csv, place "
     "region_not_published) but has a regional figure for ' || string_agg(CAST(o.year AS VARCHAR), ', ' ORDER BY o.year) "
     "FROM indicator_display d JOIN observation o ON o.indicator_id = d.indicator_id AND o.nis_code = '04000' "
     "WHERE d.place = 'region_not_published' GROUP BY d.indicator_id"),
    ("population is complete where published",
     "SELECT 'population_1jan ' || year || ' has ' || count(*) || ' rows, expected 20' FROM observation "
     "WHERE indicator_id = 'population_1jan' GROUP BY year HAVING count(*) <> 20"),
    ("rates stay in range",
     "SELECT o.indicator_id || ' ' || o.nis_code || ' ' || o.year || ' = ' || o.value || ' is not a percentage' "
     "FROM observation o JOIN indicator i USING (indicator_id) WHERE i.unit_id = 'percent' AND i.kind = 'rate' "
     "AND (o.value < 0 OR o.value > 100)"),
]


# the fact tables (millions of rows at scale): their free text (note, ref_period, scope) is cleaned and checked
# as each fact file is loaded (etl.sources.facts), and every code in them must match a catalogue table
CHECKED_AT_LOAD = ("observation", "scoped_observation")


def text_checks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """One check per published table: no control character, bidi override or invisible character in its
    text reaches a page or an export (the readers clean or refuse them at the door; this catches any
    input that went around them)."""
    cols = con.execute("SELECT table_name, column_name FROM information_schema.columns c JOIN "
                       "information_schema.tables t USING (table_schema, table_name) WHERE table_schema = 'main' "
                       "AND table_type = 'BASE TABLE' AND data_type = 'VARCHAR' AND table_name NOT IN "
                       f"({', '.join(repr(t) for t in CHECKED_AT_LOAD)}) ORDER BY ALL").fetchall()
    # tabs and line breaks are allowed here (documentation text has them; cells never do after the readers)
    pattern = SQL_SUSPECT.replace("\\x{0}-\\x{1f}", "\\x{0}-\\x{8}\\x{b}\\x{c}\\x{e}-\\x{1f}")[:-1] + SQL_REMOVED[1:]
    tables: dict[str, list[str]] = {}
    for t, c in cols:
        tables.setdefault(t, []).append(c)
    checks = []
    for t, cs in tables.items():
        # one pattern over the row's text first (usually no row matches); then which column
        per_column = " UNION ALL ".join(
            f"SELECT '{t}.{c} has ' || count(*) || ' value(s) with a control or invisible character' FROM bad "
            f"WHERE regexp_matches({c}, '{pattern}') HAVING count(*) > 0" for c in cs)
        checks.append((f"no control characters in {t}",
                       f"WITH bad AS (SELECT {', '.join(cs)} FROM {t} WHERE regexp_matches(concat_ws(' ', "
                       f"{', '.join(cs)}), '{pattern}')) {per_column}"))
    return checks


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    failures: list[str] = []
    for title, sql in CHECKS + text_checks(con):
        rows = con.execute(sql).fetchall()
        failures += [f"check '{title}': {r[0]}" for r in rows[:20]]
    return failures
