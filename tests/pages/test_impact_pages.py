"""AppTest of the Jobs, Re-use & waste and Operators pages in fr/nl/en, with the example marks; pure helpers."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.charts.impact import streams_figure
from dashboard.data import connection
from dashboard.model import impact as iv
from dashboard.model.meta import ChartMeta, example_mark
from dashboard.text.i18n import translator
from tests.support import frames
from tests.support.apptest import page_texts, run_page

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["fr", "nl", "en"]


def _has_example() -> bool:
    con = connection.connect_read_only(config.db_path())
    try:
        return con.execute("SELECT count(*) FROM operator WHERE quality = 'example'").fetchall()[0][0] > 0
    finally:
        con.close()


def _run(page: str, lang: str, **params) -> AppTest:
    return run_page(page, lang, **params)


def _texts(at: AppTest) -> str:
    return page_texts(at)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page, title", [("views/jobs.py", "Jobs created"), ("views/reuse.py", "Re-use & waste"),
                                         ("views/operators.py", "Operators")])
def test_pages_render_with_example_marks(page, title, lang):
    _ = translator(lang)
    at = _run(page, lang)
    text = _texts(at)
    assert _(title) in [t.value for t in at.title]
    if _has_example():
        assert example_mark(lang) in text  # the banner on the page
    if page != "views/operators.py":
        assert _("Public figures (regional or organisation-wide)") in text
        assert len(at.metric) >= 2
    assert len(at.dataframe) >= 1


def test_jobs_page_url_state():
    at = _run("views/jobs.py", "en", commune="21001", year="2023", indicator="member_jobs_per_1000_unemployed")
    assert at.query_params["commune"] == ["21001"] or at.query_params["commune"] == "21001"


def test_operators_search_filters():
    at = _run("views/operators.py", "fr", q="Petits Riens")
    df = at.dataframe[0].value
    assert len(df) >= 1 and all("petits riens" in " ".join(map(str, r)).lower() for r in df.itertuples())


# ----------------------------------------------------------------------------- pure helpers

def test_category_groups():
    assert iv.category_group("reuse_shop") == "reuse"
    assert iv.category_group("sorting_centre") == "sorting"
    assert iv.category_group("municipal_container_park") == "recypark"
    assert iv.category_group("bike_workshop") == "repair"
    assert iv.category_group("social_grocery") == "food"
    assert iv.category_group("community_compost") == "green"
    assert iv.category_group("whatever") == "other"


def test_operator_points_centroid_fallback():
    ops = pd.DataFrame({"operator_id": ["a", "b", "c"], "nis_code": ["21001", "21001", None],
                        "lon": [4.30, None, None], "lat": [50.83, None, None], "category": ["reuse_shop"] * 3,
                        "centroid_lon": [4.29, 4.29, None], "centroid_lat": [50.82, 50.82, None]})
    p = iv.operator_points(ops)
    assert list(p["operator_id"]) == ["a", "b"]  # no commune, no coordinates: table only
    assert p.set_index("operator_id").loc["a", "position"] == "site"
    assert p.set_index("operator_id").loc["b", "position"] == "commune_centre"
    assert p.set_index("operator_id").loc["b", "plot_lon"] == pytest.approx(4.29)


def test_breakdowns_and_example_marks():
    flows = pd.DataFrame({"year": [2024, 2024, 2023], "nis_code": ["21001", "21015", "21001"],
                          "stream": ["textiles", "textiles", "weee"], "collected_t": [10.0, 5.0, 1.0],
                          "reused_t": [4.0, 1.0, 1.0], "recycled_t": [None, 2.0, 0.0],
                          "quality": ["example", "reported", "reported"]})
    streams = frames.reuse_streams()
    bd = iv.breakdown_streams(flows, 2024, list(streams["stream"])).set_index("stream")
    assert bd.loc["textiles", "collected_t"] == 15 and bd.loc["textiles", "recycled_t"] == 2
    assert pd.isna(bd.loc["weee", "collected_t"])  # no data, not 0
    assert bd.loc["textiles", "quality"] == "example"
    fig = streams_figure(bd.reset_index(), lang="nl", meta=ChartMeta(title="", year=2024, quality="example"),
                         stream_labels=dict(zip(streams["stream"], streams["label_nl"])))
    assert list(fig.data[0].x) == list(streams["label_nl"])
    assert "VOORBEELD" in fig.layout.title.text.upper()


def test_public_figures_kept_apart():
    obs = pd.DataFrame({"indicator_id": ["social_economy_jobs"], "nis_code": ["04000"], "year": [2015],
                        "value": [1000.0], "source_ids": ["S"], "quality": ["reported"], "note": [None]})
    scoped = pd.DataFrame({"indicator_id": ["social_economy_jobs"] * 2, "scope": ["Wallonia + Brussels", "organisation"],
                           "scope_en": ["Wallonia and Brussels", "Les Petits Riens"], "year": [2022, None],
                           "ref_period": ["2022", "undated"], "value": [5000.0, 7.0], "source_ids": ["S", "S"],
                           "quality": ["reported"] * 2, "note": [None, None]})
    inds = pd.DataFrame({"indicator_id": ["social_economy_jobs"], "label_en": ["Social-economy jobs"],
                         "unit_en": ["jobs"], "decimals": [0], "description_en": ["Jobs, not FTE."]}
                        ).set_index("indicator_id", drop=False)
    sources = pd.DataFrame({"source_id": ["S"], "publisher": ["P"], "title": ["T"]}).set_index("source_id", drop=False)
    t = iv.public_figures(obs, scoped, inds, sources, ["social_economy_jobs"], "en")
    # latest first, never summed; the scope in the reader's language; an undated figure never gets a year
    assert list(t["Scope"]) == ["Wallonia and Brussels", "Brussels-Capital Region", "Les Petits Riens"]
    assert list(t["Year"]) == ["2022", "2015", "undated"]
    assert set(t["Definition"]) == {"Jobs, not FTE."}


def test_commune_summary():
    obs = pd.DataFrame({"indicator_id": ["member_jobs", "member_jobs"], "nis_code": ["21001", "21001"],
                        "year": [2023, 2024], "value": [10.0, 12.0], "source_id": ["S", "S"],
                        "source_ids": ["S", "S"], "quality": ["example", "example"]})
    inds = pd.DataFrame({"indicator_id": ["member_jobs"], "label_en": ["Jobs"], "unit_en": ["jobs"],
                         "decimals": [0]}).set_index("indicator_id", drop=False)
    ops = pd.DataFrame({"operator_id": ["x"], "name": ["Shop"], "organisation": [None], "category": ["reuse_shop"],
                        "address": [None], "postal_code": ["1070"], "nis_code": ["21001"], "name_fr": ["Anderlecht"],
                        "name_nl": ["Anderlecht"], "lon": [None], "lat": [None], "source_ids": ["S"],
                        "quality": ["official"]})
    sources = pd.DataFrame({"source_id": ["S"], "publisher": ["P"], "title": ["T"]}).set_index("source_id", drop=False)
    s = iv.commune_summary(obs, ops, inds, sources, "21001", "en")
    assert s["figures"].iloc[0]["year"] == 2024 and s["figures"].iloc[0]["value"].startswith("12")
    assert s["n_operators"] == 1 and s["quality"].is_example
