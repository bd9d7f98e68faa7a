"""The overview tells the product's story: the members' delivery (jobs created, tonnes re-used) and the five tips
across the 19 communes first, each with its quality mark, then the context; without member data each block says so
and how to load the templates; where data is missing is one link away (the data coverage of Data & sources)."""
from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from dashboard.text.i18n import translator
from tests.support.apptest import figure_cards, page_texts, run_page, shown
from tests.support.built import built_copy


def _label(indicator_id: str, lang: str) -> str:
    import duckdb
    with duckdb.connect(os.environ["BSIM_DB"], read_only=True) as con:
        return con.execute(f"SELECT label_{lang} FROM indicator WHERE indicator_id = ?", [indicator_id]).fetchone()[0]


def _assessed_with_example() -> bool:
    import duckdb
    with duckdb.connect(os.environ["BSIM_DB"], read_only=True) as con:
        return bool(con.execute("SELECT count(*) FROM tip_assessment WHERE quality = 'example'").fetchone()[0])


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_overview_opens_with_what_the_members_deliver(lang):
    _ = translator(lang)
    at = run_page("views/overview.py", lang)
    heads = [h.value for h in at.header]
    order = [_("What the federation's members deliver"), _("The five tips across the 19 communes"),
             _("Context: the region in figures"), _("Where data is missing")]
    assert [h for h in heads if h in order] == order
    labels = [shown(m.label) for m in at.metric]           # as read: the labels are escaped (text.plain.md)
    # the two delivery figures come first, before the context figures
    assert labels[0].startswith(_label("member_jobs", lang)) and labels[1].startswith(_label("member_reused_t", lang))
    assert len(labels) >= 6
    texts = page_texts(at)
    # shipped with example member data: marked on the page
    assert _("EXAMPLE DATA") in texts
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    tips = charts[0]
    assert {t["type"] for t in tips["data"]} == {"bar"} and len(tips["data"]) == 5     # one trace per status
    assert sum(v for t in tips["data"] for v in t["x"]) == 5 * 19                      # 19 communes per tip
    # the tips chart is marked exactly when its rows are example assessments: shipped, the real assessments from
    # public evidence leave the example ones out (never mixed), so it is not
    assert (_("EXAMPLE DATA") in tips["layout"]["title"]["text"]) == _assessed_with_example()
    assert not _assessed_with_example()
    # the context map says the ONEM rate is not published for the region, and whose boundaries it draws
    footer = " ".join(a["text"] for a in charts[1]["layout"]["annotations"]).replace("<br>", " ")
    assert _("not published") in footer and "Statbel" in footer
    links = [link.proto.page for link in at.get("page_link")]
    assert any("sources" in p for p in links)


@pytest.fixture(scope="module")
def no_example_db(tmp_path_factory):
    """`python -m etl build --no-example` with no member data: real figures only."""
    return built_copy(tmp_path_factory.mktemp("noex"), with_example=False) / "impact.duckdb"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_without_member_data_each_block_says_so_and_how_to_load_the_templates(no_example_db, monkeypatch, lang):
    _ = translator(lang)
    monkeypatch.setenv("BSIM_DB", str(no_example_db))
    at = run_page("views/overview.py", lang)
    infos = [i.value for i in at.info]
    for ind in ("member_jobs", "member_reused_t"):
        said = _("No member has reported “{figure}” yet.", figure=_label(ind, lang))
        assert any(said in i and "data/members/" in i for i in infos), infos
    assert not [m for m in at.metric if m.label.startswith(_label("member_jobs", lang))]
    texts = page_texts(at)
    assert _("EXAMPLE DATA") not in texts
    # the tips chart stays: real assessments from public evidence, never marked example
    tips = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert _("EXAMPLE DATA") not in tips["layout"]["title"]["text"]
    assert any(_("Templates for members and communes") == link.proto.label for link in at.get("page_link"))


