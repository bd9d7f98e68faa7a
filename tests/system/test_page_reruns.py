"""What a rerun sends, seen from a browser-like client on the real server (``bench.ws_client``).

* A widget inside a fragment reruns that block only: choosing another commune in the scorecard's
  "Commune detail" sends the detail of that commune and nothing of the grid or the maps above it.
* An unchanged element is not sent again: on the second rerun of an unchanged URL every chart and table
  arrives as a reference to what the browser already holds.
* A closed citation, image menu or embed snippet sends no code block: they are built when opened.
* No rerun carries the commune geometry (the map points at the static file).
"""
from __future__ import annotations

import os

import pytest

from bench.ws_client import Session
from tests.support.browser_server import streamlit_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base():
    with streamlit_server(os.environ["BSIM_DB"]) as base:
        yield base


def test_commune_detail_reruns_only_its_fragment(base):
    with Session(base) as s:
        first = s.rerun("lang=fr&commune=21004", "tips", keep_payload=True)
        assert not first.exception
        assert {t for t, fragment, _ref in first.deltas if not fragment} >= {"dataframe", "plotly_chart"}
        r = s.interact("url_commune_fr", 2, keep_payload=True)   # Berchem-Sainte-Agathe, third of the 19 (keys carry the language)
        assert not r.exception
        assert r.deltas and all(fragment for _t, fragment, _ref in r.deltas), "only the fragment's elements"
        assert "plotly_chart" not in {t for t, _f, _ref in r.deltas}, "the maps were not drawn again"
        assert b"Berchem" in r.payload
        assert "commune=21003" in s.query_string


def test_unchanged_elements_travel_as_references(base):
    with Session(base) as s:
        first = s.rerun("lang=fr&commune=21009", "commune")
        again = s.rerun("lang=fr&commune=21009", "commune")
        assert not first.exception and not again.exception
        big = {"dataframe", "plotly_chart"}
        assert {t for t, _f, ref in first.deltas if not ref} >= big
        resent = [t for t, _f, ref in again.deltas if t in big and not ref]
        assert not resent and any(ref for t, _f, ref in again.deltas if t in big), resent
        assert again.bytes < first.bytes


@pytest.mark.parametrize("page, query", [("map", "lang=fr&indicator=onem_unemployment_rate_annual_avg&view=geo"),
                                         ("commune", "lang=nl&commune=21001")])
def test_closed_citations_and_snippets_send_no_code_block(base, page, query):
    with Session(base) as s:
        r = s.rerun(query, page)
        assert not r.exception
        types = {t for t, _f, _ref in r.deltas}
        assert "code" not in types
        # the geographic map is drawn by the browser from a component's few bytes (ui.geo_map)
        assert ("bidi_component" if page == "map" else "plotly_chart") in types
        assert r.geometry_bytes == 0
