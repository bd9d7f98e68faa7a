"""Pure transforms of published data, memoised per database version (a rerun reuses them)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import queries
from dashboard.model import indicators


@st.cache_data(max_entries=256, show_spinner=False)
def commune_values(ver: str, indicator_id: str, year: int, denominator: str = "none"
                   ) -> tuple[pd.DataFrame, float | None]:
    """``indicators.commune_values`` for one indicator, year and denominator of the published database."""
    indicator = queries.indicators(ver).loc[indicator_id]
    population = queries.observations(ver, indicators.POPULATION) if denominator == "population" else None
    return indicators.commune_values(queries.observations(ver, indicator_id), queries.communes(ver), year, denominator=denominator,
                                      population=population, direction=indicator["direction"])
