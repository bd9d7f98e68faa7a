"""'Cite this figure': a small popover next to a headline number with the citation (``exports.cite``)
in a code block, which has a copy button; 'Cite these figures': one popover for a group of headline
numbers (the commune profile's key figures), each citation in its own code block. The code blocks are
built when the popover is opened (``ui.lazy``), not on every rerun."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from dashboard.text.i18n import translator
from dashboard.ui import lazy


def _show(text: str) -> None:
    st.code(text, language=None, wrap_lines=True)


def cite_popover(text: str, key: str | None = None, lang: str | None = None) -> None:
    """A small 'Cite' popover next to a headline number: the citation in a copyable code block."""
    _ = translator(lang or st.session_state.get("lang") or "fr")
    lazy.popover(_("Cite this figure"), partial(_show, text), key=key or f"cite_{abs(hash(text))}",
                 icon=":material/format_quote:")


def _show_all(citations: Callable[[], list[str]]) -> None:
    for text in citations():
        _show(text)


def cite_menu(citations: Callable[[], list[str]], key: str, lang: str | None = None) -> None:
    """One 'Cite these figures' popover for a group of figures: ``citations()`` (called when the popover is
    opened, not on every rerun) gives one citation per figure, each shown in its own copyable code block."""
    _ = translator(lang or st.session_state.get("lang") or "fr")
    lazy.popover(_("Cite these figures"), partial(_show_all, citations), key=key, icon=":material/format_quote:")
