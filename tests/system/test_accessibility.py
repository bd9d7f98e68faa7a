"""WCAG 2.1 AA, the public sector's legal floor: axe-core (through Playwright, ``axe-playwright-python``)
audits every page in fr, nl and en, with its expanders opened so their contents are audited too; no
critical and no serious violation. Every chart has a text alternative next to it (a table or a caption in
words), and the keyboard reaches the commune picker of a map."""
from __future__ import annotations

import pytest

from tests.support.browser import wait_ready

pytestmark = pytest.mark.browser
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

PAGES = ["/", "/map", "/commune", "/compare", "/jobs", "/reuse", "/operators", "/tips", "/sources",
         "/embed?embed=1&chart=map", "/embed?embed=1&chart=card&commune=21009"]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def axe():
    return axe_module.Axe()


def _open(pg, server, path: str, lang: str) -> None:
    pg.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
    wait_ready(pg)
    for summary in pg.locator("[data-testid='stMain'] [data-testid='stExpander'] summary").all():
        if summary.is_visible() and summary.get_attribute("aria-expanded") != "true":
            summary.click()
    wait_ready(pg)
    pg.wait_for_timeout(800)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_critical_or_serious_violation(page, server, axe, path, lang):
    _open(page, server, path, lang)
    violations = axe.run(page, options=WCAG_AA).response["violations"]
    bad = [(v["impact"], v["id"], len(v["nodes"]), [n["target"] for n in v["nodes"][:3]],
            (v["nodes"][0].get("failureSummary") or "")[:200]) for v in violations
           if v["impact"] in ("critical", "serious")]
    assert not bad, f"{path} ({lang}): {bad}"


@pytest.mark.parametrize("path", ["/", "/map", "/commune?commune=21012", "/compare", "/jobs", "/tips",
                                  "/embed?embed=1&chart=ranking"])
def test_every_chart_has_its_table_right_under_it(page, server, path):
    """The text alternative of each chart: 'The chart as a table' (or a table) among the next blocks."""
    _open(page, server, path, "en")
    # plotly's charts and the page's SVG map (ui.geo_map)
    lonely = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stPlotlyChart], .bsim-geo')].filter(chart => {
        let el = chart.closest('[data-testid=stElementContainer]');
        for (let i = 0; i < 3 && el; i++) {
            el = el.nextElementSibling;
            if (el && el.querySelector('[data-testid=stTable], [data-testid=stDataFrame]')) return false;
        }
        return true;
    }).map(c => (c.querySelector('.gtitle, .bsim-geo-title') || {}).textContent || '?')""")
    charts = page.locator("[data-testid='stPlotlyChart'], .bsim-geo").count()
    assert charts >= 1 and not lonely, f"charts without a table under them on {path}: {lonely}"


def test_the_keyboard_reaches_the_maps_commune_picker(page, server):
    _open(page, server, "/map?view=geo", "en")
    for _i in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')")
        if label == "Open the profile of a commune":
            break
    else:
        pytest.fail("Tab never reached the commune picker under the map")
    page.keyboard.type("Ixelles")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/commune?*", timeout=60_000)
    wait_ready(page)
    assert "commune=21009" in page.url
