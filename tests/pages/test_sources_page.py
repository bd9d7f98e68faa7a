"""AppTest of the Data & sources page in fr / nl / en (shared built database)."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text.i18n import translator
from dashboard.ui.state import widget_key

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py



def _run(lang: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()  # run once so st.navigation registers the pages, then switch
    at.switch_page("views/sources.py")
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_sources_page(lang):
    _ = translator(lang)
    at = _run(lang)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [_("Data & sources")]
    headers = [h.value for h in at.header]
    for h in ("Indicator catalogue", "Downloads", "Figures not mapped", "Last ETL run"):
        assert _(h) in headers
    # the data coverage (tips, indicators) first, then the catalogue: one row per indicator, labels in the
    # interface language
    cat = at.dataframe[2].value
    assert len(cat) > 100 and "label" in cat.columns and "description" in cat.columns
    # scoped figures table and ETL inputs table
    assert len(at.dataframe) == 5
    assert len(at.dataframe[3].value) > 0
    # last ETL run
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[_("Status")] == _("Succeeded")
    assert metrics[_("Input files")] == str(len(at.dataframe[4].value))
    # downloads
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_ind_csv", "dl_ind_xlsx", "dl_all_csv", "dl_all_xlsx", "dl_db"} <= keys
    assert {"dl_ind_csv_be", "dl_all_csv_be"} <= keys          # the Belgian Excel CSV beside each standard one
    # the fill-in templates, CSV and XLSX, with their documentation
    assert {f"tpl_{t}.{f}" for t in ("operator_sites", "jobs", "reuse_flows", "assessments")
            for f in ("csv", "xlsx")} <= keys


def test_filters_and_indicator_from_url():
    at = _run("nl", indicator="at_risk_of_poverty_rate", topic="context", q="armoede")
    assert not at.exception, at.exception
    cat = at.dataframe[2].value
    assert 0 < len(cat) < 20
    assert set(cat["topic"]) == {"context"}
    assert at.session_state[widget_key("indicator", "nl")] == "at_risk_of_poverty_rate"
    exp = [e for e in at.expander]
    assert exp and "armoede" in exp[0].label.lower()
    text = " ".join(m.value for m in at.markdown)
    assert "https://" in text  # the sources of the chosen indicator with their URL
    assert "at_risk_of_poverty_rate" in str(at.query_params["indicator"])


def test_download_bytes_from_the_database():
    from dashboard.data import connection
    from dashboard.ui import downloads as sv
    ver = connection.version()
    csv = pd.read_csv(io.BytesIO(sv.indicator_csv(ver, "population_1jan", "fr")), dtype={"nis_code": str})
    assert set(csv["nis_code"]) >= {"21001", "21019", "04000"}
    assert (csv["indicator_id"] == "population_1jan").all() and csv["licence"].notna().all()
    allcsv = pd.read_csv(io.BytesIO(sv.everything_csv(ver, "nl")), dtype={"nis_code": str}, low_memory=False)
    assert set(allcsv["table"]) == {"observation", "scoped_observation"}
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(sv.everything_xlsx(ver, "en")), read_only=True)
    assert wb.sheetnames == ["Observations", "Scoped figures", "About"]


def test_indicator_with_many_sources_lists_them_in_a_table():
    at = _run("fr", indicator="actiris_unemployment_rate")
    assert not at.exception, at.exception
    src = [df.value for df in at.dataframe if "publisher" in df.value.columns]
    assert src and len(src[0]) > 3 and src[0]["url"].str.startswith("http").any()
    assert any("non cartographiés" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_last_run_says_what_became_of_the_example_data(lang):
    """The session database holds no real member file (so the example member set is in, marked) and real
    assessments from public evidence (so the example assessments are left out): the page says both."""
    from tests.support.apptest import shown

    _ = translator(lang)
    at = _run(lang)
    text = "\n".join(shown(m.value) for m in at.markdown)
    assert f"{_('Example member data')}**: " + _("included (no real member file yet); marked as example everywhere") \
        in text
    assert f"{_('Example assessments')}**: " + _("left out: real assessments exist, and the two never share a score") \
        in text
