"""The public copy of the database (the download of the Data & sources page) and the CSV / XLSX exports: the
figures with their sources, licences and quality, and nothing else — no uploader e-mail, no path of the
server, no internal table (build log, inputs, upload archive, display places, templates)."""
from __future__ import annotations

import io
import json
import re

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from etl.public import PUBLIC_TABLES, public_path
from etl.review import load_file
from tests.conftest import ROOT
from tests.support.built import built_data

QUIET = lambda *a, **k: None  # noqa: E731
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
INTERNAL = {"etl_run", "etl_input", "template_file", "template_doc", "indicator_display"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Inputs outside the repository (so recorded paths would be absolute), a member upload by an editor
    whose e-mail is recorded in the archive, and an e-mail written in a member's notes."""
    data = built_data(tmp_path_factory.mktemp("public") / "data")
    upload = data.parent / "sites_upload.csv"
    upload.write_text("site_id,name,category,postal_code,reported_by,notes\n"
                      "U1,Atelier du Midi,repair_workshop,1060,Atelier du Midi asbl,contact: marie.dupont@atelier-midi.be\n",
                      encoding="utf-8")
    load_file(upload, uploader="editor.one@federation-example.be", data_dir=data, log=QUIET)
    return data


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _text_cells(con, table: str) -> list[str]:
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                      "AND data_type = 'VARCHAR'", [table]).fetchall()]
    out = []
    for c in cols:
        out += [v for (v,) in con.execute(f'SELECT DISTINCT "{c}" FROM {table} WHERE "{c}" IS NOT NULL').fetchall()]
    return out


def _leaks(texts, data) -> list[str]:
    bad = []
    for t in texts:
        if EMAIL.search(t) or str(data) in t or str(ROOT) in t or re.search(r"(^|[\s'\"(=])/(tmp|home|work|root|usr|var)/", t):
            bad.append(t[:200])
    return bad


def test_the_full_database_keeps_what_the_product_needs(published):
    """The internal tables are there for the app and the editor (this is what must not be published)."""
    with duckdb.connect(str(published / "impact.duckdb"), read_only=True) as con:
        assert INTERNAL <= _tables(con)
    # the uploader's e-mail stays in the private archive index, beside the database, never in it
    index = [json.loads(line) for line in (published / "archive" / "index.jsonl").read_text().splitlines()]
    assert [e["uploader"] for e in index] == ["editor.one@federation-example.be"]


def test_public_copy_holds_figures_sources_licences_quality_only(published):
    path = public_path(published / "impact.duckdb")
    assert path.name == "impact-public.duckdb" and path.is_file()
    with duckdb.connect(str(path), read_only=True) as con:
        tables = _tables(con)
        assert tables == set(PUBLIC_TABLES) | {"about"}
        assert not tables & INTERNAL
        # no column naming an input file
        cols = {r[0] for r in con.execute("SELECT DISTINCT column_name FROM information_schema.columns").fetchall()}
        assert "input_file" not in cols and "uploader" not in cols and "archive_path" not in cols
        leaks = [t for table in tables for t in _leaks(_text_cells(con, table), published)]
        assert not leaks, leaks[:5]
        # what a journalist needs: figures with source and quality, sources with licences
        n, missing = con.execute("SELECT count(*), count(*) FILTER (source_id IS NULL OR quality IS NULL) "
                                 "FROM observation").fetchone()
        assert n > 1000 and missing == 0
        assert con.execute("SELECT count(*) FROM source WHERE licence IS NOT NULL AND licence <> ''").fetchone()[0] > 20
        assert con.execute("SELECT count(*) FROM observation o LEFT JOIN source s USING (source_id) "
                           "WHERE s.source_id IS NULL").fetchone()[0] == 0
        about = dict(con.execute("SELECT key, value FROM about").fetchall())
        assert "quality example" in about and about["example member data"] == "left_out"
        # the uploaded member site is there, its notes without the e-mail address
        notes = con.execute("SELECT notes FROM operator WHERE name = 'Atelier du Midi'").fetchone()[0]
        assert "[e-mail removed]" in notes and "@" not in notes
        assert con.execute("SELECT source_file FROM commune_geometry LIMIT 1").fetchone()[0] == "brussels_communes.geojson"


def test_exports_carry_no_e_mail_and_no_server_path(published, monkeypatch):
    """The all-data CSV and XLSX and an indicator's XLSX, built as the Data & sources page builds them."""
    monkeypatch.setenv("BSIM_DB", str(published / "impact.duckdb"))
    from dashboard.data import connection
    from dashboard.ui import downloads

    ver = connection.version()
    texts = []
    csv = pd.read_csv(io.BytesIO(downloads.everything_csv(ver, "fr")), dtype=str)
    texts += [v for c in csv.columns for v in csv[c].dropna()] + list(csv.columns)
    for data in (downloads.everything_xlsx(ver, "en"), downloads.indicator_xlsx(ver, "member_jobs", "nl")):
        wb = load_workbook(io.BytesIO(data))
        texts += [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not _leaks(texts, published), _leaks(texts, published)[:5]
    assert {"source_publisher", "licence", "quality"} <= set(csv.columns)


def test_a_preview_writes_no_public_copy(published, tmp_path):
    from etl.load_upload import preview_build

    upload = tmp_path / "jobs.csv"
    upload.write_text("site_id,year,integration_workers\nU1,2024,4\n", encoding="utf-8")
    out = tmp_path / "preview.duckdb"
    preview_build(upload, data_dir=published, out_db=out, log=QUIET)
    assert out.is_file() and not public_path(out).exists()


def test_the_leak_detector_finds_what_the_full_database_holds(published):
    """The checks above would fail on the full database: its build log and rows name the input files, and a
    member's notes keep the e-mail written in them. The uploader's e-mail is in neither database: it stays in
    the private archive index and review records beside them (see the first test)."""
    with duckdb.connect(str(published / "impact.duckdb"), read_only=True) as con:
        leaks = [t for table in INTERNAL | {"operator"} for t in _leaks(_text_cells(con, table), published)]
        everything = [t for table in _tables(con) for t in _text_cells(con, table)]
    assert any("marie.dupont@" in t for t in leaks) and any(str(published) in t for t in leaks)
    assert not any("editor.one@" in t for t in everything)
