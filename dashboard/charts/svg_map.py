"""The geographic map as the page draws it: the plotly figure of ``maps.choropleth`` read back into the few
hundred bytes a browser needs to colour the communes itself (``ui.geo_map`` draws them as SVG).

One figure, two renderers: the page shows what the figure says — the same title, example mark, classes,
colours, hover texts and footer — while the exported image and the embed still draw the figure with plotly.
The page no longer starts plotly.js (4.7 MB, ~0.7 s of a cold start on these machines) for 19 polygons.

Every text comes out as plain text (the figure's plotly markup undone: ``<br>`` splits lines, tags dropped,
entities decoded); the browser sets it as text, never as markup.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping

import plotly.graph_objects as go

from dashboard.charts.style import unwrapped_texts
from dashboard.model.meta import example_mark
from dashboard.text.i18n import translator

_TAG = re.compile(r"<[^>]*>")
_EXTRA = re.compile(r"<extra>.*?</extra>", re.S)
_FIELD = re.compile(r"%\{customdata\[(\d+)\]\}")


def plain_lines(markup: str | None) -> list[str]:
    """Plotly text markup as lines of plain text: split at ``<br>``, tags dropped, entities decoded."""
    if not markup:
        return []
    lines = re.split(r"<br\s*/?>", str(markup), flags=re.I)
    return [html.unescape(_TAG.sub("", line)).strip() for line in lines]


def hover_lines(template: str | None, customdata) -> list[str]:
    """The hover text plotly would show for one commune: ``template`` with its ``%{customdata[i]}`` filled."""
    text = _EXTRA.sub("", template or "")
    text = _FIELD.sub(lambda m: str(customdata[int(m.group(1))]) if int(m.group(1)) < len(customdata) else "",
                      text)
    return [line for line in plain_lines(text) if line]


def _colour(trace) -> str:
    scale = trace.colorscale or ()
    return str(scale[-1][1]) if len(scale) else "#cccccc"


def shared_lines(areas: list[dict]) -> list[str | None]:
    """The hover lines every commune shares (year, source …), taken out of the areas in place: a template,
    ``None`` where each area's own next line goes (``full_hover`` puts them back). Nothing is shared when the
    communes' hovers differ in length."""
    hovers = [a["hover"] for a in areas]
    if not hovers or len({len(h) for h in hovers}) != 1:
        return []
    template = [h0 if all(h[i] == h0 for h in hovers) else None for i, h0 in enumerate(hovers[0])]
    for a in areas:
        a["hover"] = [line for line, t in zip(a["hover"], template) if t is None]
    return template


def full_hover(spec: dict, area: dict) -> list[str]:
    """An area's whole hover, as the browser rebuilds it from the spec's template (``shared_lines``)."""
    template = spec.get("hover") or []
    if not template:
        return list(area["hover"])
    own = iter(area["hover"])
    return [next(own, "") if t is None else t for t in template]


def geo_map_spec(fig: go.Figure, geometry_url: str, lang: str) -> dict:
    """What ``ui.geo_map`` draws of a ``maps.choropleth`` figure: ``geometry`` (the boundaries' URL, fetched
    once by the browser), ``title`` and ``footer`` (lists of lines), ``mark`` (the example mark, '' for real
    data), ``legend`` (title and ``[{label, colour}]``, highest class first, 'No data' last), ``areas``
    (``[{id, fill, stroke, hover}]``, one per commune drawn), ``hover``, the lines every commune's hover
    shares (``shared_lines``: 19 copies of a long source label were a third of the map's bytes), and
    ``error``, what the page says when the boundaries cannot be fetched."""
    traces = [t for t in fig.data if t.type == "choroplethmap"]
    if not traces:
        raise ValueError("not a geographic map: no choroplethmap trace")
    meta = fig.layout.meta if isinstance(fig.layout.meta, Mapping) else {}
    title, footer = unwrapped_texts(fig)
    areas, legend = [], []
    for trace in traces:
        colour = _colour(trace)
        line = trace.marker.line.color if trace.marker and trace.marker.line else None
        legend.append({"label": " ".join(plain_lines(trace.name)), "colour": colour})
        data = trace.customdata if trace.customdata is not None else [[]] * len(trace.locations or ())
        for code, row in zip(trace.locations or (), data):
            areas.append({"id": str(code), "fill": colour, "stroke": str(line or "#ffffff"),
                          "hover": hover_lines(trace.hovertemplate, list(row))})
    legend_title = fig.layout.legend.title.text if fig.layout.legend and fig.layout.legend.title else ""
    template = shared_lines(areas)
    return {"geometry": str(geometry_url), "hover": template, "error": translator(lang)("Data temporarily unavailable"),
            "title": [title] if title else [], "mark": example_mark(lang) if meta.get("example") else "",
            "legend": {"title": " ".join(plain_lines(legend_title)), "items": legend},
            "areas": areas, "footer": [line for line in footer.split("\n") if line] if footer else []}
