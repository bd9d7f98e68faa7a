"""AppTest of the Overview (home) and Map explorer pages in fr/nl/en on the built database."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.data import connection
from dashboard.text.format import fmt_number
from dashboard.text.i18n import translator
from dashboard.ui.state import widget_key
from tests.support.apptest import page_texts, run_page

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["fr", "nl", "en"]


def _sql(sql: str, params=()):
    con = connection.connect_read_only(config.db_path())
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _run(page: str, **params) -> AppTest:
    return run_page(page, **params)


def _texts(at: AppTest) -> str:
    return page_texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_overview(lang):
    at = _run("views/overview.py", lang=lang)
    (year, value), = _sql("SELECT year, value FROM observation WHERE nis_code = '04000' "
                          "AND indicator_id = 'population_1jan' ORDER BY year DESC LIMIT 1")
    expected = fmt_number(value, lang, 0)
    assert ("," if lang == "en" else ".") in expected and ("." if lang == "en" else ",") not in expected
    values = [str(m.value) for m in at.metric]
    assert any(v.startswith(expected) for v in values), (expected, values)
    captions = " ".join(c.value for c in at.caption)
    assert str(year) in captions
    label, = _sql(f"SELECT label_{lang} FROM indicator WHERE indicator_id = 'population_1jan'")
    assert any(m.label.startswith(label[0]) for m in at.metric)
    # five tips, each with its title
    titles = [r[0] for r in _sql(f"SELECT title_{lang} FROM tip ORDER BY tip_id")]
    text = _texts(at)
    assert len(titles) == 5 and all(t in text for t in titles)


def test_map_page_nl_url_state():
    at = _run("views/map.py", indicator="onem_unemployment_rate_annual_avg", year="2025", lang="nl")
    label, = _sql("SELECT label_nl FROM indicator WHERE indicator_id = 'onem_unemployment_rate_annual_avg'")
    ind_box = at.selectbox(key=widget_key("indicator", "nl"))
    assert label[0] in ind_box.format_func(ind_box.value)
    assert ind_box.format_func(ind_box.value).startswith("Context · ")
    assert at.selectbox(key=widget_key("year", "nl")).value == 2025
    assert at.title[0].value == translator("nl")("Map explorer") != "Map explorer"
    assert "2025" in " ".join(c.value for c in at.caption)
    assert at.query_params["lang"] == "nl" and at.query_params["year"] == "2025"  # the URL keeps what it was given
    assert not at.info  # a rate is mapped


@pytest.mark.parametrize("lang", LANGS)
def test_map_page_languages(lang):
    at = _run("views/map.py", lang=lang)
    assert at.selectbox(key=widget_key("indicator", lang)).value
    assert len(at.metric) == 1  # the regional value beside the map


def test_total_without_denominator_is_ranked_not_mapped():
    at = _run("views/map.py", indicator="population_1jan", denominator="none", lang="fr")
    assert at.selectbox(key=widget_key("denominator", "fr")).value == "none"
    assert at.info and "dénominateur" in at.info[0].value
    assert len(at.dataframe) >= 1  # the table under the ranking
    # with the default denominator the same total is mapped (no info message)
    at2 = _run("views/map.py", indicator="population_1jan", lang="fr")
    assert at2.selectbox(key=widget_key("denominator", "fr")).value != "none"
    assert not at2.info


def test_table_view_and_change_section():
    at = _run("views/map.py", indicator="onem_unemployment_rate_annual_avg", year="2025", view="table",
              **{"from": "2017", "lang": "en", "change": "1"})
    assert at.selectbox(key=widget_key("from", "en")).value == 2017
    assert len(at.dataframe) == 2  # the map's table and the change table
    cols = list(at.dataframe[0].value.columns)
    assert cols[0] == "Commune" and "Rank" in cols and "Quality" in cols
    assert len(at.dataframe[0].value) == 19
    assert any("ONEM" in c.value for c in at.caption)   # the source, stated once under the table


def test_change_section_is_opt_in():
    at = _run("views/map.py", indicator="onem_unemployment_rate_annual_avg", year="2025", view="table", lang="en")
    assert len(at.dataframe) == 1 and not at.exception


def test_tile_view_keeps_url_state():
    at = _run("views/map.py", indicator="establishment_units", year="2020", view="tile", method="natural_breaks",
              lang="en")
    qp = at.query_params
    assert qp["indicator"] == "establishment_units" and qp["year"] == "2020"
    assert qp["view"] == "tile" and qp["method"] == "natural_breaks" and qp["lang"] == "en"
    assert at.selectbox(key=widget_key("denominator", "en")).value == "population"  # totals are never mapped raw
    assert at.radio(key=widget_key("view", "en")).value == "tile"
