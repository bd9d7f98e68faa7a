"""'Cite this figure': a small popover next to a headline number with the citation (``exports.cite``)
in a code block, which has a copy button."""
from __future__ import annotations

import streamlit as st

from dashboard.text.i18n import translator


def cite_popover(text: str, key: str | None = None, lang: str | None = None) -> None:
    """A small 'Cite' popover next to a headline number: the citation in a copyable code block."""
    _ = translator(lang or st.session_state.get("lang") or "fr")
    with st.popover(_("Cite this figure"), icon=":material/format_quote:", key=key):
        st.code(text, language=None, wrap_lines=True)
