"""Maps of the 19 communes: geographic choropleth (plotly ``Choroplethmap``, blank style, no
tiles, no network), equal-tile map (works with no geometry at all) and change maps.

``df`` has one row per commune: ``nis_code, name_fr, name_nl, value, rank, year`` (``rank`` and
``year`` optional; ranks are computed with ties when absent). Optional per-row columns
``source_label`` and ``quality`` override the meta values in the hover.

Classes are drawn as one trace per class (discrete legend) plus a "No data" trace; every trace
carries ``customdata = [nis_code, names, value, rank, year, source, quality]`` (texts escaped for
plotly) so a selection event gives the commune through ``location`` (geographic map) or
``customdata[0]`` (tile map). The quality in the hover is the row's own.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.classify import (
    NO_DATA,
    NO_DATA_LINE,
    classify,
    diverging_classify,
    diverging_colours,
    legend_labels,
    sequential_colours,
    text_colour,
)
from dashboard.charts.style import finish, plain, plain_short_name
from dashboard.model.meta import ChartMeta, as_meta, chart_title, mappable
from dashboard.model.quality import tier_label
from dashboard.model.ranking import rank_labels, rank_with_ties
from dashboard.text.format import change_unit, fmt_change, fmt_value, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import both_names

BRUSSELS_CENTER = {"lat": 50.8375, "lon": 4.3700}
BRUSSELS_ZOOM = 9.6
GEO_ZOOM = 9.85  # on a page: the 19 communes fill a ~550 px high map and fit a phone's width (~340 px)
N_COMMUNES = 19
CUSTOMDATA_COLUMNS = ["nis_code", "names", "value_text", "rank_text", "year_text", "source", "quality"]

class NotMappable(ValueError):
    """A total (count/amount) without a denominator: show it as a ranking or table, not a map."""


class Boundaries(str):
    """The boundaries' GeoJSON URL as the maps hand it to plotly, carrying the attribution every geographic
    map (and its exported image) shows in its footer: ``Boundaries(url, "Statbel …")``."""

    attribution: str

    def __new__(cls, url: str, attribution: str = ""):
        obj = super().__new__(cls, url)
        obj.attribution = attribution
        return obj


def attribution_of(geojson) -> str:
    """The attribution of the boundaries a map draws: of a ``Boundaries`` URL, or the ``attribution``
    member of a FeatureCollection dict; '' when none is known."""
    if isinstance(geojson, Mapping):
        return str(geojson.get("attribution") or "")
    return getattr(geojson, "attribution", "") or ""


def boundaries_footer(geojson, lang: str) -> list[str]:
    """The footer line of a geographic map naming its boundaries' source (none when unknown)."""
    text = attribution_of(geojson)
    return [translator(lang)("Boundaries: {source}", source=text)] if text else []


# ----------------------------------------------------------------------------- data preparation

def _prepare(df: pd.DataFrame, meta: ChartMeta, lang: str, value_col: str,
             value_text=None) -> pd.DataFrame:
    _ = translator(lang)
    d = df.copy()
    d["nis_code"] = d["nis_code"].astype(str)
    for col in ("name_fr", "name_nl"):
        if col not in d:
            d[col] = d["nis_code"]
    d["value"] = pd.to_numeric(d[value_col], errors="coerce").astype("float64")
    if "rank" not in d or value_col != "value":
        d["rank"] = rank_with_ties(d["value"], meta.direction).to_numpy()
    d["rank_text"] = rank_labels(pd.Series(d["rank"].to_numpy()), N_COMMUNES).to_numpy()
    d.loc[d["value"].isna(), "rank_text"] = "—"
    d["names"] = [plain(both_names(r, lang)) for r in d.to_dict("records")]
    if value_text is None:
        d["value_text"] = [plain(fmt_value(v, lang, meta.decimals, meta.unit_label, missing=_("No data")))
                           for v in d["value"]]
    else:
        d["value_text"] = [plain(value_text(r)) for r in d.to_dict("records")]
    years = d["year"] if "year" in d else pd.Series([meta.year] * len(d), index=d.index)
    d["year_text"] = ["—" if is_missing(y) else str(int(y)) if isinstance(y, (int, float, np.integer, np.floating)) else str(y)
                      for y in years]
    src = d["source_label"] if "source_label" in d else pd.Series([meta.source_label] * len(d), index=d.index)
    d["source"] = [plain(meta.source_label if is_missing(s) else s) for s in src]
    # each commune's own quality; a commune without a figure has none
    q = d["quality"] if "quality" in d else pd.Series([meta.quality] * len(d), index=d.index)
    d["quality"] = [plain(tier_label(x, lang) or "—") if not is_missing(v) else "—" for x, v in zip(q, d["value"])]
    return d


