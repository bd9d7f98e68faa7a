"""Example data is never shown, exported or cited as real: a walk through every page, chart, table, export and
citation that can show an example row, in AppTest, asserting the mark — and its absence where every row is real.

The session database (tests/conftest.py) holds the example member data (no real member file is shipped) and
real assessments from public evidence (so the example assessments are left out); a second database, built
without the public evidence, holds the example assessments for the scorecard.
"""
from __future__ import annotations

import io
import json
import os
import shutil

import duckdb
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.exports import images
from dashboard.text.i18n import translator
from tests.conftest import ROOT
from tests.support.apptest import geo_map_texts, geo_maps, open_lazy_blocks, page_texts, popover_codes, run_page, shown

MEMBER_RATE = "member_jobs_per_1000_inhabitants"
MEMBER_REUSE = "member_reused_per_1000_inhabitants"
REAL_RATE = "onem_unemployment_rate_annual_avg"


def charts(at: AppTest) -> list[dict]:
    return [json.loads(pc.proto.spec) for pc in at.get("plotly_chart")]


def marked(spec: dict, lang: str) -> bool:
    """The chart carries the example mark: in its title (so a PNG/SVG export and a screenshot keep it) and in
    its layout (the image file name)."""
    mark = translator(lang)("EXAMPLE DATA")
    title = spec["layout"].get("title", {}).get("text", "")
    return mark in title and bool(spec["layout"].get("meta", {}).get("example"))


def reported_word(lang: str) -> str:
    return translator(lang)("reported")


def assert_all_marked(at: AppTest, lang: str, n_min: int = 1) -> list[dict]:
    specs = charts(at)
    assert len(specs) >= n_min
    for spec in specs:
        assert marked(spec, lang), spec["layout"].get("title")
        assert spec["layout"]["meta"]["example"] is True and spec["layout"]["meta"]["quality"] == "example"
        footer = " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
        assert f"({reported_word(lang)})" not in footer          # never labelled 'reported'
    return specs


def assert_geo_maps_marked(at: AppTest, lang: str) -> list[dict]:
    """Every geographic map of the page (drawn in the browser) carries the mark in its title and above it,
    and names each commune's figure as example data in its hover."""
    from dashboard.model.meta import example_mark
    maps = geo_maps(at)
    for spec in maps:
        assert spec["title"][0].startswith("[" + translator(lang)("EXAMPLE DATA") + "]"), spec["title"]
        assert spec["mark"] == example_mark(lang)
        assert all(f"({reported_word(lang)})" not in line for line in geo_map_texts(spec))
    return maps


def assert_none_marked(at: AppTest, lang: str) -> None:
    mark = translator(lang)("EXAMPLE DATA")
    for spec in geo_maps(at):
        assert not spec["mark"] and mark not in json.dumps(spec, ensure_ascii=False)
    for spec in charts(at):
        assert not spec["layout"].get("meta", {}).get("example"), spec["layout"].get("title")
        assert mark not in json.dumps(spec, ensure_ascii=False)
    assert mark not in page_texts(at)


def example_source_labels(lang: str) -> set[str]:
    """The publishers, in ``lang``, that name example rows only (the example member set's "Brussels Social
    Impact Monitor (données d'exemple)"): a sentence citing one is about example rows, in any language."""
    from dashboard.data import connection
    from dashboard.model.memo import sources_in

    sources = sources_in(connection.version(), lang)
    example = sources["quality"] == "example"
    return set(sources.loc[example, "publisher"]) - set(sources.loc[~example, "publisher"])


def about_example_rows(sentence: str, lang: str) -> bool:
    labels = example_source_labels(lang)
    assert labels                                               # the session database holds the example set
    return any(label in sentence for label in labels)


