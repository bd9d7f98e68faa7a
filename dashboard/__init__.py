"""The code the Streamlit pages (``views/``, ``app.py``) share, in layers; each imports only its own and
the ones below it (``tests/unit/test_layers.py`` checks it):

``config`` (paths and environment) < ``text`` (i18n, formats, commune names) < ``data`` (the one query
layer) < ``model`` (pure frames per page) < ``charts`` (plotly builders, classification, styling) <
``exports`` (commune bundle, fiche, deck, images, tables, citations, embed) < ``ui`` (Streamlit
widgets shared by pages).

Only ``data`` opens the database; Streamlit is used by ``data`` (caches), ``model/memo.py`` (per-version
memos) and ``ui``; ``config``, ``text``, the rest of ``model``, ``charts`` and ``exports`` are plain Python.
"""
import pandas as _pd

# plain Python storage for strings: pandas 3 defaults to Arrow-backed strings, whose per-operation
# overhead dominated reruns on 19-row frames (py-spy under load: ~20% in pyarrow take)
_pd.set_option("mode.string_storage", "python")
