"""The written summary of a commune (dashboard/model/summary.py): facts from the figures only, each sentence
with its year and source, none where a figure is missing; and the real database's summaries of the 19
communes in fr, nl and en."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard.data import connection, queries
from dashboard.exports.bundle import summary_sentences
from dashboard.model import summary as sm
from dashboard.text.format import fmt_value
from dashboard.text.i18n import translator
from tests.support import frames

YEAR = re.compile(r"\b(19|20)\d\d\b")


def _indicators():
    return pd.DataFrame([
        {"indicator_id": "rate", "label_fr": "Taux X", "label_nl": "Graad X", "label_en": "Rate X", "decimals": 1,
         "direction": "lower_better", "unit_fr": "%", "unit_nl": "%", "unit_en": "%", "denominators": None},
        {"indicator_id": "jobs", "label_fr": "Emplois Y", "label_nl": "Banen Y", "label_en": "Jobs Y", "decimals": 0,
         "direction": "higher_better", "unit_fr": "emplois", "unit_nl": "banen", "unit_en": "jobs",
         "denominators": None},
    ]).set_index("indicator_id", drop=False)


def _sources():
    return pd.DataFrame([{"source_id": "s1", "publisher": "Statbel", "title": "T"},
                         {"source_id": "ex", "publisher": "Example publisher", "title": "E"}]).set_index(
        "source_id", drop=False)


def _obs(values, years=(2022, 2023), region=True):
    rows = []
    for year, vals in zip(years, values):
        for code, v in zip(frames.CODES, vals):
            if v == v:
                rows.append({"indicator_id": "rate", "nis_code": code, "year": year, "value": v, "source_id": "s1",
                             "quality": "official"})
        if region:
            rows.append({"indicator_id": "rate", "nis_code": "04000", "year": year, "value": 10.0,
                         "source_id": "s1", "quality": "official"})
    return pd.DataFrame(rows)


def _sentences(obs, lang="en", member=None, scores=None, history=None):
    return sm.commune_sentences("21001", communes=frames.communes(), indicators=_indicators(), sources=_sources(),
                                context_obs=obs, context_ids=["rate"], member_obs=member if member is not None
                                else pd.DataFrame(columns=["indicator_id", "nis_code", "year", "value"]),
                                member_ids=["jobs"], tip_scores=scores, tip_titles={1: "First tip", 2: "Second"},
                                tip_history=history, lang=lang)


def test_context_sentence_has_value_region_rank_change_year_and_source():
    old = np.arange(1, 20, dtype=float)
    new = old + 0.5
    new[0] = 3.0                                    # Anderlecht: 1.0 -> 3.0, after Auderghem (2.5)
    s, = _sentences(_obs([old, new]))
    assert s == ("Rate X (2023): 3.0% in Anderlecht, against 10.0% for the region; rank 2 of 19 communes, "
                 "1 being the lowest; up from 1.0% in 2022 (source: Statbel, official).")
    fr, = _sentences(_obs([old, new]), "fr")
    assert "3,0\u00a0% à Anderlecht" in fr and "rang 2 sur 19 communes" in fr and "en 2022" in fr


def test_missing_figures_drop_their_clause_or_their_sentence():
    vals = np.arange(1, 20, dtype=float)
    s, = _sentences(_obs([vals], years=(2023,), region=False))
    assert "region" not in s and "from" not in s and "(2023)" in s and "rank 1 of 19" in s
    missing = vals.copy()
    missing[0] = np.nan                              # no figure for Anderlecht: no sentence at all
    assert _sentences(_obs([missing], years=(2023,))) == []


def test_one_commune_ranked_gives_no_rank_and_ties_are_said():
    only = np.full(19, np.nan)
    only[0] = 5.0
    s, = _sentences(_obs([only], years=(2023,)))
    assert "rank" not in s
    tied = np.arange(1, 20, dtype=float)
    tied[1] = 1.0                                    # Auderghem equals Anderlecht
    s, = _sentences(_obs([tied], years=(2023,)))
    assert "rank 1 (tied) of 19 communes" in s


def test_plural_forms_follow_the_count():
    _ = translator("nl")
    assert _.ngettext("; {known} of {n} criterion with a known status",
                      "; {known} of {n} criteria with a known status", 1, known=1) == "; 1 van 1 criterium met een gekende status"
    scores = pd.DataFrame({"nis_code": ["21001"], "tip_id": [1], "action": [0.5], "commitment": [1.0],
                           "coverage": [1.0], "n_known": [1], "n_criteria": [1], "example": [False]})
    history = pd.DataFrame({"nis_code": ["21001"], "assessed_on": ["2024-07-01"], "quality": ["official"]})
    s, = _sentences(_obs([np.full(19, np.nan)], years=(2023,)), "en", scores=scores, history=history)
    assert s.startswith("Five tips, assessments up to 2024: action score of Anderlecht on tip 1 (First tip): 50%")
    assert "1 of 1 criterion with a known status" in s


def test_member_figures_and_example_data_say_so():
    member = pd.DataFrame({"indicator_id": ["jobs", "jobs"], "nis_code": ["21001", "21001"], "year": [2023, 2024],
                           "value": [40.0, 45.0], "source_id": ["ex", "ex"], "quality": ["example", "example"]})
    s, = _sentences(_obs([np.full(19, np.nan)], years=(2023,)), "fr", member=member)
    assert s.startswith("Sur les sites des membres à Anderlecht en 2024\u00a0: Emplois Y\u00a0: 45\u00a0emplois (")
    assert "DONNÉES D'EXEMPLE" in s and "Example publisher" in s


def test_unknown_tips_give_no_sentence():
    scores = pd.DataFrame({"nis_code": ["21001"] * 2, "tip_id": [1, 2], "action": [np.nan, np.nan],
                           "commitment": [np.nan] * 2, "coverage": [0.0] * 2, "n_known": [0, 0],
                           "n_criteria": [3, 4], "example": [False, False]})
    history = pd.DataFrame(columns=["nis_code", "assessed_on", "quality"])
    assert _sentences(_obs([np.full(19, np.nan)], years=(2023,)), scores=scores, history=history) == []


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_commune_of_the_database_reads_from_its_figures(lang):
    _ = translator(lang)
    ver = connection.version()
    obs = queries.observations(ver, "onem_unemployment_rate_annual_avg")
    ind = queries.indicators(ver).loc["onem_unemployment_rate_annual_avg"]
    communes = queries.communes(ver)
    for nis in communes.loc[communes["level"] == "commune", "nis_code"]:
        sentences = summary_sentences(ver, nis, lang)
        assert len(sentences) >= 3, nis
        for s in sentences:
            assert YEAR.search(s) and _("source: {source}", source="").strip() in s, s
            assert "nan" not in s.lower().split() and "None" not in s
        latest = obs[obs["nis_code"] == nis].sort_values("year").iloc[-1]
        value = fmt_value(latest["value"], lang, int(ind["decimals"]), ind[f"unit_{lang}"])
        assert any(value in s and str(int(latest["year"])) in s for s in sentences), (nis, value)
        for s in sentences:
            if "(example data)" in s:      # the example member dataset's publisher: the sentence says it
                assert _("EXAMPLE DATA: illustrative, not real figures") in s, s
