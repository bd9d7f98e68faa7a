"""The scorecard's small maps: one equal-tile map per tip, its score in fixed classes (0, below a
third, a third to two thirds, two thirds and more, 100 %), unknown in grey; every tile names its commune
and shows its score, the legend is a band above the tiles."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import (
    BIN_COLOURS,
    LEGEND_ROW,
    MODEBAR,
    finish,
    legend_rows,
    mark_quality,
    plain,
    plain_short_name,
    screen_lines,
    unwrapped_meta,
)
from dashboard.model.meta import ChartMeta, chart_title
from dashboard.model.quality import Quality
from dashboard.model.tips import score_bin
from dashboard.text import measure
from dashboard.text.i18n import translator

# the colour of each status in the progress bars, from no evidence (grey) to done (dark blue): ColorBrewer
STATUS_COLOURS = {"unknown": "#d9d9d9", "none": "#fdae61", "committed": "#a1dab4", "in_progress": "#41b6c4",
                  "done": "#253494"}


def score_tile_map(values: pd.DataFrame, tiles: pd.DataFrame, *, lang: str, _, title: str, footer: str,
                   quality: Quality | str | None = None) -> go.Figure:
    """Small equal-tile map of one tip's score (``values``: nis_code, value 0–1 or NaN, name_fr, name_nl),
    fixed classes (0, below ⅓, ⅓–⅔, ⅔ and more, 100 %), unknown in grey; the example mark when
    ``quality`` (of the assessments the scores count) has example rows. ``title``, ``footer``: plain text."""
    quality = Quality.of(quality)
    example = quality.is_example
    labels = {-1: _("unknown"), 0: "0 %", 1: "< 33 %", 2: "33–66 %", 3: "≥ 67 %", 4: "100 %"}
    pos = tiles.set_index("nis_code")[["tile_row", "tile_col"]]
    v = values.set_index("nis_code")
    fig = go.Figure()
    h = 0.46
    for b in (4, 3, 2, 1, 0, -1):
        codes = [c for c in pos.index if score_bin(v["value"].get(c, np.nan)) == b]
        xs, ys, cx, cy, text, hover = [], [], [], [], [], []
        for c in codes:
            x, y = float(pos.loc[c, "tile_col"]), -float(pos.loc[c, "tile_row"])
            xs += [x - h, x + h, x + h, x - h, x - h, None]
            ys += [y - h, y - h, y + h, y + h, y - h, None]
            cx.append(x)
            cy.append(y)
            val = v["value"].get(c, np.nan)
            pct = "" if np.isnan(val) else f"{val * 100:.0f}"
            row = v.loc[c] if c in v.index and "name_fr" in v else {"name_fr": c}
            text.append(plain_short_name(c, row, lang, line_break=True) + (f"<br><b>{pct}</b>" if pct else ""))
            name = plain_short_name(c, row, lang)
            hover.append(f"{name}: {pct + ' %' if pct else _('unknown')}")
        fig.add_trace(go.Scatter(x=xs or [None], y=ys or [None], mode="lines", fill="toself",
                                 fillcolor=BIN_COLOURS[b], line={"color": "white", "width": 1}, name=labels[b],
                                 legendgroup=str(b), showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=labels[b], legendgroup=str(b),
                                 marker={"symbol": "square", "size": 11, "color": BIN_COLOURS[b],
                                         "line": {"color": "#969696", "width": 1}}, showlegend=True))
        fig.add_trace(go.Scatter(x=cx or [None], y=cy or [None], mode="text", text=text,
                                 textfont={"size": 8, "color": "white" if b >= 3 else "#222"},
                                 hovertext=hover, hoverinfo="text", showlegend=False, legendgroup=str(b),
                                 customdata=codes))
    max_row, max_col = int(pos["tile_row"].max()), int(pos["tile_col"].max())
    fig.update_xaxes(visible=False, range=[-0.6, max_col + 0.6], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-max_row - 0.6, 0.6], fixedrange=True, scaleanchor="x", scaleratio=1)
    raw = (f"[{_('EXAMPLE DATA')}] " if example else "") + title   # plain text: screen_lines escapes it
    lines = screen_lines(raw, 13)
    rows = legend_rows(fig)
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0.01, "font": {"size": 13}, "yref": "container", "y": 1,
               "yanchor": "top", "pad": {"t": MODEBAR}},
        height=330 + 17 * len(lines) + LEGEND_ROW * rows, dragmode=False, paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 5, "r": 5, "t": int(MODEBAR + 17 * len(lines) + LEGEND_ROW * rows + 8), "b": 30},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom", "font": {"size": 11}},
        meta=unwrapped_meta(raw, footer),
    )
    mark_quality(fig, quality)
    fig.add_annotation(text=plain(footer), xref="paper", yref="paper", x=0, y=0, yshift=-8, xanchor="left",
                       yanchor="top", showarrow=False, font={"size": 10, "color": "#444"})
    return fig


TIP_LABEL_CHARS = 22     # a tip's title wrapped at this many characters on the progress chart
TIP_LABEL_SIZE = 11


def tip_progress_figure(progress: pd.DataFrame, statuses: pd.DataFrame, tip_titles: dict[int, str], *, lang: str,
                        meta: ChartMeta) -> go.Figure:
    """Stacked horizontal bars, one per tip: how many of the 19 communes reached each status as their furthest
    step on the tip (``model.tips.tip_progress``), done first, unknown last, labelled with the counts.
    ``tip_titles`` and the status labels are text from the database: escaped for plotly here."""
    _ = translator(lang)
    st = statuses.set_index("status") if "status" in statuses.columns else statuses
    fig = go.Figure()
    tips = sorted(progress["tip_id"].unique(), reverse=True)
    # the tips' titles on short lines (in full), their width measured: the bars start at a known place and
    # the footer at the figure's left edge under the titles (an automatic margin pushed it off a phone's screen)
    lines = [textwrap.wrap(tip_titles.get(int(t), _("Tip {n}", n=int(t))), TIP_LABEL_CHARS) for t in tips]
    y = ["<br>".join(plain(line) for line in ls) for ls in lines]
    label_width = int(max([measure.text_width(line, TIP_LABEL_SIZE, family="verdana")
                           for ls in lines for line in ls] or [0]) + 8)
    for status in reversed(list(st.sort_values("rank").index)):
        part = progress[progress["status"] == status].set_index("tip_id").reindex(tips)
        n = part["n"].fillna(0).astype(int).tolist()
        label = plain(f"{st.loc[status, 'icon']} {st.loc[status, f'label_{lang}']}")
        fig.add_trace(go.Bar(
            x=n, y=y, orientation="h", name=label, marker_color=STATUS_COLOURS.get(status, "#999999"),
            text=[str(v) if v else "" for v in n], textposition="inside", insidetextanchor="middle",
            textfont={"color": "white" if status in ("done", "in_progress") else "#222"},
            hovertemplate="%{y}<br>" + label + ": %{x}<extra></extra>"))
    row = max(48, int(TIP_LABEL_SIZE * 1.3 * max(map(len, lines), default=1)) + 12)   # a bar per title's lines
    fig.update_layout(barmode="stack", height=120 + row * len(tips), bargap=0.25)
    fig.update_xaxes(range=[0, 19], dtick=1, title=_("Communes"), showgrid=True, gridcolor="#eee")
    fig.update_yaxes(automargin=False, tickfont={"size": TIP_LABEL_SIZE})
    fig = finish(fig, meta, lang, chart_title(meta, lang), [], _("Furthest step"),
                 margin={"l": label_width + 10, "b": 95}, footer_shift=-45)
    fig.layout.annotations[-1 - int(meta.is_example)].xshift = -label_width
    # the legend (the band above the bars, as on every chart) lists done first, as the bars do from the left
    fig.update_layout(legend={"traceorder": "normal"})
    return fig
