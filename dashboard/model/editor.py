"""Editor page: what an upload would change (two ``data.snapshot`` snapshots compared: the published
database and a scratch build) and the problem table of a refused file. Pure: DataFrames in and out."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from dashboard.data.snapshot import TABLES


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
        p = p if isinstance(p, Mapping) else vars(p)     # the ETL's JSON problems, or Problem objects
        f = str(p["file"])
        staged = staged_name and Path(f).name == staged_name and Path(f).parent.name in ("assessments", "members")
        if shown_name and (f == temp_name or staged):
            f = shown_name
        rows.append({"file": f, "row": p["row"], "column": p["column"] or "", "reason": p["reason"]})
    return pd.DataFrame(rows, columns=["file", "row", "column", "reason"])
