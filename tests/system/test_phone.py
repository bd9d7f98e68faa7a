"""The overview, map explorer, commune profile and scorecard on a phone (390 × 844, touch): no horizontal
scrolling, no chart title, footer or legend entry cut off at a chart's edge, no legend over a map or plot,
and the commune picker in the page itself (the sidebar stays closed). Screenshots of every page go to
``$BSIM_SCREENSHOTS`` for a person to look at."""
from __future__ import annotations

import pytest

from dashboard.text.i18n import translator
from tests.support.browser import (
    PHONE,
    chart_layout,
    full_height_screenshot,
    guarded_context,
    params,
    shots_dir,
    wait_ready,
)

pytestmark = pytest.mark.browser

PAGES = {"overview": "/", "map": "/map", "commune": "/commune?commune=21012", "tips": "/tips?commune=21012",
         "compare": "/compare?commune=21012"}

@pytest.fixture()
def phone(browser, server):
    context = guarded_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    context.close()
    assert not context.outside, f"requests left loopback: {context.outside[:5]}"


def _open(pg, server, path: str, lang: str) -> None:
    sep = "&" if "?" in path else "?"
    pg.goto(f"{server}{path}{sep}lang={lang}")
    wait_ready(pg)
    pg.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout)",
                         timeout=120_000)
    pg.wait_for_timeout(1500)     # let the maps draw before measuring and taking the picture


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone(phone, server, name, lang, tmp_path):
    _open(phone, server, PAGES[name], lang)
    full_height_screenshot(phone, shots_dir(tmp_path) / f"phone_{name}_{lang}.png")
    got = chart_layout(phone)
    assert got["page"][0] <= got["page"][1] + 1, f"the page scrolls sideways: {got['page']}"
    assert got["main"][0] <= got["main"][1] + 1, f"the page scrolls sideways: {got['main']}"
    assert got["charts"] >= 1
    assert not got["cut"], f"chart texts cut at the chart's edge (text, left, right, width): {got['cut'][:5]}"
    assert not got["overlap"], f"legend over the plot: {got['overlap']}"


@pytest.mark.parametrize("name", ["commune", "tips"])
def test_commune_picker_without_opening_the_sidebar(phone, server, name):
    _ = translator("fr")
    _open(phone, server, PAGES[name], "fr")
    assert not phone.locator("[data-testid='stSidebar']").is_visible()     # closed on a phone
    box = phone.locator("[data-testid='stMain']").get_by_role("combobox", name=_("Commune"), exact=True)
    assert box.is_visible()
    box.click()
    box.fill("Koekelberg")
    phone.get_by_role("option").filter(has_text="Koekelberg").first.click()
    wait_ready(phone)
    assert params(phone)["commune"] == "21011"


@pytest.mark.parametrize("name", ["overview", "map"])
def test_maps_offer_the_profile_picker_on_a_phone(phone, server, name):
    _ = translator("nl")
    _open(phone, server, PAGES[name], "nl")
    box = phone.locator("[data-testid='stMain']").get_by_role("combobox", name=_("Open the profile of a commune"))
    assert box.is_visible()
