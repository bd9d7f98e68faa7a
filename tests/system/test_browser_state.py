"""The user's choices follow them through the real app in Chromium: page → page (sidebar and in-page
links) → language → page, asserting the URL, the value every select box shows and its language, and the
browser tab's title."""
from __future__ import annotations

import pytest

from dashboard import config
from dashboard.data import connection
from dashboard.text.i18n import translator
from tests.support.browser import params, selectboxes, shots_dir, wait_ready

pytestmark = pytest.mark.browser

INDICATOR = "census_unemployment_rate_15_64"


def _label(indicator: str, lang: str) -> str:
    con = connection.connect_read_only(config.db_path())
    try:
        return con.execute(f"SELECT label_{lang} FROM indicator WHERE indicator_id = ?", [indicator]).fetchone()[0]
    finally:
        con.close()


def _sidebar(pg, title: str) -> None:
    pg.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_ready(pg)


def _language(pg, name: str, code: str) -> None:
    pg.locator("[data-testid='stSidebar']").get_by_text(name, exact=True).first.click()
    wait_ready(pg)
    pg.wait_for_function("c => location.search.includes('lang=' + c)", arg=code, timeout=60_000)


def _pick(pg, label: str, text: str) -> None:
    box = pg.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(text)
    pg.get_by_role("option").filter(has_text=text).first.click()
    wait_ready(pg)


def test_choices_follow_the_user_across_pages_and_languages(page, server, tmp_path):
    fr, nl = translator("fr"), translator("nl")
    page.goto(f"{server}/map?lang=fr&indicator={INDICATOR}&year=2021&view=tile")
    wait_ready(page)
    assert selectboxes(page)[fr("Year")] == "2021"
    assert page.title() == f"{fr('Map explorer')} · {fr('Brussels Social Impact Monitor')}"

    # sidebar → the profile: the map's indicator is the series shown; pick Molenbeek in the page body
    _sidebar(page, fr("Commune profile"))
    assert params(page)["indicator"] == INDICATOR
    assert selectboxes(page)[fr("Indicator")] == _label(INDICATOR, "fr")
    _pick(page, fr("Commune"), "Molenbeek")
    assert params(page)["commune"] == "21012"

    # sidebar → compare: the commune, the indicator and the year came along
    _sidebar(page, fr("Compare"))
    shown = selectboxes(page)
    assert shown[fr("Commune")].startswith("Molenbeek-Saint-Jean")
    assert shown[fr("Indicator")] == _label(INDICATOR, "fr") and shown[fr("Year")] == "2021"
    assert {k: params(page).get(k) for k in ("commune", "indicator", "year")} == {
        "commune": "21012", "indicator": INDICATOR, "year": "2021"}

    # language → every choice stays, every widget speaks Dutch at once, the tab too
    _language(page, "Nederlands", "nl")
    shown = selectboxes(page)
    assert set(shown) >= {nl("Commune"), nl("Indicator"), nl("Year")}
    assert shown[nl("Commune")].startswith("Sint-Jans-Molenbeek")
    assert shown[nl("Indicator")] == _label(INDICATOR, "nl") != _label(INDICATOR, "fr")
    assert shown[nl("Year")] == "2021"
    assert params(page)["commune"] == "21012" and params(page)["indicator"] == INDICATOR
    assert page.title() == f"{nl('Compare')} · {nl('Brussels Social Impact Monitor')}"
    page.screenshot(path=str(shots_dir(tmp_path) / "state_compare_nl.png"))

    # sidebar → the scorecard in Dutch: Molenbeek's detail
    _sidebar(page, nl("Five tips scorecard"))
    assert params(page)["commune"] == "21012" and params(page)["lang"] == "nl"
    assert selectboxes(page)[nl("Commune")].startswith("Sint-Jans-Molenbeek")
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip() == nl("Five tips scorecard")

    # sidebar → the map: indicator and year again, labels in Dutch; the view switch keeps them in English
    _sidebar(page, nl("Map explorer"))
    assert selectboxes(page)[nl("Indicator")].endswith(_label(INDICATOR, "nl"))
    assert selectboxes(page)[nl("Year")] == "2021"
    page.get_by_text(nl("Table"), exact=True).click()
    wait_ready(page)
    _language(page, "English", "en")
    en = translator("en")
    assert params(page)["view"] == "table" and params(page)["year"] == "2021"
    assert selectboxes(page)[en("Indicator")].endswith(_label(INDICATOR, "en"))
    assert page.get_by_role("radio", name=en("Table")).is_checked()


def test_in_page_links_keep_the_commune(page, server):
    fr = translator("fr")
    page.goto(f"{server}/commune?lang=fr&commune=21012")
    wait_ready(page)
    page.locator("[data-testid='stMain'] [data-testid='stPageLink']").get_by_text(fr("Five tips scorecard")).click()
    wait_ready(page)
    page.wait_for_url("**/tips?*", timeout=60_000)
    assert params(page)["commune"] == "21012"
    assert selectboxes(page)[fr("Commune")].startswith("Molenbeek-Saint-Jean")
    # the keyboard alternative to a map click: the picker under the map opens the profile
    page.goto(f"{server}/map?lang=fr&view=geo")
    wait_ready(page)
    box = page.get_by_role("combobox", name=fr("Open the profile of a commune"), exact=True)
    box.focus()                        # keyboard only: no click anywhere
    page.keyboard.type("Koekelberg")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/commune?*", timeout=60_000)
    wait_ready(page)
    assert params(page)["commune"] == "21011"
    assert "Koekelberg" in page.locator("[data-testid='stMain'] h1").first.inner_text()
