"""'Cite this figure': a small popover next to a headline number with the citation (``exports.cite``)
in a code block, which has a copy button. The code block is built when the popover is opened
(``ui.lazy``), not on every rerun."""
from __future__ import annotations

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
