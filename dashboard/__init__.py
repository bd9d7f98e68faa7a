"""Code shared by the Streamlit pages: i18n, number formats, classification, maps and figures.

Everything here is pure (DataFrame in, plotly Figure / text out): no SQL, no Streamlit calls.
"""
import pandas as _pd

# plain Python storage for strings: pandas 3 defaults to Arrow-backed strings, whose per-operation
# overhead dominated reruns on 19-row frames (py-spy under load: ~20% in pyarrow take)
_pd.set_option("mode.string_storage", "python")
