"""The Compare page's memoised views (``memo.ranking_meta``, ``scatter_view``, ``series_meta``,
``similar_view``) equal what the page computed on every rerun, on the shipped data; kept per version."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import connection, queries
from dashboard.model import compare as cmp
from dashboard.model import memo
from dashboard.model.indicators import indicator_meta, year_rows, years_with_data
from dashboard.text.i18n import translator
from dashboard.text.plain import md


@pytest.fixture(scope="module")
def ver():
    return connection.version()


def _some(ver, n=4):
    ids = memo.comparable_ids(ver)
    assert ids == cmp.comparable_ids(queries.indicators(ver))
    return ids[:n]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ranking_and_series_meta_equal_the_page_computation(ver, lang):
    sources, inds = memo.sources_in(ver, lang), queries.indicators(ver)
    for ind_id in _some(ver):
        ind, obs = inds.loc[ind_id], queries.observations(ver, ind_id)
        year = years_with_data(obs)[0]
        region = memo.commune_values(ver, ind_id, year, "none")[1]
        assert memo.ranking_meta(ver, ind_id, year, "none", lang) == indicator_meta(
            ind, lang, rows=year_rows(obs, year), year=year, denominator="none", sources=sources,
            source_ids=cmp.ranking_source_ids(obs, year), region_value=region)
        chosen = ["21001", "21009"]
        assert memo.series_meta(ver, ind_id, tuple(chosen), "none", lang) == indicator_meta(
            ind, lang, rows=cmp.series_rows(obs, chosen), denominator="none", sources=sources,
            where=cmp.names_list(queries.communes(ver), chosen, lang))


def test_scatter_view_equals_the_page_computation(ver):
    x_id, y_id = _some(ver, 2)
    lang, sources, inds = "nl", memo.sources_in(ver, "nl"), queries.indicators(ver)
    yx, yy, sdf, sregion, mx, my, short_x, short_y = memo.scatter_view(ver, x_id, y_id, "none", lang)
    obs_x, obs_y = queries.observations(ver, x_id), queries.observations(ver, y_id)
    assert (yx, yy) == cmp.scatter_years(obs_x, obs_y)
    pd.testing.assert_frame_equal(sdf, memo.scatter(ver, x_id, y_id, yx, yy, "none", "none")[0])
    assert mx == indicator_meta(inds.loc[x_id], lang, rows=year_rows(obs_x, yx, communes_only=True), year=yx,
                                denominator="none", sources=sources)
    assert short_y == my.replace(source_label=cmp.publishers(inds.loc[y_id], sources))


@pytest.mark.parametrize("nis", ["21001", "21015"])
def test_similar_view_equals_the_page_computation(ver, nis):
    lang = "fr"
    _ = translator(lang)
    frame, labels, years = memo.similarity(ver, lang)
    similar = cmp.similar_communes(frame, nis, list(frame.columns), k=5, labels=labels, lang=lang)
    table, caption = memo.similar_view(ver, nis, lang)
    assert not similar.empty
    pd.testing.assert_frame_equal(table, cmp.similar_table(similar, queries.communes(ver), lang).map(md)
                                  .set_index(_("Commune")))
    assert caption == (_("Standardised values (z-scores over the 19 communes), Euclidean distance, latest year of "
                         "each: {years}.", years=cmp.years_note(labels, years))
                       + " " + _("Source: {source}", source=md(cmp.similarity_publishers(
                           labels, queries.indicators(ver), memo.sources_in(ver, lang)))))
    again = memo.similar_view(ver, nis, lang)[0]
    assert again is not table and again.equals(table)       # a shallow copy of the one kept