def citations(at: AppTest, lang: str) -> list[str]:
    """The page's citations, 'Cite this figure' beside a number and 'Cite these figures' under a group of
    them, as a reader opens them (``ui.lazy`` builds a popover's code block, and the embed snippet's, only
    when it is opened: every lazy block is opened here)."""
    open_lazy_blocks(at)
    return [c for label in ("Cite this figure", "Cite these figures") for c in popover_codes(at, translator(lang)(label))]


@pytest.fixture(scope="module")
def assessment_example_db(tmp_path_factory, communes_geojson):
    """The shipped inputs without the public evidence: the example assessments are the only ones."""
    from etl.build import build

    data = tmp_path_factory.mktemp("exampletips") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    (data / "raw" / "facts" / "policy_evidence.csv").unlink()
    build(data, boundaries=str(communes_geojson), log=lambda *a: None)
    return data / "impact.duckdb"


def test_the_session_database_is_the_case_walked():
    with duckdb.connect(os.environ["BSIM_DB"], read_only=True) as con:
        member = dict(con.execute("SELECT quality, count(*) FROM observation WHERE indicator_id = ? GROUP BY 1",
                                  [MEMBER_RATE]).fetchall())
        assert set(member) == {"example"}
        assert con.execute("SELECT count(*) FROM tip_assessment WHERE quality = 'example'").fetchone()[0] == 0


# ----------------------------------------------------------------------------- pages and their charts

@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_map_explorer_marks_member_example_data(lang):
    for view in ("geo", "tile"):
        at = run_page("views/map.py", lang, indicator=MEMBER_RATE, view=view, change="1", **{"from": "2021"})
        # the map and the change map: the geographic map is drawn by the browser (ui.geo_map), the rest by plotly
        n_geo = len(assert_geo_maps_marked(at, lang))
        assert n_geo == (1 if view == "geo" else 0)
        assert_all_marked(at, lang, n_min=2 - n_geo)
        text = page_texts(at)
        assert translator(lang)("example") in text and f"· {reported_word(lang)}" not in text
        cites = citations(at, lang)
        assert cites and all(c.startswith("[" + translator(lang)("EXAMPLE DATA") + "]") for c in cites)
        assert all(f"({reported_word(lang)})" not in c for c in cites)
        snippet = [c.value for c in at.get("code") if c.value.startswith("<iframe")]
        assert snippet and translator(lang)("EXAMPLE DATA").replace("'", "&#x27;") in snippet[0]   # an attribute
    at = run_page("views/map.py", lang, indicator=MEMBER_RATE, view="table")
    table = at.dataframe[0].value
    quality = table[translator(lang)("Quality")]
    assert set(quality) <= {translator(lang)("example"), "—"} and translator(lang)("example") in set(quality)


