"""Layer 6, exports: files that leave the app and stand alone. A commune's bundle gathered once
(``bundle``), from which the fiche (PDF) and the deck (PPTX) are built; charts as PNG / SVG images
(``images``, kaleido); CSV / XLSX tables with their sources and licences (``tables``); citations and
shareable links (``cite``); the embed view's spec, URLs and content (``embed``).

May import: ``dashboard.config``, ``text``, ``data``, ``model``, ``charts``. No Streamlit.
"""
