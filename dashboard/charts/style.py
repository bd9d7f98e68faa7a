"""What every chart shares so that a screenshot or an exported image stands alone: ``finish`` writes
the title (what — where, when), the footer (unit, source, quality, extras), the EXAMPLE mark and the
language's number separators; and the palettes of bars, lines, operator groups, flows and scores
(colour-blind safe: ColorBrewer, Okabe–Ito). The map classes' palettes are in ``classify``.

Charts are drawn on screens as narrow as a phone (390 px): the title, the EXAMPLE mark and the footer are
wrapped, measured with the font, to fit ``SCREEN_TEXT_WIDTH``, and the legend is a horizontal band between
the title and the plot — never over a map. The unwrapped title and footer stay in ``layout.meta`` so an
exported image re-wraps them to its own width (escaped there too: ``unwrapped_meta``).

Plotly reads a subset of HTML in titles, hover templates, text, tick and legend labels and
annotations: every text that comes from data goes through ``plain`` (``text.plain.html``) before it
reaches a figure, here and in every builder; the product's own markup (``<br>``, ``<b>``) is added
around it afterwards (``screen_lines`` measures the plain text and escapes each line it returns).
``mark_quality`` records the quality of the rows a figure shows in its layout (``layout.meta``, beside
the unwrapped title and footer), which the image export reads for the file name.
"""
from __future__ import annotations

import html as _html

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.model.meta import ChartMeta, chart_footer, example_mark
from dashboard.model.quality import Quality
from dashboard.text import measure
from dashboard.text.i18n import translator
from dashboard.text.names import SHORT_NAMES, short_name
from dashboard.text.plain import html as plain

SCREEN_TEXT_WIDTH = 320   # px: a 390 px phone less the page's padding and the chart's own margins
TITLE_SIZE, FOOTER_SIZE, MARK_SIZE, LEGEND_SIZE = 15, 11, 12, 12
MODEBAR = 30              # px kept free above the title for plotly's tool bar
LEGEND_ROW = 24           # px per row of the horizontal legend


def screen_lines(text: str, size: float, width: float = SCREEN_TEXT_WIDTH) -> list[str]:
    """``text`` (plain text) wrapped to ``width`` px at ``size`` px as a browser draws plotly's text
    (Verdana's metrics); each line escaped for plotly (``plain``), for the product to join with ``<br>``."""
    return [plain(line) for line in measure.wrap(str(text), size, width, family="verdana")] if text else [""]


def legend_rows(fig: go.Figure | dict, legend_title: str = "", width: float = SCREEN_TEXT_WIDTH) -> int:
    """Rows the horizontal legend takes at ``width`` px (0 when the chart shows no legend); ``fig`` a
    Figure or its plain data (``{"data": [trace dicts], "layout": {…}}``)."""
    if isinstance(fig, go.Figure):
        shown = [(tr.showlegend, tr.name) for tr in fig.data]
        showlegend = fig.layout.showlegend
    else:
        shown = [(tr.get("showlegend"), tr.get("name")) for tr in fig.get("data", [])]
        showlegend = fig.get("layout", {}).get("showlegend")
    names = [_html.unescape(str(name)) for show, name in shown if show is not False and name]
    if not names or (len(names) < 2 and showlegend is not True):
        return 0
    rows, used = 1, measure.text_width(legend_title or "", LEGEND_SIZE, family="verdana") + 10
    for name in names:
        item = measure.text_width(str(name), LEGEND_SIZE, family="verdana") + 44   # symbol and gaps
        if used + item > width and used > 0:
            rows, used = rows + 1, 0
        used += item
    return rows


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


def unwrapped_meta(title: str, footer: str) -> dict:
    """The unwrapped title and footer kept in ``layout.meta`` for an image to re-wrap at its own width
    (``unwrapped_texts``). Escaped like every other text of the figure: plotly puts ``layout.meta`` into
    any title, annotation or hover template that says ``%{meta…}``, and the whole figure goes to the
    browser, so no data text stays there as live markup."""
    return {"title": plain(title), "footer": plain(footer)}