def test_tip_progress_counts_the_furthest_step():
    from dashboard.model import tips as tv
    from tests.support import frames
    statuses = tv.Statuses.from_frame(frames.tip_statuses())
    g = pd.DataFrame({
        "nis_code": ["21001", "21001", "21002", "21002", "21003", "21003"],
        "criterion_id": ["a", "b"] * 3, "tip_id": [1] * 6, "weight": [1.0] * 6,
        "status": ["none", "done", "committed", "unknown", "unknown", "unknown"],
        "quality": ["reported", "reported", "official", None, None, None]})
    p = tv.tip_progress(g, statuses).set_index("status")["n"].to_dict()
    assert p == {"unknown": 1, "none": 0, "committed": 1, "in_progress": 0, "done": 1}
    g.loc[1, "quality"] = "example"
    assert set(tv.tip_progress(g, statuses)["quality"]) == {"example"}


def test_data_coverage_counts_real_figures_only():
    from dashboard.model import coverage as cov
    inds = pd.DataFrame({"indicator_id": ["a", "b"], "topic": ["tip1", "context"], "sort_order": [1, 2],
                         "label_en": ["A", "B"]})
    obs = pd.DataFrame({"indicator_id": ["a"] * 3 + ["b"] * 2, "nis_code": ["21001", "21002", "04000", "21001", "21002"],
                        "year": [2024, 2024, 2024, 2023, 2023], "value": 1.0,
                        "quality": ["official", "example", "official", "example", "example"]})
    c = cov.indicator_coverage(inds, obs, pd.DataFrame(columns=["indicator_id"]), "en").set_index("indicator_id")
    assert c.loc["a", "communes"] == "1 / 19" and c.loc["a", "year"] == "2024" and c.loc["a", "region"] == "2024"
    assert c.loc["b", "n_communes"] == 0 and c.loc["b", "example_only"]
    history = pd.DataFrame({"nis_code": ["21001", "21002"], "criterion_id": ["x", "x"], "quality": ["reported", "example"],
                            "assessed_on": pd.to_datetime(["2024-07-01", "2025-06-30"])})
    criteria = pd.DataFrame({"criterion_id": ["x"], "tip_id": [1]})
    tips = pd.DataFrame({"tip_id": [1], "title_en": ["One"]})
    t = cov.tip_coverage(history, criteria, tips, "en").iloc[0]
    assert (t["communes"], t["latest"]) == ("1 / 19", "2024-07-01")
    s = cov.summary(c.reset_index(), cov.tip_coverage(history, criteria, tips, "en"))
    assert (s["complete"], s["partial"], s["none"]) == (0, 1, 1)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_data_coverage_on_the_sources_page(lang):
    _ = translator(lang)
    at = run_page("views/sources.py", lang)
    assert _("Data coverage") in [h.value for h in at.header]
    tips = at.dataframe[0].value
    assert list(tips["tip_id"]) == [1, 2, 3, 4, 5]
    inds = at.dataframe[1].value
    assert len(inds) > 200 and inds["n_communes"].between(0, 19).all()
    row = inds.set_index("indicator_id").loc["inspirons_projects_funded"]
    assert row["communes"] == "19 / 19" and row["year"] == "2025"


def test_commune_profile_says_not_published_and_parts_of_the_commune():
    _ = translator("fr")
    at = run_page("views/commune.py", "fr", commune="21004")
    captions = [c["caption"] for c in figure_cards(at)]      # the key figures' cards, as read
    assert any(_("Region") + ": " + _("not published") in c for c in captions)
    assert any(_("Published for parts of the commune only: see the figures located in the commune below") in c
               for c in captions)


def test_tips_page_shows_the_context_figures_of_a_tip():
    _ = translator("nl")
    at = run_page("views/tips.py", "nl", commune="21015")
    text = page_texts(at)
    assert "Inspirons le quartier" in text          # tip 3 and 4 context
    assert os.environ["BSIM_DB"]