def _hovertemplate(lang: str, fixed: Mapping[int, str] | None = None) -> str:
    """The hover text; ``fixed``: customdata columns written into it as text (see ``_hover``)."""
    _ = translator(lang)
    template = ("<b>%{customdata[1]}</b><br>"
                "%{customdata[2]}<br>"
                + _("Rank") + ": %{customdata[3]}<br>"
                + _("Year") + ": %{customdata[4]}<br>"
                + _("Source") + ": %{customdata[5]}<br>"
                + _("Quality") + ": %{customdata[6]}<extra></extra>")
    for i, text in (fixed or {}).items():
        template = template.replace(f"%{{customdata[{i}]}}", text)
    return template


def _layers(d: pd.DataFrame, meta: ChartMeta, lang: str, *, diverging: bool = False):
    """[(label, colour, rows)] from the highest class to the lowest, then 'No data'."""
    _ = translator(lang)
    if diverging:
        bins, cls = diverging_classify(d["value"], k=meta.k)
        colours = diverging_colours(len(bins), meta.direction)
        vmin = -max(abs(b) for b in bins) if bins else 0.0
        labels = legend_labels(bins, vmin, lang, meta.decimals, signed=True)
        if len(bins) == 1:
            labels = [fmt_change(0, lang, meta.decimals)]
    else:
        bins, cls = classify(d["value"], meta.method, meta.k)
        colours = sequential_colours(len(bins))
        vmin = float(d["value"].min()) if bins else 0.0
        labels = legend_labels(bins, vmin, lang, meta.decimals)
    # plain object columns: masking pandas 3's Arrow-backed strings per class cost ~20% of a map rerun
    d = d.astype(object).assign(cls=cls.to_numpy())
    classes = d["cls"].to_numpy()
    layers = [(labels[i], colours[i], d[classes == i]) for i in reversed(range(len(bins)))]
    missing = d[classes == -1]
    if len(missing):
        layers.append((_("No data"), NO_DATA, missing))
    return layers


def _customdata(rows: pd.DataFrame) -> np.ndarray:
    return rows[CUSTOMDATA_COLUMNS].astype(object).to_numpy()


def _hover(rows: pd.DataFrame, lang: str) -> tuple[np.ndarray, str]:
    """(customdata, hovertemplate) of one trace. Source and quality are usually the same for every commune
    of a trace: then they are written once into the hover text and left empty in the customdata (19
    copies of a long source label were a fifth of a map's bytes on every rerun). The columns keep
    their places, so ``customdata[0]`` stays the NIS code."""
    data = _customdata(rows)
    fixed = {}
    for i in (CUSTOMDATA_COLUMNS.index("source"), CUSTOMDATA_COLUMNS.index("quality")):
        column = data[:, i] if len(data) else ()
        first = str(column[0]) if len(column) else ""
        if len(column) and all(str(v) == first for v in column) and "%{" not in first:
            fixed[i] = first
            data[:, i] = ""
    return data, _hovertemplate(lang, fixed)


# ----------------------------------------------------------------------------- geometry helpers

def feature_id(feature: Mapping, key: str) -> str | None:
    """The id of a GeoJSON feature at ``key`` ('id', 'properties.nis_code' …), as text; None if absent."""
    node: Any = feature
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return None if node is None else str(node)


def feature_collection(rows, id_col: str = "nis_code", geom_col: str = "geojson") -> dict:
    """FeatureCollection (feature ``id`` = NIS code) from ``commune_geometry`` rows whose geometry
    is GeoJSON text or a dict."""
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    feats = []
    for r in rows:
        g = r[geom_col]
        feats.append({"type": "Feature", "id": str(r[id_col]), "properties": {"nis_code": str(r[id_col])},
                      "geometry": json.loads(g) if isinstance(g, str) else g})
    return {"type": "FeatureCollection", "features": feats}


