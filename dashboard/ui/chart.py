"""Draw a chart, give it its text alternative and offer it as an image: every chart in the app goes
through ``show``; under it, the chart as a table (``charts.alt``, in an expander: what a screen reader or a
keyboard user reads instead of the picture) and the 'Download image' popover, which renders PNG / SVG with
``exports.images`` only when a button is clicked."""
from __future__ import annotations

from functools import partial

import plotly.graph_objects as go
import streamlit as st

from dashboard.charts.alt import figure_table
from dashboard.exports import images
from dashboard.text.i18n import translator

CHART_CONFIG = {"displaylogo": False}   # plotly's mode bar without the plotly logo


def show(fig, *, key: str, name: str | None = None, lang: str | None = None, **plotly_kwargs):
    """``st.plotly_chart`` plus a 'Download image' popover (PNG/SVG, screen and 16:9 sizes); returns the
    selection event when ``on_select`` is given."""
    plotly_kwargs.setdefault("config", CHART_CONFIG)
    event = st.plotly_chart(fig, key=key, **plotly_kwargs)
    text_alternative(fig, lang)
    image_download_buttons(fig, name or key, f"img_{key}", lang)
    return event


def text_alternative(fig: go.Figure, lang: str | None = None) -> None:
    """The chart as a plain HTML table, in an expander under it (nothing when it has nothing to tabulate)."""
    lang = lang or st.session_state.get("lang") or "fr"
    table = figure_table(fig, lang)
    if table is not None and len(table):
        with st.expander(translator(lang)("The chart as a table"), icon=":material/table_chart:"):
            st.table(table.set_index(table.columns[0]))


def image_download_buttons(fig: go.Figure, name: str, key: str, lang: str | None = None) -> None:
    """A 'Download image' popover under a chart: PNG and SVG, on-screen and 16:9 slide sizes. Images are
    computed only when a button is clicked (``data=callable``; the callable gets everything it needs)."""
    _ = translator(lang or st.session_state.get("lang") or "fr")
    if not images.available():
        st.caption(_("Image export is not available on this server (kaleido or Chromium missing)."))
        return
    spec = fig   # serialised only when a button is clicked, never on a rerun
    example = images.figure_is_example(fig)
    sw, sh = images.pixel_size(fig, "screen")
    labels = {("png", "screen"): _("PNG, on-screen size ({w}×{h})", w=sw, h=sh),
              ("png", "slide"): _("PNG, slide 16:9 ({w}×{h})", w=1920, h=1080),
              ("svg", "screen"): _("SVG, on-screen size"),
              ("svg", "slide"): _("SVG, slide 16:9")}
    with st.popover(_("Download image"), icon=":material/download:", key=f"{key}_img"):
        for (fmt, size), label in labels.items():
            st.download_button(label, data=partial(images.figure_image, spec, fmt, size), on_click="ignore",
                               file_name=images.file_name(name, fmt, size, example), mime=images.MIME[fmt],
                               key=f"{key}_img_{fmt}_{size}", width="stretch")
