"""Read-only access to the published database: one locked-down connection per file version, a cursor per call.

The ETL publishes by ``os.replace``; a connection opened before the swap keeps reading the old file,
so connections and cached query results are keyed by the file's identity (inode, mtime, size) and a
new version is picked up on the next rerun.

A viewer's connection reads and nothing else: the file is attached read-only, external access (files,
network, extensions) is off, memory is capped (``$BSIM_VIEWER_MEMORY``) with no spilling to disk, the
configuration is locked, and only ``SELECT`` statements are run — no ``ATTACH`` (not even of an
in-memory database), no table, temporary table, view or macro, no ``SET``, ``COPY`` or ``PRAGMA``.

``check()`` tells whether the published file can be read at all: missing (``DatabaseMissing``) or
unreadable — truncated, corrupt, half-copied (``DatabaseUnavailable``) — the app shows viewers a
"data temporarily unavailable" page, and reads the next published file without a restart.
"""
from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.config import db_path, public_db_path, viewer_memory

log = logging.getLogger(__name__)

# the tables every page reads: a file without them is not a database the app can show; the probe reads them
# (a damaged file fails there), once per file version
REQUIRED_TABLES = ("commune", "indicator", "unit", "observation", "source")
_PROBE = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM (SELECT * FROM {t})" for t in REQUIRED_TABLES[:3]) \
    + " UNION ALL SELECT 'observation', count(value) FILTER (isfinite(value)) FROM observation" \
    + " UNION ALL SELECT 'source', count(*) FROM (SELECT * FROM source)"
_TABLES = "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'bsim'"
_BLOCKS = "SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = 'bsim'"


class DatabaseMissing(RuntimeError):
    """No published database yet."""


class DatabaseUnavailable(RuntimeError):
    """A published file that cannot be read (truncated, corrupt, not a database, tables missing)."""


class StatementRefused(duckdb.Error):
    """A statement other than SELECT on a viewer's connection."""


def version() -> str:
    """Identity of the published file; changes whenever the ETL swaps in a new one."""
    path = db_path()
    try:
        s = path.stat()
    except FileNotFoundError:
        raise DatabaseMissing(f"no database at {path}: run `python -m etl build` first") from None
    return f"{s.st_ino}-{s.st_mtime_ns}-{s.st_size}"


def _refuse_unless_select(sql: str) -> None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise StatementRefused(f"not a query: {exc}") from None
    kinds = {s.type for s in statements}
    if not statements or kinds != {duckdb.StatementType.SELECT}:
        raise StatementRefused(f"a viewer connection only reads: refused {sorted(k.name for k in kinds)}")


class _Result:
    """What a viewer may do with a query's result: fetch it."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def df(self) -> pd.DataFrame:
        return self._cursor.df()

    def fetchall(self) -> list:
        return self._cursor.fetchall()

    def fetchone(self):
        return self._cursor.fetchone()


class ViewerConnection:
    """A DuckDB connection that runs SELECT statements only (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def execute(self, sql: str, params: list | tuple = ()) -> _Result:
        _refuse_unless_select(sql)
        return _Result(self._con.execute(sql, list(params)))

    def cursor(self) -> ViewerConnection:
        return ViewerConnection(self._con.cursor())

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> ViewerConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect_read_only(path: Path | str) -> ViewerConnection:
    """Viewer connection: read-only, no file/network access, capped memory, configuration locked, SELECT only.

    The file is ATTACHed to a fresh in-memory instance rather than opened with ``duckdb.connect(path)``:
    DuckDB reuses an open database by path, so after the ETL's ``os.replace`` a new ``connect(path)``
    kept returning the OLD file while any connection to it lived (seen in the swap test).
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS bsim (READ_ONLY)", [str(path)])
        con.execute("USE bsim")
        con.execute("DETACH memory")
        con.execute("SET memory_limit = ?", [viewer_memory()])
        con.execute("SET temp_directory = ''")          # nothing spills to disk
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return ViewerConnection(con)


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, ver: str) -> ViewerConnection:
    return connect_read_only(path)


def query(sql: str, params: list | tuple = (), ver: str | None = None) -> pd.DataFrame:
    """Run a parameterised query on a fresh cursor (never format user input into SQL)."""
    ver = ver or version()
    cur = _connection(str(db_path()), ver).cursor()
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


@st.cache_resource(max_entries=2, show_spinner=False)
def _readable(path: str, ver: str) -> bool:
    """Raises when the file of this version cannot be opened or lacks a table every page reads
    (an exception is not cached: the next rerun tries again)."""
    con = _connection(path, ver)
    found = set(con.execute(_TABLES).df()["table_name"])
    missing = [t for t in REQUIRED_TABLES if t not in found]
    if missing:
        raise DatabaseUnavailable(f"{path}: tables missing: {', '.join(missing)}")
    block_size, blocks = con.execute(_BLOCKS).fetchone()
    if Path(path).stat().st_size < block_size * blocks:     # cut short: the file holds fewer blocks than it says
        raise DatabaseUnavailable(f"{path}: truncated ({Path(path).stat().st_size} bytes, {blocks} blocks of {block_size})")
    con.execute(_PROBE).fetchall()
    return True


def check() -> str:
    """The published file's version when it can be read; raises ``DatabaseMissing`` (no file) or
    ``DatabaseUnavailable`` (a file that cannot be read), the reason logged for the operator."""
    ver = version()
    try:
        _readable(str(db_path()), ver)
    except DatabaseUnavailable as exc:
        log.warning("database unavailable: %s", exc)
        raise
    except Exception as exc:  # duckdb.IOException, SerializationException, InternalException, ...
        log.warning("database unavailable: %s: %s", type(exc).__name__, exc)
        raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from None
    return ver


def public_database_bytes() -> bytes:
    """The public copy of the published file (the 'Download the database' button; written by the ETL)."""
    return public_db_path().read_bytes()


def public_database_available() -> bool:
    return public_db_path().is_file()
