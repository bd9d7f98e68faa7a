"""Model functions memoised per database version (``st.cache_data``): a rerun reuses what the last
one computed, a swapped-in database (a new version) is computed afresh.

This is the one module of ``model/`` that imports Streamlit, for its cache only; every function here
is a pure model function applied to the published database's cached queries.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import queries
from dashboard.model import indicators
from dashboard.model.map import mappable_indicators
from dashboard.model.sources import catalogue, in_language, scoped_table


@st.cache_data(max_entries=256, show_spinner=False)
def commune_values(ver: str, indicator_id: str, year: int, denominator: str = "none"
                   ) -> tuple[pd.DataFrame, float | None]:
    """``indicators.commune_values`` for one indicator, year and denominator of the published database."""
    indicator = queries.indicators(ver).loc[indicator_id]
    population = queries.observations(ver, indicators.POPULATION) if denominator == "population" else None
    return indicators.commune_values(queries.observations(ver, indicator_id), queries.communes(ver), year,
                                     denominator=denominator, population=population,
                                     direction=indicator["direction"])


@st.cache_data(max_entries=4, show_spinner=False)
def mappable_for_version(ver: str) -> pd.DataFrame:
    """``map.mappable_indicators`` of the published database."""
    return mappable_indicators(queries.indicators(ver))


@st.cache_data(max_entries=6, show_spinner=False)
def sources_in(ver: str, lang: str) -> pd.DataFrame:
    """The published sources with their publisher, title, description, licence and reference date in ``lang``
    (``sources.in_language``): what every page, footer, citation and export shows."""
    return in_language(queries.sources(ver), lang)


@st.cache_data(max_entries=6, show_spinner=False)
def cached_catalogue(ver: str, lang: str) -> pd.DataFrame:
    """``sources.catalogue`` of the published database in ``lang``."""
    return catalogue(queries.indicators(ver), sources_in(ver, lang), queries.all_observations(ver), lang)


@st.cache_data(max_entries=6, show_spinner=False)
def cached_scoped_table(ver: str, lang: str) -> pd.DataFrame:
    """``sources.scoped_table`` of the published database in ``lang``."""
    return scoped_table(queries.scoped(ver), queries.indicators(ver), sources_in(ver, lang), queries.communes(ver),
                        lang)
