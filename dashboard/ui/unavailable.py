"""What a viewer sees when the published database is missing or cannot be read: a page in their language
that says the data is temporarily unavailable — no traceback, no path, no error text (the reason goes to
the server log). The next rerun after a good file is published shows the data again."""
from __future__ import annotations

import streamlit as st

from dashboard.text.i18n import translator


def unavailable_page(lang: str) -> None:
    _ = translator(lang)
    st.title(_("Data temporarily unavailable"))
    st.info(_("The figures cannot be shown right now. They will be back as soon as the data is published "
              "again: please try again in a few minutes."), icon=":material/hourglass_empty:")
