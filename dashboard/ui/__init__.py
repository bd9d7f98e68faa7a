"""Layer 7, ui: the Streamlit widgets the pages share: page context, URL state, sign-in, a chart with
its image downloads, download buttons, the 'Cite this figure' popover, the Jobs / Re-use page blocks.

May import every layer below: ``config``, ``text``, ``data``, ``model``, ``charts``, ``exports``.
"""
