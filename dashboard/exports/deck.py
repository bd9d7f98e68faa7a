"""PowerPoint deck of a commune (python-pptx), 16:9: a title slide, a key-figures slide, one slide per tip
(the tip's chart as an image beside a native, editable table of the commune's criteria and scores) and a
sources slide. Every text is a real text frame or table cell (editable), never a picture of text; the
EXAMPLE mark is a red text box on every slide that shows example data (the quality of the rows each
slide shows); every text is the data's own, literally (no markup is read, control characters dropped).

``build_deck(bundle, lang, charts)`` is pure (``bundle`` from ``bundle.collect_commune_bundle``,
``charts``: tip_id -> PNG bytes); ``tip_chart(bundle, tip_id, lang)`` draws the tip's ranking chart and
``commune_deck_pptx`` ties them together with a cache.
"""
from __future__ import annotations

import io
from functools import lru_cache

from dashboard.charts.figures import ranking_bar
from dashboard.exports import images
from dashboard.exports.bundle import collect_commune_bundle
from dashboard.model.meta import ChartMeta
from dashboard.model.quality import Quality, quality_of, tier_label
from dashboard.text.format import MISSING
from dashboard.text.i18n import translator
from dashboard.text.names import both_names
from dashboard.text.plain import clean, clean_keep_lines

RED = (0xB2, 0x18, 0x2B)
GREY = (0x55, 0x55, 0x55)


def _rgb(c):
    from pptx.dml.color import RGBColor
    return RGBColor(*c)


def _text(slide, x, y, w, h, text: str, size: int = 14, bold: bool = False, colour=(0, 0, 0)):
    from pptx.util import Pt

    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = True
    lines = clean_keep_lines(text).split("\n")     # literal text, no control characters
    for i, line in enumerate(lines):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)
    return box