def test_map_explorer_on_real_figures_has_no_mark():
    assert_none_marked(run_page("views/map.py", "fr", indicator=REAL_RATE, change="1", **{"from": "2020"}), "fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_marks_ranking_scatter_and_series(lang):
    at = run_page("views/compare.py", lang, indicator=MEMBER_RATE, x=MEMBER_REUSE, y=REAL_RATE,
                  communes="21001,21004")
    specs = charts(at)
    assert len(specs) == 3 and all(marked(s, lang) for s in specs)   # ranking, scatter (x is example), series
    assert_none_marked(run_page("views/compare.py", lang, indicator=REAL_RATE, x="population_1jan", y=REAL_RATE),
                       lang)


def test_commune_profile_marks_member_series_and_section_not_the_real_figures():
    lang = "nl"
    at = run_page("views/commune.py", lang, commune="21001", indicator="member_jobs")
    assert_all_marked(at, lang)
    text = page_texts(at)
    assert translator(lang)("EXAMPLE DATA") in text             # the banner of the jobs / re-use section
    cites = citations(at, lang)                                 # the key figures are real: cited as real
    assert cites and not any(translator(lang)("EXAMPLE DATA") in c for c in cites)
    summary = [c.value for c in at.get("code") if c.value not in cites and not c.value.startswith("<iframe")]
    assert len(summary) == 1                                    # the written summary to copy: the mark only in
    assert any(about_example_rows(sentence, lang) for sentence in summary[0].split("\n\n"))
    for sentence in summary[0].split("\n\n"):                   # the sentence about the example member rows
        about_example = about_example_rows(sentence, lang)      # cites the example member set's publisher
        assert (translator(lang)("EXAMPLE DATA: illustrative, not real figures") in sentence) == about_example, sentence
        assert about_example or translator(lang)("EXAMPLE DATA") not in sentence, sentence
    at = run_page("views/commune.py", lang, commune="21001", indicator=REAL_RATE)
    assert not any(s["layout"]["meta"]["example"] for s in charts(at))


@pytest.mark.parametrize("page", ["views/jobs.py", "views/reuse.py", "views/operators.py"])
def test_member_pages_mark_every_chart(page):
    for lang in ("fr", "nl"):
        at = run_page(page, lang)
        assert_all_marked(at, lang)
        assert translator(lang)("EXAMPLE DATA") in page_texts(at)


def test_overview_marks_the_members_delivery_and_nothing_else():
    """The overview opens with the members' delivery (the example member set, shipped): each of its figures
    carries the mark; the tips chart (real assessments), the context figures and the map are unmarked."""
    lang = "en"
    at = run_page("views/overview.py", lang)
    mark = translator(lang)("EXAMPLE DATA")
    for spec in charts(at):
        assert not spec["layout"].get("meta", {}).get("example"), spec["layout"].get("title")
        assert mark not in json.dumps(spec, ensure_ascii=False)
    with duckdb.connect(os.environ["BSIM_DB"], read_only=True) as con:
        delivery = con.execute("SELECT DISTINCT indicator_id FROM observation WHERE indicator_id IN "
                               "('member_jobs', 'member_reused_t') AND quality = 'example'").fetchall()
    assert len(delivery) == 2                                     # both delivery figures are example rows
    assert sum(mark in w.value for w in at.warning) == len(delivery)   # one mark under each
    labels = [shown(m.label) for m in at.metric]
    captions = [shown(c.value) for c in at.caption]
    example = translator(lang)("example")
    assert all(c.endswith("· " + example) for c in captions[:2])  # the delivery captions: quality example
    assert not any(c.endswith("· " + example) for c in captions[2:])   # the context figures: real
    rest = [shown(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info")
            for e in getattr(at, kind)]
    assert not any(mark in t for t in rest + labels)


def test_scorecard_marks_example_assessments(assessment_example_db, monkeypatch):
    at = run_page("views/tips.py", "fr")                       # the real assessments: nothing marked
    assert_none_marked(at, "fr")
    monkeypatch.setenv("BSIM_DB", str(assessment_example_db))
    at = run_page("views/tips.py", "fr", commune="21001")
    specs = assert_all_marked(at, "fr", n_min=5)              # one small map per tip
    assert len(specs) == 5
    assert translator("fr")("EXAMPLE DATA") in page_texts(at)


@pytest.mark.parametrize("chart", ["map", "ranking", "timeseries"])
def test_embedded_charts_mark_example_data(chart):
    at = AppTest.from_file(str(ROOT / "views" / "embed.py"), default_timeout=300)
    at.query_params.update({"lang": "en", "embed": "1", "chart": chart, "indicator": MEMBER_RATE, "commune": "21001"})
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert_all_marked(at, "en")


def test_embedded_card_of_real_figures_is_unmarked():
    at = AppTest.from_file(str(ROOT / "views" / "embed.py"), default_timeout=300)
    at.query_params.update({"lang": "fr", "embed": "1", "chart": "card", "commune": "21001"})
    at.session_state["lang"] = "fr"
    at.run()
    assert not at.exception and not at.warning


# ----------------------------------------------------------------------------- exports

def test_image_exports_of_example_charts_are_named_and_titled_so():
    at = run_page("views/jobs.py", "en")
    for spec in charts(at):
        fig = go.Figure(spec)
        assert images.figure_is_example(fig)
        for fmt in images.FORMATS:
            for size in images.SIZES:
                assert "-EXAMPLE" in images.file_name("jobs_map", fmt, size, images.figure_is_example(fig))
    if not images.available():
        pytest.skip("kaleido or Chromium not installed")
    svg = images.to_svg(go.Figure(charts(at)[0]), "slide").decode()
    assert "[EXAMPLE DATA]" in svg and "illustrative" in svg


def test_table_exports_of_example_rows_say_so():
    from openpyxl import load_workbook

    from dashboard.data import connection
    from dashboard.model import sources as sv
    from dashboard.ui import downloads

    ver = connection.version()
    assert downloads.indicator_is_example(ver, MEMBER_RATE) and not downloads.indicator_is_example(ver, REAL_RATE)
    assert sv.file_name(MEMBER_RATE, "fr", "csv", True).endswith("_EXAMPLE.csv")
    import pandas as pd
    csv = pd.read_csv(io.BytesIO(downloads.indicator_csv(ver, MEMBER_RATE, "fr")))
    assert set(csv["quality"]) == {"example"}
    wb = load_workbook(io.BytesIO(downloads.indicator_xlsx(ver, MEMBER_RATE, "nl")))
    assert any(r[0] == "EXAMPLE" for r in wb["About"].iter_rows(values_only=True))
    wb = load_workbook(io.BytesIO(downloads.indicator_xlsx(ver, REAL_RATE, "nl")))
    assert not any(r[0] == "EXAMPLE" for r in wb["About"].iter_rows(values_only=True))


def test_fiche_and_deck_mark_what_shows_example_rows_only():
    from pptx import Presentation
    from pypdf import PdfReader

    from dashboard.data import connection
    from dashboard.exports import deck, fiche
    from dashboard.exports.bundle import bundle_quality, collect_commune_bundle

    ver = connection.version()
    bundle = collect_commune_bundle(ver, "21001", "fr")
    assert bundle["quality"].is_example and bundle_quality(ver, "21001").is_example      # member figures
    text = PdfReader(io.BytesIO(fiche.build_fiche(bundle, "fr"))).pages[0].extract_text()
    assert "DONNÉES D'EXEMPLE" in text
    prs = Presentation(io.BytesIO(deck.build_deck(bundle, "fr")))
    slides = [(sl.shapes.title.text if sl.shapes.title is not None else "",
               " ".join(s.text_frame.text for s in sl.shapes if s.has_text_frame)) for sl in prs.slides]
    of = lambda start: [text for title, text in slides if title.startswith(start)]   # noqa: E731
    assert "DONNÉES D'EXEMPLE" in slides[0][1]                       # the title slide covers the whole deck
    summary = of("En quelques phrases")                              # marked where a sentence is about the
    assert summary and any("DONNÉES D'EXEMPLE" in t for t in summary)   # example member rows, and only there
    for sentence in bundle["summary"]:
        assert ("DONNÉES D'EXEMPLE" in sentence) == about_example_rows(sentence, "fr"), sentence
    key_figures = of("Chiffres clés")
    assert key_figures and not any("DONNÉES D'EXEMPLE" in t for t in key_figures)   # the key figures are real
    tips = of("Conseil ")
    assert len(tips) >= 5 and not any("DONNÉES D'EXEMPLE" in t for t in tips)      # the tips: real assessments


def test_the_citations_follow_the_rows_not_a_translated_word():
    at = run_page("views/map.py", "fr", indicator=MEMBER_RATE)
    (cite,) = citations(at, "fr")
    assert cite.startswith("[DONNÉES D'EXEMPLE]") and "(exemple)" in cite and "(déclaré)" not in cite
    assert shown(cite) == cite                                  # a code block: plain text, never escaped
