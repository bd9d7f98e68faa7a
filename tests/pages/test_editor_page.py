"""Editor: who sees it (AppTest with a mocked st.user and [auth] secrets), the upload flow, and the
`python -m etl load` path (archive first; a refused upload leaves the published database byte-identical)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.config import STYLESHEET
from dashboard.data import etl_command
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


ACCESS = """
[users."editor@example.org"]
role = "editor"

[users."contact@ressourcerie.example"]
role = "member"
organisation = "Ressourcerie Test asbl"

[users."nobody@example.org"]
role = "member"
"""


@pytest.fixture
def env(data_copy, monkeypatch):
    monkeypatch.setenv("BSIM_DB", str(data_copy / "impact.duckdb"))
    monkeypatch.setenv("BSIM_DATA", str(data_copy))
    (data_copy / "private").mkdir(exist_ok=True)
    (data_copy / "private" / "access.toml").write_text(ACCESS, encoding="utf-8")
    monkeypatch.delenv("BSIM_ACCESS", raising=False)
    monkeypatch.setenv("BSIM_EDITORS", "other@example.org")
    return data_copy


def user(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "email_verified": True, "iat": int(time.time()), **claims}


# ----------------------------------------------------------------------------- allow-list logic

def test_allow_list_with_roles(tmp_path):
    f = tmp_path / "access.toml"
    f.write_text(ACCESS, encoding="utf-8")
    access = auth.read_access(f, editors_env=" A@x.be ,b@Y.be")
    assert {e: (a.role, a.organisation) for e, a in access.items()} == {
        "editor@example.org": ("editor", ""), "contact@ressourcerie.example": ("member", "Ressourcerie Test asbl"),
        "a@x.be": ("editor", ""), "b@y.be": ("editor", "")}          # a member without organisation is left out
    assert auth.read_access(tmp_path / "missing.toml", editors_env="") == {}
    now = time.time()
    ok = {"is_logged_in": True, "email": "Editor@Example.org", "email_verified": True, "iat": now - 60}
    assert auth.decide(ok, access, now)[0].role == "editor"
    assert auth.decide({**ok, "email_verified": "true"}, access, now)[0] is not None
    assert auth.decide({**ok, "email_verified": False}, access, now) == (None, "unverified")
    entra = {k: v for k, v in ok.items() if k != "email_verified"}
    assert auth.decide({**entra, "xms_edov": True}, access, now)[0] is not None     # Entra ID's claim
    assert auth.decide({**entra, "xms_edov": False}, access, now) == (None, "unverified")
    assert auth.decide({k: v for k, v in ok.items() if k != "email_verified"}, access, now) == (None, "unverified")
    assert auth.decide({**ok, "iat": now - 13 * 3600}, access, now) == (None, "expired")
    assert auth.decide({k: v for k, v in ok.items() if k != "iat"}, access, now) == (None, "expired")
    assert auth.decide({**ok, "email": "stranger@example.org"}, access, now) == (None, "not_listed")
    assert auth.decide({"is_logged_in": False}, access, now) == (None, "signed_out")


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


def _report(at: AppTest):
    """The validation report (or notes) table: file, row, column, reason under their translated headings."""
    for t in at.table:
        if len(t.value.columns) == 4:
            return t.value.set_axis(["file", "row", "column", "reason"], axis=1)
    raise AssertionError(f"no report table: {[list(t.value.columns) for t in at.table]}; "
                         f"errors {[e.value for e in at.error]}")


def _nav_has(at: AppTest, page: str, titles: tuple[str, ...]) -> bool:
    try:
        at.switch_page(page)
        at.run()
    except Exception:
        return False
    return any(t.value in titles for t in at.title) and not at.error


def test_no_identity_provider_no_page(env):
    at = _app(user("editor@example.org"), with_auth=False)
    assert not at.exception
    assert not any(b.key == "auth_login" for b in at.sidebar.button)
    assert not _nav_has_editor(at)


def test_not_logged_in_sees_login_not_page(env):
    at = _app({"is_logged_in": False})
    assert not at.exception
    assert any(b.key == "auth_login" for b in at.sidebar.button)
    assert not _nav_has_editor(at)


@pytest.mark.parametrize("who, says", [
    (user("stranger@example.org"), "not on the list"),
    (user("editor@example.org", email_verified=False), "has not verified"),
    ({"is_logged_in": True, "email": "editor@example.org", "iat": int(time.time())}, "has not verified"),
    (user("editor@example.org", iat=int(time.time()) - 24 * 3600), "too old"),
    (user("nobody@example.org"), "not on the list"),            # a member entry without organisation
])
def test_signed_in_but_not_let_in(env, who, says):
    at = _app(who)
    assert not at.exception
    assert any(b.key == "auth_logout" for b in at.sidebar.button)
    assert any(says in m.value for m in [*at.sidebar.warning, *at.sidebar.info]), [m.value for m in at.sidebar.info]
    assert not _nav_has_editor(at)
    assert not _nav_has(at, "views/member.py", ("Submit member data",))


def test_member_sees_its_page_not_the_editor(env):
    at = _app(user("contact@ressourcerie.example"))
    assert not _nav_has_editor(at)
    assert _nav_has(at, "views/member.py", ("Submit member data",))
    assert not at.exception, at.exception


def test_editor_flow(env):
    db = env / "impact.duckdb"
    at = _app(user("editor@example.org"))
    at.switch_page("views/editor.py")
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Editor"]
    at.segmented_control(key="editor_section").set_value("upload").run()
    # a bad file: row-by-row report, nothing published, nothing kept
    before = sha(db)
    at.file_uploader(key="editor_upload_upload_0").upload("bad.csv", BAD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    report = _report(at)
    assert set(report["file"]) == {"bad.csv"}
    # the columns as the file's (French) header names them
    assert {"code NIS", "critère", "statut", "preuve", "date"} <= set(report["column"])
    assert sha(db) == before and not (env / "archive" / "index.jsonl").exists()     # a refused file is not archived
    # nothing from the upload as HTML
    # the only HTML on the page is the app's own static stylesheet: nothing of the upload
    assert all(h.proto.body == f"<style>{STYLESHEET.read_text()}</style>" for h in at.get("html"))
    assert all("<script>" not in m.value for m in at.markdown)
    # a good file: preview per commune, approve, publish (a separate process, polled)
    at.file_uploader(key="editor_upload_upload_0").upload("round2025.csv", GOOD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    summary = _frame(at, "nis_code", "added", "changed", "removed")
    assert set(summary["nis_code"]) == {"21002", "21011"}
    assert summary["added"].sum() == 2 and summary["removed"].sum() == 0
    at.button(key="editor_upload_submit").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Approved" in s.value for s in at.success), [e.value for e in at.error]
    assert sha(db) == before                                  # approved is not yet public
    assert len(list((env / "assessments").glob("S*_round2025.csv"))) == 1
    at.segmented_control(key="editor_section").set_value("publish").run()
    at.button(key="publish").click()
    at.run()
    deadline = time.time() + 600
    while sha(db) == before and time.time() < deadline:
        time.sleep(1)
    assert sha(db) != before
    while time.time() < deadline:
        at.run()
        if any("Published." in s.value for s in at.success):
            break
        time.sleep(1)
    assert any("Published." in s.value for s in at.success), [e.value for e in at.error]
    names = [json.loads(line)["original_name"] for line in (env / "archive" / "index.jsonl").read_text().splitlines()]
    assert names == ["round2025.csv"]
    at.segmented_control(key="editor_section").set_value("audit").run()
    audit = _frame(at, "at", "event", "user")
    assert list(audit["event"])[:3] == ["published", "approved", "submitted"]
    assert set(audit["user"]) == {"editor@example.org"}


def test_publish_not_yet_reported_is_not_taken_for_the_last_one(env, monkeypatch):
    """On a busy machine the publishing process can take seconds to write its first status; until then the
    status file still tells the last publish (here an old success). The page must say "starting" and keep
    polling, not show the old result as the new one and stop; a process that dies before reporting is a
    failure. (CI once waited 10 minutes for "Published." after the page had stopped polling.)"""
    status = env / "private" / "publish_status.json"
    kept = status.read_bytes() if status.exists() else None
    status.write_text(json.dumps({"state": "ok", "pid": 1, "user": "someone@example.org", "message": "old",
                                  "started": "2026-01-01 00:00:00", "finished": "2026-01-01 00:01:00", "log": []}))
    slow: list[subprocess.Popen] = []

    def start_slow(**_kw) -> int:                     # a publish that has not written anything yet
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        etl_command._STARTED[proc.pid] = (proc, etl_command._utc_now())
        slow.append(proc)
        return proc.pid

    monkeypatch.setattr(etl_command, "start_publish", start_slow)
    try:
        at = _app(user("editor@example.org"))
        at.switch_page("views/editor.py")
        at.run()
        at.segmented_control(key="editor_section").set_value("publish").run()
        assert any("Published." in s.value for s in at.success)          # the old publish, before the click
        at.button(key="publish").click()
        at.run()
        assert not at.exception, at.exception
        assert [i.value for i in at.info] == ["Starting the publish…"], [s.value for s in at.success]
        assert not any("Published." in s.value for s in at.success)
        assert at.session_state["publish_running"] and at.button(key="publish").disabled
        at.run()                                                          # the fragment's next poll
        assert [i.value for i in at.info] == ["Starting the publish…"]
        slow[0].kill()
        slow[0].wait()
        at.run()
        assert any("Publishing failed" in e.value for e in at.error), [i.value for i in at.info]
        assert any("ended before it reported" in t.value for t in at.text)
        assert not at.session_state["publish_running"]
        at.run()                                                          # and it stays said after the rerun
        assert any("Publishing failed" in e.value for e in at.error)
        # a publish started later (another editor's) that has written the file since is the last one
        status.write_text(json.dumps({"state": "ok", "pid": 2, "user": "other@example.org", "message": "newer",
                                      "started": "2999-01-01 00:00:00", "finished": "2999-01-01 00:01:00",
                                      "log": []}))
        at.run()
        assert any("Published." in s.value for s in at.success) and not at.error
    finally:
        for proc in slow:
            proc.kill()
        if kept is None:
            status.unlink(missing_ok=True)
        else:
            status.write_bytes(kept)


def test_member_flow_form_to_queue(env):
    """A member submits its own site by template (another organisation's is refused); the editor sees it in the
    queue with the changes per commune and rejects it only with a reason."""
    sites = (b"site_id,name,organisation,category,postal_code,commune\n"
             b"RT9,Ressourcerie Test Forest,Ressourcerie Test asbl,reuse_shop,1190,\n")
    at = _app(user("contact@ressourcerie.example"))
    at.switch_page("views/member.py")
    at.run()
    assert not at.exception, at.exception
    at.file_uploader(key="member_upload_upload_0").upload("sites.csv", sites, "text/csv")
    at.run()
    assert not at.exception, at.exception
    at.button(key="member_upload_submit").click()
    at.run()
    assert any("waiting for review" in s.value for s in at.success), [e.value for e in at.error]
    mine = _frame(at, "id", "status", "files")
    assert list(mine["status"]) == ["waiting for review"]
    # another organisation's site in a template: refused with row and column, nothing queued
    other = sites.replace(b"Ressourcerie Test asbl", b"Autre asbl")
    at.file_uploader(key="member_upload_upload_1").upload("other.csv", other, "text/csv")
    at.run()
    report = _report(at)
    assert list(report["column"]) == ["organisation"] and "Ressourcerie Test asbl" in report["reason"].iloc[0]
    # the editor's queue shows who, when, which organisation and the changes per commune
    ed = _app(user("editor@example.org"))
    ed.switch_page("views/editor.py")
    ed.run()
    assert not ed.exception, ed.exception
    assert any("Ressourcerie Test asbl" in m.value for m in ed.markdown)
    summary = _frame(ed, "nis_code", "added", "changed", "removed")
    assert "21007" in set(summary["nis_code"])                    # Forest
    ed.button(key="review_reject").click()
    ed.run()
    assert any("reason" in e.value for e in ed.error)             # no reason, no rejection
    ed.text_area(key="review_reason").input("postal code 1190 but the site is in Saint-Gilles")
    ed.button(key="review_reject").click()
    ed.run()
    assert any("Rejected" in s.value for s in ed.success), [e.value for e in ed.error]


def test_editor_report_is_in_the_readers_language(env):
    at = _app(user("editor@example.org"), lang="fr")
    at.switch_page("views/editor.py")
    at.run()
    at.segmented_control(key="editor_section").set_value("upload").run()
    at.file_uploader(key="editor_upload_upload_0").upload("mauvais.csv", BAD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    report = _report(at)
    assert "« maybe » n'est pas un statut" in " ".join(report["reason"])
    assert set(report["column"]) >= {"code NIS", "statut", "preuve"}          # the columns as the file names them
    # a header below a title row is read, and the editor says so
    titled = (b"\xc9valuations 2025 \x96 commune d'Evere;;;;;\r\n;;;;;\r\n"
              b"nis_code;criterion_id;assessed_on;status;evidence_url;note\r\n"
              b"Evere;t4_plan;05/03/2025;engag\xe9;https://www.evere.be/plan;\r\n")
    at.file_uploader(key="editor_upload_upload_0").upload("evere.csv", titled, "text/csv")
    at.run()
    assert not at.exception, at.exception
    assert any("lu, avec ces remarques" in i.value for i in at.info)
    notes = _report(at)
    assert list(notes["row"]) == [3] and "en-tête trouvé à la ligne 3" in notes["reason"].iloc[0]
    assert set(_frame(at, "nis_code", "added", "changed", "removed")["nis_code"]) == {"21006"}


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


def test_member_form_makes_the_templates_and_queues_them(env, tmp_path):
    """The form (one site and year) gives the same jobs and re-use files a member would upload, checked by the
    ETL with the same rules: a wrong figure is refused with its column, a right one is queued."""
    sites = tmp_path / "sites.csv"
    sites.write_bytes(b"site_id,name,organisation,category,postal_code,commune\n"
                      b"RT5,Ressourcerie Test Ixelles,Ressourcerie Test asbl,reuse_shop,1050,21009\n")
    assert etl_main(["load", str(sites), "--as-user", "editor@example.org", "--data", str(env)]) == 0
    at = _app(user("contact@ressourcerie.example"))
    at.switch_page("views/member.py")
    at.run()
    assert not at.exception, at.exception
    assert list(_frame(at, "site_id", "name")["site_id"]) == ["RT5"]
    at.selectbox(key="f_site").set_value("RT5")
    at.number_input(key="f_year").set_value(2024)
    at.number_input(key="f_workers").set_value(4)
    at.number_input(key="f_art60").set_value(1)
    at.number_input(key="f_fte").set_value(9.0)                 # more FTE than persons: the ETL's rule
    at.number_input(key="f_textiles_collected").set_value(10.0)
    at.number_input(key="f_textiles_reused").set_value(6.0)
    at.button(key="FormSubmitter:member_form-Check").click()
    at.run()
    assert not at.exception, at.exception
    report = _report(at)
    assert list(report["column"]) == ["fte"] and "more than the 5 persons" in report["reason"].iloc[0]
    assert list(report["file"]) == ["jobs_RT5_2024.csv"]
    at.number_input(key="f_fte").set_value(4.5)
    at.button(key="FormSubmitter:member_form-Check").click()
    at.run()
    summary = _frame(at, "nis_code", "added", "changed", "removed")
    assert set(summary["nis_code"]) >= {"21009"}
    at.button(key="member_form_submit").click()
    at.run()
    assert any("waiting for review" in s.value for s in at.success), [e.value for e in at.error]
    queued = [json.loads(p.read_text()) for p in (env / "private" / "submissions").glob("S*.json")]
    mine = [r for r in queued if r["role"] == "member" and r["status"] == "submitted"]
    assert sorted(f["name"] for r in mine for f in r["files"]) == ["jobs_RT5_2024.csv", "reuse_RT5_2024.csv"]