def unwrapped_texts(fig: go.Figure) -> tuple[str, str]:
    """The plain (unescaped) title and footer ``unwrapped_meta`` kept in ``fig``, '' when none, for
    ``screen_lines`` to wrap again (it escapes each line it returns)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return _html.unescape(meta.get("title") or ""), _html.unescape(meta.get("footer") or "")


def mark_quality(fig: go.Figure, quality: Quality | str) -> go.Figure:
    """Record the quality of the rows ``fig`` shows (``layout.meta``), for the image export's file name;
    what ``layout.meta`` already holds (``finish``'s unwrapped title and footer) is kept."""
    kept = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(meta={**kept, **_quality_meta(quality)})
    return fig


def example_title(title: str, quality: Quality | str, lang: str) -> str:
    """'[EXAMPLE DATA] <title>' when the rows shown include example data (plain text in, plain text out)."""
    return f"[{translator(lang)('EXAMPLE DATA')}] {title}" if Quality.of(quality).is_example else title


def finish(fig: go.Figure | dict, meta: ChartMeta, lang: str, title: str, extra_footer: list[str],
           legend_title: str, margin: dict | None = None, footer_shift: int = -8,
           axis_width: float = 0) -> go.Figure:
    """A copy of ``fig`` with title (what — where, when), footer (unit, source, quality, extras), example mark, number
    separators of the language, the legend as a band above the plot; ``footer_shift`` (px below the plot
    area) clears axis titles. ``margin`` values are minimums: the title and legend always get their room.
    ``axis_width``: px the left axis (ticks, labels, title) takes; the footer starts under it, so it is
    wrapped that much narrower. ``title``, ``extra_footer`` and ``legend_title`` are plain text (escaped
    here).

    ``fig`` is a Figure or, cheaper, its plain data: ``{"data": [trace dicts with their "type"],
    "layout": {…}}``, which plotly then validates once, here (neither is changed). The figure returned
    has the default template with the defaults of the trace types it draws only (``trim_template``)."""
    footer = chart_footer(meta, lang, extra_footer)
    title = example_title(title, meta.quality, lang)
    title_lines = screen_lines(title, TITLE_SIZE)
    footer_lines = screen_lines(footer, FOOTER_SIZE, SCREEN_TEXT_WIDTH - axis_width)
    mark_lines = screen_lines(example_mark(lang), MARK_SIZE) if meta.is_example else []
    rows = legend_rows(fig, legend_title)
    legend_h = rows * LEGEND_ROW
    mark_h = int(len(mark_lines) * MARK_SIZE * 1.3 + 10) if mark_lines else 0
    top = int(MODEBAR + len(title_lines) * TITLE_SIZE * 1.35 + mark_h + legend_h + 10)
    bottom = int(-footer_shift + 12 + len(footer_lines) * FOOTER_SIZE * 1.35)
    given = margin or {}
    margin = {"l": given.get("l", 10), "r": given.get("r", 10), "t": max(top, given.get("t", 0)),
              "b": max(bottom, given.get("b", 0))}
    # the layout is edited as plain data and the figure built once from it: plotly's update_layout and
    # add_annotation re-validate and re-dispatch every property they touch, several times a chart
    # (the traces are copied as they are; the layout as plain data, arrays kept as arrays)
    if isinstance(fig, go.Figure):
        data = fig.data
        layout = {k: v for k, v in fig.layout.to_plotly_json().items() if k != "template"}  # it gets the default
    else:
        data = fig.get("data", [])
        layout = {k: v for k, v in fig.get("layout", {}).items() if k != "template"}
    if layout.get("height"):   # a chart of a set height keeps its plot area: the wrapped texts add to it
        base = given.get("t", 60) + given.get("b", 60)
        layout["height"] += max(0, margin["t"] + margin["b"] - base)
    layout = _merge(layout, {
        "title": {"text": "<br>".join(title_lines), "x": 0.01, "xanchor": "left", "font": {"size": TITLE_SIZE},
                  "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": MODEBAR}},
        "legend": {"title": {"text": plain(legend_title), "side": "left"}, "itemclick": "toggle",
                   "orientation": "h", "bgcolor": "rgba(255,255,255,0)", "x": 0, "xanchor": "left", "y": 1,
                   "yanchor": "bottom", "font": {"size": LEGEND_SIZE}},
        "margin": margin,
        "paper_bgcolor": "white",
        "separators": ".," if lang == "en" else ",.",
        "plot_bgcolor": "white",
    })
    # for images of another width, and the quality of the rows shown (what ``mark_quality`` writes)
    layout["meta"] = {**unwrapped_meta(title, footer), **_quality_meta(meta.quality)}
    annotations = list(layout.get("annotations", []))
    annotations.append({"text": "<br>".join(footer_lines), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                        "xanchor": "left", "yanchor": "top", "yshift": footer_shift, "showarrow": False,
                        "align": "left", "font": {"size": FOOTER_SIZE, "color": "#444"}})
    if mark_lines:   # above the legend, under the title
        annotations.append({"text": "<br>".join(mark_lines), "xref": "paper", "yref": "paper", "x": 0, "y": 1,
                            "xanchor": "left", "yanchor": "bottom", "yshift": 4 + legend_h, "showarrow": False,
                            "align": "left", "font": {"size": MARK_SIZE, "color": "#b2182b"},
                            "bgcolor": "rgba(255,255,255,0.85)", "bordercolor": "#b2182b", "borderwidth": 1})
    layout["annotations"] = annotations
    return _with_trimmed_template(go.Figure(data=data, layout=layout))


