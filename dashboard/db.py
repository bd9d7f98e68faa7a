"""Read-only access to the published database: one locked-down connection per file version, a cursor per call.

The ETL publishes by ``os.replace``; a connection opened before the swap keeps reading the old file,
so connections and cached query results are keyed by the file's identity (inode, mtime, size) and a
new version is picked up on the next rerun.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.config import db_path


class DatabaseMissing(RuntimeError):
    """No published database yet."""


def version() -> str:
    """Identity of the published file; changes whenever the ETL swaps in a new one."""
    path = db_path()
    try:
        s = path.stat()
    except FileNotFoundError:
        raise DatabaseMissing(f"no database at {path}: run `python -m etl build` first") from None
    return f"{s.st_ino}-{s.st_mtime_ns}-{s.st_size}"


def connect_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Viewer connection: read-only, no file/network access, configuration locked.

    The file is ATTACHed to a fresh in-memory instance rather than opened with ``duckdb.connect(path)``:
    DuckDB reuses an open database by path, so after the ETL's ``os.replace`` a new ``connect(path)``
    kept returning the OLD file while any connection to it lived (seen in the swap test).
    """
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS bsim (READ_ONLY)", [str(path)])
    con.execute("USE bsim")
    con.execute("DETACH memory")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, ver: str) -> duckdb.DuckDBPyConnection:
    return connect_read_only(path)


def query(sql: str, params: list | tuple = (), ver: str | None = None) -> pd.DataFrame:
    """Run a parameterised query on a fresh cursor (never format user input into SQL)."""
    ver = ver or version()
    cur = _connection(str(db_path()), ver).cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


# ------------------------------------------------------------------ cached queries (keyed by file version)

@st.cache_data(max_entries=4, show_spinner=False)
def communes(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM commune ORDER BY nis_code", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def indicators(ver: str) -> pd.DataFrame:
    return query(
        "SELECT i.*, u.label_fr AS unit_fr, u.label_nl AS unit_nl, u.label_en AS unit_en, "
        "  (SELECT count(*) FROM observation o WHERE o.indicator_id = i.indicator_id) AS n_obs, "
        "  (SELECT count(DISTINCT nis_code) FROM observation o WHERE o.indicator_id = i.indicator_id "
        "     AND o.nis_code <> '04000') AS n_communes, "
        "  (SELECT count(*) FROM observation o WHERE o.indicator_id = i.indicator_id AND o.quality = 'example') "
        "     AS n_example "
        "FROM indicator i JOIN unit u USING (unit_id) ORDER BY sort_order, indicator_id", ver=ver).set_index(
        "indicator_id", drop=False)


@st.cache_data(max_entries=64, show_spinner=False)
def observations(ver: str, indicator_id: str) -> pd.DataFrame:
    return query("SELECT o.nis_code, o.year, o.value, o.source_id, o.source_ids, o.quality, o.ref_period, o.note "
                 "FROM observation o WHERE o.indicator_id = ? ORDER BY o.year, o.nis_code", [indicator_id], ver=ver)


@st.cache_data(max_entries=8, show_spinner=False)
def observations_for_commune(ver: str, nis_code: str) -> pd.DataFrame:
    return query("SELECT o.indicator_id, o.nis_code, o.year, o.value, o.source_id, o.quality "
                 "FROM observation o WHERE o.nis_code IN (?, '04000') ORDER BY indicator_id, year", [nis_code], ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def all_observations(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM observation ORDER BY indicator_id, nis_code, year", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def scoped(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM scoped_observation ORDER BY indicator_id, year", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def sources(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM source ORDER BY source_id", ver=ver).set_index("source_id", drop=False)


@st.cache_data(max_entries=4, show_spinner=False)
def tips(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM tip ORDER BY tip_id", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def operators(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM operator ORDER BY nis_code, name", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def last_run(ver: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    run = query("SELECT * FROM etl_run ORDER BY finished_at DESC LIMIT 1", ver=ver)
    inputs = query("SELECT path, kind, sha256, bytes, rows_read FROM etl_input WHERE run_id = ? ORDER BY path",
                   [run["run_id"].iloc[0]] if len(run) else [""], ver=ver)
    return run, inputs


@st.cache_data(max_entries=4, show_spinner=False)
def geometry(ver: str) -> dict | None:
    """FeatureCollection of the 19 communes (feature id = NIS code), or None when no boundaries were loaded."""
    rows = query("SELECT nis_code, geojson FROM commune_geometry ORDER BY nis_code", ver=ver)
    if rows.empty:
        return None
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r.nis_code, "properties": {"nis_code": r.nis_code}, "geometry": json.loads(r.geojson)}
        for r in rows.itertuples()]}


@st.cache_data(max_entries=4, show_spinner=False)
def templates(ver: str) -> tuple[pd.DataFrame, str]:
    """(the fill-in template files with their bytes, their documentation in markdown)."""
    files = query("SELECT file_name, template, format, content FROM template_file ORDER BY template, format", ver=ver)
    doc = query("SELECT markdown FROM template_doc WHERE doc_id = 'templates'", ver=ver)
    return files, (doc["markdown"].iloc[0] if len(doc) else "")


def database_bytes() -> bytes:
    return db_path().read_bytes()
