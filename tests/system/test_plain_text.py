"""Text from data is only ever text, through the whole product: member files and an assessment upload filled
with HTML, Markdown, formula and control-character payloads (CSV with ';' and XLSX, as members fill them) →
``python -m etl build`` → every page in Chromium (nothing injected in the DOM, no dialog, no request leaving
loopback, the payloads shown literally) → every export (CSV / XLSX cells neutralised, PDF / PPTX text literal,
PNG rendered). Also, with a real ``streamlit run``: the 'data temporarily unavailable' page and its recovery,
and the example mark in a downloaded image's file name.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.browser import guarded_context, shots_dir, wait_ready
from tests.support.browser_server import CHROMIUM, streamlit_server

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>bold</b>"
LINK = "[link](http://evil.example)"
MD_IMG = "![img](http://evil.example/x.png)"
FORMULA = '=HYPERLINK("http://evil.example")'
CMD = "+cmd|' /C calc'!A0"
ANCHOR = '<a href="http://evil.example">org</a>'
SCRIPT = "<script>alert(2)</script>"
CONTROL_NAME = "Atelier\x0bNord\u200b"          # vertical tab and a zero-width space
REPORTED = f"{IMG} {LINK}"                     # becomes the publisher of the jobs file's source

SITES = [["site_id", "name", "organisation", "category", "address", "postal_code", "reported_by", "notes"],
         ["H1", IMG, BOLD, "reuse_shop", LINK, "1000", MD_IMG, FORMULA],
         ["H2", CMD, ANCHOR, "repair_workshop", "=1+1", "1060", SCRIPT, "**bold** _em_"],
         ["H3", CONTROL_NAME, "Org\x00", "bike_workshop", "Rue 3", "1030", "ok", "note\x0cend"]]
JOBS = [["site_id", "year", "integration_workers", "art60_placements", "reported_by", "notes"],
        ["H1", 2024, 6, 2, REPORTED, FORMULA], ["H2", 2024, 3, 1, REPORTED, "@SUM(1+1)"],
        ["H3", 2024, 2, 0, REPORTED, ""]]
FLOWS = [["site_id", "year", "stream", "collected_t", "reused_t", "recycled_t", "reported_by"],
         ["H1", "2024", "textiles", "10", "5", "3", MD_IMG]]
ASSESSMENT = ("nis_code,criterion_id,assessed_on,status,evidence_url,note\n"
              f'21004,t3_food,2025-03-01,done,https://www.bruxelles.be/,"{IMG} {LINK} ={FORMULA[1:]} {BOLD}"\n')


def _write_inputs(data: Path, with_controls: bool) -> None:
    from openpyxl import Workbook

    members = data / "members"
    members.mkdir(exist_ok=True)
    strip = (lambda v: v) if with_controls else (lambda v: re.sub("[\x00-\x1f\u200b]", "", v) if isinstance(v, str) else v)
    (members / "sites.csv").write_text("\n".join(";".join(strip(str(c)) for c in r) for r in SITES) + "\n",
                                       encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(JOBS, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, strip(value))
            if isinstance(value, str):
                cell.data_type = "s"          # text as a member types it, never a formula
    wb.save(members / "emplois.xlsx")
    (members / "flux.csv").write_text("\n".join(";".join(r) for r in FLOWS) + "\n", encoding="utf-8")
    (data / "assessments").mkdir(exist_ok=True)
    (data / "assessments" / "ronde.csv").write_text(ASSESSMENT, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory, shipped_geojson):
    """Build the hostile inputs; if the door refuses the control characters (file, row, column, reason), build
    without them: the rest must go through as text."""
    from etl.build import BuildError, build

    data = tmp_path_factory.mktemp("plain") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    _write_inputs(data, with_controls=True)
    try:
        build(data, boundaries=str(shipped_geojson), log=lambda *a: None)
    except BuildError as exc:
        assert exc.problems and all(p.file and p.row and p.column for p in exc.problems), exc
        _write_inputs(data, with_controls=False)
        build(data, boundaries=str(shipped_geojson), log=lambda *a: None)
    return data


@pytest.fixture(scope="module")
def server(hostile_data):
    with streamlit_server(hostile_data / "impact.duckdb") as base:
        yield base


def _guarded_page(browser):
    context = guarded_context(browser, accept_downloads=True)
    outside, dialogs = context.outside, context.dialogs
    pg = context.new_page()
    pg.set_default_timeout(180_000)   # a hang guard, not a speed bound
    return context, pg, outside, dialogs


@pytest.fixture()
def page(browser):
    context, pg, outside, dialogs = _guarded_page(browser)
    yield pg
    context.close()
    assert not outside, f"requests left loopback: {outside[:5]}"
    assert not dialogs, f"a dialog opened: {dialogs}"


def settle(pg) -> None:
    """The run is over and the charts (if any) are drawn."""
    wait_ready(pg)
    pg.wait_for_timeout(1500)
    if pg.locator("[data-testid='stPlotlyChart']").count():
        pg.wait_for_selector(".js-plotly-plot .main-svg")
        pg.wait_for_timeout(1000)


INJECTED = """() => {
    const main = document.body;
    const texts = [...main.querySelectorAll('b, strong, em, i, tspan')]
        .filter(e => e.textContent.trim() === 'bold' && (e.tagName !== 'tspan' || /bold/.test(e.getAttribute('style') || '')));
    return {
        img: [...document.querySelectorAll('img')].filter(i => /(^|\\/)x$|evil/.test(i.getAttribute('src') || '')).length,
        links: [...document.querySelectorAll('a')].filter(a => /evil/.test(a.getAttribute('href') || '')).length,
        scripts: [...document.querySelectorAll('script')].filter(s => /alert\\(2\\)/.test(s.textContent)).length,
        bold: texts.length,
        text: (main.innerText + ' ' + [...document.querySelectorAll('svg text')].map(t => t.textContent).join(' '))
              .replace(/\\u2060/g, ''),
        plotly: [...document.querySelectorAll('.js-plotly-plot')].map(g => JSON.stringify(
            (g.data || []).map(t => [t.customdata, t.text, t.name, t.hovertext]))).join(' '),
    };
}"""

PAGES = [
    ("/?lang=fr", False),
    ("/map?indicator=member_jobs_per_1000_inhabitants&lang=nl", True),
    ("/map?indicator=member_jobs_per_1000_inhabitants&lang=en&view=table", True),
    ("/commune?commune=21004&lang=en", True),
    ("/compare?indicator=member_jobs_per_1000_inhabitants&lang=fr&communes=21004,21013", False),
    ("/jobs?lang=fr", True),
    ("/jobs?lang=en&commune=21004", True),
    ("/reuse?lang=nl", True),
    ("/operators?lang=fr", False),
    ("/operators?lang=en&communes=21004,21013", False),
    ("/tips?lang=en&commune=21004", False),
    ("/sources?lang=fr&indicator=member_jobs", False),
    ("/embed?embed=1&chart=card&commune=21004&lang=fr", False),
    ("/embed?embed=1&chart=ranking&indicator=member_jobs_per_1000_inhabitants&lang=en", True),
    ("/embed?embed=1&chart=timeseries&indicator=member_jobs&commune=21004&lang=nl", True),
]


def test_every_page_shows_data_text_as_text(page, server, tmp_path):
    seen_literally = 0
    for i, (path, shows_publisher) in enumerate(PAGES):
        page.goto(server + path)
        settle(page)
        found = page.evaluate(INJECTED)
        assert found["img"] == 0 and found["links"] == 0 and found["scripts"] == 0, (path, found)
        assert found["bold"] == 0, (path, "a <b> from data became bold")
        assert "Traceback" not in found["text"], path
        # plotly data: every text from data escaped before it reaches the chart
        assert "<img" not in found["plotly"] and "<b>bold" not in found["plotly"] and "<a href" not in found["plotly"]
        if shows_publisher:       # a member file's source is named in a caption or a chart footer: literally
            # chart footers are wrapped to the chart's width (SVG lines join without a space): compare without spaces
            text, flat = "".join(found["text"].split()), lambda t: "".join(t.split())   # noqa: E731
            assert (flat(IMG) in text and flat(LINK) in text) or flat(MD_IMG) in text, (path, text[:3000])
            seen_literally += 1
        page.screenshot(path=str(shots_dir(tmp_path) / f"plain_{i:02d}.png"), full_page=True)
    assert seen_literally >= 6


def test_operators_hover_data_is_escaped(page, server):
    page.goto(server + "/operators?lang=fr")
    wait_ready(page)
    page.wait_for_selector(".js-plotly-plot")
    data = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(g => (g.data || []).flatMap(t => (t.customdata || []).flat()))""")
    assert "&lt;img src=x onerror=alert(1)&gt;" in data and "&lt;b&gt;bold&lt;/b&gt;" in data
    assert not any(isinstance(v, str) and ("<img" in v or "<a " in v or "<b>" in v) for v in data)


