"""The ETL's command line as the app runs it (a subprocess, no import): ``--json`` prints exactly one JSON
object on stdout, exit 0/1; validate, preview, archive + load, limits."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
GOOD = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
        b"21002,t4_plan,2025-03-01,committed,https://www.auderghem.be/plan,council decision\n"
        b"21011,t5_childcare,2025-03-01,en cours,https://www.koekelberg.be/creche,\n")
BAD = (b"nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
       b"21002,t4_plan,2025-03-01,maybe,https://www.auderghem.be/plan,\n")
PROBLEM_KEYS = {"file", "row", "column", "reason", "code"}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def etl(*args: str) -> tuple[int, dict, str]:
    """Run ``python -m etl ARGS`` as the app would; (exit code, the one JSON object on stdout, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc.returncode, json.loads(proc.stdout), proc.stderr    # json.loads: nothing else on stdout


@pytest.fixture()
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("archive", "assessments", "*.wal", ".build-*",
                                                                   "*.duckdb"))
    shutil.copy(DB, d / "impact.duckdb")
    return d


def test_limits():
    proc = subprocess.run([sys.executable, "-m", "etl", "limits", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {"max_upload_bytes": 5 * 1024 * 1024, "suffixes": [".csv", ".xlsx"]}


def test_validate_json(tmp_path):
    files = [ROOT / "data" / "raw" / "facts" / "labour.csv", ROOT / "data" / "example" / "members_jobs.csv",
             ROOT / "data" / "example" / "assessments.csv"]
    code, doc, _ = etl("validate", *map(str, files), "--json")
    assert code == 0 and doc["ok"] and doc["problems"] == []
    assert [f["kind"] for f in doc["files"]] == ["facts", "members", "assessments"]
    assert all(f["ok"] and f["summary"] for f in doc["files"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    code, doc, _ = etl("validate", str(bad), "--json")
    assert code == 1 and doc["ok"] is False and doc["kind"] == "assessments"
    assert all(set(p) == PROBLEM_KEYS for p in doc["problems"])
    assert {(p["row"], p["column"]) for p in doc["problems"]} == {(2, "status")}
    assert "'maybe' is not a status (none, committed, in_progress, done, unknown)" in doc["problems"][0]["reason"]
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n1,2\n")
    code, doc, _ = etl("validate", str(junk), "--json")
    assert code == 1 and doc["kind"] == "unknown" and "unrecognised file" in doc["problems"][0]["reason"]


def test_preview_json_changes_nothing(data, tmp_path):
    before = sha(data / "impact.duckdb")
    upload = tmp_path / "upload.csv"
    upload.write_bytes(GOOD)
    out = tmp_path / "preview.duckdb"
    code, doc, _ = etl("preview", str(upload), "--name", "round.csv", "--out", str(out), "--data", str(data), "--json")
    assert code == 0 and doc["ok"] and doc["kind"] == "assessments" and doc["problems"] == []
    with duckdb.connect(str(out), read_only=True) as con:
        rows = con.execute("SELECT nis_code, status FROM tip_assessment WHERE input_file LIKE '%round.csv' "
                           "ORDER BY nis_code").fetchall()
    assert rows == [("21002", "committed"), ("21011", "in_progress")]
    assert sha(data / "impact.duckdb") == before
    assert not (data / "archive").exists() and not (data / "assessments").exists()
    upload.write_bytes(BAD)
    code, doc, _ = etl("preview", str(upload), "--name", "round.csv", "--out", str(tmp_path / "p2.duckdb"),
                       "--data", str(data), "--json")
    assert code == 1 and not doc["ok"] and doc["problems"][0]["column"] == "status"
    assert doc["problems"][0]["file"].endswith("round.csv")
    upload.write_bytes(b"a,b\n1,2\n")
    code, doc, _ = etl("preview", str(upload), "--name", "notes.txt", "--out", str(tmp_path / "p3.duckdb"),
                       "--data", str(data), "--json")
    assert code == 1 and doc["problems"][0]["reason"] == "only .csv and .xlsx files are accepted"


def test_refused_load_is_not_archived_then_load_json(data, tmp_path):
    before = sha(data / "impact.duckdb")
    upload = tmp_path / "upload-7f3a.csv"
    upload.write_bytes(BAD)
    code, doc, stderr = etl("load", str(upload), "--name", "bad.csv", "--as-user", "ed@example.org",
                            "--data", str(data), "--json")
    assert code == 1 and not doc["ok"] and "published database was not changed" in doc["message"]
    assert doc["problems"][0]["column"] == "status" and doc["problems"][0]["file"] == "bad.csv"
    assert sha(data / "impact.duckdb") == before
    assert not (data / "archive" / "index.jsonl").exists()              # a refused file is not kept forever
    assert [p.name.endswith("_bad.csv") for p in (data / "private" / "refused").iterdir()] == [True]
    upload.write_bytes(GOOD)
    code, doc, stderr = etl("load", str(upload), "--name", "round2025.csv", "--as-user", "ed@example.org",
                            "--data", str(data), "--json")
    assert code == 0 and doc["ok"] and doc["kind"] == "assessments", stderr
    assert doc["archive"]["original_name"] == "round2025.csv" and doc["run"]["status"] == "ok"
    assert "publish:" in stderr                  # build progress goes to stderr, never into the JSON
    assert sha(data / "impact.duckdb") != before
    staged = list((data / "assessments").glob("S*_round2025.csv"))
    assert len(staged) == 1 and staged[0].read_bytes() == GOOD
    index = [json.loads(line) for line in (data / "archive" / "index.jsonl").read_text().splitlines()]
    assert [e["original_name"] for e in index] == ["round2025.csv"]
    code, doc, _ = etl("load", str(tmp_path / "missing.csv"), "--name", "x.csv", "--data", str(data), "--json")
    assert code == 1 and doc["problems"] == [{"file": "x.csv", "row": None, "column": None,
                                              "reason": "file not found", "code": "file_not_found"}]
