"""Run one page of the real app (app.py's navigation) in Streamlit's AppTest, as a URL would open it."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

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


def page_texts(at: AppTest) -> str:
    """Every visible text of the page (titles, markdown, captions, notices, metric labels and values)."""
    parts = [e.value for kind in TEXT_ELEMENTS for e in getattr(at, kind)]
    parts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    return "\n".join(shown(p) for p in parts)
