"""Brussels Social Impact Monitor — entry point: navigation, language, shared state in the URL."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import db
from dashboard.i18n import LANGS, N_, pick_language, translator

ROOT = Path(__file__).resolve().parent

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

# (file, title msgid, icon, url path); a feature's page is listed once its file exists
PAGES = [
    ("views/overview.py", N_("Overview"), "🏠", None),
    ("views/map.py", N_("Map explorer"), "🗺️", "map"),
    ("views/commune.py", N_("Commune profile"), "🏘️", "commune"),
    ("views/compare.py", N_("Compare"), "📊", "compare"),
    ("views/jobs.py", N_("Jobs"), "🧑‍🔧", "jobs"),
    ("views/reuse.py", N_("Re-use & waste"), "♻️", "reuse"),
    ("views/operators.py", N_("Operators"), "📍", "operators"),
    ("views/tips.py", N_("Five tips scorecard"), "✅", "tips"),
    ("views/sources.py", N_("Data & sources"), "📚", "sources"),
]
pages = [st.Page(path, title=_(title), icon=icon, url_path=url, default=url is None)
         for path, title, icon, url in PAGES if (ROOT / path).exists()]
if (ROOT / "views/editor.py").exists():
    from dashboard.auth import editor_page_visible
    if editor_page_visible():
        pages.append(st.Page("views/editor.py", title=_("Editor"), icon="✏️", url_path="editor"))
page = st.navigation(pages)

try:
    db.version()
except db.DatabaseMissing:
    st.error(_("No database yet: run `python -m etl build` first."))
    st.stop()

page.run()
