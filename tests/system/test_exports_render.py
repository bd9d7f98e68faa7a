"""The commune deck (PPTX) and fiche (PDF) rendered as a reader gets them: the deck through LibreOffice
Impress to PDF, both to PNG (pdftoppm, written to ``$BSIM_SCREENSHOTS`` for a person to look at), and the
rendered words checked against the boxes they belong to: no text overflows its shape, no shape leaves the
slide, nothing of the fiche is cut off, in fr, nl and en."""
from __future__ import annotations

import pytest

from dashboard.data import connection
from dashboard.exports import deck as dk
from dashboard.exports.bundle import collect_commune_bundle
from dashboard.exports.fiche import commune_fiche_pdf
from dashboard.text.i18n import translator
from tests.support import render
from tests.support.browser import shots_dir

pytestmark = pytest.mark.slow
if render.missing_tools():
    pytest.skip(f"missing {render.missing_tools()} (Debian: libreoffice-impress, poppler-utils)",
                allow_module_level=True)

URL = "http://127.0.0.1:8501/commune?commune={nis}&lang={lang}"
# Molenbeek (example member data and example assessments) in three languages; Berchem-Sainte-Agathe (the
# longest names) in Dutch; Woluwe-Saint-Lambert in English
CASES = [("21012", "fr"), ("21012", "nl"), ("21012", "en"), ("21003", "nl"), ("21018", "en")]
EMU_PT = 12700
TOL_X, TOL_Y = 2.0, 4.0     # points: a glyph's box may pass its line a little


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def deck(request, tmp_path_factory):
    from pptx import Presentation

    nis, lang = request.param
    out = tmp_path_factory.mktemp(f"deck-{nis}-{lang}")
    path = out / f"deck-{nis}-{lang}.pptx"
    path.write_bytes(dk.commune_deck_pptx(connection.version(), nis, lang, URL.format(nis=nis, lang=lang)))
    pdf = render.to_pdf(path, out)
    render.to_pngs(pdf, shots_dir(out), f"deck-{nis}-{lang}")
    return {"prs": Presentation(str(path)), "pages": render.pages(pdf), "lang": lang, "nis": nis}


def _shape_text(shape) -> str:
    if shape.has_text_frame:
        return shape.text_frame.text
    if shape.has_table:
        return " ".join(c.text for row in shape.table.rows for c in row.cells)
    return ""


def _extent(shape) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in points; a table's height is the sum of its rows."""
    height = sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
    return (shape.left / EMU_PT, shape.top / EMU_PT, (shape.left + shape.width) / EMU_PT,
            (shape.top + height) / EMU_PT)


def test_the_deck_is_16_9_with_layouts_that_fit_it(deck):
    prs = deck["prs"]
    assert abs(prs.slide_width / 914400 - 13.333) < 0.001 and prs.slide_height == 6858000   # 16:9 inches
    w, h = prs.slide_width, prs.slide_height
    for holder in [prs.slide_master, *prs.slide_layouts]:
        for ph in holder.placeholders:
            assert 0 <= ph.left and ph.left + ph.width <= w and 0 <= ph.top and ph.top + ph.height <= h, \
                (holder.name if hasattr(holder, "name") else "master", ph.name)
    title = next(ph for ph in prs.slide_master.placeholders if ph.placeholder_format.idx == 0)
    assert title.width > 0.85 * w          # a 16:9 title box, not the 4:3 one in the left three quarters


