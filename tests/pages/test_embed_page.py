"""The embed view (one chart or card, no navigation) in fr / nl / en."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT

# ----------------------------------------------------------------------------- embed


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_embed_page(lang):
    from streamlit.testing.v1 import AppTest

    from dashboard.data import connection

    try:
        connection.version()
    except connection.DatabaseMissing:
        pytest.skip("no database")
    at = AppTest.from_file(str(ROOT / "views" / "embed.py"), default_timeout=300)
    at.query_params.update({"lang": lang, "embed": "1", "chart": "card", "commune": "21009"})
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert ("Elsene" in at.subheader[0].value) and ("Ixelles" in at.subheader[0].value)
    assert len(at.metric) >= 2
    at2 = AppTest.from_file(str(ROOT / "views" / "embed.py"), default_timeout=300)
    at2.query_params.update({"lang": lang, "embed": "1", "chart": "ranking"})
    at2.session_state["lang"] = lang
    at2.run()
    assert not at2.exception
