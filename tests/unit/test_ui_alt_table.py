"""The text alternative under every chart (``ui.chart._alt_table``) escapes its cells and headings for
Markdown in the pass that unescapes them (``charts.alt.figure_table(…, then=md)``): the same table as when
it mapped the whole table a second time, kept here as the reference, for every chart builder."""
from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts.alt import figure_table
from dashboard.text.plain import md
from dashboard.ui import chart
from tests.unit.test_charts_finish import _builds
from tests.unit.test_charts_specs import BUILDERS, _cases


def alt_table_in_two_passes(fig, lang):
    table = figure_table(fig, lang)
    if table is None or not len(table):
        return None
    table = table.map(lambda v: md(v) if isinstance(v, str) else v)
    table.columns = [md(c) for c in table.columns]
    return table.set_index(table.columns[0])


def _figures():
    for quality in ("official", "example"):
        for name, build in _builds(quality).items():
            yield f"{name}-{quality}", build
        for case, build in _cases(quality).items():
            new_builder = next(v[0] for k, v in BUILDERS.items() if case.startswith(k))
            yield f"{case}-{quality}", (lambda b=build, f=new_builder: b(f))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name,build", list(_figures()), ids=[n for n, _ in _figures()])
def test_the_text_alternative_is_the_table_it_was(name, build, lang):
    fig = build()
    new, old = chart._alt_table(fig, lang), alt_table_in_two_passes(fig, lang)
    if old is None:
        assert new is None
    else:
        pd.testing.assert_frame_equal(new, old)


def test_markup_in_a_name_is_escaped_once_for_markdown_and_shown_as_drawn():
    flows = pd.DataFrame({"stream": ["s"], "collected_t": [1.0], "reused_t": [1.0], "recycled_t": [1.0]})
    from dashboard.charts.impact import streams_figure
    from dashboard.model.meta import ChartMeta
    fig = streams_figure(flows, lang="en", meta=ChartMeta(title="T"), stream_labels={"s": "*A* & <b>B</b>"})
    table = chart._alt_table(fig, "en")
    assert list(table.index) == [md("*A* & <b>B</b>")]
