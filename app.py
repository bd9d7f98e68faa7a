"""Brussels Social Impact Monitor — entry point: navigation, language, shared state in the URL."""
from __future__ import annotations

import gc

import streamlit as st

from dashboard.config import STYLESHEET
from dashboard.data import connection
from dashboard.exports.embed import is_embed_request
from dashboard.text.i18n import LANGS, LANGUAGE_NAMES, N_, pick_language, translator
from dashboard.ui import state
from dashboard.ui.auth import landing_after_sign_in, pages_allowed
from dashboard.ui.unavailable import unavailable_page

st.set_page_config(page_icon="assets/favicon.png", layout="wide")
st.html(STYLESHEET)   # the static stylesheet: text that wraps, phone spacing

# language: URL first, then this session's choice, then the browser's language
lang = pick_language(st.query_params.get("lang") or st.session_state.get("lang"), st.context.locale)


def _set_lang() -> None:
    st.session_state["lang"] = st.session_state["lang_widget"]
    st.query_params["lang"] = st.session_state["lang_widget"]


st.session_state["lang"] = lang
st.session_state["lang_widget"] = lang
if st.query_params.get("lang") != lang:   # a write sends the query string to the browser again
    st.query_params["lang"] = lang
_ = translator(lang)

# the embed view (one chart or card for other websites) runs alone: no navigation, no sidebar
EMBED = is_embed_request(st.query_params, st.context.url)
if not EMBED:
    with st.sidebar:
        st.segmented_control(_("Language"), LANGS, key="lang_widget", format_func=LANGUAGE_NAMES.get,
                             on_change=_set_lang, selection_mode="single")

# (file, title msgid, icon, url path): the URLs are part of the product (people paste them in articles)
PAGES = [
    ("views/overview.py", N_("Overview"), ":material/home:", None),
    ("views/map.py", N_("Map explorer"), ":material/map:", "map"),
    ("views/commune.py", N_("Commune profile"), ":material/location_city:", "commune"),
    ("views/compare.py", N_("Compare"), ":material/bar_chart:", "compare"),
    ("views/jobs.py", N_("Jobs"), ":material/work:", "jobs"),
    ("views/reuse.py", N_("Re-use & waste"), ":material/recycling:", "reuse"),
    ("views/operators.py", N_("Operators"), ":material/storefront:", "operators"),
    ("views/tips.py", N_("Five tips scorecard"), ":material/checklist:", "tips"),
    ("views/sources.py", N_("Data & sources"), ":material/menu_book:", "sources"),
]
pages = [st.Page(path, title=_(title), icon=icon, url_path=url, default=url is None) for path, title, icon, url in PAGES]
# the private pages exist only for a signed-in, verified user on the allow-list: for anyone else their URLs
# answer "page not found" (dashboard/ui/auth.py)
access = None if EMBED else pages_allowed()
if access is not None:
    private = (st.Page("views/editor.py", title=_("Editor"), icon=":material/edit:", url_path="editor")
               if access.role == "editor" else
               st.Page("views/member.py", title=_("Submit member data"), icon=":material/upload_file:",
                       url_path="submit"))
    pages.append(private)
if EMBED:
    # /embed must be a page of its own (the default page always answers at "/"); "/?embed=1" lands on the
    # default page, which hands over to it with the same parameters
    embed_page = st.Page("views/embed.py", title=_("Embed"), url_path="embed")
    to_embed = st.Page(lambda: st.switch_page(embed_page, query_params=dict(st.query_params)), title=_("Embed"),
                       url_path="embed-default", default=True)
    page = st.navigation([to_embed, embed_page], position="hidden")
else:
    page = st.navigation(pages)
    state.drawing(page.url_path)
    if access is not None and page.url_path == "" and landing_after_sign_in():
        st.switch_page(pages[-1])           # back from the provider: straight to the editor or member page
# the browser tab: this page and the product, in the language (set on every run, so a switch retitles it)
st.set_page_config(page_title=f"{page.title} · {_('Brussels Social Impact Monitor')}")

try:
    connection.check()     # missing or unreadable: a page that says so; the next published file is read
except (connection.DatabaseMissing, connection.DatabaseUnavailable):
    unavailable_page(lang)
    st.stop()

page.run()

# once per process, after its first run: what is alive now (the imported modules, the reference tables) is set
# apart from the garbage collector's scans. A full collection walked every one of those ~200,000 objects and
# took 50-150 ms of some rerun; with them frozen it takes a few ms (new objects are still collected).
# "Once" is a process-wide cache entry, not ``gc.get_freeze_count() == 0``: that count walks the whole frozen
# list, ~15 ms of every rerun of every page (py-spy)


@st.cache_resource(show_spinner=False)
def _freeze_once() -> bool:
    gc.collect()
    gc.freeze()
    return True


_freeze_once()
