"""Read-only access to the published database: one locked-down connection per file version, a cursor per call.

The ETL publishes by ``os.replace``; a connection opened before the swap keeps reading the old file,
so connections and cached query results are keyed by the file's identity (inode, mtime, size) and a
new version is picked up on the next rerun.
"""
from __future__ import annotations

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


def database_bytes() -> bytes:
    """The published file itself (the 'Download the database' button)."""
    return db_path().read_bytes()
