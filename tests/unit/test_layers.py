"""The app's layers, read from the source with ``ast`` (nothing is imported or run).

``dashboard/`` is layered: config < text < data < model < charts < exports < ui; a module imports only
its own layer and the ones below it. ``views/`` and ``app.py`` sit on top. Only ``dashboard/data/``
talks to DuckDB; views hold no SQL and no plotly; the app does not import the ETL; only
``dashboard/config.py`` reads the environment; Streamlit stays out of the layers that say so.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = ("config", "text", "data", "model", "charts", "exports", "ui")
RANK = {name: i for i, name in enumerate(LAYERS)}


# Streamlit is for the query layer's caches, the per-version memo of the model, and the widgets
STREAMLIT_ALLOWED = ("dashboard/data/", "dashboard/model/memo.py", "dashboard/ui/")

SQL_CALLS = {"execute", "executemany", "query", "sql"}
SQL_WORDS = re.compile(r"\b(select|insert|update|delete|attach|detach|copy|create|drop|alter|pragma|install|"
                       r"load|set|with|from|where)\b", re.IGNORECASE)
SQL_STATEMENT = re.compile(r"\bSELECT\b.+\bFROM\b|\bINSERT\s+INTO\b|\bATTACH\b|\bDETACH\b|\bCOPY\b.+\bTO\b|"
                           r"\bCREATE\s+(OR\s+REPLACE\s+)?(TABLE|VIEW|INDEX)\b|\bDROP\s+(TABLE|VIEW)\b|"
                           r"\bUPDATE\b.+\bSET\b|\bDELETE\s+FROM\b|\bPRAGMA\b", re.DOTALL)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _app_files() -> list[Path]:
    return [ROOT / "app.py", *sorted(ROOT.glob("dashboard/**/*.py")), *sorted(ROOT.glob("views/*.py"))]


def _package(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1]


def _imports(path: Path):
    """(line, imported module, text of the import) for every import, relative ones made absolute;
    ``from pkg import name`` also yields ``pkg.name`` (the name may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, f"import {a.name}"
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package(path)[: len(_package(path)) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = ", ".join(a.name for a in node.names)
            text = f"from {'.' * node.level}{node.module or ''} import {names}"
            yield node.lineno, module, text
            for a in node.names:
                yield node.lineno, f"{module}.{a.name}", text


def _layer_of_module(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "dashboard" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in RANK else None


def _layer_of_file(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    if parts[0] != "dashboard" or len(parts) < 2:
        return None
    name = parts[1].removesuffix(".py")
    return name if name in RANK else None


def _strings(node: ast.AST) -> list[str]:
    """Every string literal under ``node`` (f-strings: their literal parts)."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _sql(path: Path):
    """(line, what) for SQL in ``path``: a string literal with SQL words passed to execute/query/sql, or a
    string literal that is an SQL statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in SQL_CALLS and any(SQL_WORDS.search(s) for s in _strings(node.args[0])):
                yield node.lineno, f"{name}({ast.unparse(node.args[0])[:60]}…)"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STATEMENT.search(node.value):
            yield node.lineno, f"SQL literal {node.value[:60]!r}"


def test_layer_order_is_respected():
    """A dashboard module imports only its own layer and the ones below it."""
    offenders = []
    for path in ROOT.glob("dashboard/**/*.py"):
        mine = _layer_of_file(path)
        if mine is None:
            continue
        for line, module, text in _imports(path):
            theirs = _layer_of_module(module)
            if theirs is not None and RANK[theirs] > RANK[mine]:
                offenders.append(f"{_rel(path)}:{line}: {text}  ({mine} imports {theirs}, a higher layer)")
    offenders = list(dict.fromkeys(offenders))
    assert not offenders, "imports running up the layers " + " < ".join(LAYERS) + ":\n" + "\n".join(offenders)


def test_nothing_inside_dashboard_imports_views_or_app():
    offenders = [f"{_rel(p)}:{line}: {text}" for p in ROOT.glob("dashboard/**/*.py")
                 for line, module, text in _imports(p) if module.split(".")[0] in ("views", "app")]
    assert not offenders, "dashboard/ imports the pages:\n" + "\n".join(offenders)


def test_only_the_query_layer_talks_to_duckdb():
    offenders = []
    for path in _app_files():
        if _rel(path).startswith("dashboard/data/"):
            continue
        offenders += [f"{_rel(path)}:{line}: {text}" for line, module, text in _imports(path)
                      if module.split(".")[0] == "duckdb"]
        offenders += [f"{_rel(path)}:{line}: {what}" for line, what in _sql(path)]
    assert not offenders, "duckdb or SQL outside dashboard/data/:\n" + "\n".join(offenders)


def test_the_sql_detector_sees_the_query_layer():
    """The detector works: it finds the queries where they are meant to be."""
    found = [hit for p in ROOT.glob("dashboard/data/*.py") for hit in _sql(p)]
    assert len(found) >= 10, found


def test_views_hold_no_sql_and_no_plotly():
    offenders = []
    for path in sorted(ROOT.glob("views/*.py")):
        offenders += [f"{_rel(path)}:{line}: {text}" for line, module, text in _imports(path)
                      if module.split(".")[0] == "plotly"]
        offenders += [f"{_rel(path)}:{line}: {what}" for line, what in _sql(path)]
    assert not offenders, "views/ must be widgets and layout only:\n" + "\n".join(offenders)


def test_the_app_does_not_import_the_etl():
    """No exception: the editor runs the ETL as a process (dashboard/data/etl_command.py)."""
    offenders = [f"{_rel(p)}:{line}: {text}" for p in _app_files()
                 for line, module, text in _imports(p) if module.split(".")[0] == "etl"]
    assert not offenders, "the app imports etl/ (the database file is the only contract):\n" + "\n".join(offenders)


def test_only_config_reads_the_environment_or_locates_the_repository():
    offenders = []
    for path in _app_files():
        if _rel(path) == "dashboard/config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                offenders.append(f"{_rel(path)}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Name) and node.id == "__file__":
                offenders.append(f"{_rel(path)}:{node.lineno}: __file__")
        offenders += [f"{_rel(path)}:{line}: {text}" for line, module, text in _imports(path)
                      if module in ("os.environ", "os.getenv")]
    assert not offenders, "paths and environment belong in dashboard/config.py:\n" + "\n".join(offenders)


@pytest.mark.parametrize("layer", ["config", "text", "model", "charts", "exports"])
def test_streamlit_stays_out_of_the_pure_layers(layer):
    offenders = []
    for path in [ROOT / "dashboard" / f"{layer}.py", *sorted((ROOT / "dashboard" / layer).glob("**/*.py"))]:
        if not path.exists() or _rel(path).startswith(STREAMLIT_ALLOWED):
            continue
        offenders += [f"{_rel(path)}:{line}: {text}" for line, module, text in _imports(path)
                      if module.split(".")[0] == "streamlit"]
    assert not offenders, f"Streamlit in dashboard/{layer}:\n" + "\n".join(offenders)


def test_every_layer_says_what_it_may_import():
    for layer in LAYERS[1:]:
        doc = ast.get_docstring(ast.parse((ROOT / "dashboard" / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"dashboard/{layer}/__init__.py: no docstring naming what it may import"
