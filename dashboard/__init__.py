"""Code shared by the Streamlit pages: i18n, number formats, classification, maps and figures.

Everything here is pure (DataFrame in, plotly Figure / text out): no SQL, no Streamlit calls.
"""
