"""Layer 5, charts: plotly figures of the model's frames (maps, ranking bars, time series, scatter,
breakdown bars, the operators map, the scorecard's tile maps), map classification and the shared
styling that makes every chart stand alone (title, footer, example mark, palettes).

May import: ``dashboard.config``, ``dashboard.text``, ``dashboard.data``, ``dashboard.model``. No Streamlit.
"""
