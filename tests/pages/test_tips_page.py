"""The five tips scorecard page in fr / nl / en."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text.i18n import translator

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- the page

@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_tips_page(lang):
    _ = translator(lang)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/tips.py")
    at.query_params["commune"] = "21004"
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [_("Five tips scorecard")]
    headers = [h.value for h in at.header]
    for h in ("Scores per commune and tip", "Maps per tip", "Commune detail", "What changed"):
        assert _(h) in headers
    grid = at.dataframe[0].value
    assert len(grid) == 19 and [_("Tip {n}", n=i) for i in range(1, 6)] == list(grid.columns[-5:])
    detail = [d.value for d in at.dataframe if _("Responsible level") in d.value.columns]
    assert len(detail) == 5
    rows = pd.concat(detail)
    # Brussels City: the mobile container park evidence with its source
    assert rows[_("Evidence")].notna().any()
    assert (rows[_("Status")].str.contains(_("unknown"))).any()
    assert "21004" in [s.value for s in at.selectbox]
    # the URL commune is the one shown; the changes list exists (example rounds)
    assert any(_("Since the assessment round of") == s.label for s in at.selectbox)
