"""The commune, indicator and year chosen on one page follow the user to the next page (AppTest: one
session, pages switched as the sidebar does, i.e. without query parameters); the URL still wins."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.ui.state import widget_key
from tests.conftest import ROOT


def _session(lang: str = "fr") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    return at


def _open(at: AppTest, page: str, **params) -> AppTest:
    """Switch page as a sidebar link does: the query parameters are dropped, the session stays."""
    at.switch_page(page)
    for k in list(at.query_params):
        del at.query_params[k]
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _value(at: AppTest, name: str, lang: str = "fr"):
    return at.selectbox(key=widget_key(name, lang)).value


def test_commune_indicator_and_year_follow_sidebar_navigation():
    at = _open(_session(), "views/map.py", indicator="census_unemployment_rate_15_64", year="2021", lang="fr")
    _open(at, "views/commune.py", commune="21012", lang="fr")
    assert _value(at, "commune") == "21012"
    assert _value(at, "indicator") == "census_unemployment_rate_15_64"   # the map's indicator, as a series
    _open(at, "views/compare.py")
    assert _value(at, "commune") == "21012"
    assert _value(at, "indicator") == "census_unemployment_rate_15_64"
    assert _value(at, "year") == 2021
    # the URL shows what the page shows, so the address reproduces the view
    assert at.query_params["commune"] == "21012" and at.query_params["year"] == "2021"
    _open(at, "views/tips.py")
    assert _value(at, "commune") == "21012"


def test_the_url_wins_over_the_remembered_choice():
    at = _open(_session(), "views/commune.py", commune="21012")
    _open(at, "views/compare.py", commune="21001")
    assert _value(at, "commune") == "21001"
    _open(at, "views/tips.py")            # and the last choice is the one remembered
    assert _value(at, "commune") == "21001"


def test_a_choice_a_page_does_not_offer_is_kept_for_the_pages_that_do():
    at = _open(_session("en"), "views/map.py", indicator="census_unemployment_rate_15_64", year="2021")
    _open(at, "views/jobs.py")             # member indicators only: its own default, the choice is kept
    assert _value(at, "indicator", "en").startswith("member_")
    assert "indicator" not in at.query_params
    _open(at, "views/map.py")
    assert _value(at, "indicator", "en") == "census_unemployment_rate_15_64"
    assert _value(at, "year", "en") == 2021


def test_in_page_links_carry_the_commune():
    at = _open(_session(), "views/commune.py", commune="21012")
    links = [e for e in at.main if type(e).__name__ == "PageLink" or getattr(e, "type", "") == "page_link"]
    tips = [link.proto for link in links if "tips" in link.proto.page]
    assert tips and "commune=21012" in tips[0].query_string and "lang=fr" in tips[0].query_string


def test_a_widget_holding_its_value_is_not_sent_again_with_it():
    """A value this page's widget already holds is not set again (a value set from the state makes Streamlit
    send the widget again, its whole option list); one from the URL or another page's widget is."""
    at = _open(_session(), "views/map.py", indicator="census_unemployment_rate_15_64", lang="fr")
    picker = at.selectbox(key=widget_key("indicator"))
    assert picker.value == "census_unemployment_rate_15_64" and picker.proto.set_value    # from the URL
    picker.select("population_1jan").run()         # the user's choice: into the URL, not set again
    picker = at.selectbox(key=widget_key("indicator"))
    assert picker.value == "population_1jan" and at.query_params["indicator"] == "population_1jan"
    assert not picker.proto.set_value
    at.run()                                       # a rerun that changes nothing: the widget keeps its value
    picker = at.selectbox(key=widget_key("indicator"))
    assert picker.value == "population_1jan" and not picker.proto.set_value
    _open(at, "views/compare.py")                  # another page's widget of the same key: set from the state
    picker = at.selectbox(key=widget_key("indicator"))
    assert picker.value == "population_1jan" and picker.proto.set_value