def _merge(base: dict, update: dict) -> dict:
    """``update`` merged into a copy of ``base`` as plotly's ``update_layout`` merges it: nested objects key
    by key (``base`` and its nested objects are left as they are)."""
    out = dict(base)
    for k, v in update.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _quality_meta(quality: Quality | str) -> dict:
    q = Quality.of(quality)
    return {"quality": q.tier, "tiers": sorted(q.tiers), "example": q.is_example}


def trim_template(fig: go.Figure) -> go.Figure:
    """``fig`` with a template that keeps its per-trace-type defaults only for the trace types ``fig``
    draws: a copy, or ``fig`` itself when its template has nothing else (``finish`` trims it already).

    Every figure carries its whole template (Streamlit's theme template: defaults for candlestick,
    contour, heatmap, histogram2d, table, waterfall …): a third of a map's bytes on every rerun, for
    trace types it does not have. Defaults of absent types change nothing; the layout part is kept.
    The copy is built once from plain data (assigning a template to a figure re-validates it twice)."""
    used = {trace.type for trace in fig.data}
    if set(fig.layout.template.data.to_plotly_json()) <= used:
        return fig
    layout = fig.layout.to_plotly_json()
    template = layout.get("template") or {}
    layout["template"] = {"layout": template.get("layout", {}),
                          "data": {kind: traces for kind, traces in template.get("data", {}).items() if kind in used}}
    return go.Figure(data=fig.data, layout=layout)


# (the default template's name, the trace types drawn) -> (the default template, its trimmed copy)
_TRIMMED: dict[tuple[str, frozenset], tuple[go.layout.Template, go.layout.Template]] = {}


def _trimmed_default(used: frozenset) -> go.layout.Template | None:
    """The default template (``plotly.io.templates.default``) with the per-trace-type defaults of ``used``
    only, built once per registered template and set of types (None without a default template)."""
    name = pio.templates.default
    if name is None:
        return None
    source = name if isinstance(name, go.layout.Template) else pio.templates[name]
    key = (name if isinstance(name, str) else id(name), used)
    kept = _TRIMMED.get(key)
    if kept is None or kept[0] is not source:      # a template registered again under the same name
        full = source.to_plotly_json()
        kept = (source, go.layout.Template(layout=full.get("layout", {}), data={
            kind: traces for kind, traces in full.get("data", {}).items() if kind in used}))
        _TRIMMED[key] = kept
    return kept[1]


def _with_trimmed_template(fig: go.Figure) -> go.Figure:
    """``fig`` (just built, with the default template) given the trimmed default template instead.

    Set as plotly sets the default template on every new figure: without validating it again (it was
    validated when it was built), which costs a tenth of validating it (``trim_template``'s copy)."""
    template = _trimmed_default(frozenset(trace.type for trace in fig.data))
    if template is None:
        return fig
    layout = fig.layout
    validate = layout._validate
    layout._validate = False        # plotly's own way (BaseFigure._initialize_layout_template)
    try:
        layout.template = template
    finally:
        layout._validate = validate
    return fig
