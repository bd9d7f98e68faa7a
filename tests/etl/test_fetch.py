"""etl.fetch: success against a local HTTP server, one plain line and no exception when unreachable."""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading

import pytest

from etl import fetch as fetch_mod


@pytest.fixture
def local_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "TF_SOC_POP_STRUCT_2025.zip").write_bytes(b"PK fake zip body " * 1000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


def test_download_records_sha256_and_file(local_server, tmp_path):
    base, served = local_server
    dest = tmp_path / "fetched"
    lines = []
    records = fetch_mod.fetch(dest, urls=[f"{base}/TF_SOC_POP_STRUCT_2025.zip"], log=lines.append)
    body = (served / "TF_SOC_POP_STRUCT_2025.zip").read_bytes()
    assert len(records) == 1
    record = records[0]
    assert record["file"] == "TF_SOC_POP_STRUCT_2025.zip"
    assert record["sha256"] == hashlib.sha256(body).hexdigest()
    assert record["bytes"] == len(body)
    assert record["retrieved"].endswith("Z")
    assert (dest / "TF_SOC_POP_STRUCT_2025.zip").read_bytes() == body
    assert json.loads((dest / "FETCHED.json").read_text()) == [record]
    assert not [p for p in dest.iterdir() if p.name.endswith(".part")]


def test_unreachable_url_prints_one_line_and_does_not_raise(tmp_path):
    lines = []
    records = fetch_mod.fetch(tmp_path, urls=["http://127.0.0.1:9/x.zip"], timeout=2, log=lines.append)
    assert records == []
    failures = [line for line in lines if "not reachable" in line]
    assert len(failures) == 1
    assert failures[0].startswith("fetch: 127.0.0.1 not reachable (")
    assert failures[0].endswith("the build will use the shipped data")
    assert "\n" not in failures[0]
    assert list(tmp_path.iterdir()) == []  # no half file, no manifest


def test_http_error_is_reported_not_raised(local_server, tmp_path):
    base, _ = local_server
    lines = []
    assert fetch_mod.fetch(tmp_path, urls=[f"{base}/missing.zip"], log=lines.append) == []
    assert any("HTTP 404" in line for line in lines)


def test_manifest_keeps_earlier_records(local_server, tmp_path):
    base, served = local_server
    (served / "other.geojson.zip").write_bytes(b"x")
    fetch_mod.fetch(tmp_path, urls=[f"{base}/TF_SOC_POP_STRUCT_2025.zip"], log=lambda _: None)
    fetch_mod.fetch(tmp_path, urls=[f"{base}/other.geojson.zip"], log=lambda _: None)
    files = [r["file"] for r in json.loads((tmp_path / "FETCHED.json").read_text())]
    assert files == ["TF_SOC_POP_STRUCT_2025.zip", "other.geojson.zip"]


def test_progress_lines_for_large_downloads(local_server, tmp_path, monkeypatch):
    base, _ = local_server
    monkeypatch.setattr(fetch_mod, "PROGRESS_EVERY", 4096)
    lines = []
    fetch_mod.fetch(tmp_path, urls=[f"{base}/TF_SOC_POP_STRUCT_2025.zip"], log=lines.append)
    assert any("so far" in line for line in lines)


def test_default_urls_name_the_official_files():
    names = [fetch_mod.file_name_for(u) for u in fetch_mod.DEFAULT_URLS]
    assert "TF_SOC_POP_STRUCT_2025.zip" in names
    assert "sh_statbel_statistical_sectors_31370_20250101.geojson.zip" in names
    assert all(u.startswith("https://statbel.fgov.be/") for u in fetch_mod.DEFAULT_URLS)
