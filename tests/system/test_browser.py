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


def test_click_commune_on_map_opens_its_profile(page, server, tmp_path):
    page.goto(f"{server}/map?indicator=onem_unemployment_rate_annual_avg&year=2025&lang=fr&view=geo")
    wait_ready(page)
    page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=120_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(shots_dir(tmp_path) / "map_fr.png"), full_page=True)
    # Anderlecht's centroid, projected by the map itself
    xy = page.evaluate("""() => {
        const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout && g._fullLayout.map);
        const sub = gd._fullLayout.map._subplot;
        const p = sub.map.project([4.2960, 50.8260]);
        const r = sub.map.getCanvas().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y];
    }""")
    page.mouse.click(xy[0], xy[1])
    page.wait_for_url("**/commune?*", timeout=120_000)
    wait_ready(page)
    assert params(page).get("commune") == "21001"
    assert "Anderlecht" in page.inner_text("[data-testid='stMain']")
    page.screenshot(path=str(shots_dir(tmp_path) / "commune_fr.png"), full_page=True)


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
