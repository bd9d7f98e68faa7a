"""The review queue's records as stored: ``data/private/submissions/<id>.json``, read by the queue
(``etl.review``) and by the same-file check of uploads (``etl.load_upload``)."""
from __future__ import annotations

import json
from pathlib import Path

PRIVATE = "private"      # beside the archive, never in the public database


def queue(data_dir: Path, organisation: str | None = None) -> list[dict]:
    """Every submission, newest first (only ``organisation``'s when given)."""
    from .ownership import same_organisation
    folder = Path(data_dir) / PRIVATE / "submissions"
    if not folder.exists():
        return []
    out = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("S*.json"))]
    if organisation is not None:
        out = [r for r in out if r.get("role") == "member" and same_organisation(r.get("organisation"), organisation)]
    return sorted(out, key=lambda r: r["id"], reverse=True)
