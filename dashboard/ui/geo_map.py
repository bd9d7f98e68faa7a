"""The geographic map of the communes on a page, drawn as SVG by the browser (``assets/geo_map.js``), not by
plotly.js: the figure of ``maps.choropleth`` is still built (cached by ``chart.figure``) and is what its
table, its image export and the embed show; the page sends only ``charts.svg_map.geo_map_spec`` of it (classes,
colours, hover texts) and the browser fetches the boundaries once from their versioned URL.

A click on a commune (or Enter on it: each commune is a focusable link) returns its NIS code, as a click on
a plotly map did through ``maps.selected_commune``.
"""
from __future__ import annotations

import streamlit as st

from dashboard.charts.svg_map import geo_map_spec
from dashboard.config import GEO_MAP_JS
from dashboard.ui import chart

_HTML = '<div class="bsim-geo" data-testid="bsim-geo-map"></div>'


def compact(source: str) -> str:
    """``source`` (JS) without its whole-line ``//`` comments, indentation and blank lines: it travels with
    the map's element whenever the map changes (its CSS is in ``assets/app.css``, sent once)."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


@st.cache_resource(show_spinner=False)
def _component():
    return st.components.v2.component("bsim_geo_map", html=_HTML, js=compact(GEO_MAP_JS.read_text(encoding="utf-8")),
                                      isolate_styles=False)


def _spec(fig, url: str, lang: str) -> dict:
    """``geo_map_spec``, kept on a figure shared by ``chart.figure`` (it never changes) per URL and language."""
    kept = fig.__dict__.setdefault("_geo_specs", {})
    if (url, lang) not in kept:
        kept[(url, lang)] = geo_map_spec(fig, url, lang)
    return kept[(url, lang)]


def show(fig, geometry_url: str, *, key: str, lang: str, name: str | None = None) -> str | None:
    """Draw ``fig`` (a ``maps.choropleth`` figure) as the page's SVG map, with its table and 'Download image'
    under it (``chart.text_alternative``, ``chart.image_download_buttons``); the NIS code of the commune
    clicked in this rerun, else None."""
    result = _component()(data=_spec(fig, str(geometry_url), lang), key=key, on_clicked_change=lambda: None)
    chart.text_alternative(fig, lang, key)
    chart.image_download_buttons(fig, name or key, f"img_{key}", lang)
    return getattr(result, "clicked", None)
