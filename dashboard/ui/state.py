"""Shareable state: every page control lives in the URL (``st.query_params``) with plain, stable names.

Widgets are keyed in ``st.session_state``; before a widget is drawn its state is set from the URL
(so a pasted link or a page switch wins), and its ``on_change`` writes the URL back. Values equal to
their default are dropped from the URL. ``lang`` is also kept in the session so the sidebar page
links (which drop query parameters) keep the language.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def get_param(name: str, default=None):
    return st.query_params.get(name, default)


def set_param(name: str, value, default=None) -> None:
    if value is None or value == default or value == "" or value == []:
        if name in st.query_params:
            del st.query_params[name]
    else:
        st.query_params[name] = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _key(name: str) -> str:
    return f"url_{name}"


def _sync(name: str, default, options: Sequence, cast: Callable = str):
    raw = st.query_params.get(name)
    try:
        value = cast(raw) if raw is not None else default
    except (TypeError, ValueError):
        value = default
    if value not in options:
        value = default
    key = _key(name)
    if st.session_state.get(key) != value:
        st.session_state[key] = value
    set_param(name, value, default)
    return key


def select(label: str, options: Sequence, name: str, default=None, *, format_func=str, cast: Callable = str,
           widget=None, container=None, **kw):
    """A selectbox/radio/segmented control bound to URL parameter ``name``."""
    options = list(options)
    default = default if default in options else (options[0] if options else None)
    key = _sync(name, default, options, cast)
    ui = container or st
    widget = widget or ui.selectbox
    return widget(label, options, key=key, format_func=format_func,
                  on_change=lambda: set_param(name, st.session_state[key], default), **kw)


def multiselect(label: str, options: Sequence, name: str, default: Sequence = (), *, format_func=str,
                max_selections: int | None = None, container=None, **kw) -> list:
    """A multiselect bound to a comma-separated URL parameter."""
    options = list(options)
    raw = st.query_params.get(name)
    value = [v for v in raw.split(",") if v in options] if raw else [v for v in default if v in options]
    if max_selections:
        value = value[:max_selections]
    key = _key(name)
    if st.session_state.get(key) != value:
        st.session_state[key] = value
    set_param(name, value, list(default))
    ui = container or st
    return ui.multiselect(label, options, key=key, format_func=format_func, max_selections=max_selections,
                          on_change=lambda: set_param(name, st.session_state[key], list(default)), **kw)
