"""What every page needs: language, translator, database version, the reference tables, the boundaries' URL."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import streamlit as st

from dashboard.charts.maps import Boundaries
from dashboard.data import connection, queries
from dashboard.data.static_geometry import geometry_url
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

    @cached_property
    def _labels(self) -> dict[str, str]:
        return dict(zip(self.indicators["indicator_id"], self.indicators[f"label_{self.lang}"]))

    def label(self, indicator_id: str) -> str:
        """The indicator's label in this language (a dict lookup: pickers format every option per rerun)."""
        return self._labels[indicator_id]

    @cached_property
    def commune_codes(self) -> list[str]:
        """The 19 communes' NIS codes (the region left out), in code order: computed once per rerun (the
        pickers and the commune openers read it two or three times); never change the list."""
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

    @cached_property
    def _names(self) -> dict[str, str]:
        return {r["nis_code"]: both_names(r, self.lang) for r in self.communes.to_dict("records")}

    def both_names(self, nis_code: str) -> str:
        """Both official names in this language's order ('Ixelles / Elsene'), looked up once per rerun."""
        return self._names[nis_code]


@st.cache_resource(max_entries=2, show_spinner=False)
def _reference(ver: str) -> dict:
    """The reference tables of a database version, read once per process and shared by every rerun (what
    depends on the language too: ``_in_language``)."""
    communes = queries.communes(ver)
    return {"indicators": queries.indicators(ver), "communes": communes, "display": queries.display_places(ver),
            "tiles": communes[communes["level"] == "commune"][["nis_code", "tile_row", "tile_col"]]}


@st.cache_resource(max_entries=6, show_spinner=False)     # three languages, two versions
def _in_language(ver: str, lang: str) -> dict:
    """What a database version says in ``lang``, built once per process and shared like ``_reference``: the
    sources with their publisher, title and licence in ``lang`` (``memo.sources_in``) and the boundaries' URL
    carrying their attribution in ``lang`` (``charts.maps.Boundaries``; None without boundaries)."""
    sources = sources_in(ver, lang)
    url = geometry_url(ver)
    return {"sources": sources,
            "geojson_url": Boundaries(url, boundary_attribution(queries.geometry_sources(ver), sources)) if url
            else None}


def page_context() -> PageContext:
    """What the page needs. The reference tables are shallow copies of the process's shared ones: no data
    is copied (five cached reads unpickled a copy each on every rerun, a quarter of a map rerun's time
    under load), and pandas' copy-on-write keeps any change a page makes to them in that page's copy."""
    lang = st.session_state.get("lang") or pick_language(st.query_params.get("lang"), st.context.locale)
    ver = connection.version()
    ref = _reference(ver)
    loc = _in_language(ver, lang)
    frame = lambda name: ref[name].copy(deep=False)
    return PageContext(
        lang=lang, _=translator(lang), ver=ver, indicators=frame("indicators"), communes=frame("communes"),
        sources=loc["sources"].copy(deep=False), geojson_url=loc["geojson_url"], tiles=frame("tiles"),
        display={place: list(ids) for place, ids in ref["display"].items()},
    )
