"""The editor and member pages' pure parts: the forms' templates, the queue and audit tables, the upload
working folder (private, removed afterwards) and the size cap checked before anything is written."""
from __future__ import annotations

import csv
import io
import stat

import pandas as pd

from dashboard.model import review as rv
from dashboard.text.i18n import translator
from dashboard.ui import review as ui


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_form_templates_leave_unknown_figures_empty():
    assert rv.jobs_csv("RT1", 2024, None, None, None, None) is None
    jobs = rows(rv.jobs_csv("RT1", 2024, 4, None, 3.5, 0, "Org asbl"))
    assert jobs == [{"site_id": "RT1", "year": "2024", "integration_workers": "4", "art60_placements": "",
                     "fte": "3.5", "exits_to_work": "0", "reported_by": "Org asbl"}]
    flows = rows(rv.flows_csv("RT1", 2024, {"textiles": (10.0, 6.0, None), "weee": (None, None, None)}))
    assert [(f["stream"], f["collected_t"], f["reused_t"], f["recycled_t"]) for f in flows] == [
        ("textiles", "10", "6", "")]
    assert rv.flows_csv("RT1", 2024, {"textiles": (None, None, None)}) is None
    a = rows(rv.assessment_csv("21002", "t4_plan", "2025-03-01", "done", " https://x.be/d ", "<b>n</b>"))
    assert a[0]["evidence_url"] == "https://x.be/d" and a[0]["note"] == "<b>n</b>"


def test_evidence_links_are_http_only():
    assert rv.is_http_url("https://www.auderghem.be/plan") and rv.is_http_url("http://x.be")
    for bad in ("javascript:alert(1)", "ftp://x.be", "www.x.be", "", None, "https://x.be/a b"):
        assert not rv.is_http_url(bad)


def test_queue_and_audit_tables():
    rec = {"id": "S1", "status": "rejected", "role": "member", "organisation": "Org asbl", "submitted_by": "a@o.be",
           "submitted_at": "2026-01-01 10:00:00", "files": [{"name": "j.csv", "kind": "members", "bytes": 9,
                                                             "sha256": "ab" * 32}],
           "decided_by": "e@f.be", "decided_at": "2026-01-02 10:00:00", "reason": "wrong year", "note": ""}
    editors = {**rec, "id": "S2", "role": "editor", "organisation": "", "status": "submitted"}
    t = rv.queue_table([rec, editors], "fr")
    assert list(t["status"]) == ["refusé", "en attente de relecture"]
    assert list(t["organisation"]) == ["Org asbl", "les éditeurs de la fédération"]
    assert [r["id"] for r in rv.waiting([rec, editors])] == ["S2"]
    audit = rv.audit_table([{"at": "t1", "event": "submitted", "user": "a@o.be", "files": [{"name": "j.csv",
                                                                                          "sha256": "cd" * 32}]},
                            {"at": "t2", "event": "published", "user": "e@f.be", "db_sha256": "ef" * 32,
                             "submissions": ["S1"]}], "en")
    assert list(audit["event"]) == ["published", "submitted"]              # newest first
    assert audit["files"][1] == "j.csv " + "cd" * 6 and audit["submission"][0] == "S1"


def test_member_sites_are_its_own_only():
    ops = pd.DataFrame({"operator_id": ["mb-A", "mb-B", "ex-C", "op-D"],
                        "organisation": ["Réemploi  Test asbl", "Other", "Réemploi Test asbl", "Réemploi Test asbl"]})
    assert list(rv.member_sites(ops, "réemploi test ASBL")["site_id"]) == ["A"]


def test_working_files_are_private_and_removed(monkeypatch):
    with ui.working_files([("round.csv", b"a"), ("sites.XLSX", b"b")]) as (tmp, files):
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o700
        assert [(p.name, n, p.read_bytes()) for p, n in files] == [("upload0.csv", "round.csv", b"a"),
                                                                    ("upload1.xlsx", "sites.XLSX", b"b")]
    assert not tmp.exists()
    with ui.working_files([("x.csv", b"c")]) as (other, _files):
        assert other != tmp                                   # a new, unpredictable folder each time


def test_size_cap_and_type_before_anything_is_written(monkeypatch):
    monkeypatch.setattr(ui, "limits", lambda: {"max_upload_bytes": 10, "suffixes": [".csv", ".xlsx"]})
    written = []
    monkeypatch.setattr(ui, "working_files", lambda *a: written.append(a))
    out = ui.check([("big.csv", b"x" * 11), ("notes.txt", b"x")], translator("en"))
    assert not out["ok"] and written == []
    assert list(out["problems"]["reason"]) == ["file is 0.0 MB, over the 0 MB upload cap",
                                               "only .csv and .xlsx files are accepted"]