def _subset(geojson, codes: list[str], featureidkey: str):
    if not isinstance(geojson, Mapping):
        return geojson  # a URL: plotly fetches it once, every trace points at it
    wanted = set(codes)
    return {"type": "FeatureCollection",
            "features": [f for f in geojson.get("features", []) if feature_id(f, featureidkey) in wanted]}


# ----------------------------------------------------------------------------- layout

def _region_footer(meta: ChartMeta, lang: str) -> list[str]:
    _ = translator(lang)
    if is_missing(meta.region_value):
        return [] if meta.region_published else [_("Region") + ": " + _("not published")]
    return [_("Region") + ": " + fmt_value(meta.region_value, lang, meta.decimals, meta.unit_label)]


# ----------------------------------------------------------------------------- drawing

def _geo_figure(layers, geojson, featureidkey: str, lang: str) -> go.Figure:
    fig = go.Figure()
    for rank, (label, colour, rows) in enumerate(layers):
        codes = rows["nis_code"].tolist()
        no_data = colour == NO_DATA
        customdata, template = _hover(rows, lang)
        fig.add_trace(go.Choroplethmap(
            geojson=_subset(geojson, codes, featureidkey),
            featureidkey=featureidkey,
            locations=codes,
            z=[rank] * len(codes),
            colorscale=[[0, colour], [1, colour]],
            showscale=False,
            showlegend=True,
            name=label,
            legendrank=1000 + rank,
            customdata=customdata,
            hovertemplate=template,
            marker={"line": {"color": NO_DATA_LINE if no_data else "white", "width": 0.8}, "opacity": 0.95},
        ))
    fig.update_layout(map={"style": "white-bg", "center": BRUSSELS_CENTER, "zoom": BRUSSELS_ZOOM})
    return fig


def _tile_figure(layers, tiles: pd.DataFrame, lang: str) -> go.Figure:
    t = tiles.copy()
    t["nis_code"] = t["nis_code"].astype(str)
    pos = t.set_index("nis_code")[["tile_row", "tile_col"]]
    fig = go.Figure()
    h = 0.47
    for rank, (label, colour, rows) in enumerate(layers):
        rows = rows[rows["nis_code"].isin(pos.index)]
        xs, ys, cx, cy, texts = [], [], [], [], []
        for r in rows.itertuples():
            row, col = pos.loc[r.nis_code, "tile_row"], pos.loc[r.nis_code, "tile_col"]
            x, y = float(col), -float(row)
            xs += [x - h, x + h, x + h, x - h, x - h, None]
            ys += [y - h, y - h, y + h, y + h, y - h, None]
            cx.append(x)
            cy.append(y)
            name = plain_short_name(r.nis_code, r, lang, line_break=True)
            val = "" if is_missing(r.value) else "<br><b>" + r.value_text.split("\u00a0")[0].split(" (")[0] + "</b>"
            texts.append(f"{name}{val}")
        group = f"class{rank}"
        customdata, template = _hover(rows, lang)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour,
            line={"color": NO_DATA_LINE if colour == NO_DATA else "white", "width": 1},
            name=label, legendgroup=group, showlegend=False, hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(  # legend entry only: a filled square like the tiles
            x=[None], y=[None], mode="markers", name=label, legendgroup=group, legendrank=1000 + rank,
            marker={"symbol": "square", "size": 14, "color": colour,
                    "line": {"color": NO_DATA_LINE, "width": 1}},
            showlegend=True, hoverinfo="skip",
        ))
        fig.add_trace(go.Scatter(
            x=cx, y=cy, mode="markers+text", text=texts, textposition="middle center",
            textfont={"size": 10, "color": text_colour(colour)},
            marker={"symbol": "square", "size": 40, "color": "rgba(0,0,0,0)"},
            customdata=customdata, hovertemplate=template,
            name=label, legendgroup=group, showlegend=False,
        ))
    max_row = int(pos["tile_row"].max()) if len(pos) else 0
    max_col = int(pos["tile_col"].max()) if len(pos) else 0
    fig.update_xaxes(visible=False, range=[-0.6, max_col + 0.6], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-max_row - 0.6, 0.6], fixedrange=True,
                     scaleanchor="x", scaleratio=1)
    fig.update_layout(dragmode=False, hovermode="closest")
    return fig


