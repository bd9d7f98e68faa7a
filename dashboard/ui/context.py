"""What every page needs: language, translator, database version, the reference tables, the boundaries' URL."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.charts.maps import Boundaries
from dashboard.data import connection, queries
from dashboard.data.static_geometry import static_geojson_url
from dashboard.model.memo import sources_in
from dashboard.model.sources import boundary_attribution
from dashboard.text.i18n import pick_language, translator
from dashboard.text.names import both_names


@dataclass
class PageContext:
    lang: str
    _: object
    ver: str
    indicators: pd.DataFrame
    communes: pd.DataFrame
    sources: pd.DataFrame
    geojson_url: Boundaries | None  # the boundaries' URL with their attribution; None: tile map only
    tiles: pd.DataFrame
    display: dict[str, list[str]]  # catalogue display places -> indicator ids (indicator_display)

    def label(self, indicator_id: str) -> str:
        return self.indicators.loc[indicator_id, f"label_{self.lang}"]

    @property
    def commune_codes(self) -> list[str]:
        """The 19 communes' NIS codes (the region left out), in code order."""
        return self.communes.loc[self.communes["level"] == "commune", "nis_code"].tolist()

    def shown(self, place: str) -> list[str]:
        """The indicators the catalogue puts at ``place`` (e.g. ``overview_headline``), in order, those
        present in this database only."""
        return [i for i in self.display.get(place, []) if i in self.indicators.index]

    def default(self, place: str, options) -> str | None:
        """The catalogue's choice for ``place`` when it is among ``options``, else the first option."""
        options = list(options)
        chosen = [i for i in self.shown(place) if i in options]
        return chosen[0] if chosen else (options[0] if options else None)

    def both_names(self, nis_code: str) -> str:
        return both_names(self.communes.set_index("nis_code").loc[nis_code], self.lang)


def page_context() -> PageContext:
    lang = st.session_state.get("lang") or pick_language(st.query_params.get("lang"), st.context.locale)
    ver = connection.version()
    communes = queries.communes(ver)
    sources = sources_in(ver, lang)
    url = static_geojson_url(queries.geometry(ver))
    return PageContext(
        lang=lang, _=translator(lang), ver=ver, indicators=queries.indicators(ver), communes=communes,
        sources=sources,
        geojson_url=Boundaries(url, boundary_attribution(queries.geometry_sources(ver), sources)) if url else None,
        tiles=communes[communes["level"] == "commune"][["nis_code", "tile_row", "tile_col"]],
        display=queries.display_places(ver),
    )
