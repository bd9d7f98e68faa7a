"""Figures built once per distinct input (``ui.chart.figure``) and trimmed of template defaults they do not use."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import trim_template
from dashboard.text.i18n import translator
from dashboard.ui import chart

CALLS: list[tuple] = []


def builder(df: pd.DataFrame, *, lang: str, _=None, title: str = "") -> go.Figure:
    CALLS.append((lang, title, len(df)))
    return go.Figure(go.Bar(x=df["nis_code"], y=df["value"]), layout={"title": {"text": title}})


def frame(values=(1.0, 2.0)) -> pd.DataFrame:
    return pd.DataFrame({"nis_code": ["21001", "21002"], "value": list(values)})


def test_equal_inputs_share_one_figure_other_inputs_get_their_own():
    CALLS.clear()
    a = chart.figure(builder, frame(), lang="fr", title="t")
    b = chart.figure(builder, frame(), lang="fr", title="t")        # an equal frame, another object
    assert a is b and len(CALLS) == 1
    assert chart.figure(builder, frame((1.0, 3.0)), lang="fr", title="t") is not a    # other values
    assert chart.figure(builder, frame(), lang="nl", title="t") is not a             # other language
    assert chart.figure(builder, frame(), lang="fr", title="u") is not a
    assert len(CALLS) == 4


def test_a_translator_argument_stands_for_its_language():
    CALLS.clear()
    fr = chart.figure(builder, frame(), lang="x", _=translator("fr"))
    nl = chart.figure(builder, frame(), lang="x", _=translator("nl"))
    assert fr is not nl and len(CALLS) == 2
    assert chart.figure(builder, frame(), lang="x", _=translator("fr")) is fr


def test_template_keeps_defaults_of_the_trace_types_drawn_only():
    fig = go.Figure([go.Bar(x=[1], y=[2]), go.Scatter(x=[1], y=[2])],
                    layout={"template": {"data": {"bar": [{"marker": {"color": "red"}}],
                                                  "heatmap": [{"colorscale": "Viridis"}],
                                                  "scatter": [{"mode": "lines"}]},
                                         "layout": {"font": {"color": "#123456"}}}})
    trimmed = trim_template(fig)
    assert set(trimmed.layout.template.data.to_plotly_json()) == {"bar", "scatter"}
    assert trimmed.layout.template.data.bar[0].marker.color == "red"
    assert trimmed.layout.template.layout.font.color == "#123456"


def test_cached_figures_come_trimmed():
    fig = chart.figure(builder, frame((5.0, 6.0)), lang="fr", title="trim")
    assert set(fig.layout.template.data.to_plotly_json()) <= {"bar"}
