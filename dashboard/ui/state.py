"""Shareable state: every page control lives in the URL (``st.query_params``) with plain, stable names,
and the choices that make sense on every page — commune, indicator, year (``FOLLOWING``) — also follow
the user from page to page.

Where a control's value comes from, in order:

1. the URL, when it carries a value the control offers (a pasted link or an in-page link wins);
2. for ``FOLLOWING`` names, the user's last choice in this session, when the control offers it
   (sidebar page links drop query parameters; the session remembers what they drop);
3. the page's default.

A value of 1 or 2 is written to the URL (so the address always reproduces the view); a page default is
dropped from it. A choice (a widget change, a map click, a grid row) goes to the URL and, for
``FOLLOWING`` names, to the session. In-page links carry the language and the remembered choices
(``carried``), so a link opened in a new tab shows the same commune.

Widget keys include the language (``widget_key``): Streamlit keeps a keyed widget's option labels from
its first run, so after a language switch a new widget is drawn, with the same value, in the new language.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from dashboard.text.i18n import DEFAULT_LANG

FOLLOWING = ("commune", "indicator", "year")   # choices carried from page to page


def get_param(name: str, default=None):
    return st.query_params.get(name, default)


def _text(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def set_param(name: str, value, default=None) -> None:
    """Write ``value`` to the URL, or drop the parameter when it is empty or equals ``default``. A parameter
    that already holds the value is left alone: every write sends the browser the whole query string again."""
    if value is None or value == default or value == "" or value == []:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != _text(value):
        st.query_params[name] = _text(value)


def _memory(name: str) -> str:
    return f"choice_{name}"


def remember(name: str, value) -> None:
    """Keep a ``FOLLOWING`` choice for the other pages of this session (None forgets it)."""
    if name not in FOLLOWING:
        return
    if value is None or value == "":
        st.session_state.pop(_memory(name), None)
    else:
        st.session_state[_memory(name)] = _text(value)


def remembered(name: str) -> str | None:
    """The user's last choice for ``name`` in this session (text, as in the URL), or None."""
    return st.session_state.get(_memory(name)) if name in FOLLOWING else None


def choose(name: str, value) -> None:
    """The user chose ``value`` (widget change, map click, grid row): into the URL and the session."""
    set_param(name, value)
    remember(name, value)


def carried(**params) -> dict:
    """Query parameters of an in-page link: the language, the remembered choices, then ``params``
    (a None value leaves a parameter out)."""
    out = {"lang": current_lang()}
    for name in FOLLOWING:
        value = st.query_params.get(name) or remembered(name)
        if value:
            out[name] = value
    out.update({k: _text(v) for k, v in params.items() if v is not None})
    return {k: v for k, v in out.items() if v is not None}


def current_lang() -> str:
    return st.session_state.get("lang") or DEFAULT_LANG


def widget_key(name: str, lang: str | None = None) -> str:
    """The session-state key of the control bound to URL parameter ``name`` in ``lang``."""
    return f"url_{name}_{lang or current_lang()}"


def _cast(raw, cast: Callable):
    try:
        return cast(raw)
    except (TypeError, ValueError):
        return None


def resolve(name: str, default, options: Sequence, cast: Callable = str):
    """(value, carried): the URL's value, else the remembered choice, else ``default`` (not carried)."""
    for raw in (st.query_params.get(name), remembered(name)):
        if raw is not None:
            value = _cast(raw, cast)
            if value is not None and value in options:
                return value, True
    return default, False


_SYNCED_ON = "_state_synced_on"     # widget key -> the page whose widget it was last drawn for
_PAGE = "_state_page"               # the page the last full run drew (app.py, ``drawing``)


def drawing(page: str) -> None:
    """The entry point says which page this run draws (a fragment's rerun draws on the page of the last full
    run): a widget's identity is its key and its page."""
    st.session_state[_PAGE] = page


def _page() -> str:
    return st.session_state.get(_PAGE, "")


def _sync(name: str, default, options: Sequence, cast: Callable = str) -> str:
    value, was_carried = resolve(name, default, options, cast)
    key = widget_key(name)
    # set unless this page's widget already holds it (a widget of the same key on another page may have left
    # its own value behind): a value set here is sent with the widget again, its whole option list (19 KB for
    # the indicator picker), although the browser already shows it
    page = _page()
    synced = st.session_state.setdefault(_SYNCED_ON, {})
    if key not in st.session_state or st.session_state[key] != value or synced.get(key) != page:
        st.session_state[key] = value
    synced[key] = page
    if was_carried:
        choose(name, value)
    else:
        set_param(name, None)
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
                  on_change=lambda: choose(name, st.session_state[key]), **kw)


def multiselect(label: str, options: Sequence, name: str, default: Sequence = (), *, format_func=str,
                max_selections: int | None = None, container=None, **kw) -> list:
    """A multiselect bound to a comma-separated URL parameter."""
    options = list(options)
    raw = st.query_params.get(name)
    value = [v for v in raw.split(",") if v in options] if raw else [v for v in default if v in options]
    if max_selections:
        value = value[:max_selections]
    key = widget_key(name)
    st.session_state[key] = value
    set_param(name, value, list(default))
    ui = container or st
    return ui.multiselect(label, options, key=key, format_func=format_func, max_selections=max_selections,
                          on_change=lambda: set_param(name, st.session_state[key], list(default)), **kw)
