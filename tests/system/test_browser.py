"""Browser tests: Playwright drives Debian's Chromium against a real `streamlit run` on loopback.

Open the map, click a commune, land on its profile, switch language, reload the URL and get the same
view; no request leaves loopback. Screenshots of every page go to ``$BSIM_SCREENSHOTS`` (default: the
test's tmp dir) for a person to look at.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import ROOT
from tests.support.browser_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped_geojson):
    from etl.build import build
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    build(data, boundaries=str(shipped_geojson), log=lambda *a: None)
    with streamlit_server(data / "impact.duckdb") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-BE")
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(120_000)   # a hang guard, not a speed bound: CI machines are often busy
    pg.outside_requests = outside
    yield pg
    context.close()
    assert not outside, f"requests left loopback: {outside[:5]}"


def shots_dir(tmp_path) -> Path:
    d = Path(os.environ.get("BSIM_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d


def wait_ready(pg, timeout=120_000):
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    pg.wait_for_timeout(400)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def visible_view(pg) -> tuple:
    """What a reader sees first: the title, the headings and the key figures."""
    texts = lambda sel: tuple(t.strip() for t in pg.locator(sel).all_inner_texts())  # noqa: E731
    return texts("[data-testid='stMain'] h1"), texts("[data-testid='stMain'] h2"), texts("[data-testid='stMetricValue']")


def params(pg) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


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
    p2.wait_for_function("n => document.querySelectorAll(\"[data-testid='stMetricValue']\").length >= n",
                         arg=len(view_nl[2]), timeout=120_000)
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
    page.screenshot(path=str(shots_dir(tmp_path) / name), full_page=True)
