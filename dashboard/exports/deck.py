"""PowerPoint deck of a commune (python-pptx), made for a projector: 16:9 (13.333 × 7.5 in) with the
template's master and every layout laid out for that width, text in Arial at 18 pt or more (titles 24–40),
each box and table sized from the font's metrics (``text.measure``) and spread over as many slides as it needs,
so nothing overflows its box and no shape leaves the slide.

Slides: the title; the commune in a few sentences (``model.summary``); key figures against the region;
one per tip (its ranking chart, laid out at the size of its box with chart text of 12 pt or more and a
text alternative, beside a native, editable table of the commune's criteria); sources and licences.
Every text is a real text frame or table cell (editable), slide titles are the layouts' title
placeholders (what screen readers announce); the EXAMPLE mark is a red text box on every slide whose
content includes example data (the quality of the rows each slide shows, ``model.quality``); every text is
the data's own, literally (no markup is read, control characters dropped: ``text.plain.clean``).

``build_deck(bundle, lang, charts)`` is pure (``bundle`` from ``bundle.collect_commune_bundle``,
``charts``: tip_id -> PNG bytes); ``tip_chart(bundle, tip_id, lang)`` draws the tip's ranking chart,
``slide_chart`` lays a figure out for a box, ``commune_deck_pptx`` ties them together with a cache.
"""
from __future__ import annotations

import copy
import html
import io
from collections.abc import Sequence
from functools import lru_cache

import plotly.graph_objects as go

from dashboard.charts.figures import ranking_bar
from dashboard.exports import images
from dashboard.exports.bundle import collect_commune_bundle
from dashboard.model.meta import ChartMeta
from dashboard.model.quality import Quality, quality_of, tier_label
from dashboard.text import measure as textfit
from dashboard.text.format import MISSING
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, english_name
from dashboard.text.plain import clean
from dashboard.text.plain import html as plain

RED = (0xB2, 0x18, 0x2B)
GREY = (0x40, 0x40, 0x40)
FONT = "Arial"                 # on every computer; LibreOffice draws it with the metric-equal Liberation Sans
EMU = 914400                   # per inch
PT = 12700                     # EMU per point
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches
LEFT, RIGHT = 0.667, 12.667    # the scaled template's title box spans these
TITLE_TOP, TITLE_H = 0.25, 1.0  # the master's title box (two lines at 24 pt)
BODY_TOP, BODY_BOTTOM = 1.35, 6.95
MARK_TOP = 7.0                 # the EXAMPLE mark's line, under the body
BODY, TITLE_SIZES = 18, (32, 28, 24)
CHART_FONT = 12                # smallest chart text at slide size (pt)
INSET_X, INSET_Y = 0.1, 0.05   # a text frame's default insets (in)
CELL_X, CELL_Y = 0.1, 0.05     # a table cell's default margins (in)
PARA_SPACE = 6                 # points after a paragraph of a text box


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn
    return qn(tag)


def _rgb(c):
    from pptx.dml.color import RGBColor
    return RGBColor(*c)


def _emu(inches: float) -> int:
    return int(round(inches * EMU))


# ------------------------------------------------------------------ measuring

def text_box_height(paragraphs: Sequence[str], size: float, width_in: float, bold: bool = False) -> float:
    """Inches a text box of ``width_in`` needs for ``paragraphs`` at ``size`` pt (insets included)."""
    inner = (width_in - 2 * INSET_X) * 72
    pts = sum(textfit.height(clean(p), size, inner, bold) for p in paragraphs) + PARA_SPACE * max(0, len(paragraphs) - 1)
    return pts / 72 + 2 * INSET_Y


def row_height(cells: Sequence[str], widths_in: Sequence[float], size: float, bold: bool = False) -> float:
    """Inches a table row needs: its tallest cell wrapped in its column (cell margins included)."""
    lines = max(len(textfit.wrap(clean(c), size, (w - 2 * CELL_X) * 72, bold)) for c, w in zip(cells, widths_in))
    return lines * size * textfit.LINE / 72 + 2 * CELL_Y + 0.02


