"""What every chart shares so that a screenshot or an exported image stands alone: ``finish`` writes
the title (what — where, when), the footer (unit, source, quality, extras), the EXAMPLE mark and the
language's number separators; and the palettes of bars, lines, operator groups, flows and scores
(colour-blind safe: ColorBrewer, Okabe–Ito). The map classes' palettes are in ``classify``.

Plotly reads a subset of HTML in titles, hover templates, text, tick and legend labels and
annotations: every text that comes from data goes through ``plain`` (``text.plain.html``) before it
reaches a figure, here and in every builder; the product's own markup (``<br>``, ``<b>``) is added
around it afterwards. ``mark_quality`` records the quality of the rows a figure shows in its layout
(``layout.meta``), which the image export reads for the file name.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.model.meta import ChartMeta, chart_footer, example_mark
from dashboard.model.quality import Quality
from dashboard.text.i18n import translator
from dashboard.text.names import SHORT_NAMES, short_name
from dashboard.text.plain import html as plain

TITLE_WIDTH = 70      # characters per title line
FOOTER_WIDTH = 120    # characters per footer line

BAR = "#2c7fb8"
BAR_HIGHLIGHT = "#f46d43"
REGION_COLOUR = "#222222"   # the Brussels-Capital Region: dashed line, diamond
# Okabe–Ito (colour-blind safe) for up to 7 commune lines; the region is black, dashed
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
GROUP_COLOURS = {"reuse": "#0072B2", "sorting": "#56B4E9", "recypark": "#999999", "repair": "#E69F00",
                 "food": "#D55E00", "green": "#009E73", "enterprise": "#CC79A7", "other": "#000000"}
FLOW_COLOURS = {"collected_t": "#bdbdbd", "reused_t": "#1b7837", "recycled_t": "#5aae61"}
# the scorecard's fixed score classes (score_bin: -1 unknown, 0 … 4), light = low
BIN_COLOURS = {-1: "#d9d9d9", 0: "#ffffcc", 1: "#a1dab4", 2: "#41b6c4", 3: "#2c7fb8", 4: "#253494"}


def plain_short_name(nis_code, row, lang: str, *, line_break: bool = False) -> str:
    """``names.short_name`` ready for plotly: the product's own short names keep their ``<br>``, any
    other name (from data) is escaped."""
    if str(nis_code) in SHORT_NAMES.get(lang, SHORT_NAMES["fr"]):
        return short_name(nis_code, row, lang, line_break=line_break)
    return plain(short_name(nis_code, row, lang))


def mark_quality(fig: go.Figure, quality: Quality | str) -> go.Figure:
    """Record the quality of the rows ``fig`` shows (``layout.meta``), for the image export's file name."""
    q = Quality.of(quality)
    fig.update_layout(meta={"quality": q.tier, "tiers": sorted(q.tiers), "example": q.is_example})
    return fig


def example_title(title: str, quality: Quality | str, lang: str) -> str:
    """'[EXAMPLE DATA] <title>' when the rows shown include example data (plain text in, plain text out)."""
    return f"[{translator(lang)('EXAMPLE DATA')}] {title}" if Quality.of(quality).is_example else title


def wrap_plain(text: str, width: int) -> list[str]:
    """Data text escaped for plotly and cut into lines of about ``width`` characters (words and
    entities are never cut), for the product to join with ``<br>``."""
    return [plain(line) for line in textwrap.wrap(text, width, break_long_words=False,
                                                  break_on_hyphens=False)] or [""]


def finish(fig: go.Figure, meta: ChartMeta, lang: str, title: str, extra_footer: list[str],
           legend_title: str, margin: dict | None = None, footer_shift: int = -8) -> go.Figure:
    """Title (what — where, when), footer (unit, source, quality, extras), example mark, number
    separators of the language; ``footer_shift`` (px below the plot area) clears axis titles.
    ``title``, ``extra_footer`` and ``legend_title`` are plain text (escaped here)."""
    footer = chart_footer(meta, lang, extra_footer)
    title = example_title(title, meta.quality, lang)
    # wrap so a long title or source stays inside a screenshot or exported image
    title_lines = wrap_plain(title, TITLE_WIDTH)
    footer_lines = wrap_plain(footer, FOOTER_WIDTH)
    title, footer = "<br>".join(title_lines), "<br>".join(footer_lines)
    margin = dict({"l": 10, "r": 10, "t": 30 + 20 * len(title_lines), "b": 40 + 14 * len(footer_lines)},
                  **(margin or {}))
    if meta.is_example:
        margin["t"] += 28
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        legend={"title": {"text": plain(legend_title)}, "itemclick": "toggle", "bgcolor": "rgba(255,255,255,0.8)",
                "x": 0.99, "xanchor": "right", "y": 0.99, "yanchor": "top"},
        margin=margin,
        paper_bgcolor="white",
        separators=".," if lang == "en" else ",.",
        plot_bgcolor="white",
    )
    fig.add_annotation(text=footer, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=footer_shift, showarrow=False, align="left", font={"size": 11, "color": "#444"})
    mark_quality(fig, meta.quality)
    if meta.is_example:
        fig.add_annotation(text=plain(example_mark(lang)), xref="paper", yref="paper", x=0, y=1,
                           xanchor="left", yanchor="bottom", yshift=4, showarrow=False,
                           font={"size": 13, "color": "#b2182b"}, bgcolor="rgba(255,255,255,0.85)",
                           bordercolor="#b2182b", borderwidth=1)
    return fig
