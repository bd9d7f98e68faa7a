"""Draw a chart and offer it as an image: every chart in the app goes through ``show``."""
from __future__ import annotations

import streamlit as st

from dashboard.images import image_download_buttons


def show(fig, *, key: str, name: str | None = None, lang: str | None = None, **plotly_kwargs):
    """``st.plotly_chart`` plus a 'Download image' popover (PNG/SVG, screen and 16:9 sizes); returns the
    selection event when ``on_select`` is given."""
    plotly_kwargs.setdefault("config", {"displaylogo": False})
    event = st.plotly_chart(fig, key=key, **plotly_kwargs)
    image_download_buttons(fig, name or key, f"img_{key}", lang)
    return event
