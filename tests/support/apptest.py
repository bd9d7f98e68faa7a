"""Run one page of the real app (app.py's navigation) in Streamlit's AppTest, as a URL would open it."""
from __future__ import annotations

import html as _html
import json
import re

from streamlit.testing.v1 import AppTest

from dashboard.charts.svg_map import full_hover
from tests.conftest import ROOT

TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning")


def run_page(page: str, lang: str = "fr", timeout: int = 300, **params) -> AppTest:
    """``page`` is a file under views/ (``views/map.py``); ``params`` are URL query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    at.run()  # registers the st.navigation pages (switch_page needs their url paths)
    at.switch_page(page)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _blocks(node):
    """Every block (container) under ``node``, depth first."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "children", None) is not None:
            yield child
            yield from _blocks(child)


def _lazy_key(block) -> str | None:
    """The key of a popover or expander that tracks its open state (``dashboard.ui.lazy``), else None."""
    sub = block.proto if block.type == "expander" else block.proto.popover if block.type == "popover" else None
    wid = getattr(sub, "id", "") if sub is not None else ""
    return wid.split("-", 2)[2] if wid.startswith("$$ID-") and wid.count("-") >= 2 else None


def open_lazy_blocks(at: AppTest) -> AppTest:
    """Open every lazy popover and expander of the page (``ui.lazy`` builds their content, a citation or an
    embed snippet, only when opened) as a reader would, and rerun."""
    keys = [k for root in (at.main, at.sidebar) for b in _blocks(root) if (k := _lazy_key(b))]
    for key in keys:
        at.session_state[key] = True
    if keys:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def popover_codes(at: AppTest, label: str) -> list[str]:
    """The code blocks inside the popovers labelled ``label`` (the citations of 'Cite this figure')."""
    return [c.value for root in (at.main, at.sidebar) for b in _blocks(root)
            if b.type == "popover" and b.proto.popover.label == label for c in b.get("code")]


def shown(markdown: str) -> str:
    """The text a reader sees of a Markdown string the app escaped (``text.plain.md``): backslash escapes
    and the invisible word joiners removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "")


def html_blocks(at: AppTest) -> list[str]:
    """The bodies of the page's ``st.html`` blocks (the figure cards of ``text.cards``), the stylesheet left out."""
    return [h.proto.body for h in at.get("html") if not h.proto.body.lstrip().startswith("<style")]


def html_text(body: str) -> str:
    """What a reader sees of an HTML block: its text, one line per element, the entities read."""
    return _html.unescape(re.sub(r"\n{2,}", "\n", re.sub(r"<[^>]+>", "\n", body))).strip()


_HIDDEN = re.compile(r'<(\w+) aria-hidden="true">.*?</\1>', re.DOTALL)


def _read(fragment: str) -> str:
    """The text a screen reader reads of an inline fragment: hidden parts left out, tags removed."""
    return _html.unescape(re.sub(r"<[^>]+>", "", _HIDDEN.sub("", fragment))).strip()


def figure_cards(at: AppTest) -> list[dict]:
    """The figure cards of the page's ``st.html`` blocks, as a reader reads them: label (the term), value (its
    first description), delta (a description with a tone class, or None), tone ('good', 'bad', 'flat'),
    arrow (the arrow drawn beside the change, hidden from screen readers) and caption (the last description)."""
    cards = []
    for body in html_blocks(at):
        for card in re.findall(r"<div>(.*?)</div>", body, re.DOTALL):
            label = _read(re.search(r"<dt>(.*?)</dt>", card).group(1))
            dds = re.findall(r'<dd(?: class="bsim-(\w+)")?>(.*?)</dd>', card, re.DOTALL)
            delta = [(tone, text) for tone, text in dds if tone]
            arrow = re.search(r'aria-hidden="true">(.*?)<', delta[0][1]).group(1) if delta and "aria-hidden" in delta[0][1] else None
            cards.append({"label": label, "value": _read(dds[0][1]), "delta": _read(delta[0][1]) if delta else None,
                          "tone": delta[0][0] if delta else None, "arrow": arrow,
                          "caption": _read(dds[-1][1]) if len(dds) > 1 and not dds[-1][0] else ""})
    return cards


def page_texts(at: AppTest) -> str:
    """Every visible text of the page (titles, markdown, captions, notices, metric labels and values, figure
    cards)."""
    parts = [e.value for kind in TEXT_ELEMENTS for e in getattr(at, kind)]
    parts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    return "\n".join([*(shown(p) for p in parts), *(html_text(b) for b in html_blocks(at))])


def geo_maps(at: AppTest) -> list[dict]:
    """What each geographic map of the page (``ui.geo_map``: drawn as SVG by the browser) was sent:
    ``charts.svg_map.geo_map_spec``."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "bsim_geo_map"]


def geo_map_texts(spec: dict) -> list[str]:
    """Every text a reader of a geographic map sees: title, example mark, legend, hover texts, footer."""
    legend = spec.get("legend", {})
    return [*spec.get("title", []), spec.get("mark", ""), legend.get("title", ""),
            *(i["label"] for i in legend.get("items", [])),
            *(line for a in spec.get("areas", []) for line in full_hover(spec, a)),
            *spec.get("footer", [])]
