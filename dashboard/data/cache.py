"""``shared``: a cache for the frames the app reads and derives, without a copy per read.

``st.cache_data`` pickles a result when it stores it and unpickles a copy on every read, so that a
caller's change cannot leak into other sessions: reading the indicator catalogue cost 2-7 ms a time,
several times a rerun. ``shared`` keeps one result per input in the process (``st.cache_resource``) and
hands out shallow copies: pandas' copy-on-write makes a shallow copy cost microseconds, and any change
made to it — a new column, an assignment — stays in that copy. Frames inside tuples, lists and dicts
are copied the same way. Use it for frames and containers of frames, not for mutable nested data.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import streamlit as st


def shallow(value):
    """A copy of ``value`` sharing every frame's data: frames and series shallow-copied, tuples, lists and
    dicts rebuilt around shallow copies, anything else as it is."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(shallow(v) for v in value)
    if isinstance(value, list):
        return [shallow(v) for v in value]
    if isinstance(value, dict):
        return {k: shallow(v) for k, v in value.items()}
    return value


def shared(max_entries: int) -> Callable:
    """Decorator: ``fn`` computed once per distinct arguments in this process, read without a deep copy."""
    def decorate(fn: Callable) -> Callable:
        cached = st.cache_resource(max_entries=max_entries, show_spinner=False)(fn)

        @functools.wraps(fn)
        def read(*args, **kwargs):
            return shallow(cached(*args, **kwargs))

        read.clear = cached.clear
        return read
    return decorate
