"""Draw a chart, give it its text alternative and offer it as an image: every chart in the app goes
through ``show``; under it, the chart as a table (``charts.alt``, in an expander built when it is opened:
what a screen reader or a keyboard user reads instead of the picture) and the 'Download image' popover,
whose buttons are built only when it is opened (``ui.lazy``) and which renders PNG / SVG with
``exports.images`` only when a button is clicked.

``figure(builder, *args, **kwargs)`` builds a figure once per distinct arguments in this process and
hands the same object to every later rerun and session: building a plotly figure (validation of
every property) cost most of a page's rerun, sending an already built one a few milliseconds. The
arguments are hashed as they are (frames by content, ChartMeta field by field), so the cache cannot
serve a figure built from other inputs. The figure returned is shared: never change it. Its template
keeps the defaults of the trace types it draws only (``charts.style.trim_template``).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.charts.alt import figure_table
from dashboard.charts.maps import Boundaries
from dashboard.charts.style import trim_template
from dashboard.exports import images
from dashboard.text.i18n import Translator, translator
from dashboard.text.plain import md
from dashboard.ui import lazy

CHART_CONFIG = {"displaylogo": False}   # plotly's mode bar without the plotly logo
FIGURES_KEPT = 512                      # figures kept per process (a map is ~20 KB of Python objects)


def _frame_key(df: pd.DataFrame) -> str:
    """A frame's content as text (columns, types, index, values): a twentieth of the cost of Streamlit's
    default frame hashing, which took a quarter of a rerun for the small frames figures are built from."""
    return repr((list(df.columns), [str(t) for t in df.dtypes], df.index.tolist(), df.to_numpy().tolist()))


# a translator (``_``) passed to a builder stands for its language; boundaries for their URL and attribution
@st.cache_resource(max_entries=FIGURES_KEPT, show_spinner=False,
                   hash_funcs={Translator: lambda t: t.lang, pd.DataFrame: _frame_key,
                               Boundaries: lambda b: (str(b), b.attribution)})
def _built(name: str, args: tuple, kwargs: dict, _builder: Callable[..., go.Figure]) -> go.Figure:
    fig = trim_template(_builder(*args, **kwargs))
    fig._alt_tables = {}    # a shared figure never changes: its text alternative is computed once per language
    return fig


def figure(builder: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
    """``builder(*args, **kwargs)``, built once per distinct arguments and builder, then shared (read-only).

    ``builder`` must be a pure function of its arguments (the chart builders of ``dashboard.charts``)."""
    return _built(f"{builder.__module__}.{builder.__qualname__}", args, kwargs, builder)


def show(fig, *, key: str, name: str | None = None, lang: str | None = None, table: bool = True, **plotly_kwargs):
    """``st.plotly_chart`` plus a 'Download image' popover (PNG/SVG, screen and 16:9 sizes); returns the
    selection event when ``on_select`` is given. ``table=False``: the caller shows the chart's figures as a
    table right under it (its text alternative), so the expander of ``text_alternative`` would repeat it."""
    plotly_kwargs.setdefault("config", CHART_CONFIG)
    event = st.plotly_chart(fig, key=key, **plotly_kwargs)
    if table:
        text_alternative(fig, lang, key)
    image_download_buttons(fig, name or key, f"img_{key}", lang)
    return event


def text_alternative(fig: go.Figure, lang: str | None = None, key: str = "chart") -> None:
    """The chart as a plain table, in an expander under it whose table is built when it is opened
    (nothing when the chart has nothing to tabulate)."""
    lang = lang or st.session_state.get("lang") or "fr"
    kept = getattr(fig, "_alt_tables", None)     # a figure shared by ``figure``: its tables, per language
    if kept is not None and lang in kept:
        table = kept[lang]
    else:
        table = _alt_table(fig, lang)
        if kept is not None:
            kept[lang] = table
    if table is None:
        return
    lazy.expander(translator(lang)("The chart as a table"), partial(st.table, table),
                  key=f"alt_{key}", icon=":material/table_chart:")


def _alt_table(fig: go.Figure, lang: str) -> pd.DataFrame | None:
    """``figure_table`` as the page shows it (Markdown-escaped, indexed by its first column); None when the
    chart has nothing to tabulate."""
    table = figure_table(fig, lang, then=md)      # st.table reads Markdown: cells and headings escaped
    if table is None or not len(table):
        return None
    return table.set_index(table.columns[0])


def _download_buttons(fig: go.Figure, name: str, key: str, lang: str) -> None:
    _ = translator(lang)
    example = images.figure_is_example(fig)
    sw, sh = images.pixel_size(fig, "screen")
    labels = {("png", "screen"): _("PNG, on-screen size ({w}×{h})", w=sw, h=sh),
              ("png", "slide"): _("PNG, slide 16:9 ({w}×{h})", w=1920, h=1080),
              ("svg", "screen"): _("SVG, on-screen size"),
              ("svg", "slide"): _("SVG, slide 16:9")}
    for (fmt, size), label in labels.items():
        # the figure is serialised only when a button is clicked, never on a rerun
        st.download_button(label, data=partial(images.figure_image, fig, fmt, size), on_click="ignore",
                           file_name=images.file_name(name, fmt, size, example), mime=images.MIME[fmt],
                           key=f"{key}_img_{fmt}_{size}", width="stretch")


def image_download_buttons(fig: go.Figure, name: str, key: str, lang: str | None = None) -> None:
    """A 'Download image' popover under a chart: PNG and SVG, on-screen and 16:9 slide sizes. The buttons
    are built when the popover is opened; images are computed only when a button is clicked
    (``data=callable``; the callable gets everything it needs)."""
    lang = lang or st.session_state.get("lang") or "fr"
    _ = translator(lang)
    if not images.available():
        st.caption(_("Image export is not available on this server (kaleido or Chromium missing)."))
        return
    lazy.popover(_("Download image"), partial(_download_buttons, fig, name, key, lang), key=f"{key}_img",
                 icon=":material/download:")
