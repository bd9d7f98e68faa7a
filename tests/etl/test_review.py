"""The review queue as the app and the command line use it (``python -m etl submit | queue | approve | reject |
publish | status | audit --json``): members submit only their own organisation's figures, nothing is public
before approval and publish, every step is in the private audit log, history is append-only, refused files
are kept bounded, and two publishers never interleave."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
ORG = "Ressourcerie Test asbl"
SITES = ("site_id,name,organisation,category,postal_code,commune\n"
         f"RT1,Ressourcerie Test Anderlecht,{ORG},reuse_shop,1070,\n").encode()
JOBS = b"site_id,year,integration_workers,art60_placements,fte,exits_to_work\nRT1,2024,5,2,6.5,1\n"
ROUND1 = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
          b"21002,t4_plan,2024-03-01,committed,https://www.auderghem.be/plan,first round\n")
ROUND2 = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
          b"21002,t4_plan,2025-03-01,done,https://www.auderghem.be/plan-2025,second round\n")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def etl(*args: str, env: dict | None = None) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "etl", *args, "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def q(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture()
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("archive", "assessments", "private", "*.wal",
                                                                   ".build-*", "*.duckdb"))
    shutil.copy(DB, d / "impact.duckdb")
    return d


def put(tmp_path: Path, name: str, content: bytes) -> Path:
    p = tmp_path / "uploads" / name
    p.parent.mkdir(exist_ok=True)
    p.write_bytes(content)
    return p


def submit(data: Path, *files: Path, role="member", org=ORG, user="contact@ressourcerie.be"):
    args = ["submit", *map(str, files), "--as-user", user, "--role", role, "--data", str(data)]
    return etl(*args, *(["--organisation", org] if org else []))


def test_member_submission_is_private_until_approved_and_published(data, tmp_path):
    db = data / "impact.duckdb"
    before = sha(db)
    code, doc, err = submit(data, put(tmp_path, "sites.csv", SITES), put(tmp_path, "jobs.csv", JOBS))
    assert code == 0, (doc, err)
    sid = doc["submission"]["id"]
    assert doc["submission"]["status"] == "submitted" and doc["submission"]["organisation"] == ORG
    assert sha(db) == before and not list((data / "members").glob("S*"))      # queued, not an input, not public
    code, doc, _ = etl("queue", "--data", str(data), "--organisation", ORG)
    assert [r["id"] for r in doc["submissions"]] == [sid]
    code, doc, _ = etl("queue", "--data", str(data), "--organisation", "Another asbl")
    assert doc["submissions"] == []
    # approval files the uploads as inputs, checked by a scratch build; the public file is still the same
    code, doc, err = etl("approve", sid, "--as-user", "editor@federation.be", "--data", str(data))
    assert code == 0 and doc["submission"]["status"] == "approved", (doc, err)
    assert sha(db) == before
    assert sorted(p.name for p in (data / "members").glob("S*")) == [f"{sid}_jobs.csv", f"{sid}_sites.csv"]
    code, doc, err = etl("publish", "--as-user", "editor@federation.be", "--data", str(data))
    assert code == 0 and doc["status"]["state"] == "ok" and doc["status"]["submissions"] == [sid], err
    assert sha(db) != before
    assert q(db, "SELECT name, organisation FROM operator WHERE operator_id = 'mb-RT1'") == [
        ("Ressourcerie Test Anderlecht", ORG)]
    prov = q(db, "SELECT kind, role, organisation, submission_id FROM input_provenance ORDER BY input_file")
    assert prov == [("members", "member", ORG, sid)] * 2
    # no e-mail address anywhere in the public database
    con = duckdb.connect(str(db), read_only=True)
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
        assert "@ressourcerie.be" not in repr(rows) and "@federation.be" not in repr(rows), table
    con.close()
    # the audit log has every step, with user, time and sha256
    code, doc, _ = etl("audit", "--data", str(data))
    events = [(e["event"], e["user"]) for e in doc["entries"]]
    assert events == [("submitted", "contact@ressourcerie.be"), ("approved", "editor@federation.be"),
                      ("published", "editor@federation.be")]
    assert all(e["at"] for e in doc["entries"])
    assert {f["sha256"] for f in doc["entries"][0]["files"]} == {hashlib.sha256(SITES).hexdigest(),
                                                                 hashlib.sha256(JOBS).hexdigest()}
    assert len(doc["entries"][2]["db_sha256"]) == 64 and doc["entries"][2]["db_sha256"] == sha(db)
    code, doc, _ = etl("queue", "--data", str(data))
    assert doc["submissions"][0]["status"] == "published"


def test_member_submits_only_its_own_organisation(data, tmp_path):
    other = SITES.replace(ORG.encode(), b"Another asbl")
    code, doc, _ = submit(data, put(tmp_path, "sites.csv", other))
    assert code == 1 and doc["problems"] == [{"file": "sites.csv", "row": 2, "column": "organisation", "reason":
                                              f"write '{ORG}' here: you submit for {ORG} only (the file says "
                                              "'Another asbl')", "code": "own_organisation_says"}]
    code, doc, _ = submit(data, put(tmp_path, "jobs.csv", JOBS.replace(b"RT1", b"EX01")))
    assert code == 1 and doc["problems"][0]["column"] == "site_id" and "not one of your sites" in \
        doc["problems"][0]["reason"]
    code, doc, _ = submit(data, put(tmp_path, "round.csv", ROUND1))
    assert code == 1 and "entered by the federation's editors" in doc["problems"][0]["reason"]
    code, doc, _ = etl("queue", "--data", str(data))
    assert doc["submissions"] == []
    assert not (data / "archive").exists()                 # refused: never archived ...
    assert len(list((data / "private" / "refused").iterdir())) == 3     # ... kept for the report only
    code, doc, _ = etl("audit", "--data", str(data))
    assert [e["event"] for e in doc["entries"]] == ["refused"] * 3


def test_the_same_file_twice_is_refused_in_the_readers_language_and_archived_once(data, tmp_path):
    """The member-input rules hold through the queue: a file waiting for review, sent twice in one submission
    or already loaded is refused (in --lang, with its code) and archived only once; notes come back in --lang."""
    titled = b"Sites 2024,,,,,\n,,,,,\n" + SITES
    code, doc, err = etl("submit", str(put(tmp_path, "sites.csv", titled)), "--as-user", "contact@ressourcerie.be",
                         "--role", "member", "--organisation", ORG, "--data", str(data), "--lang", "fr")
    assert code == 0 and "attend une relecture" in doc["message"], (doc, err)
    assert [(n["row"], n["code"]) for n in doc["notes"]] == [(3, "header_below_rows")]
    assert "en-tête trouvé à la ligne 3" in doc["notes"][0]["reason"] and doc["notes"][0]["file"] == "sites.csv"
    sid = doc["submission"]["id"]
    again = put(tmp_path, "sites (1).csv", titled)
    code, doc, _ = etl("submit", str(again), "--as-user", "contact@ressourcerie.be", "--role", "member",
                       "--organisation", ORG, "--data", str(data), "--lang", "nl")
    assert code == 1 and [p["code"] for p in doc["problems"]] == ["already_submitted"]
    assert "wacht al op nazicht" in doc["problems"][0]["reason"] and "sites.csv" in doc["problems"][0]["reason"]
    assert "niets in de wachtrij" in doc["message"]
    # the reviewer's preview of that submission (its archived file) is no repeat of it
    kept = ROOT / json.loads((data / "archive" / "index.jsonl").read_text().splitlines()[0])["archive_path"]
    code, doc, err = etl("preview", str(kept), "--name", "sites.csv", "--submission", sid, "--out",
                         str(tmp_path / "review.duckdb"), "--data", str(data))
    assert code == 0 and doc["kind"] == "members", (doc, err)
    jobs = put(tmp_path, "jobs.csv", JOBS)
    code, doc, _ = etl("preview", str(jobs), str(put(tmp_path, "jobs-copy.csv", JOBS)), "--out",
                       str(tmp_path / "p.duckdb"), "--data", str(data), "--lang", "en")
    assert code == 1 and [(p["file"], p["code"]) for p in doc["problems"]] == [("jobs-copy.csv", "same_file_in_upload")]
    code, doc, err = etl("approve", sid, "--as-user", "editor@federation.be", "--data", str(data))
    assert code == 0, (doc, err)
    code, doc, _ = etl("load", str(again), "--as-user", "editor@federation.be", "--data", str(data), "--lang", "fr")
    assert code == 1 and [p["code"] for p in doc["problems"]] == ["already_loaded"]
    assert "déjà chargé" in doc["problems"][0]["reason"] and "members/sites.csv" in doc["problems"][0]["reason"]
    index = [json.loads(line) for line in (data / "archive" / "index.jsonl").read_text().splitlines()]
    assert [e["original_name"] for e in index] == ["sites.csv"]           # archived once


def test_reject_needs_a_reason_and_keeps_the_database(data, tmp_path):
    before = sha(data / "impact.duckdb")
    code, doc, _ = submit(data, put(tmp_path, "sites.csv", SITES))
    sid = doc["submission"]["id"]
    code, doc, _ = etl("reject", sid, "--reason", " ", "--as-user", "editor@federation.be", "--data", str(data))
    assert code == 1 and "needs a reason" in doc["message"]
    code, doc, _ = etl("reject", sid, "--reason", "the site is in Forest, not Anderlecht", "--as-user",
                       "editor@federation.be", "--data", str(data))
    assert code == 0 and doc["submission"]["status"] == "rejected"
    assert doc["submission"]["reason"] == "the site is in Forest, not Anderlecht"
    code, doc, _ = etl("approve", sid, "--as-user", "editor@federation.be", "--data", str(data))
    assert code == 1 and "rejected, not waiting for review" in doc["message"]
    assert sha(data / "impact.duckdb") == before and not list((data / "members").glob("S*"))
    code, doc, _ = etl("audit", "--data", str(data))
    assert [e["event"] for e in doc["entries"]] == ["submitted", "rejected"]
    assert doc["entries"][1]["reason"] == "the site is in Forest, not Anderlecht"


def test_a_new_round_under_the_same_name_keeps_the_earlier_one(data, tmp_path):
    """History is append-only: round2 uploaded as round.csv never removes round1 uploaded as round.csv."""
    db = data / "impact.duckdb"
    for content in (ROUND1, ROUND2):
        code, doc, err = etl("load", str(put(tmp_path, "round.csv", content)), "--as-user", "editor@federation.be",
                             "--data", str(data))
        assert code == 0, (doc, err)
    rows = q(db, "SELECT CAST(assessed_on AS VARCHAR), status FROM tip_assessment WHERE nis_code = '21002' "
                 "AND criterion_id = 't4_plan' AND quality = 'reported' ORDER BY assessed_on")
    assert rows == [("2024-03-01", "committed"), ("2025-03-01", "done")]
    assert q(db, "SELECT status, previous_status FROM tip_assessment_latest WHERE nis_code = '21002' AND "
                 "criterion_id = 't4_plan'") == [("done", "committed")]
    assert len(list((data / "assessments").glob("S*_round.csv"))) == 2
    assert len(list((data / "archive").glob("*_round.csv"))) == 2      # each upload its own archived input


def test_a_later_member_round_corrects_the_same_site_year(data, tmp_path):
    db = data / "impact.duckdb"
    code, doc, err = etl("load", str(put(tmp_path, "sites.csv", SITES)), "--as-user", "ed", "--data", str(data))
    assert code == 0, err
    for content in (JOBS, JOBS.replace(b"RT1,2024,5,", b"RT1,2024,7,")):
        code, doc, err = etl("load", str(put(tmp_path, "jobs.csv", content)), "--as-user", "ed", "--data", str(data))
        assert code == 0, (doc, err)
    assert q(db, "SELECT year, integration_workers FROM operator_jobs WHERE operator_id = 'mb-RT1'") == [(2024, 7.0)]
    assert len(list((data / "members").glob("S*_jobs.csv"))) == 2       # the first round stays an input


def test_size_cap_before_anything_is_stored(data, tmp_path):
    huge = put(tmp_path, "huge.csv", JOBS + b"#" * (6 * 1024 * 1024))
    code, doc, _ = submit(data, huge)
    assert code == 1 and "over the 5 MB upload cap" in doc["problems"][0]["reason"]
    assert not (data / "archive").exists() and not (data / "private" / "refused").exists()


def test_refused_files_are_bounded(data, monkeypatch):
    from etl.review import keep_refused, prune_refused
    monkeypatch.setenv("BSIM_REFUSED_KEEP", "3")
    for i in range(5):
        keep_refused(data, f"bad {i}".encode(), f"bad{i}.csv")
    folder = data / "private" / "refused"
    assert sorted(p.name.split("_", 2)[2] for p in folder.iterdir()) == ["bad2.csv", "bad3.csv", "bad4.csv"]
    old = time.time() - 8 * 86400
    for p in folder.iterdir():
        os.utime(p, (old, old))
    assert len(prune_refused(data)) == 3 and not list(folder.iterdir())          # older than 7 days


def test_two_publishes_never_interleave(data, tmp_path):
    """Two publishers at once: the second waits for the first (nothing lost: both approved rounds are in the
    final database); with no time to wait it is refused clearly and changes nothing."""
    db = data / "impact.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sids = []
    for name, content in (("r1.csv", ROUND1), ("r2.csv", ROUND2)):
        code, doc, _ = submit(data, put(tmp_path, name, content), role="editor", org=None, user="ed@federation.be")
        sids.append(doc["submission"]["id"])
    # the lock held by someone else: a publish with no time to wait is refused with who holds it
    from etl.publish import writer_lock
    with writer_lock(data, "someone@federation.be", "publish"):
        before = sha(db)
        code, doc, _ = etl("publish", "--as-user", "ed@federation.be", "--data", str(data),
                           env={"BSIM_PUBLISH_WAIT": "0"})
        assert code == 1 and doc["busy"] and "publish by someone@federation.be" in doc["message"]
        assert sha(db) == before
        code, doc, _ = etl("status", "--data", str(data))
        assert doc["status"]["state"] == "refused"
    # approval 1 and a publish, approval 2 and a publish, all four started at once
    cmds = [["approve", sids[0]], ["publish"], ["approve", sids[1]], ["publish"]]
    procs = [subprocess.Popen([sys.executable, "-m", "etl", *c, "--as-user", "ed@federation.be", "--data", str(data),
                               "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for c in cmds]
    outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    assert all(o["ok"] for o in outs), outs
    # a last publish picks up whatever an earlier publish ran before its approval
    code, doc, _ = etl("publish", "--as-user", "ed@federation.be", "--data", str(data))
    assert code == 0
    rows = q(db, "SELECT CAST(assessed_on AS VARCHAR) FROM tip_assessment WHERE nis_code = '21002' AND "
                 "criterion_id = 't4_plan' AND quality = 'reported' ORDER BY 1")
    assert rows == [("2024-03-01",), ("2025-03-01",)]
    assert not list(db.parent.glob(".build-*"))          # no build left behind, none built twice into one file
    runs = [json.loads(line) for line in (db.parent / "etl_runs.jsonl").read_text().splitlines()]
    assert all(r["status"] == "ok" for r in runs[-5:])