def test_no_shape_leaves_the_slide_and_text_is_large_enough(deck):
    prs = deck["prs"]
    w, h = prs.slide_width / EMU_PT, prs.slide_height / EMU_PT
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            x0, y0, x1, y1 = _extent(shape)
            assert x0 >= 0 and y0 >= 0 and x1 <= w + 0.5 and y1 <= h + 0.5, (n, shape.name, (x0, y0, x1, y1))
            frames = [shape.text_frame] if shape.has_text_frame else \
                [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table else []
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        if run.text.strip():
                            assert run.font.size is not None and run.font.size.pt >= 18, (n, run.text)


def test_no_text_overflows_its_shape_when_rendered(deck):
    prs, pages = deck["prs"], deck["pages"]
    assert len(pages) == len(prs.slides)
    problems = []
    for n, (slide, page) in enumerate(zip(prs.slides, pages), start=1):
        boxes = [(_extent(s), render.squeeze(_shape_text(s))) for s in slide.shapes if _shape_text(s).strip()]
        assert page["words"], f"slide {n} rendered no text"
        for word, wx0, wy0, wx1, wy1 in page["words"]:
            assert 0 <= wx0 and wx1 <= page["width"] + TOL_X and 0 <= wy0 and wy1 <= page["height"] + TOL_Y
            inside = [text for (x0, y0, x1, y1), text in boxes
                      if x0 - TOL_X <= wx0 and wx1 <= x1 + TOL_X and y0 - TOL_Y <= wy0 and wy1 <= y1 + TOL_Y]
            if not any(render.squeeze(word) in text for text in inside):
                problems.append((n, word, round(wx0), round(wy0)))
    assert not problems, f"words outside their shape (slide, word, x, y): {problems[:10]}"


def test_slides_with_example_data_carry_the_mark(deck):
    _ = translator(deck["lang"])
    mark = _("EXAMPLE DATA")
    texts = [" ".join(_shape_text(s) for s in slide.shapes) for slide in deck["prs"].slides]
    example = [t for t in texts if _("EXAMPLE DATA: illustrative, not real figures") in t or "(example data)" in t]
    for t in example:
        assert mark + " — " in t
    assert not example or mark + " — " in texts[0]     # the title slide warns of a deck with example data
    if deck["nis"] == "21012":
        assert example                                   # Molenbeek has example member data


def _font_sizes(node) -> list:
    """Every font size set anywhere in a figure's dict."""
    if isinstance(node, dict):
        own = [v.get("size") for k, v in node.items() if k.endswith("font") and isinstance(v, dict)]
        return own + [s for v in node.values() for s in _font_sizes(v)]
    if isinstance(node, list):
        return [s for v in node for s in _font_sizes(v)]
    return []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tip_charts_are_laid_out_at_their_box_with_12pt_text(lang):
    bundle = collect_commune_bundle(connection.version(), "21012", lang)
    for tip in bundle["tips"]:
        fig = dk.slide_chart(dk.tip_chart(bundle, tip["tip_id"], lang), *dk.CHART_BOX)
        assert (fig.layout.width, fig.layout.height) == tuple(round(v * 72) for v in dk.CHART_BOX)  # 1 px = 1 pt
        sizes = _font_sizes(fig.to_dict())
        assert sizes and all(s is not None and s >= 12 for s in sizes), sizes
        assert fig.layout.font.size >= 12
        assert len(fig.data[0].y) == 19 and fig.layout.yaxis.dtick == 1       # every commune named


def test_tip_chart_pictures_have_a_text_alternative(deck):
    for slide in deck["prs"].slides:
        for shape in slide.shapes:
            if shape.shape_type == 13:          # a picture
                assert shape._element.nvPicPr.cNvPr.get("descr")
                assert abs(shape.width / 914400 - dk.CHART_BOX[0]) < 0.01


# ----------------------------------------------------------------------------- the fiche

@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def fiche(request, tmp_path_factory):
    nis, lang = request.param
    out = tmp_path_factory.mktemp(f"fiche-{nis}-{lang}")
    url = URL.format(nis=nis, lang=lang)
    pdf = out / f"fiche-{nis}-{lang}.pdf"
    pdf.write_bytes(commune_fiche_pdf(connection.version(), nis, lang, url))
    render.to_pngs(pdf, shots_dir(out), f"fiche-{nis}-{lang}", dpi=80)
    return {"pdf": pdf, "bundle": collect_commune_bundle(connection.version(), nis, lang, url), "lang": lang}


def test_fiche_text_stays_inside_the_page_margins(fiche):
    pages = render.pages(fiche["pdf"])
    assert 1 <= len(pages) <= 2
    margin = 12 / 25.4 * 72          # 12 mm in points
    for n, page in enumerate(pages, start=1):
        outside = [(w, round(x0), round(x1)) for w, x0, y0, x1, y1 in page["words"]
                   if x0 < margin - 1 or x1 > page["width"] - margin + 1 or y1 > page["height"] - 10]
        assert not outside, (n, outside[:5])


def test_nothing_of_the_fiche_is_cut_off(fiche):
    b, _ = fiche["bundle"], translator(fiche["lang"])
    text = render.text(fiche["pdf"])
    wanted = [b["name_fr"], b["name_nl"]]
    for k in b["key_figures"]:
        wanted += [k["label"], k["value_short"], k["region_short"], k["year"], k["rank"], k["publisher"]]
    for s in b["sources"]:
        wanted += [s["label"], s["licence"], s["url"]]
    for r in b["impact"] or []:
        wanted += [r["what"], r["value"], r["publisher"]]
    for t in b["tips"] or []:
        wanted += [t["title"], t["action"], t["commitment"], t["coverage"]]
    wanted += list(b["summary"])
    words = {w for page in render.pages(fiche["pdf"]) for w, *_box in page["words"]}
    # a string is there in full: in one run of text, or (a table cell wrapped beside other cells) word by word
    missing = [w for w in wanted if w and render.squeeze(w) not in text
               and not all(t in words for t in render.normalise(str(w)).split())]
    assert not missing, f"cut off or missing: {missing[:5]}"
    # no text shortened with an ellipsis by the fiche itself
    given = sum(str(w).count("…") for w in wanted)
    assert text.count("…") <= given
    if b["quality"].is_example:
        assert render.squeeze(_("EXAMPLE DATA")) in text