def _with_tiles_universe(df: pd.DataFrame, tiles: pd.DataFrame) -> pd.DataFrame:
    """Communes in the tile grid but absent from df become 'No data' rows."""
    codes = tiles["nis_code"].astype(str)
    d = df.copy()
    d["nis_code"] = d["nis_code"].astype(str)
    extra = codes[~codes.isin(d["nis_code"])]
    if len(extra):
        d = pd.concat([d, pd.DataFrame({"nis_code": extra.to_numpy()})], ignore_index=True)
    return d


# ----------------------------------------------------------------------------- public API

def choropleth(df: pd.DataFrame, geojson, *, lang: str, value_col: str = "value", meta,
               featureidkey: str = "id") -> go.Figure:
    """Geographic map of ``df[value_col]`` in classes (``meta.method``, ``meta.k``).

    ``geojson``: FeatureCollection dict (feature ``id`` = NIS code, or set ``featureidkey``, e.g.
    ``"properties.nis_code"``) or a URL string served as a static file. Raises ``NotMappable`` for
    a count/amount without a denominator.
    """
    meta = as_meta(meta)
    if not mappable(meta):
        raise NotMappable(f"{meta.title!r} is a total ({meta.kind}) without a denominator")
    d = _prepare(df, meta, lang, value_col)
    fig = _geo_figure(_layers(d, meta, lang), geojson, featureidkey, lang)
    return finish(fig, meta, lang, chart_title(meta, lang),
                  _region_footer(meta, lang) + boundaries_footer(geojson, lang), meta.unit_label)


def tile_map(df: pd.DataFrame, tiles: pd.DataFrame, *, lang: str, meta, value_col: str = "value") -> go.Figure:
    """Equal-tile map (``tiles``: nis_code, tile_row, tile_col; row 0 = north): same classes,
    colours, legend and hover as ``choropleth``; needs no geometry."""
    meta = as_meta(meta)
    if not mappable(meta):
        raise NotMappable(f"{meta.title!r} is a total ({meta.kind}) without a denominator")
    d = _prepare(_with_tiles_universe(df, tiles), meta, lang, value_col)
    fig = _tile_figure(_layers(d, meta, lang), tiles, lang)
    fig.update_layout(height=460)
    return finish(fig, meta, lang, chart_title(meta, lang), _region_footer(meta, lang),
                  meta.unit_label)


def commune_map(df: pd.DataFrame, geojson=None, tiles: pd.DataFrame | None = None, *, lang: str,
                meta, style: str = "geo") -> go.Figure:
    """``choropleth`` when ``style == "geo"`` and boundaries exist, else ``tile_map`` (fallback)."""
    if style == "geo" and geojson:
        return choropleth(df, geojson, lang=lang, meta=meta)
    if tiles is None:
        raise ValueError("no boundaries and no tile grid: nothing to draw")
    return tile_map(df, tiles, lang=lang, meta=meta)


