"""Exports: images, commune fiche PDF, PowerPoint deck, citations, embed parameters, spreadsheet safety.

Generated files are read back: PNG sizes, SVG text, PDF text (pypdf), pptx (python-pptx), XLSX (openpyxl).
"""
from __future__ import annotations

import io
import struct
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import figures
from dashboard.exports import cite, deck, embed, fiche, images
from dashboard.exports import tables as export
from dashboard.exports.bundle import collect_commune_bundle
from dashboard.model.meta import ChartMeta
from tests.support import frames

NAMES = {"21001": ("Anderlecht", "Anderlecht"), "21009": ("Ixelles", "Elsene"), "21004": ("Bruxelles", "Brussel")}


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _ranking(example: bool = False, lang: str = "fr") -> go.Figure:
    df = pd.DataFrame({"nis_code": list(NAMES), "name_fr": [v[0] for v in NAMES.values()],
                       "name_nl": [v[1] for v in NAMES.values()], "name_en": [v[0] for v in NAMES.values()],
                       "value": [12.5, 8.25, -1.0]})
    meta = ChartMeta(title="Taux test", unit_label="%", source_label="Statbel — Test",
                     quality="example" if example else "official", year=2024, decimals=1)
    return figures.ranking_bar(df, lang=lang, meta=meta, highlight="21009")


# ----------------------------------------------------------------------------- images

needs_browser = pytest.mark.skipif(not images.available(), reason="kaleido or Chromium not installed")


@needs_browser
def test_png_sizes_screen_and_slide():
    fig = _ranking()
    screen = images.to_png(fig, "screen")
    assert _png_size(screen) == images.pixel_size(fig, "screen")
    assert images.pixel_size(fig, "screen")[0] == 1100
    assert _png_size(images.to_png(fig, "slide")) == (1920, 1080)


@needs_browser
def test_svg_has_title_footer_and_example_mark():
    svg = images.to_svg(_ranking(example=True), "screen").decode("utf-8")
    assert "Taux test" in svg and "Statbel" in svg and "2024" in svg
    assert "EXEMPLE" in svg  # 'DONNÉES D'EXEMPLE' in French
    plain = images.to_svg(_ranking(example=False), "slide").decode("utf-8")
    assert "EXEMPLE" not in plain


def test_prepare_inlines_geometry_fits_map_and_keeps_footer_inside():
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": c, "properties": {"nis_code": c},
         "geometry": {"type": "Polygon", "coordinates": [[[4.3 + i / 50, 50.8], [4.32 + i / 50, 50.8],
                                                          [4.32 + i / 50, 50.82], [4.3 + i / 50, 50.8]]]}}
        for i, c in enumerate(NAMES)]}
    fig = go.Figure(go.Choroplethmap(geojson="app/static/missing.geojson", locations=["21001", "21009"], z=[1, 2]))
    fig.add_annotation(text="Unit: % · Source: " + "a very long source title " * 10, xref="paper", yref="paper",
                       x=0, y=0, xanchor="left", yanchor="top", yshift=-8, showarrow=False)
    out = images.prepare(fig, "slide", geojson=geo)
    assert isinstance(out.data[0].geojson, dict)
    assert {f["id"] for f in out.data[0].geojson["features"]} == {"21001", "21009"}
    assert out.layout.map.zoom > 9
    assert "<br>" in out.layout.annotations[0].text and out.layout.margin.b >= 40
    assert (out.layout.width, out.layout.height) == (1280, 720)
    with pytest.raises(images.ImageExportUnavailable):
        images.prepare(fig, "screen")  # URL without a file and no geometry given


def test_file_names_say_example():
    assert images.file_name("Taux 2024", "png", "slide", True) == "Taux-2024-EXAMPLE-slide.png"
    assert images.figure_is_example(_ranking(example=True))
    assert not images.figure_is_example(_ranking())


# ----------------------------------------------------------------------------- fiche and deck

