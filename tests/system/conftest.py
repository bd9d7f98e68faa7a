"""One real `streamlit run` (on a copy of the data, built with the reference boundaries) and one headless
Chromium for every browser test of the session; a fresh guarded page per test."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import guarded_context
from tests.support.browser_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from tests.support.built import built_data


def _playwright():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    return playwright


@pytest.fixture(scope="session")
def server(tmp_path_factory, shipped_geojson):
    data = built_data(tmp_path_factory.mktemp("browser") / "data", shipped_geojson)
    with streamlit_server(data / "impact.duckdb") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    playwright = _playwright()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = guarded_context(browser, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(120_000)   # a hang guard, not a speed bound: CI machines are often busy
    yield pg
    context.close()
    assert not context.outside, f"requests left loopback: {context.outside[:5]}"
