"""SQL checks run on the new database before it is published.

Constraints in schema.sql already refuse nulls, bad codes, unknown references and out-of-range
values row by row; these checks look across rows. Each returns a list of failure messages.
"""
from __future__ import annotations

import duckdb

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


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    failures: list[str] = []
    for title, sql in CHECKS:
        rows = con.execute(sql).fetchall()
        failures += [f"check '{title}': {r[0]}" for r in rows[:20]]
    return failures