def paginate(heights: Sequence[float], room: float, first_room: float | None = None) -> list[list[int]]:
    """Indices of items grouped into pages of at most ``room`` (``first_room`` for the first page); an item
    taller than a page gets a page of its own."""
    pages: list[list[int]] = [[]]
    used, limit = 0.0, room if first_room is None else first_room
    for i, h in enumerate(heights):
        if pages[-1] and used + h > limit:
            pages.append([])
            used, limit = 0.0, room
        pages[-1].append(i)
        used += h
    return [p for p in pages if p] or [[]]


# ------------------------------------------------------------------ the template, widescreen

def widescreen(prs) -> None:
    """16:9: the slide size AND every placeholder of the master and of each layout stretched to the new
    width (python-pptx's default template is 4:3; its boxes would sit in the left three quarters)."""
    from pptx.enum.shapes import PP_PLACEHOLDER
    from pptx.util import Inches

    k = SLIDE_W / (prs.slide_width / EMU)
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    for holder in [prs.slide_master, *prs.slide_layouts]:
        for ph in holder.placeholders:
            if ph._element.spPr.find(_qn("a:xfrm")) is not None:   # a box of its own (others inherit)
                ph.left, ph.width = int(ph.left * k), int(ph.width * k)
    # the master's title and body boxes: a two-line title, then the body down to the EXAMPLE mark's line
    for ph in prs.slide_master.placeholders:
        kind = ph.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            ph.top, ph.height = Inches(TITLE_TOP), Inches(TITLE_H)
        elif kind == PP_PLACEHOLDER.BODY:
            ph.top, ph.height = Inches(BODY_TOP), Inches(BODY_BOTTOM - BODY_TOP)


# ------------------------------------------------------------------ text and tables

def _style(run, size: float, bold: bool = False, colour=(0, 0, 0)) -> None:
    from pptx.util import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)


def _fill(frame, paragraphs: Sequence[str], size: float, bold: bool = False, colour=(0, 0, 0)) -> None:
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Pt

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE     # never shrink text on overflow: the boxes are sized instead
    frame.clear()
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if i < len(paragraphs) - 1:
            para.space_after = Pt(PARA_SPACE)
        _style(para.add_run(), size, bold, colour)
        para.runs[0].text = clean(text)          # literal text, one line, no control characters


def _text(slide, x: float, y: float, w: float, paragraphs: Sequence[str], size: float = BODY, bold: bool = False,
          colour=(0, 0, 0), h: float | None = None):
    """A text box at (x, y) inches, ``w`` wide and as tall as its text (or ``h``)."""
    h = h or text_box_height(paragraphs, size, w, bold)
    box = slide.shapes.add_textbox(_emu(x), _emu(y), _emu(w), _emu(h))
    _fill(box.text_frame, paragraphs, size, bold, colour)
    return box


