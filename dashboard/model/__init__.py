"""Layer 4, model: the frames each page draws, as pure functions (DataFrames in; DataFrames, dicts and
strings out), named after the page they serve (``model/map.py`` for ``views/map.py`` …).

May import: ``dashboard.config``, ``dashboard.text``, ``dashboard.data``. No Streamlit, except
``model/memo.py``, which memoises model functions per database version with ``st.cache_data``.
"""
