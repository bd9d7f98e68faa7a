"""Embed view: one chart or one commune card, without navigation, for other websites.

URL: ``/embed?embed=1&chart=map|ranking|timeseries|card&indicator=<id>&year=<yyyy>&commune=<nis>&lang=<fr|nl|en>``
(plus ``denominator`` and ``view=geo|tile`` for the map), following the shareable-link rules: plain
parameter names, defaults when a value is missing or invalid, never an error page.

``is_embed_request`` tells ``app.py`` to run the embed page alone (hidden navigation, no sidebar);
``parse_embed`` and ``embed_url`` are pure; ``build_chart`` / ``build_card`` read the database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from dashboard.charts import figures, maps
from dashboard.charts.style import example_title
from dashboard.data import queries
from dashboard.exports.cite import view_url
from dashboard.model import commune as cv
from dashboard.model.indicators import (
    DENOMINATORS,
    POPULATION,
    commune_values,
    default_denominator,
    denominators_for,
    indicator_meta,
    year_rows,
    year_source_ids,
)
from dashboard.model.memo import sources_in
from dashboard.model.quality import quality_of
from dashboard.text.i18n import normalise_lang
from dashboard.text.names import both_names
from dashboard.text.plain import attribute

CHARTS = ("map", "ranking", "timeseries", "card")
DEFAULT_COMMUNE = "21004"


def is_embed_request(query_params: Mapping, url: str | None = None) -> bool:
    """True for ``?embed=1`` (or ``true``/``yes``) or a URL whose path ends in ``/embed``."""
    flag = str(query_params.get("embed", "") or "").strip().lower()
    if flag in ("1", "true", "yes"):
        return True
    if url:
        return urlsplit(url).path.rstrip("/").endswith("/embed")
    return False


@dataclass(frozen=True)
class EmbedSpec:
    chart: str
    indicator: str
    year: int | None
    commune: str
    lang: str
    denominator: str = "none"
    view: str = "geo"


def parse_embed(params: Mapping, indicators: pd.DataFrame, communes: pd.DataFrame,
                years_for=None, default_lang: str = "fr", default_indicator: str | None = None) -> EmbedSpec:
    """Read and validate the embed parameters (invalid values fall back to defaults; the default
    indicator is the catalogue's ``embed_default`` place).

    ``years_for(indicator_id) -> list[int]`` (newest first) validates ``year``; None keeps any integer."""
    chart = str(params.get("chart") or "map").lower()
    chart = chart if chart in CHARTS else "map"
    ids = list(indicators.index)
    indicator = params.get("indicator")
    if indicator not in ids:
        indicator = default_indicator if default_indicator in ids else (ids[0] if ids else "")
    codes = communes.loc[communes["level"] == "commune", "nis_code"].astype(str).tolist()
    commune = str(params.get("commune") or "")
    commune = commune if commune in codes else (DEFAULT_COMMUNE if DEFAULT_COMMUNE in codes else (codes[0] if codes else ""))
    try:
        year = int(params.get("year")) if params.get("year") else None
    except (TypeError, ValueError):
        year = None
    if years_for is not None and indicator:
        years = years_for(indicator)
        if year not in years:
            year = years[0] if years else None
    lang = normalise_lang(params.get("lang")) or default_lang
    den = str(params.get("denominator") or "none")
    den = den if den in DENOMINATORS else "none"
    view = "tile" if params.get("view") == "tile" else "geo"
    return EmbedSpec(chart, indicator, year, commune, lang, den, view)


def embed_url(base: str, spec: EmbedSpec) -> str:
    params = {"lang": spec.lang, "embed": "1", "chart": spec.chart, "indicator": spec.indicator,
              "year": spec.year, "commune": spec.commune if spec.chart in ("timeseries", "card") else None,
              "denominator": None if spec.denominator == "none" else spec.denominator,
              "view": spec.view if spec.chart == "map" and spec.view != "geo" else None}
    return view_url(base, "embed", params)


def full_view_url(base: str, spec: EmbedSpec) -> str:
    """The same view in the full monitor (map explorer or commune profile)."""
    if spec.chart in ("timeseries", "card"):
        return view_url(base, "commune", {"lang": spec.lang, "commune": spec.commune, "indicator": spec.indicator})
    return view_url(base, "map", {"lang": spec.lang, "indicator": spec.indicator, "year": spec.year,
                                  "denominator": None if spec.denominator == "none" else spec.denominator})


def snippet_title(meta, lang: str) -> str:
    """The embedded chart's title for the iframe: the figure's, with the example mark when it has one."""
    return example_title(meta.title, meta.quality, lang)


def iframe_snippet(url: str, title: str, height: int = 560) -> str:
    """The HTML to paste into another website; the address and the title (data text) are escaped as
    attribute values, so neither can close the attribute or the tag."""
    return (f'<iframe src="{attribute(url)}" title="{attribute(title)}" width="100%" height="{int(height)}" '
            f'style="border:0" loading="lazy"></iframe>')


# ----------------------------------------------------------------------------- database -> figure / card

def build_chart(spec: EmbedSpec, ver: str, *, geojson_url: str | None, tiles: pd.DataFrame):
    """The plotly figure of a map / ranking / timeseries spec (None when there is no data)."""
    indicators, communes, sources = queries.indicators(ver), queries.communes(ver), sources_in(ver, spec.lang)
    ind = indicators.loc[spec.indicator]
    obs = queries.observations(ver, spec.indicator)
    if obs.empty:
        return None
    lang = spec.lang
    if spec.chart == "timeseries":
        series = cv.series_frame(obs, communes, spec.commune)
        if series.empty:
            return None
        row = communes.set_index("nis_code").loc[spec.commune]
        drawn = cv.series_rows(obs, spec.commune)
        meta = indicator_meta(ind, lang, rows=drawn, sources=sources, source_ids=cv.series_source_ids(drawn),
                              where=both_names(row.to_dict(), lang))
        return figures.time_series(series, lang=lang, meta=meta, communes=[spec.commune])
    den = spec.denominator if spec.denominator in denominators_for(ind) else "none"
    if spec.chart == "map" and den == "none":
        den = default_denominator(ind)
    population = queries.observations(ver, POPULATION) if den == "population" else None
    df, region = commune_values(obs, communes, spec.year, denominator=den, population=population,
                                direction=ind["direction"])
    ids = year_source_ids(obs, spec.year)
    meta = indicator_meta(ind, lang, rows=year_rows(obs, spec.year), year=spec.year, denominator=den,
                          sources=sources, source_ids=ids, region_value=region)
    if spec.chart == "ranking":
        return figures.ranking_bar(df, lang=lang, meta=meta, highlight=spec.commune or None)
    style = "geo" if spec.view == "geo" and geojson_url else "tile"
    try:
        return maps.commune_map(df, geojson_url, tiles, lang=lang, meta=meta, style=style)
    except maps.NotMappable:
        return figures.ranking_bar(df, lang=lang, meta=meta)


def build_card(spec: EmbedSpec, ver: str) -> dict:
    """The commune card: both names and the key figure cards (``model.commune`` texts)."""
    indicators, communes, sources = queries.indicators(ver), queries.communes(ver), sources_in(ver, spec.lang)
    ids = cv.key_indicator_ids(indicators, queries.display_places(ver).get("profile_key", []))[:4]
    obs = queries.observations_of(ver, ids)
    kf = cv.key_figures(obs, indicators, spec.commune, ids)
    title, english = cv.header_names(communes, spec.commune)
    return {"title": title, "english": english, "cards": cv.key_figure_cards(kf, indicators, sources, spec.lang),
            "quality": quality_of(list(kf["quality"])) if len(kf) else quality_of()}
