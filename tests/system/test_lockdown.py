"""The viewer's connection is read-only, cannot touch files or the network, and cannot be reconfigured."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from dashboard.data.connection import connect_read_only
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def viewer(tmp_path_factory):
    path = tmp_path_factory.mktemp("lock") / "x.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con = connect_read_only(path)
    yield con, tmp_path_factory.getbasetemp()
    con.close()


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "COPY t TO '{tmp}/out.csv'",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "SET enable_external_access = true",
    "SET memory_limit = '1GB'",
    "INSERT INTO t VALUES (2)",
    "CREATE TABLE u (a INT)",
    "INSTALL httpfs",
    "ATTACH ':memory:' AS scratch",
    "ATTACH ':memory:' AS scratch; CREATE TABLE scratch.u AS SELECT 1 AS a",
    "CREATE TEMP TABLE u AS SELECT 1 AS a",
    "CREATE TEMPORARY TABLE u (a INT)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "CREATE TEMP MACRO m(a) AS a",
    "SELECT 1; CREATE TEMP TABLE u AS SELECT 1 AS a",
    "SET temp_directory = '{tmp}'",
    "RESET memory_limit",
    "PRAGMA memory_limit = '4GB'",
    "LOAD httpfs",
    "DETACH bsim",
    "USE memory",
])
def test_viewer_connection_refuses(viewer, sql):
    con, tmp = viewer
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(tmp=tmp)).fetchall()


def test_viewer_connection_still_reads(viewer):
    con, _ = viewer
    assert con.execute("SELECT a FROM t").fetchall() == [(1,)]
    assert con.execute("WITH x AS (SELECT a FROM t) SELECT a + 1 FROM x").fetchall() == [(2,)]
    cur = con.cursor()        # a cursor (one per query in the app) is as locked down as the connection
    with pytest.raises(duckdb.Error):
        cur.execute("CREATE TEMP TABLE u AS SELECT 1 AS a")
    assert cur.execute("SELECT count(*) FROM t").fetchall() == [(1,)]
    cur.close()


def test_viewer_connection_has_a_memory_cap(tmp_path, monkeypatch):
    """A query that needs more than the cap fails (it never spills to disk) and the connection lives on."""
    path = tmp_path / "y.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS a")
    monkeypatch.setenv("BSIM_VIEWER_MEMORY", "64MB")
    con = connect_read_only(path)
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        assert limit.endswith("MiB") and float(limit.split()[0]) <= 64
        with pytest.raises(duckdb.OutOfMemoryException):
            con.execute("SELECT list(range) FROM range(50000000)").fetchall()
        assert con.execute("SELECT a FROM t").fetchall() == [(1,)]
        assert not list(tmp_path.glob("**/*.tmp")) and not (tmp_path / ".tmp").exists()
    finally:
        con.close()


APP_CODE = [p for p in [ROOT / "app.py", *ROOT.glob("dashboard/**/*.py"), *ROOT.glob("views/*.py")]]


def _sql_calls_with_formatting(path: Path):
    """Calls like query(f"...{x}...") / .execute("..." + x) / .execute("...".format(x)) / % formatting."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
                "execute", "query", "sql", "executemany"):
            if not node.args:
                continue
            arg = node.args[0]
            bad = (isinstance(arg, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in arg.values)) \
                or isinstance(arg, ast.BinOp) \
                or (isinstance(arg, ast.Call) and getattr(arg.func, "attr", "") == "format")
            if bad:
                yield node.lineno


def test_no_sql_built_by_string_formatting_in_the_app():
    """Lint rule: the app binds parameters; it never formats SQL (user input reaches queries via the URL)."""
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in APP_CODE for line in _sql_calls_with_formatting(p)]
    assert not offenders, f"SQL built by string formatting: {offenders}"


def test_no_unsafe_html_on_data():
    offenders = [str(p.relative_to(ROOT)) for p in APP_CODE if re.search(r"unsafe_allow_html\s*=\s*True",
                                                                          p.read_text(encoding="utf-8"))]
    assert not offenders, f"unsafe_allow_html used in {offenders}"


def test_production_config_hides_error_details():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r'showErrorDetails\s*=\s*"none"', config)
