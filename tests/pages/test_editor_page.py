"""Editor: who sees it (AppTest with a mocked st.user and [auth] secrets), the upload flow, and the
`python -m etl load` path (archive first; a refused upload leaves the published database byte-identical)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.model import editor as ev
from dashboard.ui import auth
from etl.__main__ import main as etl_main

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
        "client_secret": "secret", "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}
GOOD = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
        b"21002,t4_plan,2025-03-01,committed,https://www.auderghem.be/plan,council decision\n"
        b"21011,t5_childcare,2025-03-01,in_progress,https://www.koekelberg.be/creche,<b>not html</b>\n")
BAD = (b"code NIS;crit\xc3\xa8re;date;statut;preuve;remarque\n"
       b"21000;t4_plan;2025-03-01;fait;https://x.be;\n"
       b"21002;t9_nothing;2031-01-01;maybe;javascript:alert(1);<script>x</script>\n")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> Path:
    """A private copy of data/ (inputs + the published database) so uploads never touch the real one."""
    d = tmp_path_factory.mktemp("bsim") / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("archive", "assessments", "*.wal", ".build-*",
                                                                   "*.duckdb"))
    shutil.copy(DB, d / "impact.duckdb")   # the session's test database (tests/conftest.py)
    return d


@pytest.fixture
def env(data_copy, monkeypatch):
    monkeypatch.setenv("BSIM_DB", str(data_copy / "impact.duckdb"))
    monkeypatch.setenv("BSIM_DATA", str(data_copy))
    monkeypatch.setenv("BSIM_EDITORS", "Editor@Example.org, other@example.org")
    return data_copy


# ----------------------------------------------------------------------------- allow-list logic

def test_allow_list(tmp_path):
    assert auth.allowed_editors(" A@x.be ,b@Y.be") == {"a@x.be", "b@y.be"}
    f = tmp_path / "editors.txt"
    f.write_text("# editors\nC@z.be\n\n", encoding="utf-8")
    assert auth.allowed_editors("", f) == {"c@z.be"}
    assert auth.is_editor("c@Z.BE", {"c@z.be"})
    assert not auth.is_editor(None, {"c@z.be"}) and not auth.is_editor("d@z.be", {"c@z.be"})


# ----------------------------------------------------------------------------- AppTest: who sees the page

def _app(user: dict | None, with_auth: bool = True, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    if with_auth:
        at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    at.run()
    return at


def _nav_has_editor(at: AppTest) -> bool:
    try:
        at.switch_page("views/editor.py")
        at.run()
    except Exception:
        return False
    return any(t.value in ("Editor", "Éditeur", "Redacteur") for t in at.title) and not at.error


def _frame(at: AppTest, *columns: str):
    """The first dataframe showing these columns (dataframes without selection carry no key)."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no dataframe with {columns}: {[list(d.value.columns) for d in at.dataframe]}; "
                         f"errors {[e.value for e in at.error]}")


def test_no_identity_provider_no_page(env):
    at = _app({"is_logged_in": True, "email": "editor@example.org"}, with_auth=False)
    assert not at.exception
    assert not any(b.key == "auth_login" for b in at.sidebar.button)
    assert not _nav_has_editor(at)


def test_not_logged_in_sees_login_not_page(env):
    at = _app({"is_logged_in": False})
    assert not at.exception
    assert any(b.key == "auth_login" for b in at.sidebar.button)
    assert not _nav_has_editor(at)


def test_logged_in_not_on_list(env):
    at = _app({"is_logged_in": True, "email": "stranger@example.org"})
    assert not at.exception
    assert any(b.key == "auth_logout" for b in at.sidebar.button)
    assert not _nav_has_editor(at)