def _table(slide, x, y, w, header: list[str], rows: list[list[str]], widths: list[float], size: int = 11):
    from pptx.util import Emu, Pt

    shape = slide.shapes.add_table(len(rows) + 1, len(header), x, y, w, Emu(int(Pt(size * 2.2)) * (len(rows) + 1)))
    table = shape.table
    total = sum(widths)
    for i, wd in enumerate(widths):
        table.columns[i].width = Emu(int(w * wd / total))
    for r, values in enumerate([header] + rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = clean(value)
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
    return table


def _example_mark(slide, prs, lang: str):
    from pptx.util import Inches

    _ = translator(lang)
    _text(slide, Inches(0.4), prs.slide_height - Inches(0.55), prs.slide_width - Inches(0.8), Inches(0.4),
          _("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures"), 12, True, RED)


def _title(slide, text: str):
    slide.shapes.title.text = clean(text)


def build_deck(bundle: dict, lang: str, charts: dict[int, bytes] | None = None) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    _ = translator(lang)
    charts = charts or {}
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    W = prs.slide_width
    example = Quality.of(bundle.get("quality")).is_example
    # ------------------------------------------------------------ title
    s = prs.slides.add_slide(prs.slide_layouts[0])
    _title(s, both_names(bundle, lang))
    s.placeholders[1].text = clean_keep_lines("\n".join([
        _("Five tips scorecard and key figures"),
        _("Brussels Social Impact Monitor") + " · " + _("Date of the data: {date}",
                                                         date=bundle.get("data_date") or MISSING)]))
    if example:
        _example_mark(s, prs, lang)
    # ------------------------------------------------------------ key figures
    s = prs.slides.add_slide(prs.slide_layouts[5])
    _title(s, _("Key figures against the region"))
    rows = [[k["label"], k["value"], k["region"], k["year"], k["rank"],
             f"{k['source']} ({tier_label(k['quality'], lang)})" if k["quality"] else MISSING]
            for k in bundle["key_figures"]]
    _table(s, Inches(0.5), Inches(1.6), W - Inches(1.0),
           [_("Indicator"), both_names(bundle, lang), _("Region"), _("Year"), _("Rank"), _("Source")],
           rows or [[_("No figure")] + [""] * 5], [3.2, 1.6, 1.6, 0.7, 0.8, 3.4], 12)
    if quality_of([k["quality"] for k in bundle["key_figures"]]).is_example:
        _example_mark(s, prs, lang)
    # ------------------------------------------------------------ one slide per tip
    for tip in bundle.get("tips") or []:
        s = prs.slides.add_slide(prs.slide_layouts[5])
        _title(s, _("Tip {n}: {title}", n=tip["tip_id"], title=tip["title"]))
        png = charts.get(tip["tip_id"])
        left_w = Inches(7.3)
        if png:
            s.shapes.add_picture(io.BytesIO(png), Inches(0.3), Inches(1.45), width=left_w)
        else:
            _text(s, Inches(0.4), Inches(1.6), left_w, Inches(1), _("No chart (image export unavailable)"), 12,
                  colour=GREY)
        x = Inches(7.8)
        _text(s, x, Inches(1.4), W - x - Inches(0.3), Inches(0.9),
              f"{_('Action')}: {tip['action']}   {_('Commitment')}: {tip['commitment']}\n"
              f"{_('Criteria known')}: {tip['coverage']}", 16, True)
        crit = [[c["label"], c["status"]] for c in tip["criteria"]] or [[_("No figure"), ""]]
        _table(s, x, Inches(2.4), W - x - Inches(0.3), [_("Criterion"), _("Status")], crit, [3.6, 1.5], 10)
        if tip_quality(bundle, tip).is_example:
            _example_mark(s, prs, lang)
    # ------------------------------------------------------------ sources
    s = prs.slides.add_slide(prs.slide_layouts[5])
    _title(s, _("Sources and licences"))
    lines = [f"{x['label']} — {_('Licence')}: {x['licence']}" + (f" — {x['url']}" if x.get("url") else "")
             + (f" ({tier_label(x['quality'], lang)})" if x.get("quality") else "") for x in (bundle.get("sources") or [])]
    lines.append(_("Date of the data: {date}", date=bundle.get("data_date") or MISSING))
    if bundle.get("url"):
        lines.append(bundle["url"])
    _text(s, Inches(0.5), Inches(1.5), W - Inches(1.0), Inches(5.2), "\n".join(lines), 11)
    if example:
        _example_mark(s, prs, lang)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def tip_quality(bundle: dict, tip: dict) -> Quality:
    """What a tip's slide shows: the commune's criteria and the ranking of every commune's score."""
    scores = bundle.get("tip_scores")
    ranked = [] if scores is None or scores.empty else list(scores.loc[scores["tip_id"] == tip["tip_id"], "quality"])
    return quality_of(tip["quality"], ranked)


def tip_chart(bundle: dict, tip_id: int, lang: str):
    """Ranking of the 19 communes on the tip's action score (%), the commune highlighted."""
    _ = translator(lang)
    scores = bundle.get("tip_scores")
    if scores is None or scores.empty:
        return None
    d = scores[scores["tip_id"] == tip_id].copy()
    d["value"] = d["action"] * 100
    meta = ChartMeta(title=_("Action score, tip {n}", n=tip_id), unit_label="%", decimals=0,
                     direction="higher_better", source_label=_("Five tips assessments"),
                     quality=quality_of(list(d["quality"])), year=None, kind="rate")
    return ranking_bar(d, lang=lang, meta=meta, highlight=bundle["nis_code"])


def tip_charts(bundle: dict, lang: str) -> dict[int, bytes]:
    """The tips' ranking charts as 16:9 PNG (none when images cannot be rendered here)."""
    if not images.available():
        return {}
    out = {}
    for tip in bundle.get("tips") or []:
        try:
            fig = tip_chart(bundle, tip["tip_id"], lang)
            if fig is not None:
                out[tip["tip_id"]] = images.to_png(fig, "slide")
        except Exception:  # no chart is better than no deck
            continue
    return out


@lru_cache(maxsize=16)
def commune_deck_pptx(ver: str, nis_code: str, lang: str, url: str = "") -> bytes:
    """Cached by (database version, commune, language, view URL); safe inside a download callable."""
    bundle = collect_commune_bundle(ver, nis_code, lang, url)
    return build_deck(bundle, lang, tip_charts(bundle, lang))
