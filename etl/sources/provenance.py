"""Who reported each input that came through the review queue: for every member or assessment file of
this build named after its submission (``base.ROUND_RE``), the organisation, role and the submission and
approval times from ``data/private/submissions/<id>.json`` (``etl.review``), into ``input_provenance``.
E-mail addresses stay in the private records: they never reach the public database."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import Problem
from .base import ROUND_RE, Source, Step, insert_frame


def load(step: Step) -> list[Problem]:
    folder = step.data_dir / "private" / "submissions"
    rows = []
    for f in step.inputs.files:
        kind = "members" if f["kind"].startswith("members_") else "assessments" if f["kind"] == "assessments" else None
        m = ROUND_RE.match(Path(f["path"]).name)
        if kind is None or m is None:
            continue
        sid = m.group(0).rstrip("_")
        path = folder / f"{sid}.json"
        if not path.exists():
            continue
        rec = json.loads(path.read_text(encoding="utf-8"))
        if rec.get("status") not in ("approved", "published") or not rec.get("decided_at"):
            continue
        rows.append({"input_file": f["path"], "kind": kind, "role": rec.get("role") or "editor",
                     "organisation": rec.get("organisation") or "", "submitted_at": rec["submitted_at"],
                     "approved_at": rec["decided_at"], "submission_id": sid})
    if rows:
        insert_frame(step.con, "input_provenance", pd.DataFrame(rows).drop_duplicates("input_file"))
        step.log(f"  provenance: {len(rows)} reviewed inputs")
    return []


SOURCE = Source("provenance", load, requires=("members", "assessments"))
