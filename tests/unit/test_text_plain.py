"""Text from data is only ever text: the escaping helpers, and every chart builder fed hostile names."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from dashboard.text.plain import attribute, clean, html, md, md_link
from tests.support import frames

PAYLOADS = ["<img src=x onerror=alert(1)>", "<b>bold</b>", "[link](http://evil.example)",
            "![img](http://evil.example/x.png)", '=HYPERLINK("http://evil.example")', "+cmd|' /C calc'!A0",
            "<a href='http://evil.example'>x</a>", "**strong** _em_ `code` # title", ":red[red] $x^2$ :smile:",
            "www.evil.example mail@evil.example https://evil.example/p"]
CONTROLS = "a\x00b\x0bc\u200bd\u202ee\ufefff\x7fg"


def test_clean_drops_control_and_invisible_characters():
    assert clean(CONTROLS) == "abcdefg"
    assert clean("two\nlines\r\n\tand a tab") == "two lines and a tab"
    assert clean(None) == "" and clean(float("nan")) == ""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_escapes_every_markdown_construct(payload):
    out = md(payload)
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out).replace("\u2060", "")
    assert shown == payload                                    # the reader sees exactly the text
    assert not re.search(r"(?<!\\)[\[\]()*_`<>#!$:]", out)     # and no markup character is left unescaped
    assert "http://" not in out and "www." not in out.lower()   # nor an address Markdown would link by itself


def test_md_breaks_autolinks_with_an_invisible_joiner():
    out = md("see https://evil.example, www.evil.example or a@evil.example")
    assert "https\\:\u2060\\/\\/" in out and "www\u2060\\." in out and "a\u2060\\@" in out


def test_html_escapes_tags_and_keeps_the_text():
    assert html("<b>bold</b> & co") == "&lt;b&gt;bold&lt;/b&gt; &amp; co"
    assert html("Saint-Josse's") == "Saint-Josse's"           # plotly shows quotes as they are
    assert attribute('x" onload="alert(1)') == "x&quot; onload=&quot;alert(1)"


def test_md_link_only_for_web_addresses_and_paths():
    assert md_link("Statbel", "https://statbel.fgov.be/fr") == "[Statbel](<https://statbel.fgov.be/fr>)"
    assert md_link("x", "javascript:alert(1)") == "x"
    assert md_link("here", "/commune?lang=fr&commune=21001") == "[here](</commune?lang=fr&commune=21001>)"
    assert md_link("x", "https://e.example/a>b)") == "x"          # cannot close the link and add markup


# ----------------------------------------------------------------------------- every chart builder

def _hostile_frame():
    d = frames.frame()
    d.loc[0, "name_fr"] = PAYLOADS[0]
    d.loc[0, "name_nl"] = PAYLOADS[1]
    d.loc[0, "name_en"] = PAYLOADS[6]
    d.loc[1, "name_fr"] = PAYLOADS[2]
    d["nis_code"] = d["nis_code"].astype(str)
    return d


def _strings(fig) -> list[str]:
    out = []

    def walk(x):
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)

    walk(json.loads(fig.to_json()))
    return out


def _assert_inert(fig):
    """No tag from data in any string plotly reads: our own markup is <br>, <b>, <i>, <span …>, <extra>."""
    for s in _strings(fig):
        tags = re.findall(r"<\s*/?\s*([a-zA-Z]+)", s)
        assert set(tags) <= {"br", "b", "i", "span", "extra"}, s[:200]
        assert "<img" not in s and "<a " not in s and "onerror" not in s.replace("onerror=alert(1)&gt;", "")
        assert "<b>bold" not in s


def test_every_chart_builder_escapes_data_text():
    from dashboard.charts import figures, impact, maps, scorecard
    from dashboard.model.meta import ChartMeta
    from dashboard.text.i18n import translator

    d = _hostile_frame()
    meta = ChartMeta(title=PAYLOADS[1] + " rate", unit_label="<i>%</i>", source_label=PAYLOADS[6],
                     quality="example", year=2024, where=PAYLOADS[0], region_value=3.0, note=PAYLOADS[3])
    figs = [maps.choropleth(d, frames.square_geojson(), lang="fr", meta=meta),
            maps.tile_map(d, frames.tiles(), lang="nl", meta=meta),
            figures.ranking_bar(d, lang="en", meta=meta),
            figures.scatter(d.assign(x=d["value"], y=d["value"] * 2), meta, meta, lang="fr"),
            figures.time_series(pd.concat([d.assign(year=2023), d.assign(year=2024)]), lang="en", meta=meta,
                                communes=list(d["nis_code"][:2])),
            scorecard.score_tile_map(d.assign(value=0.5), frames.tiles(), lang="fr", _=translator("fr"),
                                     title=PAYLOADS[1], footer=PAYLOADS[6], quality="example")]
    change = d[["nis_code", "name_fr", "name_nl", "name_en"]].assign(value_from=1.0, value_to=d["value"],
                                                                     change=d["value"] - 1)
    figs.append(maps.change_map(change, frames.square_geojson(), lang="fr", meta=meta.replace(points=True)))
    bd = pd.DataFrame({"group": ["reuse"], "integration_workers": [3.0], "art60_placements": [1.0],
                       "exits_to_work": [1.0]})
    figs.append(impact.jobs_breakdown_figure(bd, lang="fr", meta=meta))
    flows = pd.DataFrame({"stream": ["textiles"], "collected_t": [1.0], "reused_t": [1.0], "recycled_t": [0.0]})
    figs.append(impact.streams_figure(flows, lang="nl", meta=meta, stream_labels={"textiles": PAYLOADS[1]}))
    points = pd.DataFrame({"operator_id": ["o1"], "name": [PAYLOADS[0]], "organisation": [PAYLOADS[1]],
                           "category": ["reuse_shop"], "address": [PAYLOADS[6]], "name_fr": [PAYLOADS[2]],
                           "name_nl": ["x"], "position": ["site"], "quality": ["example"], "group": ["reuse"],
                           "plot_lon": [4.35], "plot_lat": [50.85]})
    figs.append(impact.operators_map(points, None, lang="en", meta=meta))
    for fig in figs:
        _assert_inert(fig)
        text = " ".join(_strings(fig))
        assert "&lt;img src=x onerror=alert(1)&gt;" in text or "&lt;b&gt;bold&lt;/b&gt;" in text   # shown as text
        assert fig.layout.meta["example"] is True                                                      # and marked
