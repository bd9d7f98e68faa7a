"""Brussels Social Impact Monitor — entry point: navigation, language, shared state in the URL."""
from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.i18n import LANGS, pick_language, translator

st.set_page_config(page_title="Brussels Social Impact Monitor", page_icon="📊", layout="wide")

LANG_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}

# language: URL first, then this session's choice, then the browser's language
lang = pick_language(st.query_params.get("lang") or st.session_state.get("lang"), st.context.locale)


def _set_lang() -> None:
    st.session_state["lang"] = st.session_state["lang_widget"]
    st.query_params["lang"] = st.session_state["lang_widget"]


st.session_state["lang"] = lang
st.session_state["lang_widget"] = lang
st.query_params["lang"] = lang
_ = translator(lang)

with st.sidebar:
    st.segmented_control(_("Language"), LANGS, key="lang_widget", format_func=LANG_NAMES.get, on_change=_set_lang,
                         selection_mode="single")

pages = [
    st.Page("pages/overview.py", title=_("Overview"), icon="🏠", default=True),
    st.Page("pages/map.py", title=_("Map explorer"), icon="🗺️", url_path="map"),
    st.Page("pages/commune.py", title=_("Commune profile"), icon="🏘️", url_path="commune"),
    st.Page("pages/compare.py", title=_("Compare"), icon="📊", url_path="compare"),
    st.Page("pages/sources.py", title=_("Data & sources"), icon="📚", url_path="sources"),
]
page = st.navigation(pages)

try:
    db.version()
except db.DatabaseMissing:
    st.error(_("No database yet: run `python -m etl build` first."))
    st.stop()

page.run()
