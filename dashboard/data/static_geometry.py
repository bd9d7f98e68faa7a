"""Serve the commune boundaries once, as a static file, so the geometry never travels on a rerun.

The file name carries a hash of its content (``static/boundaries-<hash>.geojson``): the URL changes
whenever the geometry does, so browsers and the load balancer may cache it for a year.
"""
from __future__ import annotations

import hashlib
import json
import os

import streamlit as st

from dashboard.config import STATIC_DIR, STATIC_URL
from dashboard.data import queries


def _text_and_name(geojson: dict) -> tuple[str, str]:
    text = json.dumps(geojson, separators=(",", ":"), sort_keys=True)
    return text, f"boundaries-{hashlib.sha256(text.encode()).hexdigest()[:16]}.geojson"


def _write_once(text: str, name: str) -> None:
    path = STATIC_DIR / name
    if not path.exists():
        STATIC_DIR.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)


def static_geojson_url(geojson: dict | None) -> str | None:
    """Write ``static/boundaries-<hash>.geojson`` if needed and return its URL (relative to the app)."""
    if not geojson:
        return None
    text, name = _text_and_name(geojson)
    _write_once(text, name)
    return f"{STATIC_URL}/{name}"


@st.cache_resource(max_entries=4, show_spinner=False)
def geometry_url(ver: str) -> str | None:
    """``static_geojson_url`` of the published database's boundaries, serialised, hashed and written once
    per database version and process (it cost a tenth of a map rerun when done on every one)."""
    return static_geojson_url(queries.geometry(ver))