def _bundle(example: bool = True, lang: str = "fr") -> dict:
    tips = [{"tip_id": t, "title": f"Conseil {t}", "action": "50 %", "commitment": "75 %", "coverage": "3/4",
             "quality": "example" if example else "reported", "criteria": [{"label": f"Critère {t}.{k}", "status": "✅ done", "quality": None}
                                              for k in (1, 2)]} for t in range(1, 6)]
    return {
        "nis_code": "21009", "name_fr": "Ixelles", "name_nl": "Elsene", "name_en": "Ixelles",
        "key_figures": [{"indicator_id": "pop", "label": "Population au 1er janvier", "unit": "personnes",
                         "value": "89.162 personnes", "value_short": "89.162", "value_raw": 89162.0,
                         "region": "1.255.834 personnes", "region_short": "1.255.834", "year": "2026",
                         "rank": "5 / 19", "source": "Statbel — Population", "source_id": "S",
                         "quality": "official"}],
        "impact": [{"what": "Emplois d'insertion", "year": 2024, "value": "23 emplois", "unit": "emplois",
                    "quality": "example" if example else "reported", "source": "Membres"}],
        "n_operators": 8, "tips": tips, "tip_scores": None, "geometry": None,
        "tiles": pd.DataFrame({"nis_code": ["21009", "21004"], "tile_row": [1, 0], "tile_col": [1, 1]}),
        "communes": pd.DataFrame(), "url": "https://example.org/commune?commune=21009&lang=" + lang,
        "data_date": "27 novembre 2026", "source_ids": ["S"], "quality": "example" if example else "official",
        "sources": [{"source_id": "S", "label": "Statbel — Population", "licence": "Open data", "url": "https://statbel.fgov.be",
                     "quality": "official"}],
        "summary": ["Population (2026): 89.162 in Ixelles; rank 5 of 19 (source: Statbel, official)."],
    }


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2          # one page; a second when the text needs it
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("lang,word", [("fr", "EXEMPLE"), ("nl", "VOORBEELD"), ("en", "EXAMPLE")])
def test_fiche_pdf_text(lang, word):
    text = _pdf_text(fiche.build_fiche(_bundle(True, lang), lang))
    assert "Ixelles" in text and "Elsene" in text
    assert "89.162" in text and "1.255.834" in text
    assert word in text
    assert "Statbel" in text and "Open data" in text  # source and licence
    plain = _pdf_text(fiche.build_fiche(_bundle(False, lang), lang))
    assert word not in plain


def test_fiche_says_no_figure_where_a_section_has_none():
    bundle = _bundle(False, "en") | {"impact": [], "tips": []}
    text = _pdf_text(fiche.build_fiche(bundle, "en"))
    assert text.count("No figure") == 2      # jobs/re-use and the scorecard: missing, never invented


def test_fiche_without_unicode_font(monkeypatch):
    monkeypatch.setattr(fiche, "font_path", lambda bold=False: None)
    text = _pdf_text(fiche.build_fiche(_bundle(True, "nl"), "nl"))
    assert "Elsene" in text and "VOORBEELD" in text


def test_fiche_from_the_database_fr_nl():
    from dashboard.data import connection

    try:
        ver = connection.version()
    except connection.DatabaseMissing:
        pytest.skip("no database")
    for lang, word in (("fr", "Région"), ("nl", "Gewest")):
        bundle = collect_commune_bundle(ver, "21009", lang, "https://x/commune")
        text = _pdf_text(fiche.build_fiche(bundle, lang))
        assert "Ixelles" in text and "Elsene" in text and word in text
        assert bundle["key_figures"] and bundle["key_figures"][0]["value_raw"] is not None
        if bundle["quality"].is_example:
            assert ("EXEMPLE" if lang == "fr" else "VOORBEELD") in text


def _tiny_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_deck_read_back(lang):
    from pptx import Presentation

    data = deck.build_deck(_bundle(True, lang), lang, {1: _tiny_png(), 2: _tiny_png()})
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    assert len(slides) == 1 + 1 + 1 + 5 + 1  # title, the summary, key figures, five tips, sources
    first = slides[0].shapes.title.text
    assert ("Ixelles / Elsene" if lang == "fr" else "Elsene / Ixelles") == first
    assert "89.162 in Ixelles" in " ".join(s.text_frame.text for s in slides[1].shapes if s.has_text_frame)
    tip = slides[3]
    assert tip.shapes.title.text.endswith("Conseil 1")
    tables = [s for s in tip.shapes if s.has_table]
    assert tables and tables[0].table.cell(1, 0).text == "Critère 1.1"   # a native, editable table
    assert any(s.shape_type == 13 for s in tip.shapes)  # the chart picture
    texts = " ".join(s.text_frame.text for sl in slides for s in sl.shapes if s.has_text_frame)
    assert ("EXEMPLE" if lang == "fr" else "VOORBEELD") in texts
    assert "Statbel" in " ".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    kf = [s for s in slides[2].shapes if s.has_table][0].table
    assert kf.cell(1, 1).text == "89.162" and kf.cell(1, 0).text == "Population au 1er janvier (personnes)"


# ----------------------------------------------------------------------------- citations

