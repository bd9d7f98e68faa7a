"""Every chart as a table: its text alternative (WCAG 1.1.1), read back from the figure itself, so what a
screen reader or a keyboard user gets is exactly what the chart draws. Pure: Figure in, DataFrame out
(None for a chart with nothing to tabulate, e.g. the operator points, whose directory is on the page)."""
from __future__ import annotations

import html
import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard.text.i18n import translator

_TAGS = re.compile(r"<[^>]+>")


def _plain(text) -> str:
    return _TAGS.sub(" ", str(text)).replace("  ", " ").strip()


def _as_drawn(frame: pd.DataFrame | None, then: Callable[[object], str] | None = None) -> pd.DataFrame | None:
    """Cells and headings as the chart draws them: plotly shows ``&amp;`` as ``&``, so the table holds the
    plain text (the page escapes it for wherever it shows it, ``text.plain``); ``then`` applied to every text
    cell and every heading afterwards, in the same pass."""
    if frame is None:
        return None
    text = html.unescape if then is None else (lambda v: then(html.unescape(v)))
    out = frame.map(lambda v: text(v) if isinstance(v, str) else v)
    out.columns = [text(c) if isinstance(c, str) else (c if then is None else then(c)) for c in out.columns]
    return out


def _commune_rows(fig: go.Figure, _) -> list[dict]:
    """Maps (geographic and tile) and rankings: customdata = [nis, names, value text, rank text, (year) …]."""
    rows = []
    for tr in fig.data:
        cd = tr.customdata
        if cd is None or len(cd) == 0 or not hasattr(cd[0], "__len__") or isinstance(cd[0], str):
            continue
        if tr.type in ("choroplethmap", "scatter") and len(cd[0]) >= 5:
            rows += [{_("Commune"): c[1], _("Value"): c[2], _("Rank"): c[3], _("Year"): c[4]} for c in cd]
        elif tr.type == "bar" and len(cd[0]) == 4:
            rows += [{_("Commune"): c[1], _("Value"): c[2], _("Rank"): c[3]} for c in cd]
    return rows


def figure_table(fig: go.Figure, lang: str, then: Callable[[object], str] | None = None) -> pd.DataFrame | None:
    """The figures a chart shows, as a small table in ``lang`` (text cells, as on the chart: plain text;
    ``then``, e.g. an escape for where the table is shown, applied to the text cells and the headings)."""
    return _as_drawn(_figure_table(fig, lang), then)


def _figure_table(fig: go.Figure, lang: str) -> pd.DataFrame | None:
    _ = translator(lang)
    rows = _commune_rows(fig, _)
    if rows:
        return pd.DataFrame(rows).drop_duplicates()
    traces = [tr for tr in fig.data if tr.type in ("bar", "scatter") and tr.x is not None and tr.y is not None]
    # a time series: one column per line, the formatted values the hover shows
    lines = [tr for tr in traces if tr.type == "scatter" and "lines" in (tr.mode or "") and tr.fill in (None, "none")]
    if lines:
        table: dict[str, dict] = {}
        for tr in lines:
            texts = list(tr.customdata) if tr.customdata is not None else list(tr.y)
            for x, t in zip(tr.x, texts):
                table.setdefault(x, {})[tr.name or ""] = t
        frame = pd.DataFrame.from_dict(table, orient="index").sort_index()
        frame.index = [str(int(x)) if isinstance(x, (int, float)) else str(x) for x in frame.index]
        return frame.rename_axis(_("Year")).reset_index()
    # the scatter of two indicators: one row per commune with both values
    points = [tr for tr in traces if tr.type == "scatter" and tr.customdata is not None and len(tr.customdata)
              and hasattr(tr.customdata[0], "__len__") and len(tr.customdata[0]) == 4]
    if points:
        x_title = _plain(fig.layout.xaxis.title.text or "x")
        y_title = _plain(fig.layout.yaxis.title.text or "y")
        return pd.DataFrame([{_("Commune"): c[1], x_title: c[2], y_title: c[3]} for tr in points
                             for c in tr.customdata])
    # the scorecard's tiles: "name: score" in the hover text
    tiles = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text" and tr.hovertext is not None]
    if tiles:
        pairs = [str(h).rsplit(": ", 1) for tr in tiles for h in tr.hovertext]
        return pd.DataFrame([{_("Commune"): p[0], _("Score"): p[1] if len(p) > 1 else ""} for p in pairs]) \
            .sort_values(_("Commune")).reset_index(drop=True)
    # grouped bars: categories as rows, one column per series
    bars = [tr for tr in traces if tr.type == "bar"]
    if bars:
        table = {}
        for tr in bars:
            texts = list(tr.text) if tr.text is not None else list(tr.y)
            for x, t in zip(tr.x, texts):
                table.setdefault(str(x), {})[tr.name or ""] = t
        return pd.DataFrame.from_dict(table, orient="index").reset_index(names="")
    return None