def test_editor_flow(env):
    db = env / "impact.duckdb"
    at = _app({"is_logged_in": True, "email": "editor@example.org"})
    at.switch_page("views/editor.py")
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Editor"]
    # a bad file: row-by-row report, nothing published, archived anyway
    before = sha(db)
    at.file_uploader(key="upload").upload("bad.csv", BAD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    report = _frame(at, "file", "row", "column", "reason")
    assert {"file", "row", "column", "reason"} <= set(report.columns)
    assert set(report["file"]) == {"bad.csv"}
    assert {"nis_code", "criterion_id", "status", "evidence_url", "assessed_on"} <= set(report["column"])
    assert sha(db) == before
    index = [json.loads(line) for line in (env / "archive" / "index.jsonl").read_text().splitlines()]
    assert index[-1]["original_name"] == "bad.csv" and index[-1]["uploader"] == "editor@example.org"
    # nothing from the upload as HTML
    assert not at.get("html") and all("<script>" not in m.value for m in at.markdown)
    # a good file: preview per commune, then publish
    at.file_uploader(key="upload").upload("round2025.csv", GOOD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    summary = _frame(at, "nis_code", "added", "changed", "removed")
    assert set(summary["nis_code"]) == {"21002", "21011"}
    assert summary["added"].sum() == 2 and summary["removed"].sum() == 0
    assert sha(db) == before
    at.button(key="publish").click()
    at.run()
    assert not at.exception, at.exception
    assert sha(db) != before
    assert any("Published" in s.value for s in at.success)
    assert (env / "assessments" / "round2025.csv").exists()
    names = [json.loads(line)["original_name"] for line in (env / "archive" / "index.jsonl").read_text().splitlines()]
    assert names.count("round2025.csv") == 1 and "bad.csv" in names


# ----------------------------------------------------------------------------- CLI load

def test_cli_load_bad_then_good(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("archive", "assessments", "private", "*.wal",
                                                                      ".build-*", "*.duckdb"))
    db = data / "impact.duckdb"
    shutil.copy(DB, db)
    before = sha(db)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    assert etl_main(["load", str(bad), "--as-user", "alice", "--data", str(data)]) == 1
    assert sha(db) == before                                   # byte-identical
    assert not list((data / "assessments").glob("*bad.csv"))   # the input is removed again
    # a file that is not a template at all, and one too big (refused before it is stored anywhere)
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n")
    assert etl_main(["load", str(junk), "--as-user", "bob", "--data", str(data)]) == 1
    huge = tmp_path / "huge.csv"
    huge.write_bytes(GOOD + b"#" * (6 * 1024 * 1024))
    assert etl_main(["load", str(huge), "--as-user", "bob", "--data", str(data)]) == 1
    assert sha(db) == before
    refused = sorted(p.name.split("_", 2)[2] for p in (data / "private" / "refused").iterdir())
    assert refused == ["bad.csv", "junk.csv"]                  # not huge.csv: over the cap, never stored
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    assert etl_main(["load", str(good), "--as-user", "carol", "--data", str(data)]) == 0
    assert sha(db) != before
    index = [json.loads(line) for line in (data / "archive" / "index.jsonl").read_text().splitlines()]
    assert [e["original_name"] for e in index] == ["good.csv"]
    assert [e["uploader"] for e in index] == ["carol"]
    kept = Path(index[0]["archive_path"])
    assert kept.exists() and sha(kept) == index[0]["sha256"] and kept.read_bytes() == GOOD
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT nis_code, status, quality, source_id FROM tip_assessment "
                           "WHERE input_file LIKE '%good.csv' ORDER BY nis_code").fetchall()
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert rows == [("21002", "committed", "reported", "SRC_TIP_ASSESSMENTS"),
                    ("21011", "in_progress", "reported", "SRC_TIP_ASSESSMENTS")]
    assert "upload_archive" not in tables                      # uploaders' e-mails stay private
    # a second, bad version under the same name: the first stays as input, the database unchanged
    after = sha(db)
    bad2 = tmp_path / "x" / "good.csv"
    bad2.parent.mkdir()
    bad2.write_bytes(BAD)
    assert etl_main(["load", str(bad2), "--as-user", "carol", "--data", str(data)]) == 1
    assert sha(db) == after
    assert [p.read_bytes() for p in (data / "assessments").glob("*good.csv")] == [GOOD]


# ----------------------------------------------------------------------------- diff helpers

def test_diff_frames():
    import pandas as pd
    old = pd.DataFrame({"nis_code": ["21001", "21002", "21003"], "k": [1, 2, 3], "v": [1.0, 2.0, 3.0]})
    new = pd.DataFrame({"nis_code": ["21001", "21002", "21004"], "k": [1, 2, 4], "v": [1.0, 2.5, 4.0]})
    d = ev.diff_frames(old, new, ["nis_code", "k"], ["v"])
    assert dict(zip(d["nis_code"], d["change"])) == {"21002": "changed", "21003": "removed", "21004": "added"}
    s = ev.change_summary(d.assign(table="t", key="x"))
    assert s[["added", "changed", "removed"]].sum().tolist() == [1, 1, 1]
