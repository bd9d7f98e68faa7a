"""``model.coverage``: the per-indicator coverage counted with group-bys equals the per-indicator masks it
replaced, on the shipped database; the memoised coverage (``model.memo``) is computed once per version and
language and equals the pure functions' result."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import connection, queries
from dashboard.model import coverage as cov
from dashboard.model import memo
from dashboard.model.indicators import REGION, TOPICS, topic_label
from dashboard.text.format import MISSING


def _masks_per_indicator(indicators, observations, scoped, lang):
    """The former ``indicator_coverage``: the whole frame masked once per indicator."""
    real = observations[observations["quality"] != "example"]
    communes = real[real["nis_code"] != REGION]
    latest = communes.groupby("indicator_id")["year"].max()
    scoped_n = scoped.groupby("indicator_id").size() if len(scoped) else pd.Series(dtype=int)
    rows = []
    order = {t: i for i, t in enumerate(TOPICS)}
    for ind in sorted(indicators.itertuples(index=False), key=lambda r: (order.get(r.topic, 99), r.sort_order)):
        iid = ind.indicator_id
        year = latest.get(iid)
        mine = observations[observations["indicator_id"] == iid]
        if year is not None and not pd.isna(year):
            at = communes[(communes["indicator_id"] == iid) & (communes["year"] == year)]
            n = int(at["nis_code"].nunique())
        else:
            n = 0
        region = real.loc[(real["indicator_id"] == iid) & (real["nis_code"] == REGION), "year"].max()
        rows.append({
            "indicator_id": iid, "topic": ind.topic, "topic_label": topic_label(ind.topic, lang),
            "label": getattr(ind, f"label_{lang}"), "n_communes": n,
            "communes": f"{n} / {cov.N_COMMUNES}", "gap": cov.N_COMMUNES - n,
            "year": MISSING if year is None or pd.isna(year) else str(int(year)),
            "region": MISSING if region is None or pd.isna(region) else str(int(region)),
            "quality": cov._qualities(mine["quality"], lang),
            "example_only": bool(len(mine)) and bool((mine["quality"] == "example").all()),
            "scoped": int(scoped_n.get(iid, 0)),
        })
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_group_bys_equal_the_masks_on_the_shipped_database(lang):
    ver = connection.version()
    args = (queries.indicators(ver), queries.all_observations(ver), queries.scoped(ver), lang)
    new = cov.indicator_coverage(*args)
    assert len(new) > 200
    pd.testing.assert_frame_equal(new, _masks_per_indicator(*args))


def test_group_bys_equal_the_masks_on_edge_cases():
    inds = pd.DataFrame({"indicator_id": ["a", "b", "c"], "topic": ["context", "tip1", "context"],
                         "sort_order": [1, 2, 3], "label_en": ["A", "B", "C"]})
    obs = pd.DataFrame({"indicator_id": ["a", "a", "a", "b", "b"],
                        "nis_code": ["21001", "21002", REGION, "21001", REGION],
                        "year": [2024, 2023, 2025, 2022, 2022],
                        "quality": ["official", "reported", "official", "example", "example"]})
    scoped = pd.DataFrame({"indicator_id": ["c", "c"]})
    for s in (scoped, scoped.iloc[:0]):
        pd.testing.assert_frame_equal(cov.indicator_coverage(inds, obs, s, "en"),
                                      _masks_per_indicator(inds, obs, s, "en"))
    empty = obs.iloc[:0]
    pd.testing.assert_frame_equal(cov.indicator_coverage(inds, empty, scoped, "en"),
                                  _masks_per_indicator(inds, empty, scoped, "en"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_memoised_coverage_equals_the_pure_functions(lang):
    ver = connection.version()
    ind_cov = cov.indicator_coverage(queries.indicators(ver), queries.all_observations(ver), queries.scoped(ver), lang)
    tip_cov = cov.tip_coverage(queries.history(ver), queries.criteria(ver), queries.tips(ver), lang)
    pd.testing.assert_frame_equal(memo.indicator_coverage(ver, lang), ind_cov)
    pd.testing.assert_frame_equal(memo.tip_coverage(ver, lang), tip_cov)
    assert memo.coverage_summary(ver) == cov.summary(ind_cov, tip_cov)


def test_memoised_coverage_is_counted_once_per_version(monkeypatch):
    calls = []
    real = cov.indicator_counts

    def counted(*args):
        calls.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(memo.coverage, "indicator_counts", counted)
    memo.coverage_counts.clear()
    memo.indicator_coverage.clear()
    ver = connection.version()
    first = memo.indicator_coverage(ver, "nl")
    first["changed"] = 1                                  # a reader's change stays in its copy
    again = memo.indicator_coverage(ver, "nl")
    assert len(calls) == 1 and "changed" not in again
    fr = memo.indicator_coverage(ver, "fr")               # another language: labelled, not counted again
    assert len(calls) == 1 and list(fr["n_communes"]) == list(again["n_communes"])
    assert list(fr["label"]) != list(again["label"])
    memo.indicator_coverage(ver + "-new", "nl")           # a new database version is counted afresh
    assert len(calls) == 2
    memo.coverage_counts.clear()
    memo.indicator_coverage.clear()