def change_map(frame: pd.DataFrame, geojson=None, *, lang: str, meta, relative: bool = False,
               tiles: pd.DataFrame | None = None, featureidkey: str = "id") -> go.Figure:
    """Map of ``change_frame`` output on a diverging palette centred on zero (blue = change for the
    better per ``meta.direction``, PuOr for neutral). ``meta.year_from``/``meta.year`` are the two
    years. Relative change is in % of the first year's value; the absolute change of a percentage
    (``meta.points``) in percentage points. Tile map when ``geojson`` is falsy."""
    meta = as_meta(meta)
    _ = translator(lang)
    col = "change_pct" if relative else "change"
    points = meta.points and not relative
    cmeta = meta.replace(unit_label="%" if relative else change_unit(meta.unit_label, lang, points),
                         decimals=1 if relative else meta.decimals)

    def text(r):
        if is_missing(r.get(col)):
            return _("No data")
        return (fmt_change(r[col], lang, cmeta.decimals, cmeta.unit_label) + " ("
                + fmt_value(r.get("value_from"), lang, meta.decimals, meta.unit_label if points else None) + " → "
                + fmt_value(r.get("value_to"), lang, meta.decimals, meta.unit_label if points else None) + ")")

    f = frame.copy()
    if "year" not in f:
        f["year"] = [f"{a if not is_missing(a) else '?'}–{b if not is_missing(b) else '?'}"
                     for a, b in zip(f.get("year_from", [meta.year_from] * len(f)),
                                     f.get("year_to", [meta.year] * len(f)))]
        f["year"] = f["year"].str.replace(".0", "", regex=False)
    d = _prepare(f, cmeta, lang, col, value_text=text)
    layers = _layers(d, cmeta, lang, diverging=True)
    if geojson:
        fig = _geo_figure(layers, geojson, featureidkey, lang)
    else:
        if tiles is None:
            raise ValueError("no boundaries and no tile grid: nothing to draw")
        fig = _tile_figure(layers, tiles, lang)
        fig.update_layout(height=460)
    what = _("{indicator}: change", indicator=meta.title)
    extra = [_("Relative change, % of the first year's value") if relative
             else _("Change in percentage points") if points else _("Absolute change")]
    extra += boundaries_footer(geojson, lang) if geojson else []
    legend_unit = change_unit(cmeta.unit_label, lang, points, long=True)
    return finish(fig, cmeta.replace(unit_label=meta.unit_label) if points else cmeta, lang,
                  chart_title(cmeta, lang, what=what), extra, _("Change") + (f" ({legend_unit})" if legend_unit else ""))


def fit_to_page(fig, *, geo: bool, height: int | None = None):
    """A map on a page: ``height`` px (unchanged when None); a geographic map zoomed so the 19 communes
    fill it (the class legend is a band above the map, see ``style.finish``)."""
    if height:   # the map keeps its area however many lines its title, legend and footer take
        m = fig.layout.margin
        fig.update_layout(height=height + max(0, (m.t or 0) + (m.b or 0) - 150))
    if geo:
        fig.update_layout(map_zoom=GEO_ZOOM)
    return fig


def page_map(df: pd.DataFrame, geojson=None, tiles: pd.DataFrame | None = None, *, lang: str, meta,
             style: str = "geo", height: int | None = None, fit: bool = True) -> go.Figure:
    """``commune_map`` as a page shows it: ``fit_to_page`` (``fit``), or only ``height`` px high."""
    fig = commune_map(df, geojson, tiles, lang=lang, meta=meta, style=style)
    if fit:
        return fit_to_page(fig, geo=style == "geo" and bool(geojson), height=height)
    if height:
        fig.update_layout(height=height)
    return fig


def page_change_map(frame: pd.DataFrame, geojson=None, *, lang: str, meta, tiles: pd.DataFrame | None = None,
                    height: int | None = None) -> go.Figure:
    """``change_map`` fitted to a page (``fit_to_page``)."""
    fig = change_map(frame, geojson, lang=lang, meta=meta, tiles=tiles)
    return fit_to_page(fig, geo=bool(geojson), height=height)


def selected_commune(event) -> str | None:
    """NIS code from a ``st.plotly_chart(..., on_select="rerun")`` event, else None.

    Geographic map: ``points[0]["location"]``; tile map: ``points[0]["customdata"][0]``.
    """
    if not event:
        return None
    sel = event.get("selection") if isinstance(event, Mapping) else getattr(event, "selection", None)
    if not sel:
        return None
    points = sel.get("points") if isinstance(sel, Mapping) else getattr(sel, "points", None)
    if not points:
        return None
    for p in points:
        get = p.get if isinstance(p, Mapping) else (lambda k, d=None, p=p: getattr(p, k, d))
        loc = get("location")
        if loc is None:
            cd = get("customdata")
            if isinstance(cd, (list, tuple)) and cd:
                loc = cd[0]
            elif isinstance(cd, (str, int)):
                loc = cd
        if loc is not None and str(loc).strip():
            loc = str(loc).strip()
            return loc.zfill(5) if loc.isdigit() else loc
    return None
