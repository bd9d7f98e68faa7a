"""Tables as the browser needs them: ``dataframe`` is ``st.dataframe`` sending a frame as a plain Arrow
table, without the pandas description Arrow otherwise carries along.

``pyarrow.Table.from_pandas`` stores a JSON description of the frame (every column's pandas and numpy
type, the index) in the schema: for the small tables of a profile or a scorecard it was a third or more
of each table's bytes, on every rerun. The browser never reads it. Styled frames (``Styler``) and
frames shown with their index keep Streamlit's own conversion.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st


def lean(df):
    """``df`` as an Arrow table without pandas' schema metadata (and without its index); anything else, or a
    frame Arrow cannot convert as it is, unchanged."""
    if not isinstance(df, pd.DataFrame):
        return df
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return df
    return table.replace_schema_metadata(None)


def dataframe(data, **kwargs):
    """``st.dataframe(data, **kwargs)``; with ``hide_index=True`` a frame travels as a lean Arrow table."""
    return st.dataframe(lean(data) if kwargs.get("hide_index") else data, **kwargs)
