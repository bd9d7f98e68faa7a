"""AppTest of the commune profile and compare pages in fr/nl/en (through app.py's navigation)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text.plain import md
from tests.support.apptest import figure_cards, open_lazy_blocks, page_texts, popover_codes, run_page, shown


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
    # the key figure of population (the first card): 2026 value with a rank out of 19
    pop = figure_cards(at)[0]
    assert pop["value"].replace("\u00a0", " ").startswith("129" + ("," if lang == "en" else ".") + "600")
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
    # on the page, as plain text: one block, a paragraph a sentence
    assert expected and "\n\n".join(md(s) for s in expected) in texts
    assert not at.code                                        # the copyable block is built when opened
    open_lazy_blocks(at)
    assert any(all(s in c.value for s in expected) for c in at.code)


def _key_figures(lang: str, nis: str):
    """(the page, the key-figure card dicts of ``model.commune`` the page draws) for a commune."""
    from dashboard.data import connection, queries
    from dashboard.model import commune as cv
    from dashboard.model import memo

    ver = connection.version()
    indicators = queries.indicators(ver)
    ids = cv.key_indicator_ids(indicators, queries.display_places(ver).get("profile_key", []))
    kf = memo.key_figures(ver, nis, tuple(ids))
    return cv.key_figure_cards(kf, indicators, memo.sources_in(ver, lang), lang)


@pytest.mark.parametrize("lang, nis", [("fr", "21001"), ("nl", "21009"), ("en", "21012")])
def test_key_figure_cards_keep_value_year_unit_source_and_quality(lang, nis):
    """The key figures are one block of cards: each card keeps its label with the unit (or the unit with the
    value), its change, the year, the region, the rank, the publisher and the quality of the figure."""
    from dashboard.text.i18n import translator

    _ = translator(lang)
    at = _run("commune.py", lang, commune=nis)
    expected = _key_figures(lang, nis)
    cards = figure_cards(at)[:len(expected)]
    assert len(expected) >= 8 and [c["label"] for c in cards] == [e["label_full"] for e in expected]
    for card, e in zip(cards, expected):
        assert card["value"] == e["value"] and card["delta"] == e["delta"]
        if e["delta"]:   # the change's colour and arrow as st.metric drew them (the text carries the sign)
            assert card["tone"] == {"green": "good", "red": "bad"}.get(e["delta_color"], "flat")
            assert card["arrow"] == {"up": "▲", "down": "▼"}.get(e["delta_arrow"])
        if e["year"] is None:          # no figure: said so
            assert card["caption"] == e["caption"]
            continue
        unit = e["value_unit"].replace(e["value"], "")     # the unit is in the value or in the label
        assert unit.strip() == "" or unit.strip() in card["label"] or unit.strip() in card["value"]
        caption = card["caption"]
        assert caption.startswith(str(e["year"])) and _("Region") in caption and _("Rank") in caption
        assert e["source"] in caption and f"({e['quality'].label(lang)})" in caption


def test_one_menu_cites_every_key_figure():
    """'Cite these figures': one popover, built when opened, holding one citation per key figure with data,
    each with the figure, its year, the commune and the source."""
    from dashboard.text.i18n import translator

    lang, nis = "fr", "21001"
    at = _run("commune.py", lang, commune=nis)
    label = translator(lang)("Cite these figures")
    assert not popover_codes(at, label)                      # nothing built before it is opened
    assert not popover_codes(at, translator(lang)("Cite this figure"))   # no popover per card
    open_lazy_blocks(at)
    cites = popover_codes(at, label)
    expected = [c for c in _key_figures(lang, nis) if c["year"] is not None]
    assert len(cites) == len(expected) >= 8
    for text, card in zip(cites, expected):
        assert card["label"] in text and str(card["year"]) in text and card["source"] in text
        assert card["value_unit"] in text and "Anderlecht" in text


def test_member_figure_cards_carry_year_source_and_the_example_mark():
    """The jobs and re-use figures of the commune (example member data): a card each, its caption with the
    year, the publisher and the quality 'example'."""
    from dashboard.text.i18n import translator

    _ = translator("en")
    at = _run("commune.py", "en", commune="21001")
    n_key = len(_key_figures("en", "21001"))
    member = figure_cards(at)[n_key:]
    assert member and _("EXAMPLE DATA") in page_texts(at)
    for card in member:
        assert card["caption"][:4].isdigit() and _("Source: {source}", source="") in card["caption"]
        assert card["caption"].endswith(f"({_('example')})"), card
