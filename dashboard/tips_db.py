"""Cached read-only queries of the five tips scorecard (keyed by the database file version)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.db import query


@st.cache_data(max_entries=4, show_spinner=False)
def criteria(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM tip_criterion ORDER BY tip_id, criterion_id", ver=ver)


@st.cache_data(max_entries=4, show_spinner=False)
def history(ver: str) -> pd.DataFrame:
    """Every assessment (append-only history), oldest first."""
    df = query("SELECT a.nis_code, a.criterion_id, a.assessed_on, a.status, a.evidence_url, a.note, a.source_id, "
               "a.quality, a.input_file, c.tip_id FROM tip_assessment a JOIN tip_criterion c USING (criterion_id) "
               "ORDER BY a.nis_code, a.criterion_id, a.assessed_on", ver=ver)
    df["assessed_on"] = pd.to_datetime(df["assessed_on"])
    return df


@st.cache_data(max_entries=4, show_spinner=False)
def uploads(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM upload_archive ORDER BY archived_at DESC", ver=ver)


def counts(ver: str) -> pd.DataFrame:
    """Assessments per commune and quality (what an upload changes)."""
    return query("SELECT nis_code, quality, count(*) AS n FROM tip_assessment GROUP BY ALL ORDER BY ALL", ver=ver)
