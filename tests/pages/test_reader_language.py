"""Every word in the reader's language: every page rendered in French and Dutch shows no English-only catalogue
text — no source title, publisher, description, licence or reference date, scope label, indicator label or
definition that exists only in English — in its texts, tables, chart titles, footers, legends and hovers."""
from __future__ import annotations

import json
import os
from functools import cache

import duckdb
import pandas as pd
import pytest

from tests.support.apptest import geo_map_texts, geo_maps, page_texts, run_page

PAGES = [
    ("views/overview.py", {}),
    ("views/map.py", {}),
    ("views/map.py", {"indicator": "allocation_loyer_avg_monthly_amount", "view": "geo"}),
    ("views/commune.py", {"commune": "21004"}),
    ("views/commune.py", {"commune": "21015"}),
    ("views/compare.py", {}),
    ("views/jobs.py", {}),
    ("views/reuse.py", {}),
    ("views/operators.py", {}),
    ("views/tips.py", {"commune": "21015"}),
    ("views/sources.py", {}),
    ("views/sources.py", {"indicator": "recypark_mobile_collected"}),
    ("views/sources.py", {"indicator": "onem_unemployment_rate_annual_avg"}),
]


def _rows(sql: str) -> list[tuple]:
    with duckdb.connect(os.environ["BSIM_DB"], read_only=True) as con:
        return con.execute(sql).fetchall()


@cache
def english_only(lang: str) -> frozenset[str]:
    """Catalogue texts of the database that exist only in English: the English (or compiled) text of a source,
    scope, indicator or tip that differs from its ``lang`` text and that no French or Dutch text of the
    catalogue contains. Phrases only (a space and 15 characters or more: a proper noun is the same in every
    language). A string that is also a figure's own note or reference period is left out: the pages show those
    under a header that says they are the compilers' notes in English."""
    pairs: list[tuple[str, str]] = []
    for field in ("publisher", "title", "description", "reference_date", "licence"):
        compiled = {"description": "notes"}.get(field, field)
        for en, own, compiled_text in _rows(f"SELECT {field}_en, {field}_{lang}, {compiled} FROM source"):
            pairs += [(en, own), (compiled_text, own)]
    pairs += _rows(f"SELECT label_en, label_{lang} FROM scope")
    pairs += _rows(f"SELECT label_en, label_{lang} FROM indicator") + _rows(
        f"SELECT description_en, description_{lang} FROM indicator")
    pairs += _rows(f"SELECT title_en, title_{lang} FROM tip") + _rows(f"SELECT summary_en, summary_{lang} FROM tip")
    theirs = " \n ".join(str(v) for table, cols in (
        ("source", [f"{f}_{x}" for f in ("publisher", "title", "description", "reference_date", "licence")
                    for x in ("fr", "nl")]),
        ("scope", ["label_fr", "label_nl"]), ("indicator", ["label_fr", "label_nl", "description_fr", "description_nl"]),
        ("tip", ["title_fr", "title_nl", "summary_fr", "summary_nl"])) for c in cols
        for (v,) in _rows(f"SELECT {c} FROM {table}") if v)
    notes = " \n ".join(str(v) for (v,) in _rows(
        "SELECT note FROM observation UNION SELECT ref_period FROM observation UNION SELECT note FROM "
        "scoped_observation UNION SELECT ref_period FROM scoped_observation") if v)
    return frozenset(a for a, b in pairs if isinstance(a, str) and a != b and len(a) >= 15 and " " in a
                     and a not in theirs and a not in notes)


def _frame_texts(df: pd.DataFrame) -> list[str]:
    out = [str(c) for c in df.columns]
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            out += [str(v) for v in df[col].dropna()]
    return out


def _chart_texts(spec: dict) -> list[str]:
    layout = spec.get("layout", {})
    out = [str((layout.get("title") or {}).get("text", ""))]
    out += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        out.append(str(trace.get("name", "")))
        custom = trace.get("customdata") or []
        out += [str(v) for row in custom for v in (row if isinstance(row, list) else [row])]
    return out


