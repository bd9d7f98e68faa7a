"""The figure cards block (``text.cards``): every part of a card kept, data text escaped."""
from __future__ import annotations

from dashboard.text.cards import figure_card, figure_grid

CARD = {"label_full": "Unemployment rate", "value": "12.9%", "delta": "+0.9 pts since 2024",
        "delta_color": "red", "delta_arrow": "up",
        "caption": "2025 · Region: 11.8% · Rank: 9 / 19 · Source: ONEM/RVA (official)"}


def test_a_card_keeps_label_value_change_and_caption():
    html = figure_card(CARD)
    assert html == ("<div><dt>Unemployment rate</dt><dd>12.9%</dd>"
                    '<dd class="bsim-bad"><span aria-hidden="true">▲</span> +0.9 pts since 2024</dd>'
                    "<dd>2025 · Region: 11.8% · Rank: 9 / 19 · Source: ONEM/RVA (official)</dd></div>")


def test_no_change_no_arrow_neutral_tone():
    assert "<dd class" not in figure_card({**CARD, "delta": None})
    flat = figure_card({**CARD, "delta_color": "off", "delta_arrow": "off"})
    assert '<dd class="bsim-flat">+0.9 pts since 2024</dd>' in flat and "aria-hidden" not in flat
    assert 'class="bsim-good"' in figure_card({**CARD, "delta_color": "green", "delta_arrow": "down"})


def test_data_text_is_escaped():
    html = figure_card({**CARD, "label_full": "<b>x</b> & y", "caption": "Source: <script>alert(1)</script>"})
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html and "&lt;script&gt;" in html


def test_the_grid_is_one_description_list():
    html = figure_grid([CARD, {**CARD, "label_full": "Population"}])
    assert html.startswith('<dl class="bsim-cards">') and html.endswith("</dl>")
    assert html.count("<div>") == 2 and html.count("<dt>") == 2
