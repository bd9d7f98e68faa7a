"""Serve the commune boundaries once, as a static file, so the geometry never travels on a rerun."""
from __future__ import annotations

import hashlib
import json
import os

from dashboard.config import STATIC_DIR, STATIC_URL


def static_geojson_url(geojson: dict | None) -> str | None:
    """Write ``static/boundaries-<hash>.geojson`` if needed and return its URL (relative to the app)."""
    if not geojson:
        return None
    text = json.dumps(geojson, separators=(",", ":"), sort_keys=True)
    name = f"boundaries-{hashlib.sha256(text.encode()).hexdigest()[:16]}.geojson"
    path = STATIC_DIR / name
    if not path.exists():
        STATIC_DIR.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return f"{STATIC_URL}/{name}"
