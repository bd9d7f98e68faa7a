"""Links between pages that keep the user's choices (``state.carried``), and the keyboard way to open a
commune's profile from a map: a picker beside every clickable map does what a click does."""
from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard.charts import maps
from dashboard.ui import state

COMMUNE_PAGE = "views/commune.py"


def open_commune(nis: str, **params) -> None:
    """Open the profile of ``nis`` (remembered as the user's commune) with the carried choices."""
    state.remember("commune", nis)
    st.switch_page(COMMUNE_PAGE, query_params=state.carried(commune=nis, **params))


def page_link(page: str, label: str, icon: str | None = None, **params) -> None:
    """``st.page_link`` to ``page`` carrying the language and the remembered choices, then ``params``."""
    st.page_link(page, label=label, icon=icon, query_params=state.carried(**params))


def on_commune_click(nis: str | None, codes: Iterable[str], **params) -> None:
    """A commune clicked on a map (its NIS code, None when none was) opens its profile, if it is one of ``codes``."""
    if nis in set(codes):
        open_commune(nis, **params)


def on_map_click(event, codes: Iterable[str], **params) -> None:
    """A click on a commune of a plotly map (``st.plotly_chart`` selection event) opens its profile."""
    on_commune_click(maps.selected_commune(event), codes, **params)


def commune_opener(ctx, codes: Iterable[str], *, key: str, **params) -> None:
    """A picker under a map that does what a click on the map does (keyboard and screen-reader users)."""
    _ = ctx._
    codes = list(codes)
    choice = st.selectbox(_("Open the profile of a commune"), codes, index=None, key=f"{key}_{ctx.lang}",
                          format_func=ctx.both_names, placeholder=_("Choose a commune"))
    if choice in codes:
        open_commune(choice, **params)