def visible_texts(at) -> str:
    """Everything a reader of the page sees: texts, metrics, tables, charts (title, footer, legend, hover)."""
    parts = [page_texts(at)]
    parts += [m.help or "" for m in at.metric]
    for df in at.dataframe:
        value = df.value
        parts += _frame_texts(value.data if hasattr(value, "data") else value)
    for table in at.table:
        parts += _frame_texts(table.value)
    for chart in at.get("plotly_chart"):
        parts += _chart_texts(json.loads(chart.proto.spec))
    for spec in geo_maps(at):       # the geographic map, drawn by the browser (ui.geo_map)
        parts += geo_map_texts(spec)
    # <br> of wrapped chart footers joins words again
    return "\n".join(parts).replace("<br>", " ")


def test_the_check_finds_english_catalogue_text():
    """The test itself: the English-only set holds the texts it must catch, and not the French ones."""
    fr = english_only("fr")
    assert "Population by place of residence, 1 January (open data TF_SOC_POP_STRUCT)" in fr
    assert "Atelier Groot Eiland (organisation based in Molenbeek)" in fr   # a scope, as compiled
    assert "Bruxelles-Propreté's mobile Recyparks (participating communes, about 14)" in fr
    assert "Statbel open data (attribution); verify exact licence on the Statbel site" in fr
    assert not any("Population par lieu de résidence" in s for s in fr)


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("page, params", PAGES, ids=[f"{p.split('/')[-1][:-3]}{'-' + '-'.join(v.values()) if v else ''}"
                                                        for p, v in PAGES])
def test_page_speaks_the_readers_language(page, params, lang):
    at = run_page(page, lang, **params)
    seen = visible_texts(at)
    assert len(seen) > 200, "the page showed almost nothing"
    leaked = sorted(s for s in english_only(lang) if s in seen)
    assert not leaked, f"{page} {params} in {lang} shows English-only catalogue text: {leaked[:8]}"


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_fiche_deck_citation_and_about_sheet_speak_the_readers_language(lang):
    """The exports of a commune and of the data: the sources, licences and scopes they name are in ``lang``."""
    import io

    from openpyxl import load_workbook
    from pptx import Presentation

    from dashboard.data import connection
    from dashboard.exports import deck, fiche, tables
    from dashboard.exports.bundle import collect_commune_bundle
    from dashboard.model.memo import sources_in
    from dashboard.ui import downloads

    ver = connection.version()
    bundle = collect_commune_bundle(ver, "21004", lang, "https://example.org/commune")
    assert bundle["sources"] and bundle["boundary_attribution"]
    labels = " ".join(f"{s['label']} {s['licence']}" for s in bundle["sources"])
    assert not [s for s in english_only(lang) if s in labels]
    pdf = _pdf_text(fiche.build_fiche(bundle, lang)).replace("\n", " ")
    assert ("Limites" if lang == "fr" else "Grenzen") in pdf
    prs = Presentation(io.BytesIO(deck.build_deck(bundle, lang, {})))
    slides = " ".join(s.text_frame.text for sl in prs.slides for s in sl.shapes if s.has_text_frame)
    assert not [s for s in english_only(lang) if s in slides]
    # the XLSX "About" sheet: every source with its title and licence in the reader's language
    src = sources_in(ver, lang)
    wb = load_workbook(io.BytesIO(downloads.indicator_xlsx(ver, "population_1jan", lang)))
    about = " ".join(str(v) for row in wb["About"].iter_rows(values_only=True) for v in row if v)
    assert src.loc["SRC_STATBEL_POP", "title"] in about and src.loc["SRC_STATBEL_POP", "licence"] in about
    assert not [s for s in english_only(lang) if s in about]
    # the CSV of everything: source and scope columns in the reader's language
    csv = downloads.everything_csv(ver, lang).decode("utf-8")
    assert not [s for s in english_only(lang) if s in csv.replace('""', '"')]
    assert tables.SCOPED_COLUMNS[1] == "scope_label"
