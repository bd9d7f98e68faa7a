"""Pure helpers of the Overview and Map explorer pages."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.model import map as mv
from tests.support.frames import CODES, communes, frame

SOURCES = pd.DataFrame({"source_id": ["S1"], "publisher": ["Statbel"], "title": ["Population"]}).set_index(
    "source_id", drop=False)


def _ind(**kw) -> pd.Series:
    base = dict(indicator_id="x", topic="context", kind="rate", n_communes=19, sort_order=1, decimals=1,
                direction="lower_better", label_fr="Taux", label_nl="Graad", label_en="Rate",
                unit_fr="%", unit_nl="%", unit_en="%", denominators="")
    base.update(kw)
    return pd.Series(base)


def _indicators() -> pd.DataFrame:
    rows = [
        _ind(indicator_id="ctx_rate", topic="context", sort_order=1),
        _ind(indicator_id="t1_rate_few", topic="tip1", kind="rate", n_communes=4, sort_order=2),
        _ind(indicator_id="t1_count", topic="tip1", kind="count", n_communes=19, sort_order=3,
             denominators="population"),
        _ind(indicator_id="t1_rate", topic="tip1", kind="rate", n_communes=10, sort_order=4),
        _ind(indicator_id="t2_none", topic="tip2", kind="rate", n_communes=0, sort_order=5),
        _ind(indicator_id="t5_flag", topic="tip5", kind="flag", n_communes=2, sort_order=6),
    ]
    return pd.DataFrame(rows).set_index("indicator_id", drop=False)


def test_mappable_indicators_order_and_threshold():
    got = list(mv.mappable_indicators(_indicators()).index)
    assert got == ["t1_rate_few", "t1_count", "t1_rate", "ctx_rate"]  # tips first, context last
    assert "t2_none" not in got and "t5_flag" not in got


@pytest.mark.parametrize("lang,expected", [("fr", "Conseil 1"), ("nl", "Tip 1"), ("en", "Tip 1")])
def test_option_label(lang, expected):
    row = _indicators().loc["t1_rate"]
    label = mv.indicator_option_label(row, lang)
    assert label.startswith(expected.split()[0]) and " · " in label
    assert label.endswith(row[f"label_{lang}"])
    ctx = mv.indicator_option_label(_indicators().loc["ctx_rate"], lang)
    assert ctx.split(" · ")[0] == {"fr": "Contexte", "nl": "Context", "en": "Context"}[lang]


def test_tip_indicator_prefers_rates_with_enough_communes():
    inds = _indicators()
    assert mv.tip_indicator(inds, 1) == "t1_rate"          # rate (10 communes) before a count (19)
    assert mv.tip_indicator(inds, 2) is None               # no commune data
    assert mv.tip_indicator(inds, 5) is None               # fewer than 5 communes
    assert mv.tip_link(inds, 1, "nl") == ("views/map.py", {"indicator": "t1_rate", "lang": "nl"})
    assert mv.tip_link(inds, 2, "fr") == ("views/sources.py", {"lang": "fr"})


def test_parse_year():
    assert mv.parse_year("2021", [2023, 2021]) == 2021
    assert mv.parse_year("1999", [2023, 2021], 2023) == 2023
    assert mv.parse_year("abc", [2023], None) is None
    assert mv.from_year_default([2025, 2017, 2020]) == 2017
    assert mv.from_year_default([]) is None
    assert mv.view_options(True) == ["geo", "tile", "table"]
    assert mv.view_options(False) == ["tile", "table"]


def _obs(region=True):
    rows = []
    for y, v in [(2024, 100.0), (2025, 110.0)]:
        if region:
            rows.append({"nis_code": "04000", "year": y, "value": v, "source_id": "S1", "quality": "official"})
        for i, c in enumerate(CODES):
            rows.append({"nis_code": c, "year": y, "value": float(i + 1), "source_id": "S1", "quality": "official"})
    return pd.DataFrame(rows)


def test_headline_region_value_and_change():
    h = mv.headline(_obs())
    assert h["kind"] == "value" and h["year"] == 2025 and h["value"] == 110.0
    assert h["prev_year"] == 2024 and h["change"] == 10.0
    ind = _ind(decimals=0, unit_fr="personnes", unit_nl="personen", unit_en="persons", direction="neutral",
               label_fr="Population", label_nl="Bevolking", label_en="Population")
    fr = mv.headline_texts(h, ind, "fr", SOURCES)
    assert fr["value"] == "110" and fr["label"] == "Population (personnes)"
    assert fr["delta"] == "+10\u00a0personnes depuis 2024"
    assert fr["delta_color"] == "off"
    assert fr["caption"] == "Statbel — Population · 2025 · officiel"
    en = mv.headline_texts(h, ind, "en", SOURCES)
    assert en["caption"].endswith("· 2025 · official")


def test_headline_falls_back_to_commune_range_never_an_average():
    h = mv.headline(_obs(region=False))
    assert h["kind"] == "range" and h["low"] == 1.0 and h["high"] == 19.0 and h["n"] == 19
    t = mv.headline_texts(h, _ind(), "nl", SOURCES)
    assert t["value"] == "1,0 – 19,0\u00a0%" and t["delta"] is None
    assert "19 gemeenten" in t["label"]
    assert mv.headline(_obs().iloc[0:0]) is None
    assert mv.headline_texts(None, _ind(), "fr")["value"] == "—"


def test_big_numbers_grouped_per_language():
    obs = pd.DataFrame({"nis_code": ["04000"], "year": [2026], "value": [1255834.0], "source_id": ["S1"],
                        "quality": ["official"]})
    ind = _ind(decimals=0, unit_fr="personnes", unit_nl="personen", unit_en="persons")
    h = mv.headline(obs)
    assert mv.headline_texts(h, ind, "fr")["value"].startswith("1.255.834")
    assert mv.headline_texts(h, ind, "nl")["value"].startswith("1.255.834")
    assert mv.headline_texts(h, ind, "en")["value"].startswith("1,255,834")
    assert mv.headline_texts(h, ind, "en")["delta"] is None


def test_table_frame_sorted_with_missing_last():
    d = frame()
    d.loc[0, "value"] = np.nan
    d["rank"] = pd.Series(range(19, 0, -1), dtype="Int64")
    d.loc[0, "rank"] = pd.NA
    d["quality"] = "official"
    t = mv.table_frame(d, "nl", source="Statbel", value_label="Waarde (%)")
    assert list(t.columns) == ["Gemeente", "Waarde (%)", "Rang", "Jaar", "Bron", "Kwaliteit"]
    assert t["Rang"].iloc[0] == "1 / 19"
    assert t["Rang"].iloc[-1] == "—" and np.isnan(t["Waarde (%)"].iloc[-1])
    assert t["Gemeente"].iloc[-1] == "Anderlecht"
    assert "Elsene / Ixelles" in set(t["Gemeente"])
    assert t["Kwaliteit"].iloc[0] == "officieel"


def test_styled_formats_per_language():
    t = pd.DataFrame({"Commune": ["A", "B"], "Value": [1234.5, np.nan], "Change": [2.0, -1.0]})
    html_fr = mv.styled(t, "fr", 1, signed=("Change",)).to_html()
    assert "1.234,5" in html_fr and "—" in html_fr and "+2,0" in html_fr and "\u22121,0" in html_fr
    html_en = mv.styled(t, "en", 1).to_html()
    assert "1,234.5" in html_en


def test_change_table():
    a = frame(year=2020)
    b = frame(np.arange(1, 20, dtype=float) * 2, year=2023)
    from dashboard.model.map import change_frame
    t = mv.change_table(change_frame(a, b), "en", year_from=2020, year_to=2023, unit="%")
    assert list(t.columns) == ["Commune", "2020 (%)", "2023 (%)", "Change (%)"]
    assert t["Change (%)"].iloc[0] == pytest.approx(19 * 2 - 19 * 1.5)  # biggest change first
    assert len(t) == 19 and len(communes()) == 19


def test_headline_label_not_repeated():
    ind = _ind(decimals=0, unit_nl="vestigingseenheden", label_nl="Vestigingseenheden")
    obs = pd.DataFrame({"nis_code": ["04000"], "year": [2023], "value": [169522.0], "source_id": ["S1"],
                        "quality": ["official"]})
    assert mv.headline_texts(mv.headline(obs), ind, "nl")["label"] == "Vestigingseenheden"


def test_metric_texts():
    assert mv.metric_texts("Région", 12.34, "fr", 1, "%") == ("Région", "12,3\u00a0%")
    assert mv.metric_texts("Gewest", 1255834, "nl", 0, "personen") == ("Gewest (personen)", "1.255.834")
    assert mv.metric_texts("Region", None, "en", 0, "persons")[1] == "—"


def test_tip_indicator_prefers_real_figures_over_example_data():
    inds = _indicators()
    inds["n_example"] = 0
    inds.loc[inds["indicator_id"] == "t1_rate", "n_example"] = 10   # the rate is example data only
    assert mv.tip_indicator(inds, 1) != "t1_rate"


def test_tip_indicator_never_a_total_without_a_denominator():
    """A total that offers no denominator is not mapped, so a tip never links the map explorer to it."""
    inds = _indicators()
    inds.loc["t1_count", "denominators"] = ""
    inds.loc["t1_rate", "n_communes"] = 0
    inds.loc["t1_rate_few", "n_communes"] = 0
    assert mv.tip_indicator(inds, 1) is None


def test_a_regional_figure_the_publisher_does_not_give_is_said_not_published():
    """The ONEM rate has no regional figure: the headline says so instead of a dash, and no rate is computed."""
    from dashboard.model.indicators import region_text
    h = mv.headline(_obs(region=False))
    ind = _ind(region_published=False)
    t = mv.headline_texts(h, ind, "fr", SOURCES)
    assert t["caption"].startswith("Région: non publié") and h["kind"] == "range"
    assert region_text(None, ind, "nl", 1, "%") == "niet gepubliceerd"
    assert region_text(None, _ind(), "nl", 1, "%") == "—"
    assert region_text(12.5, ind, "en", 1, "%") == "12.5%"
