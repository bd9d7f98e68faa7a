"""Editor helpers: what an upload would change (published database vs a scratch build), problem tables.

``snapshot`` reads the comparable rows of one database file (read-only, locked-down connection);
``diff_frames`` and ``change_summary`` are pure.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.db import connect_read_only

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


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return a == b


def diff_frames(old: pd.DataFrame, new: pd.DataFrame, key: list[str], values: list[str]) -> pd.DataFrame:
    """Rows added, changed or removed between two versions of one table:
    key columns, ``change`` (added | changed | removed), ``nis_code``, ``before`` and ``after`` (text)."""
    cols = key + [c for c in ("change", "nis_code", "before", "after") if c not in key]
    o = old.set_index(key)
    n = new.set_index(key)
    o = o[~o.index.duplicated()]
    n = n[~n.index.duplicated()]
    rows = []

    def text(r):
        return "; ".join(f"{c}={r[c]}" for c in values if c != "nis_code" and not pd.isna(r[c]))

    for k in n.index.difference(o.index):
        r = n.loc[k]
        rows.append(dict(zip(key, k if isinstance(k, tuple) else (k,)), change="added",
                         nis_code=r.get("nis_code", k[0] if isinstance(k, tuple) else None), before="", after=text(r)))
    for k in o.index.difference(n.index):
        r = o.loc[k]
        rows.append(dict(zip(key, k if isinstance(k, tuple) else (k,)), change="removed",
                         nis_code=r.get("nis_code", k[0] if isinstance(k, tuple) else None), before=text(r), after=""))
    for k in o.index.intersection(n.index):
        a, b = o.loc[k], n.loc[k]
        if not all(_same(a[c], b[c]) for c in values if c in o.columns):
            rows.append(dict(zip(key, k if isinstance(k, tuple) else (k,)), change="changed",
                             nis_code=b.get("nis_code", k[0] if isinstance(k, tuple) else None),
                             before=text(a), after=text(b)))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["nis_code", "change"] + key, na_position="last").reset_index(drop=True) if len(out) else out


def diff_databases(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every change across ``TABLES``: table, key (text), change, nis_code, before, after."""
    frames = []
    for table, (key, values, _sql) in TABLES.items():
        d = diff_frames(old[table], new[table], key, values)
        if d.empty:
            continue
        d = d.assign(table=table, key=d[key].astype(str).agg(" · ".join, axis=1))
        frames.append(d[["table", "nis_code", "key", "change", "before", "after"]])
    if not frames:
        return pd.DataFrame(columns=["table", "nis_code", "key", "change", "before", "after"])
    return pd.concat(frames, ignore_index=True)


def change_summary(diff: pd.DataFrame) -> pd.DataFrame:
    """Per commune and table: how many rows are added, changed, removed."""
    if diff.empty:
        return pd.DataFrame(columns=["nis_code", "table", "added", "changed", "removed"])
    d = diff.assign(nis_code=diff["nis_code"].fillna("—"))
    out = d.pivot_table(index=["nis_code", "table"], columns="change", values="key", aggfunc="count", fill_value=0)
    for c in ("added", "changed", "removed"):
        if c not in out:
            out[c] = 0
    return out[["added", "changed", "removed"]].reset_index()


def problem_table(problems, shown_name: str | None = None, temp_name: str | None = None,
                  staged_name: str | None = None) -> pd.DataFrame:
    """Problems as plain rows (file, row, column, reason); the temporary or staged copy of the upload
    is shown under the uploaded name."""
    rows = []
    for p in problems:
        f = str(p.file)
        staged = staged_name and Path(f).name == staged_name and Path(f).parent.name in ("assessments", "members")
        if shown_name and (f == temp_name or staged):
            f = shown_name
        rows.append({"file": f, "row": p.row, "column": p.column or "", "reason": p.reason})
    return pd.DataFrame(rows, columns=["file", "row", "column", "reason"])