def _download(page, button_text, nth: int = 0) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_text).nth(nth).click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def test_every_export_keeps_data_text_literal_and_inert(page, server, tmp_path):
    import pandas as pd
    from openpyxl import load_workbook
    from pptx import Presentation
    from pypdf import PdfReader

    # operators directory CSV: formulas neutralised, the rest literal
    page.goto(server + "/operators?lang=en")
    wait_ready(page)
    name, data = _download(page, "Download CSV")
    assert name == "operators.csv"                       # real member data only: no example mark
    csv = pd.read_csv(io.BytesIO(data), dtype=str)
    mine = csv[csv["operator_id"].str.startswith("mb-")].set_index("operator_id")
    assert mine.loc["mb-H1", "name"] == IMG and mine.loc["mb-H1", "organisation"] == BOLD
    assert mine.loc["mb-H2", "name"] == "'" + CMD and mine.loc["mb-H2", "address"] == "'=1+1"
    assert not csv.stack().str.match(r"^[=+\-@\t\r]").any()
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u200b]", v) for v in csv.stack().dropna())

    # everything as XLSX (Data & sources): no formula cell anywhere, payloads as text
    page.goto(server + "/sources?lang=fr&indicator=member_jobs")
    wait_ready(page)
    name, data = _download(page, "Télécharger en XLSX", nth=1)          # all indicators and scoped figures
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = [str(c.value) for c in cells if c.value is not None]
    assert any(IMG in v for v in values) and not any(re.match(r"^[=+\-@]", v) for v in values)
    # the public database: the upload's payloads as text, no internal table
    name, data = _download(page, "Télécharger la base de données")
    assert name.endswith(".duckdb")
    import duckdb
    path = tmp_path / "public.duckdb"
    path.write_bytes(data)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "upload_archive" not in tables and "etl_input" not in tables and "about" in tables
        assert con.execute("SELECT name FROM operator WHERE operator_id = 'mb-H1'").fetchone()[0] == IMG

    # the commune fiche (PDF) and slides (PPTX) of Bruxelles, where the payload sites are
    page.goto(server + "/commune?commune=21004&lang=en")
    wait_ready(page)
    name, pdf = _download(page, "Commune fiche (PDF)")
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "<img src=x" in text                          # the member source's publisher, literally
    assert reader.pages[0].get("/Annots") is None        # no link of any kind in the fiche
    name, pptx = _download(page, "Slides (PowerPoint)")
    prs = Presentation(io.BytesIO(pptx))
    runs = [r for sl in prs.slides for s in sl.shapes if s.has_text_frame for p in s.text_frame.paragraphs
            for r in p.runs]
    assert any(IMG in r.text for r in runs) and all(r.hyperlink.address is None for r in runs)

    # a chart as PNG (rendered by kaleido): the jobs map of the member data
    page.goto(server + "/jobs?lang=en")
    wait_ready(page)
    page.get_by_role("button", name="Download image").first.click()
    name, png = _download(page, re.compile(r"^PNG, on-screen"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000 and name.endswith(".png")


# ----------------------------------------------------------------------------- with the shipped data

@pytest.fixture(scope="module")
def shipped(tmp_path_factory, shipped_geojson):
    from etl.build import build

    data = tmp_path_factory.mktemp("shipped") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    build(data, boundaries=str(shipped_geojson), log=lambda *a: None)
    return data / "impact.duckdb"


def test_example_mark_in_a_downloaded_image_name_and_the_citation(browser, shipped, tmp_path):
    context, pg, outside, dialogs = _guarded_page(browser)
    with streamlit_server(shipped) as base:
        pg.goto(base + "/map?indicator=member_jobs_per_1000_inhabitants&lang=fr")
        wait_ready(pg)
        pg.wait_for_selector(".bsim-geo[data-drawn='19']")
        title = pg.locator(".bsim-geo-title").first.inner_text()     # the page's SVG map (ui.geo_map)
        assert title.startswith("[DONNÉES D'EXEMPLE]")
        assert pg.locator(".bsim-geo-mark").inner_text().startswith("DONNÉES D'EXEMPLE")
        pg.screenshot(path=str(shots_dir(tmp_path) / "example_map_fr.png"), full_page=True)
        pg.get_by_role("button", name="Citer ce chiffre").first.click()
        pg.wait_for_timeout(500)
        cite = pg.locator("[data-testid='stPopoverBody'] code").first.inner_text()
        assert cite.startswith("[DONNÉES D'EXEMPLE]") and "(exemple)" in cite and "(déclaré)" not in cite
        pg.keyboard.press("Escape")
        pg.get_by_role("button", name="Télécharger l'image").first.click()
        name, png = _download(pg, re.compile(r"^PNG, taille écran"))
        assert "-EXAMPLE" in name and png[:4] == b"\x89PNG"
    context.close()
    assert not outside and not dialogs


def test_unavailable_page_then_recovery_in_a_real_server(browser, shipped, tmp_path):
    db = tmp_path / "impact.duckdb"
    db.write_bytes(b"not a database\x00" * 2000)           # a damaged file where the database should be
    context, pg, outside, dialogs = _guarded_page(browser)
    with streamlit_server(db, warm=False) as base:
        pg.goto(base + "/map?lang=nl")
        wait_ready(pg)
        text = pg.inner_text("[data-testid='stMain']")
        assert "Gegevens tijdelijk niet beschikbaar" in text and "Traceback" not in text and "duckdb" not in text
        pg.screenshot(path=str(shots_dir(tmp_path) / "unavailable_nl.png"), full_page=True)
        tmp = db.with_suffix(".new")
        shutil.copyfile(shipped, tmp)
        os.replace(tmp, db)                                  # the next publication, no restart
        pg.reload()
        wait_ready(pg)
        pg.wait_for_selector(".bsim-geo[data-drawn='19']")        # the map is back (ui.geo_map)
        assert "Gegevens tijdelijk niet beschikbaar" not in pg.inner_text("[data-testid='stMain']")
    context.close()
    assert not outside and not dialogs


def test_public_bytes_are_json_free_of_secrets(hostile_data):
    """The archive of the upload is not in the public copy (no editor upload here: the run's inputs are)."""
    import duckdb

    from etl.public import public_path
    with duckdb.connect(str(public_path(hostile_data / "impact.duckdb")), read_only=True) as con:
        dump = json.dumps(con.execute("SELECT * FROM source").fetchall(), default=str)
    assert str(hostile_data) not in dump and str(ROOT) not in dump