def test_citation_per_language():
    kw = dict(figure="X", value="12,8 %", year=2025, where="Ixelles / Elsene", source="ONEM/RVA",
              url="https://m.example/map?lang=fr", accessed=date(2026, 11, 27))
    fr = cite.citation(lang="fr", quality="official", **kw)
    assert fr.startswith("X, Ixelles / Elsene, 2025 : 12,8 %.")
    assert "Source : ONEM/RVA (officiel)." in fr and "consulté le 27 novembre 2026" in fr
    assert "https://m.example/map?lang=fr" in fr
    nl = cite.citation(lang="nl", quality="example", **kw)
    assert "Bron: ONEM/RVA" in nl and "geraadpleegd op 27 november 2026" in nl and "VOORBEELD" in nl
    en = cite.citation(lang="en", quality="official", **kw)
    assert "accessed 27 November 2026" in en and "Source: ONEM/RVA (official)." in en


def test_view_urls():
    assert cite.base_url("http://h:8501/commune?lang=fr") == "http://h:8501/"
    assert cite.base_url("https://h/monitor/map") == "https://h/monitor/"
    url = cite.view_url("http://h:8501/", "map", {"year": 2025, "lang": "nl", "indicator": "x", "denominator": None})
    assert url == "http://h:8501/map?lang=nl&indicator=x&year=2025"


# ----------------------------------------------------------------------------- embed

def _ind_com():
    ind = pd.DataFrame({"indicator_id": ["onem_unemployment_rate_annual_avg", "b"]}).set_index("indicator_id", drop=False)
    com = pd.DataFrame({"nis_code": ["04000", "21004", "21009"], "level": ["region", "commune", "commune"]})
    return ind, com


def test_embed_request_and_params():
    assert embed.is_embed_request({"embed": "1"})
    assert embed.is_embed_request({}, "http://h/embed?chart=map")
    assert not embed.is_embed_request({"chart": "map"}, "http://h/map")
    ind, com = _ind_com()
    spec = embed.parse_embed({"chart": "card", "commune": "21009", "lang": "nl", "year": "x"}, ind, com)
    assert (spec.chart, spec.commune, spec.lang, spec.year) == ("card", "21009", "nl", None)
    default, = frames.display_place("embed_default")   # the catalogue's default indicator of the embed view
    bad = embed.parse_embed({"chart": "<script>", "indicator": "zzz", "commune": "99999", "year": "2020"}, ind, com,
                            years_for=lambda i: [2025, 2024], default_indicator=default)
    assert (bad.chart, bad.indicator, bad.commune, bad.year) == ("map", "onem_unemployment_rate_annual_avg", "21004",
                                                                 2025)
    url = embed.embed_url("http://h/", spec)
    assert url.startswith("http://h/embed?lang=nl&") and "embed=1" in url and "commune=21009" in url


# ----------------------------------------------------------------------------- spreadsheets

def test_xlsx_formula_cells_neutralised_numbers_kept():
    from openpyxl import load_workbook

    df = pd.DataFrame({"text": ['=HYPERLINK("http://evil.example","x")', "+1", "-1", "@SUM(A1)", "Ixelles"],
                       "value": [-5.5, -1.0, 0.0, 2.0, 3.0]})
    data = export.to_xlsx({"data": df}, export.about_rows("fr", title="t", data_date="2026", sources=pd.DataFrame(
        {"source_id": []}), source_ids=[], example=True))
    ws = load_workbook(io.BytesIO(data))["data"]
    texts = [ws.cell(r, 1).value for r in range(2, 7)]
    assert texts[:4] == ["'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1", "'-1", "'@SUM(A1)"]
    assert texts[4] == "Ixelles"
    assert ws.cell(2, 2).value == -5.5 and isinstance(ws.cell(3, 2).value, (int, float))
    about = load_workbook(io.BytesIO(data))["About"]
    assert any(row[0] == "EXAMPLE" for row in about.iter_rows(values_only=True))
    csv = export.to_csv(df).decode()
    assert ",-5.5" in csv and "'+1" in csv


@needs_browser
def test_exported_map_image_carries_the_boundaries_attribution():
    from dashboard.charts import maps
    geo = frames.square_geojson()
    fig = maps.choropleth(frames.frame(), maps.Boundaries("app/static/none.geojson", "Statbel, secteurs 01/01/2025"),
                          lang="fr", meta={"title": "Taux test", "kind": "rate", "year": 2024})
    svg = images.to_svg(fig, "slide", geojson=geo).decode("utf-8")
    assert "Limites" in svg and "Statbel, secteurs 01/01/2025" in svg
