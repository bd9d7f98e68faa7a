"""Browser tests: Playwright drives Debian's Chromium against a real `streamlit run` on loopback.

Open the map, click a commune, land on its profile, switch language, reload the URL and get the same
view; no request leaves loopback. Screenshots of every page go to ``$BSIM_SCREENSHOTS`` (default: the
test's tmp dir) for a person to look at.
"""
from __future__ import annotations

import pytest

from tests.support.browser import (
    FIGURE_VALUES,
    chart_layout,
    full_height_screenshot,
    params,
    shots_dir,
    visible_view,
    wait_ready,
)

pytestmark = pytest.mark.browser


# a point inside a commune of the page's SVG map: the first point of a grid over its box that the browser
# hits on that commune (its box's centre may lie in a neighbour)
_POINT_IN = """(nis) => {
    const path = document.querySelector(`.bsim-geo-area[data-nis="${nis}"]`);
    const b = path.getBoundingClientRect();
    for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
        const x = b.left + b.width * i / 10, y = b.top + b.height * j / 10;
        if (document.elementFromPoint(x, y) === path) return [x, y];
    }
    return null;
}"""
MAP_URL = "/map?indicator=onem_unemployment_rate_annual_avg&year=2025&lang=fr&view=geo"


def _drawn_map(page, server, tmp_path):
    page.goto(server + MAP_URL)
    wait_ready(page)
    page.wait_for_selector(".bsim-geo[data-drawn='19']", timeout=120_000)
    page.screenshot(path=str(shots_dir(tmp_path) / "map_fr.png"), full_page=True)
    assert page.locator(".js-plotly-plot").count() == 0       # the geographic map starts no plotly.js


def test_click_commune_on_map_opens_its_profile(page, server, tmp_path):
    _drawn_map(page, server, tmp_path)
    xy = page.evaluate(_POINT_IN, "21001")                   # Anderlecht
    assert xy
    page.mouse.move(xy[0], xy[1])                            # its hover: name, figure, source as text
    tip = page.locator(".bsim-geo-tip")
    tip.wait_for(state="visible")
    assert "Anderlecht" in tip.inner_text() and "ONEM" in tip.inner_text()
    page.mouse.click(xy[0], xy[1])
    page.wait_for_url("**/commune?*", timeout=120_000)
    wait_ready(page)
    assert params(page).get("commune") == "21001"
    assert "Anderlecht" in page.inner_text("[data-testid='stMain']")
    page.screenshot(path=str(shots_dir(tmp_path) / "commune_fr.png"), full_page=True)


def test_keyboard_opens_a_commune_from_the_map(page, server, tmp_path):
    _drawn_map(page, server, tmp_path)
    area = page.locator('.bsim-geo-area[data-nis="21009"]')  # Ixelles: a link a keyboard reaches
    assert "Ixelles" in area.get_attribute("aria-label") and area.get_attribute("role") == "link"
    area.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/commune?*", timeout=120_000)
    wait_ready(page)
    assert params(page).get("commune") == "21009"


def test_language_switch_and_reload_keep_the_view(page, server, tmp_path):
    page.goto(f"{server}/commune?commune=21009&lang=fr")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']")
    assert "Ixelles" in main.inner_text()
    page.locator("[data-testid='stSidebar']").get_by_text("Nederlands", exact=True).first.click()
    wait_ready(page)
    page.wait_for_function("() => location.search.includes('lang=nl')", timeout=60_000)
    assert params(page)["lang"] == "nl" and params(page)["commune"] == "21009"
    text_nl = main.inner_text()
    assert "Elsene" in text_nl
    view_nl = visible_view(page)
    url = page.url
    page.screenshot(path=str(shots_dir(tmp_path) / "commune_nl.png"), full_page=True)
    # the same URL in a fresh browser context reproduces the view
    other = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    p2 = other.new_page()
    p2.goto(url)
    wait_ready(p2)
    assert params(p2)["lang"] == "nl" and params(p2)["commune"] == "21009"
    p2.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length >= n",
                         arg=[FIGURE_VALUES, len(view_nl[2])], timeout=120_000)
    assert visible_view(p2) == view_nl     # same title, same figures, same language
    other.close()


@pytest.mark.parametrize("query", ["chart=card&commune=21009", "chart=map&indicator=onem_unemployment_rate_annual_avg",
                                   "chart=ranking", "chart=timeseries&commune=21001"])
def test_embed_view_shows_one_chart_without_navigation(page, server, query, tmp_path):
    page.goto(f"{server}/embed?embed=1&{query}&lang=nl")
    wait_ready(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("text=Page not found").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0      # no navigation
    assert page.locator("[data-testid='stSidebar']").count() == 0
    page.screenshot(path=str(shots_dir(tmp_path) / f"embed_{query.split('&')[0]}.png"), full_page=True)


def test_first_visit_follows_browser_language(browser, server):
    ctx = browser.new_context(locale="nl-BE")
    pg = ctx.new_page()
    pg.goto(f"{server}/")
    wait_ready(pg)
    pg.wait_for_function("() => location.search.includes('lang=nl')", timeout=60_000)
    ctx.close()


@pytest.mark.parametrize("path", ["/", "/map", "/commune", "/compare", "/jobs", "/reuse", "/operators", "/tips",
                                  "/sources"])
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_page_renders_without_error(page, server, path, lang, tmp_path):
    page.goto(f"{server}{path}?lang={lang}")
    wait_ready(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("text=Page not found").count() == 0
    page.wait_for_timeout(1500)   # let charts draw before the screenshot a person looks at
    name = (path.strip("/") or "overview") + f"_{lang}.png"
    full_height_screenshot(page, shots_dir(tmp_path) / name)
    got = chart_layout(page)
    assert not got["cut"], f"chart texts cut at the chart's edge (text, left, right, width): {got['cut'][:5]}"
    assert not got["overlap"], f"legend over the plot: {got['overlap']}"
