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
])
def test_viewer_connection_refuses(viewer, sql):
    con, tmp = viewer
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(tmp=tmp)).fetchall()


def test_viewer_connection_still_reads(viewer):
    con, _ = viewer
    assert con.execute("SELECT a FROM t").fetchall() == [(1,)]


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
