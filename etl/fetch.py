"""Download the official Statbel files the build can use instead of the shipped data.

``python -m etl.fetch [dest]`` downloads each URL into ``dest`` (default ``data/raw/statbel/fetched/``) and
records ``{url, file, retrieved, sha256, bytes}`` in ``dest/FETCHED.json``. A file that cannot be fetched
(no network, timeout, HTTP error) costs one plain line on the log and nothing else: the build then uses the
shipped data. Each download goes to a temporary name first, so a killed fetch leaves no half file.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEST = ROOT / "data" / "raw" / "statbel" / "fetched"
MANIFEST = "FETCHED.json"
CHUNK = 64 * 1024
PROGRESS_EVERY = 5 * 1024 * 1024

_OPENDATA = "https://statbel.fgov.be/sites/default/files/files/opendata"
_POPULATION = (f"{_OPENDATA}/bevolking%20naar%20woonplaats%2C%20nationaliteit%20burgelijke%20staat%20%2C"
               "%20leeftijd%20en%20geslacht")
DEFAULT_URLS = (
    # population 1 January, by commune x sex x nationality x marital status x age (same folder as the 2023 zip)
    f"{_POPULATION}/TF_SOC_POP_STRUCT_2025.zip",
    f"{_POPULATION}/TF_SOC_POP_STRUCT_2026.zip",
    # fiscal statistics on income by commune: URL seen in third-party code only, unverified
    f"{_OPENDATA}/arbeid/TF_PSNL_INC_TAX_MUNTY.zip",
    # statistical sectors 1/1/2025, Lambert 72
    f"{_OPENDATA}/Statistische%20sectoren/sh_statbel_statistical_sectors_31370_20250101.geojson.zip",
)
NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError)


def file_name_for(url: str) -> str:
    """The local file name: the URL's last path segment, unquoted."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return Path(name).name or "download"


def _utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _why(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _stream(response, out, name: str, log) -> tuple[str, int]:
    """Copy the response body to ``out``; return (sha256, bytes); log progress every few MB."""
    digest, size, next_report = hashlib.sha256(), 0, PROGRESS_EVERY
    while chunk := response.read(CHUNK):
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        if size >= next_report:
            log(f"fetch: {name}: {size / 1e6:.0f} MB so far")
            next_report += PROGRESS_EVERY
    return digest.hexdigest(), size


def download(url: str, dest: Path, timeout: float = 10, log=print) -> dict | None:
    """Download one URL into ``dest``; return its record, or None (after one log line) on a network failure."""
    dest.mkdir(parents=True, exist_ok=True)
    name = file_name_for(url)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=dest)
    try:
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                sha256, size = _stream(response, out, name, log)
        os.replace(tmp_name, dest / name)
    except NETWORK_ERRORS as exc:
        host = urlsplit(url).hostname or url
        log(f"fetch: {host} not reachable ({_why(exc)}) for {name}; the build will use the shipped data")
        return None
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return {"url": url, "file": name, "retrieved": _utc_now(), "sha256": sha256, "bytes": size}


def _write_manifest(dest: Path, records: list[dict]) -> None:
    """Merge ``records`` into ``dest/FETCHED.json`` (one entry per file, newest wins), atomically."""
    path = dest / MANIFEST
    try:
        previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    except (json.JSONDecodeError, OSError):
        previous = []
    by_file = {r.get("file"): r for r in previous if isinstance(r, dict)}
    by_file.update({r["file"]: r for r in records})
    tmp = path.with_name(f".{MANIFEST}.part")
    tmp.write_text(json.dumps(sorted(by_file.values(), key=lambda r: r["file"]), indent=2) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def fetch(dest: Path = DEFAULT_DEST, urls=DEFAULT_URLS, timeout: float = 10, log=print) -> list[dict]:
    """Download every URL into ``dest``; return the records of the files fetched this run."""
    dest = Path(dest)
    records = [r for r in (download(url, dest, timeout, log) for url in urls) if r is not None]
    if records:
        _write_manifest(dest, records)
    log(f"fetch: {len(records)} of {len(urls)} files downloaded into {dest}")
    return records


if __name__ == "__main__":
    fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST)
