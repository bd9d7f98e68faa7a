"""Cached read-only queries for the Jobs, Re-use & waste and Operators pages (keyed by file version)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.db import query


@st.cache_data(max_entries=4, show_spinner=False)
def operator_sites(ver: str) -> pd.DataFrame:
    """Every operator site with both commune names and its commune's centroid (for sites without coordinates)."""
    return query(
        "SELECT o.*, c.name_fr, c.name_nl, c.name_en, g.centroid_lon, g.centroid_lat, s.publisher AS source_publisher "
        "FROM operator o LEFT JOIN commune c USING (nis_code) LEFT JOIN commune_geometry g USING (nis_code) "
        "LEFT JOIN source s ON s.source_id = o.source_id ORDER BY o.nis_code, o.name", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def jobs_by_site(ver: str) -> pd.DataFrame:
    return query(
        "SELECT j.*, o.nis_code, o.category, o.name FROM operator_jobs j JOIN operator o USING (operator_id) "
        "ORDER BY j.year, o.nis_code", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def flows_by_site(ver: str) -> pd.DataFrame:
    return query(
        "SELECT f.*, o.nis_code, o.category, o.name FROM reuse_flow f JOIN operator o USING (operator_id) "
        "ORDER BY f.year, o.nis_code", ver=ver)
