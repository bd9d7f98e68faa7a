"""Figure cards as one HTML block: a grid of headline numbers (label, value, change, caption) drawn by a single
``st.html`` element instead of a container, a Markdown label, an ``st.metric`` and a caption per card.

A page of eight cards sent some 35 elements, each with its own message on every rerun; one block is one
message. The markup is a description list (``<dl>``: the label is the term, the value, change and caption
describe it), styled by ``assets/app.css`` (``.bsim-cards``): four cards a row on a wide screen, two on a
narrow one, one on a phone. Every text from data is escaped (``text.plain.html``): no tag in a label or a
source ever becomes live.

A card is a dict (``model.commune.key_figure_cards`` builds them): ``label_full``, ``value``, ``delta``
(or None), ``delta_color`` ('green', 'red' or 'off'), ``delta_arrow`` ('up', 'down' or 'off') and
``caption`` (year, region, rank, source and quality).
"""
from __future__ import annotations

from collections.abc import Iterable

from dashboard.text.plain import html

ARROWS = {"up": "▲", "down": "▼"}
TONES = {"green": "good", "red": "bad"}     # anything else: 'flat', the caption's colour


def figure_card(card: dict) -> str:
    """One card: a ``<div>`` holding the term (label) and its descriptions — the value first, the change
    (classed by its tone), the caption last. The stylesheet finds them by their place, so the block carries no
    class per element (it travels on every rerun)."""
    parts = [f"<dt>{html(card['label_full'])}</dt><dd>{html(card['value'])}</dd>"]
    if card.get("delta"):
        tone = TONES.get(card.get("delta_color"), "flat")
        arrow = ARROWS.get(card.get("delta_arrow"), "")
        mark = f'<span aria-hidden="true">{arrow}</span> ' if arrow else ""
        parts.append(f'<dd class="bsim-{tone}">{mark}{html(card["delta"])}</dd>')
    if card.get("caption"):
        parts.append(f"<dd>{html(card['caption'])}</dd>")
    return f"<div>{''.join(parts)}</div>"


def figure_grid(cards: Iterable[dict]) -> str:
    """The cards as one description list (the section's heading above it names it)."""
    return f'<dl class="bsim-cards">{"".join(figure_card(c) for c in cards)}</dl>'
