"""What the browser tests share: a guarded Chromium context (no request leaves loopback), waiting for a
Streamlit run to finish, reading the URL state and the widgets as a user sees them, screenshots."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.support.browser_server import CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}    # the phone viewport of the issue (an iPhone 12–14)


def guarded_context(browser, *, viewport: dict | None = None, locale: str = "fr-BE", foreign_frames: str | None = None,
                    **kw):
    """A browser context that aborts (and lists in ``context.outside``) every request leaving loopback, and
    dismisses (and lists in ``context.dialogs``) every dialog a page opens (alert, confirm). A request from a
    frame of ``foreign_frames`` (a third party's own pages, e.g. an identity provider's) is aborted too, but
    not listed: the product's pages are the ones that must ask nothing of the outside."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000}, locale=locale, **kw)
    outside: list[str] = []
    dialogs: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
            return
        frame = route.request.frame.url if route.request.frame else ""
        if not (foreign_frames and frame.startswith(foreign_frames)):
            outside.append(route.request.url)
        route.abort()

    context.route("**/*", guard)
    context.on("page", lambda pg: pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    context.outside, context.dialogs = outside, dialogs
    return context


def shots_dir(tmp_path) -> Path:
    d = Path(os.environ.get("BSIM_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d


def wait_ready(pg, timeout=120_000):
    """The page has drawn something and its script run is over (twice, a rerun may follow the first)."""
    pg.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", timeout=timeout)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    # widgets load their code on first use: grey skeletons stand in for them until then
    pg.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=timeout)
    pg.wait_for_timeout(400)
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


FIGURE_VALUES = "[data-testid='stMetricValue'], .bsim-cards dd:first-of-type"   # a metric's value, a card's


def visible_view(pg) -> tuple:
    """What a reader sees first: the title, the headings and the key figures (metrics, and the values of the
    figure cards of ``text.cards``)."""
    texts = lambda sel: tuple(t.strip() for t in pg.locator(sel).all_inner_texts())  # noqa: E731
    return texts("[data-testid='stMain'] h1"), texts("[data-testid='stMain'] h2"), texts(FIGURE_VALUES)


def params(pg) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def selectboxes(pg) -> dict[str, str]:
    """Label -> the option shown, for every select box on the page (as a user reads them)."""
    pairs = pg.locator("[data-testid='stSelectbox'] input[role='combobox']").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label'), e.value])")
    return dict(pairs)


# what a reader would see cut: for every chart, texts past its edges, and a legend overlapping its plot area
_LAYOUT_CHECK = """() => {
  const doc = document.documentElement, main = document.querySelector('[data-testid=stMain]');
  const out = {page: [doc.scrollWidth, doc.clientWidth], main: [main.scrollWidth, main.clientWidth],
               cut: [], overlap: [], charts: 0};
  // texts of a chart that reach past its box: [text, left, right, width]
  const cutAt = (chart, box, selector) => {
    for (const el of chart.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1))
        out.cut.push([el.textContent.slice(0, 50), Math.round(r.left - box.left), Math.round(r.right - box.left),
                      Math.round(box.width)]);
    }
  };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const box = gd.getBoundingClientRect();
    if (!box.width || !gd._fullLayout) continue;
    out.charts += 1;
    cutAt(gd, box, '.gtitle, .annotation-text, .legendtext, .legendtitletext');
    const s = gd._fullLayout._size, legend = gd.querySelector('.legend');
    if (legend && s) {
      const l = legend.getBoundingClientRect();
      const px = {left: box.left + s.l, top: box.top + s.t, right: box.left + s.l + s.w, bottom: box.top + s.t + s.h};
      const inter = Math.min(l.right, px.right) - Math.max(l.left, px.left) > 1 &&
                    Math.min(l.bottom, px.bottom) - Math.max(l.top, px.top) > 1;
      if (l.width && inter) out.overlap.push((gd._fullLayout.title || {}).text || '?');
    }
  }
  // the page's SVG map (ui.geo_map): its title, mark, legend and footer inside its box, the map itself too
  for (const m of document.querySelectorAll('.bsim-geo')) {
    const box = m.getBoundingClientRect();
    if (!box.width) continue;
    out.charts += 1;
    cutAt(m, box, '.bsim-geo-title, .bsim-geo-mark, .bsim-geo-legend li, .bsim-geo-foot p, svg');
    const legend = m.querySelector('.bsim-geo-legend'), svg = m.querySelector('svg');
    if (legend && svg && legend.getBoundingClientRect().bottom > svg.getBoundingClientRect().top + 1)
      out.overlap.push((m.querySelector('.bsim-geo-title') || {}).textContent || '?');
  }
  return out;
}"""


def chart_layout(pg) -> dict:
    """Sideways scrolling of the page, chart texts cut at a chart's edge, legends over a plot area (once
    every chart is drawn)."""
    pg.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g._fullLayout) && "
                         "[...document.querySelectorAll('.bsim-geo')].every(m => m.dataset.drawn)", timeout=120_000)
    return pg.evaluate(_LAYOUT_CHECK)


def full_height_screenshot(pg, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its app view, so the viewport grows to the content first."""
    height = pg.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                         "[data-testid=stAppViewContainer], section')].map(e => e.scrollHeight), 800)")
    size = pg.viewport_size
    # (taller than ~8000 px, Chromium stitches the picture from tiles and repeats parts of the page)
    pg.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8_000)})
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size(size)


__all__ = ["CHROMIUM_ARGS", "PHONE", "chart_layout", "full_height_screenshot", "guarded_context", "params", "selectboxes",
           "shots_dir", "visible_view", "wait_ready"]
