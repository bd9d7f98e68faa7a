"""AppTest of the commune profile and compare pages in fr/nl/en (through app.py's navigation)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text.plain import md
from tests.support.apptest import open_lazy_blocks, page_texts, run_page, shown


def _run(page: str, lang: str, **params) -> AppTest:
    return run_page(f"views/{page}", lang, **params)


def _texts(at: AppTest) -> str:
    return page_texts(at)


POP_2025 = {"fr": "128.724", "nl": "128.724", "en": "128,724"}
TITLE = {"fr": "Anderlecht", "nl": "Anderlecht", "en": "Anderlecht"}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_profile_anderlecht(lang):
    at = _run("commune.py", lang, commune="21001")
    assert at.title[0].value == "Anderlecht"
    text = _texts(at)
    assert POP_2025[lang] in text          # population on 1 January 2025
    assert "2025" in text
    other = "128,724" if lang != "en" else "128.724"
    assert other not in text               # formatted per language, not the other way
    # the key figure of population: 2026 value with a rank out of 19
    pop = [m for m in at.metric if m.label == at.metric[0].label][0]
    assert pop.value.replace("\u00a0", " ").startswith("129" + ("," if lang == "en" else ".") + "600")
    assert "/ 19" in text


def test_profile_default_commune_and_names():
    at = _run("commune.py", "nl", commune="21009")
    assert shown(at.title[0].value) == "Ixelles / Elsene"
    at = _run("commune.py", "fr")
    assert at.title[0].value.startswith("Bruxelles")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_compare(lang):
    at = _run("compare.py", lang, commune="21001")
    assert len(at.get("plotly_chart")) >= 3
    similar = at.table[-1].value              # communes like this one (index: both names)
    assert len(similar) == 5 and "Anderlecht" not in similar.index.tolist()


def test_compare_count_with_denominator():
    at = _run("compare.py", "en", indicator="establishment_units", denominator="area",
              communes="21001,21009", x="population_1jan", y="census_employment_rate_15_64")
    assert at.query_params.get("denominator") in (["area"], "area")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_profile_shows_the_written_summary_to_copy(lang):
    from dashboard.data import connection
    from dashboard.exports.bundle import summary_sentences

    at = _run("commune.py", lang, commune="21012")
    expected = summary_sentences(connection.version(), "21012", lang)
    texts = [m.value for m in at.markdown]
    assert expected and all(md(s) in texts for s in expected)                    # on the page, as plain text
    assert not at.code                                        # the copyable block is built when opened
    open_lazy_blocks(at)
    assert any(all(s in c.value for s in expected) for c in at.code)
