"""The overview's memoised model (``model.memo``): the same results as the pure functions it caches, per
version and language (a language seen before is not computed again; its language-free part is computed once)."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import connection, queries
from dashboard.model import map as map_view
from dashboard.model import memo
from dashboard.model import tips as tv


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_tip_links_and_headlines_equal_the_pure_functions(lang):
    ver = connection.version()
    inds, sources = queries.indicators(ver), memo.sources_in(ver, lang)
    links = memo.tip_links(ver, lang)
    assert links == {int(t): map_view.tip_link(inds, t, lang) for t in queries.tips(ver)["tip_id"]}
    for ind_id in ("member_jobs", "onem_unemployment_rate_annual_avg", "population_1jan"):
        h = map_view.headline(queries.observations(ver, ind_id))
        assert memo.headline_of(ver, ind_id, lang) == (h, map_view.headline_texts(h, inds.loc[ind_id], lang, sources))


def test_tip_progress_equals_the_pure_function():
    ver = connection.version()
    communes = queries.communes(ver)
    codes = tuple(communes.loc[communes["level"] == "commune", "nis_code"])
    g, _scores = memo.tip_grid(ver, codes)
    pd.testing.assert_frame_equal(memo.tip_progress(ver, codes),
                                  tv.tip_progress(g, tv.Statuses.from_frame(queries.tip_statuses(ver))))


def test_a_links_parameters_are_the_readers_copy():
    ver = connection.version()
    page, params = memo.tip_links(ver, "fr")[1]
    params["lang"] = "changed"
    assert memo.tip_links(ver, "fr")[1][1]["lang"] == "fr"