def _table(slide, x: float, y: float, widths: Sequence[float], header: Sequence[str], rows: Sequence[Sequence[str]],
           size: float = BODY):
    """A native table whose rows are as tall as their text (estimated), columns ``widths`` inches."""
    from pptx.util import Pt

    heights = [row_height(header, widths, size, bold=True)] + [row_height(r, widths, size) for r in rows]
    shape = slide.shapes.add_table(len(rows) + 1, len(header), _emu(x), _emu(y), _emu(sum(widths)),
                                   _emu(sum(heights)))
    table = shape.table
    for i, w in enumerate(widths):
        table.columns[i].width = _emu(w)
    for i, h in enumerate(heights):
        table.rows[i].height = _emu(h)
    for r, values in enumerate([list(header)] + [list(v) for v in rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = clean(value)
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.name = FONT
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
            cell.text_frame.word_wrap = True
    return shape


def _title(slide, text: str, sizes: Sequence[int] = TITLE_SIZES) -> None:
    """The layout's title placeholder, at the largest size of ``sizes`` whose lines fit its box."""
    ph = slide.shapes.title
    w, h = ph.width / EMU, ph.height / EMU
    size = next((s for s in sizes if text_box_height([text], s, w, bold=False) <= h), sizes[-1])
    _fill(ph.text_frame, [text], size)


def _example_mark(slide, lang: str) -> None:
    _ = translator(lang)
    _text(slide, LEFT, MARK_TOP, RIGHT - LEFT, [_("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures")],
          BODY, True, RED, h=SLIDE_H - MARK_TOP - 0.05)


def _alt_text(shape, text: str) -> None:
    """The picture's text alternative (what a screen reader reads, 'Alt Text' in PowerPoint)."""
    shape._element.nvPicPr.cNvPr.set("descr", clean(text))


def _numbered(title: str, i: int, n: int) -> str:
    return title if n == 1 else f"{title} ({i + 1}/{n})"


# ------------------------------------------------------------------ the deck

def build_deck(bundle: dict, lang: str, charts: dict[int, bytes] | None = None,
               alt_texts: dict[int, str] | None = None) -> bytes:
    from pptx import Presentation

    _ = translator(lang)
    charts, alt_texts = charts or {}, alt_texts or {}
    prs = Presentation()
    widescreen(prs)
    title_only = prs.slide_layouts[5]
    example = Quality.of(bundle.get("quality")).is_example
    body_w = RIGHT - LEFT
    names = both_names(bundle, lang)

    # ------------------------------------------------------------ title
    s = prs.slides.add_slide(prs.slide_layouts[0])
    _title(s, names, (40, 36, 32, 28))
    sub = [p for p in (english_name(bundle), _("Five tips scorecard and key figures"),
                       _("Brussels Social Impact Monitor") + " · "
                       + _("Date of the data: {date}", date=bundle.get("data_date") or MISSING)) if p]
    _fill(s.placeholders[1].text_frame, sub, 20, colour=GREY)
    if example:
        _example_mark(s, lang)

    # ------------------------------------------------------------ in a few sentences
    sentences = list(bundle.get("summary") or [])
    if sentences:
        heights = [text_box_height([t], BODY, body_w) - 2 * INSET_Y + PARA_SPACE / 72 for t in sentences]
        pages = paginate(heights, BODY_BOTTOM - BODY_TOP - 2 * INSET_Y)
        for i, page in enumerate(pages):
            s = prs.slides.add_slide(title_only)
            _title(s, _numbered(_("In a few sentences"), i, len(pages)))
            part = [sentences[j] for j in page]
            _text(s, LEFT, BODY_TOP, body_w, part)
            if any(_("EXAMPLE DATA: illustrative, not real figures") in t for t in part):
                _example_mark(s, lang)

    # ------------------------------------------------------------ key figures
    widths = [3.9, 1.7, 1.7, 1.1, 1.1, body_w - 9.5]
    header = [_("Indicator"), _("Commune"), _("Region"), _("Year"), _("Rank"), _("Source")]
    kf = bundle["key_figures"]
    rows = [[k["label"] if len(k["unit"]) <= 3 else f"{k['label']} ({k['unit']})", k["value_short"],
             k["region_short"], k["year"], k["rank"],
             f"{k.get('publisher') or k['source']} ({tier_label(k['quality'], lang)})" if k["quality"] else MISSING]
            for k in kf] or [[_("No figure")] + [""] * 5]
    room = BODY_BOTTOM - BODY_TOP - row_height(header, widths, BODY, True)
    pages = paginate([row_height(r, widths, BODY) for r in rows], room)
    for i, page in enumerate(pages):
        s = prs.slides.add_slide(title_only)
        _title(s, _numbered(_("Key figures against the region"), i, len(pages)))
        _table(s, LEFT, BODY_TOP, widths, header, [rows[j] for j in page])
        if quality_of([kf[j]["quality"] for j in page if j < len(kf)]).is_example:
            _example_mark(s, lang)

    # ------------------------------------------------------------ one slide per tip (more when its table is long)
    chart_w = 7.0
    x = LEFT + chart_w + 0.3
    side_w = RIGHT - x
    crit_widths = [side_w * 0.62, side_w * 0.38]
    for tip in bundle.get("tips") or []:
        # the slide shows example data when the commune's criteria or the chart's 19 communes include some
        tip_example = tip_quality(bundle, tip).is_example
        title = _("Tip {n}: {title}", n=tip["tip_id"], title=tip["title"])
        score_lines = [f"{_('Action')}: {tip['action']} · {_('Commitment')}: {tip['commitment']}",
                       f"{_('Criteria known')}: {tip['coverage']}"]
        crit = [[c["label"], c["status"]] for c in tip["criteria"]] or [[_("No figure"), ""]]
        crit_header = [_("Criterion"), _("Status")]
        scores_h = text_box_height(score_lines, 20, side_w, bold=True)
        head_h = row_height(crit_header, crit_widths, BODY, True)
        first = BODY_BOTTOM - BODY_TOP - scores_h - 0.15 - head_h
        pages = paginate([row_height(r, crit_widths, BODY) for r in crit], BODY_BOTTOM - BODY_TOP - head_h, first)
        for i, page in enumerate(pages):
            s = prs.slides.add_slide(title_only)
            _title(s, _numbered(title, i, len(pages)))
            part = [crit[j] for j in page]
            if i == 0:
                png = charts.get(tip["tip_id"])
                if png:
                    pic = s.shapes.add_picture(io.BytesIO(png), _emu(LEFT), _emu(BODY_TOP), width=_emu(chart_w),
                                               height=_emu(BODY_BOTTOM - BODY_TOP))
                    _alt_text(pic, alt_texts.get(tip["tip_id"], title))
                else:
                    _text(s, LEFT, BODY_TOP, chart_w, [_("No chart (image export unavailable)")], colour=GREY)
                _text(s, x, BODY_TOP, side_w, score_lines, 20, True)
                _table(s, x, BODY_TOP + scores_h + 0.15, crit_widths, crit_header, part)
            else:
                _table(s, LEFT, BODY_TOP, [body_w * 0.7, body_w * 0.3], crit_header, part)
            if tip_example:
                _example_mark(s, lang)

    # ------------------------------------------------------------ sources
    srcs = bundle.get("sources") or []
    lines = [f"{x['label']} — {_('Licence')}: {x['licence']}" + (f" — {x['url']}" if x.get("url") else "")
             + (f" ({tier_label(x['quality'], lang)})" if x.get("quality") else "") for x in srcs]
    lines.append(_("Date of the data: {date}", date=bundle.get("data_date") or MISSING))
    if bundle.get("url"):
        lines.append(bundle["url"])
    heights = [text_box_height([t], BODY, body_w) - 2 * INSET_Y + PARA_SPACE / 72 for t in lines]
    pages = paginate(heights, BODY_BOTTOM - BODY_TOP - 2 * INSET_Y)
    for i, page in enumerate(pages):
        s = prs.slides.add_slide(title_only)
        _title(s, _numbered(_("Sources and licences"), i, len(pages)))
        _text(s, LEFT, BODY_TOP, body_w, [lines[j] for j in page])
        if quality_of([srcs[j].get("quality") for j in page if j < len(srcs)]).is_example:
            _example_mark(s, lang)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ charts

def _raise_fonts(node, minimum: float) -> None:
    """Every font size under ``node`` (a figure as a dict) raised to ``minimum``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                if value.get("size") is None or value["size"] < minimum:
                    value["size"] = minimum
            _raise_fonts(value, minimum)
    elif isinstance(node, list):
        for item in node:
            _raise_fonts(item, minimum)


def _wrapped(text: str, size: float, width: float) -> tuple[str, int]:
    """(``text`` re-wrapped with <br> to ``width`` points at ``size`` points, number of lines). ``text`` is a
    chart's escaped title or footer (``style.finish``): measured as drawn (entities as their characters) and
    each line escaped again, so no data text becomes markup and no entity is cut."""
    lines = textfit.wrap(html.unescape(str(text).replace("<br>", " ")), size, width)
    return "<br>".join(plain(line) for line in lines), len(lines)


def slide_chart(fig: go.Figure, width_in: float, height_in: float, minimum: float = CHART_FONT) -> go.Figure:
    """``fig`` laid out at the size of its slide box, one pixel per point (so a 12 px font reads as 12 pt
    on the slide), in Arial, with every text at ``minimum`` points or more, the title and footer wrapped to
    the box (measured with the font), every bar labelled. The EXAMPLE mark stays in the title; the slide
    carries the long one."""
    spec = copy.deepcopy(fig.to_dict())
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {})["family"] = FONT
    layout.setdefault("title", {}).setdefault("font", {})
    layout.setdefault("xaxis", {}).setdefault("tickfont", {})
    layout.setdefault("yaxis", {}).setdefault("tickfont", {})
    for tr in spec.get("data", []):
        tr.setdefault("textfont", {})
        if tr.get("type") == "bar":
            tr["constraintext"] = "none"        # outside labels keep their size, whatever the bar's thickness
    _raise_fonts(spec, minimum)
    width, height = int(round(width_in * 72)), int(round(height_in * 72))
    margin = layout.setdefault("margin", {})
    bars = [tr for tr in spec.get("data", []) if tr.get("type") == "bar" and tr.get("orientation") == "h"]
    if bars:   # the plot (and the footer under it) starts after the longest commune label
        tick = layout["yaxis"]["tickfont"]["size"]
        margin["l"] = int(max(textfit.text_width(html.unescape(str(y)), tick) for tr in bars for y in tr.get("y", [])) + 16)
    inner = width - (margin.get("l") or 10) - (margin.get("r") or 10) - 8
    title = layout["title"]
    title_size = max(minimum, min(16, title["font"].get("size") or 16))
    title["font"]["size"] = title_size
    title["text"], n_title = _wrapped(title.get("text") or "", title_size, width - 30)
    notes = []
    for a in layout.get("annotations", []):
        text = a.get("text") or ""
        if a.get("yref") == "paper" and a.get("y") == 1 and a.get("yanchor") == "bottom":
            continue                           # the long EXAMPLE mark above the plot: the title has the word
        if a.get("xref") == "paper" and a.get("x") == 0 and a.get("yanchor") == "top":
            a["text"], _n = _wrapped(text, a["font"]["size"], inner)
            if bars:
                a["yshift"] = -28             # under the tick labels (the axis title is dropped)
                a["xshift"] = 0               # under the bars, the width it was wrapped to
        notes.append(a)
    layout["annotations"] = notes
    margin["t"] = int(12 + n_title * title_size * 1.35 + 10)
    layout["width"], layout["height"] = width, height
    out = go.Figure(spec)
    if any(tr.type == "bar" for tr in out.data):
        out.update_layout(bargap=0.12)
        out.update_yaxes(dtick=1)               # every commune named, none skipped for lack of room
        out.update_xaxes(title=None)            # the unit is in the footer
    return out


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


def tip_alt_text(bundle: dict, tip: dict, lang: str) -> str:
    """What the tip's chart shows, in words (the picture's text alternative)."""
    _ = translator(lang)
    return _("Ranking of the 19 communes on the action score of tip {n}; {commune}: {score}.", n=tip["tip_id"],
             commune=both_names(bundle, lang), score=tip["action"])


CHART_BOX = (7.0, BODY_BOTTOM - BODY_TOP)   # inches: the tip chart's place on its slide
CHART_SCALE = 3                             # pixels per point of the PNG: sharp on a projector


def tip_charts(bundle: dict, lang: str) -> dict[int, bytes]:
    """The tips' ranking charts as PNG laid out for their slide box (none when images cannot be rendered)."""
    if not images.available():
        return {}
    out = {}
    for tip in bundle.get("tips") or []:
        try:
            fig = tip_chart(bundle, tip["tip_id"], lang)
            if fig is not None:
                fig = slide_chart(fig, *CHART_BOX)
                out[tip["tip_id"]] = images.to_png(fig, (fig.layout.width, fig.layout.height, CHART_SCALE))
        except Exception:  # no chart is better than no deck
            continue
    return out


@lru_cache(maxsize=16)
def commune_deck_pptx(ver: str, nis_code: str, lang: str, url: str = "") -> bytes:
    """Cached by (database version, commune, language, view URL); safe inside a download callable."""
    bundle = collect_commune_bundle(ver, nis_code, lang, url)
    alt = {t["tip_id"]: tip_alt_text(bundle, t, lang) for t in bundle.get("tips") or []}
    return build_deck(bundle, lang, tip_charts(bundle, lang), alt)
