"""A change between two percentages is in percentage points, said so everywhere it is shown: headline and
key-figure cards, the key-figures table (fiche, deck, commune page), the change table and the change map
(hover, title, footer, legend); a negative change carries the typographic minus."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts.maps import change_map
from dashboard.model import commune as cv
from dashboard.model import map as mv
from dashboard.model.indicators import is_percentage
from dashboard.model.map import change_frame
from dashboard.model.meta import ChartMeta
from tests.support.frames import frame, square_geojson

MINUS = "\u2212"


def _ind(**kw) -> pd.Series:
    base = dict(indicator_id="rate", topic="context", kind="rate", decimals=1, direction="lower_better",
                label_fr="Taux", label_nl="Graad", label_en="Rate", unit_fr="%", unit_nl="%", unit_en="%",
                description_fr="", description_nl="", description_en="")
    base.update(kw)
    return pd.Series(base)


def _obs(values, place="04000", years=(2023, 2024)) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": "rate", "nis_code": place, "year": list(years), "value": values,
                         "source_id": "S1", "quality": "official"})


def test_which_figures_are_percentages():
    assert is_percentage(_ind())
    assert is_percentage(_ind(unit_en="persons"), "share")           # a share of the regional total
    assert not is_percentage(_ind(unit_en="persons"))
    assert not is_percentage(_ind(), "population")                   # per 1,000 inhabitants: not a %


def test_headline_card_says_points_in_each_language():
    h = mv.headline(_obs([14.2, 10.1]))
    assert mv.headline_texts(h, _ind(), "en")["delta"] == f"{MINUS}4.1\u00a0pts since 2023"
    fr = mv.headline_texts(h, _ind(), "fr")
    assert fr["delta"].startswith(f"{MINUS}4,1\u00a0pts") and "%" not in fr["delta"]
    assert mv.headline_texts(h, _ind(), "nl")["delta"].startswith(f"{MINUS}4,1\u00a0%-punt")
    # the colour follows the sign even with the typographic minus: lower is better, so a fall is good
    assert (fr["delta_color"], fr["delta_arrow"]) == ("green", "down")
    up = mv.headline_texts(mv.headline(_obs([10.0, 11.6])), _ind(), "en")
    assert up["delta"].startswith("+1.6\u00a0pts") and (up["delta_color"], up["delta_arrow"]) == ("red", "up")
    persons = mv.headline_texts(mv.headline(_obs([100.0, 90.0])),
                                _ind(unit_fr="personnes", unit_nl="personen", unit_en="persons"), "en")
    assert persons["delta"].startswith(f"{MINUS}10.0\u00a0persons")


def test_key_figure_cards_and_table_say_points():
    ind = _ind(indicator_id="rate")
    indicators = pd.DataFrame([ind]).set_index("indicator_id", drop=False)
    sources = pd.DataFrame({"source_id": ["S1"], "publisher": ["ONEM"], "title": ["Chômage"]}).set_index(
        "source_id", drop=False)
    obs = pd.concat([_obs([12.0, 13.6], place="21004"), _obs([11.0, 11.5])])
    kf = cv.key_figures(obs, indicators, "21004", ["rate"])
    card = cv.key_figure_cards(kf, indicators, sources, "en")[0]
    assert card["delta"] == "+1.6\u00a0pts since 2023"
    table = cv.key_figure_table(kf, indicators, sources, "fr")
    assert table.iloc[0, 5] == "+1,6\u00a0pts (2023)"           # change since the previous year


def test_change_table_and_change_map_say_points():
    a = frame(year=2020)
    b = frame(a["value"].to_numpy() + np.linspace(-4.1, 1.6, 19), year=2023)
    ch = change_frame(a, b)
    t = mv.change_table(ch, "nl", year_from=2020, year_to=2023, unit="%", points=True)
    assert list(t.columns)[-1] == "Verandering (%-punt)"
    assert list(mv.change_table(ch, "en", year_from=2020, year_to=2023, unit="%").columns)[-1] == "Change (%)"
    meta = ChartMeta(title="Unemployment rate", unit_label="%", source_label="ONEM", quality="official",
                     year=2023, year_from=2020, decimals=1, direction="lower_better", points=True)
    fig = change_map(ch, square_geojson(), lang="en", meta=meta)
    hovers = [row[2] for tr in fig.data if tr.customdata is not None for row in tr.customdata]
    assert any(h.startswith("+1.6\u00a0pts (") for h in hovers)
    assert any(h.startswith(f"{MINUS}4.1\u00a0pts (") for h in hovers)
    assert all("%" in h for h in hovers if "→" in h)                 # the two values stay in %
    assert fig.layout.legend.title.text == "Change (percentage points)"
    footer = " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)   # wrapped to the phone width
    assert "Change in percentage points" in footer
    fr = change_map(ch, square_geojson(), lang="fr", meta=meta)
    assert fr.layout.legend.title.text == "Évolution (points de pourcentage)"
    relative = change_map(ch, square_geojson(), lang="en", meta=meta, relative=True)
    assert relative.layout.legend.title.text == "Change (%)"          # a relative change is in %
