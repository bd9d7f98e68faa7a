"""One mechanism for quality: what a figure, chart, table, export or citation shows decides its quality."""
from __future__ import annotations

import pandas as pd

from dashboard.exports import cite
from dashboard.model.indicators import indicator_meta
from dashboard.model.meta import ChartMeta, chart_footer
from dashboard.model.quality import Quality, quality_of, tier_label
from dashboard.text.i18n import translator


def test_worst_tier_wins_and_a_mixed_set_says_so():
    assert quality_of(["official", "official"]).tier == "official" and not quality_of(["official"]).mixed
    q = quality_of(pd.DataFrame({"quality": ["official", "reported", None]}))
    assert q.tier == "reported" and q.mixed and not q.is_example
    q = quality_of(["reported"], pd.Series(["example"]), "official")
    assert q.tier == "example" and q.is_example
    assert q.label("en") == "example, partly reported and official"
    assert q.label("fr").startswith("exemple, en partie ")
    assert quality_of().label("nl") == "" and not quality_of(None, float("nan"), "")
    assert Quality.of("example") == quality_of(["example"]) and tier_label("official", "nl") == "officieel"
    assert quality_of([Quality.of("reported"), {"quality": "example"}]).tiers == {"reported", "example"}


def test_an_indicator_s_meta_takes_the_rows_quality_not_the_catalogue_s():
    ind = pd.Series({"label_en": "Member jobs per 1,000 inhabitants", "unit_en": "jobs per 1,000 inhabitants",
                     "source_ids": "SRC_MEMBER_DATA", "quality": "reported", "decimals": 2,
                     "direction": "higher_better", "kind": "rate"})
    rows = pd.DataFrame({"nis_code": ["21001", "04000"], "year": [2024, 2024], "quality": ["example", "example"]})
    meta = indicator_meta(ind, "en", rows=rows, year=2024)
    assert meta.is_example and meta.quality.tier == "example"
    assert "(example)" in chart_footer(meta, "en") and "reported" not in chart_footer(meta, "en")
    real = indicator_meta(ind.replace("reported", "example"), "en", rows=rows.assign(quality="reported"))
    assert not real.is_example                     # a catalogue tier of 'example' does not mark real rows


def test_meta_accepts_a_tier_and_keeps_one_mechanism():
    assert ChartMeta(title="x", quality="example").is_example
    assert not ChartMeta(title="x").is_example and ChartMeta(title="x").quality.tier == ""


def test_a_citation_of_an_example_figure_carries_the_mark_in_every_language():
    for lang, word in (("fr", "EXEMPLE"), ("nl", "VOORBEELD"), ("en", "EXAMPLE")):
        text = cite.citation(lang=lang, figure="Emplois", value="0,26", year=2024, where="Région",
                             source="Monitor (example data)", quality=quality_of(["example"]))
        assert text.startswith("[" + translator(lang)("EXAMPLE DATA") + "]")      # the mark opens the citation
        assert word in text and "(reported)" not in text and "(déclaré)" not in text
    # a translated word is not a tier: it can never hide the mark
    assert "EXEMPLE" not in cite.citation(lang="fr", figure="x", value="1", year=2024, where="w", source="s",
                                         quality="officiel")
