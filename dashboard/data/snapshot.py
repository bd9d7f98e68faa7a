"""The comparable rows of any database file (the published one or the editor's scratch build), read
through the same read-only, locked-down connection as the app: what an upload would change is the
difference of two snapshots (``model/editor.py``)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.data.connection import connect_read_only

# table -> (key columns, compared value columns, SQL giving key + values + nis_code)
TABLES = {
    "observation": (["nis_code", "indicator_id", "year"], ["value", "source_id", "quality"],
                    "SELECT nis_code, indicator_id, year, value, source_id, quality FROM observation"),
    "tip_assessment": (["nis_code", "criterion_id", "assessed_on"], ["status", "evidence_url", "note", "quality"],
                       "SELECT nis_code, criterion_id, CAST(assessed_on AS VARCHAR) AS assessed_on, status, "
                       "evidence_url, note, quality FROM tip_assessment"),
    "operator": (["operator_id"], ["name", "category", "nis_code", "quality"],
                 "SELECT operator_id, name, category, nis_code, quality FROM operator"),
    "reuse_flow": (["operator_id", "year", "stream"], ["collected_t", "reused_t", "recycled_t", "nis_code"],
                   "SELECT f.operator_id, f.year, f.stream, f.collected_t, f.reused_t, f.recycled_t, o.nis_code "
                   "FROM reuse_flow f JOIN operator o USING (operator_id)"),
}


def snapshot(path: Path | str) -> dict[str, pd.DataFrame]:
    """The comparable rows of every table in ``TABLES`` (empty frames when the file does not exist)."""
    out = {}
    if not Path(path).exists():
        return {t: pd.DataFrame(columns=k + v) for t, (k, v, _sql) in TABLES.items()}
    con = connect_read_only(path)
    try:
        for table, (_key, _values, sql) in TABLES.items():
            out[table] = con.execute(sql).df()
    finally:
        con.close()
    return out
