"""Frames and files of the editor and member pages (``views/editor.py``, ``views/member.py``): the review
queue and the audit log as tables, a member's own sites, and the filled templates the forms produce (the
same CSV files a member would upload, so the ETL checks them with the same rules and messages). Pure."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd

from dashboard.text.i18n import translator

URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
QUEUE_COLUMNS = ["id", "status", "organisation", "submitted_by", "submitted_at", "files", "note", "decided_by",
                 "decided_at", "reason"]
AUDIT_COLUMNS = ["at", "event", "user", "organisation", "submission", "files", "detail"]


def status_label(status: str, lang: str) -> str:
    _ = translator(lang)
    return {"submitted": _("waiting for review"), "approved": _("approved, not yet published"),
            "rejected": _("rejected"), "published": _("published")}.get(status, status)


def who(record: dict, lang: str) -> str:
    """The organisation of a submission, or the federation's editors for theirs."""
    return record.get("organisation") or translator(lang)("the federation's editors")


def queue_table(records: list[dict], lang: str) -> pd.DataFrame:
    rows = [{"id": r["id"], "status": status_label(r["status"], lang), "organisation": who(r, lang),
             "submitted_by": r.get("submitted_by") or "", "submitted_at": r.get("submitted_at") or "",
             "files": ", ".join(f"{f['name']} ({f['kind']})" for f in r.get("files", [])),
             "note": r.get("note") or "", "decided_by": r.get("decided_by") or "",
             "decided_at": r.get("decided_at") or "", "reason": r.get("reason") or ""} for r in records]
    return pd.DataFrame(rows, columns=QUEUE_COLUMNS)


def waiting(records: list[dict]) -> list[dict]:
    return [r for r in records if r["status"] == "submitted"]


def files_table(record: dict) -> pd.DataFrame:
    return pd.DataFrame([{"file": f["name"], "kind": f["kind"], "bytes": f["bytes"], "sha256": f["sha256"]}
                         for f in record.get("files", [])], columns=["file", "kind", "bytes", "sha256"])


def audit_table(entries: list[dict], lang: str) -> pd.DataFrame:
    """Newest first; files with the start of their sha256."""
    _ = translator(lang)
    events = {"submitted": _("submitted"), "refused": _("refused by the checks"), "approved": _("approved"),
              "rejected": _("rejected"), "published": _("published"), "publish_failed": _("publish failed")}
    rows = []
    for e in reversed(entries):
        files = ", ".join(f"{f.get('name', '')} {str(f.get('sha256', ''))[:12]}".strip() for f in e.get("files", []))
        detail = e.get("reason") or e.get("message") or (f"sha256 {e['db_sha256'][:12]}…" if e.get("db_sha256") else "")
        rows.append({"at": e.get("at", ""), "event": events.get(e.get("event"), e.get("event")),
                     "user": e.get("user", ""), "organisation": e.get("organisation") or "",
                     "submission": e.get("submission") or ", ".join(e.get("submissions") or []),
                     "files": files, "detail": detail})
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def _fold(s) -> str:
    return " ".join(str(s or "").casefold().split())


def member_sites(operators: pd.DataFrame, organisation: str) -> pd.DataFrame:
    """The published member sites of ``organisation`` (``site_id`` = the id the member gave it)."""
    d = operators[operators["operator_id"].str.startswith("mb-")
                  & (operators["organisation"].map(_fold) == _fold(organisation))]
    return d.assign(site_id=d["operator_id"].str[3:]).reset_index(drop=True)


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode("utf-8")


def _n(v):
    """A form number as the template wants it: empty when not given, no trailing .0 for whole numbers."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    return int(v) if float(v).is_integer() else v


def jobs_csv(site_id: str, year: int, workers, art60, fte, exits, reported_by: str = "") -> bytes | None:
    """The jobs template with one row, or None when the form gives no jobs figure."""
    values = [_n(workers), _n(art60), _n(fte), _n(exits)]
    if all(v is None for v in values):
        return None
    return _csv(["site_id", "year", "integration_workers", "art60_placements", "fte", "exits_to_work", "reported_by"],
                [[site_id, int(year), *values, reported_by]])


def flows_csv(site_id: str, year: int, streams: dict[str, tuple], reported_by: str = "") -> bytes | None:
    """The re-use template with one row per stream that has a figure (collected, re-used, recycled tonnes)."""
    rows = [[site_id, int(year), s, *map(_n, t), reported_by] for s, t in streams.items()
            if any(_n(v) is not None for v in t)]
    if not rows:
        return None
    return _csv(["site_id", "year", "stream", "collected_t", "reused_t", "recycled_t", "reported_by"], rows)


def assessment_csv(nis_code: str, criterion_id: str, assessed_on, status: str, evidence_url: str, note: str) -> bytes:
    return _csv(["nis_code", "criterion_id", "assessed_on", "status", "evidence_url", "note"],
                [[nis_code, criterion_id, str(assessed_on), status, (evidence_url or "").strip(), (note or "").strip()]])


def is_http_url(text: str | None) -> bool:
    return bool(text) and bool(URL_RE.match(text.strip()))
