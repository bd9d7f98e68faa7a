"""Blocks built only when the user opens them: a popover or an expander whose content is computed and
sent on opening, not on every rerun of the page.

Opening one reruns only its own fragment (``st.fragment``), never the page. A closed citation,
image-download menu or embed snippet then costs the page one small element instead of its whole
content — and a page whose code blocks are all closed never makes the browser load Streamlit's
syntax highlighter (about 0.5 MB of JavaScript) before its first paint.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st


@st.fragment
def _lazy_block(kind: str, label: str, key: str, render: Callable[[], None], icon: str | None) -> None:
    make = st.popover if kind == "popover" else st.expander
    with make(label, icon=icon, key=key, on_change="rerun") as block:
        if block.open:
            render()


def popover(label: str, render: Callable[[], None], *, key: str, icon: str | None = None) -> None:
    """A popover whose content (``render()``) is built when it is opened."""
    _lazy_block("popover", label, key, render, icon)


def expander(label: str, render: Callable[[], None], *, key: str, icon: str | None = None) -> None:
    """An expander whose content (``render()``) is built when it is expanded."""
    _lazy_block("expander", label, key, render, icon)
