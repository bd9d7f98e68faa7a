"""Commune fiche as PDF (fpdf2), A4 portrait, in fr, nl or en: one page, a second when the text needs it.

``build_fiche(bundle, lang)`` is a pure builder of a ``bundle.collect_commune_bundle`` (plain values,
texts already formatted in the language): both names, a locator map drawn from the boundaries (vector
polygons, no browser needed; the tile grid when no boundaries were loaded), key figures against the
region, the commune in a few sentences (``model.summary``), jobs and re-use, the five-tips scorecard,
sources with licences and the date of the data. Every table cell and every source line wraps (fpdf2's
tables and ``multi_cell``): a rank, a source or a licence is never cut off. Example data is said on the
page's face, and the footer of every page repeats the date of the data and the EXAMPLE mark.

Fonts: DejaVu Sans from Debian's ``fonts-dejavu-core`` when present (full Unicode), else the PDF core
font Helvetica with latin-1 replacement (the project ships no font).
"""
from __future__ import annotations

import math
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

from dashboard.config import FONT_DIRS
from dashboard.exports.bundle import collect_commune_bundle
from dashboard.model.quality import Quality, tier_label
from dashboard.text.format import MISSING, fmt_date
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, english_name
from dashboard.text.plain import clean

RED = (178, 24, 43)
GREY = (90, 90, 90)
HIGHLIGHT = (244, 109, 67)
OTHER = (210, 214, 220)
_build_lock = threading.Lock()


def font_path(bold: bool = False) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in FONT_DIRS:
        if (d / name).is_file():
            return d / name
    return None


class _Pdf:
    """fpdf2 with a Unicode font when available, else Helvetica with latin-1 replacement; pages break by
    themselves above the footer, which every page repeats (``footer_lines``: [(text, bold, colour)])."""

    MARGIN, BOTTOM = 12, 20

    def __init__(self):
        from fpdf import FPDF

        owner = self

        class _FPDF(FPDF):
            def footer(self):
                y = 297 - owner.BOTTOM + 5
                for text, bold, colour in owner.footer_lines:
                    owner.font(7, bold=bold, colour=colour)
                    self.set_xy(owner.MARGIN, y)
                    self.multi_cell(210 - 2 * owner.MARGIN, 3.4, owner.t(text), new_x="LMARGIN", new_y="NEXT",
                                    align="L")
                    y = self.get_y()

        self.footer_lines: list[tuple[str, bool, tuple]] = []
        self.pdf = _FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(True, margin=self.BOTTOM)
        self.pdf.set_margins(self.MARGIN, 10, self.MARGIN)
        regular, bold = font_path(), font_path(bold=True)
        if regular and bold:
            self.pdf.add_font("DejaVu", "", str(regular))
            self.pdf.add_font("DejaVu", "B", str(bold))
            self.family, self.unicode = "DejaVu", True
        else:
            self.family, self.unicode = "Helvetica", False
        self.pdf.add_page()

    def t(self, text) -> str:
        """Text as the PDF shows it: literally (fpdf2 interprets no markup here), on one line, without
        control or invisible characters."""
        text = clean(text)
        text = text.replace("\u00a0", " ").replace("\u202f", " ")
        if not self.unicode:
            text = text.replace("—", "-").replace("–", "-").replace("…", "...").replace("’", "'")
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    def font(self, size: float, bold: bool = False, colour=(0, 0, 0)):
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)


def _project(geometry: dict, nis_code: str, x0: float, y0: float, w: float, h: float):
    """[(nis, [[(x, y) …] rings])] scaled to the box (equirectangular with cos(lat))."""
    pts = []

    def rings(geom):
        t, c = geom.get("type"), geom.get("coordinates", [])
        if t == "Polygon":
            return [c[0]] if c else []
        if t == "MultiPolygon":
            return [p[0] for p in c if p]
        return []

    feats = [(str(f.get("id") or f.get("properties", {}).get("nis_code")), rings(f.get("geometry") or {}))
             for f in geometry.get("features", [])]
    for _code, rs in feats:
        for r in rs:
            pts += r
    if not pts:
        return []
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x, span_y = (max(lons) - min(lons)) * k, max(lats) - min(lats)
    s = min(w / span_x, h / span_y)
    ox = x0 + (w - span_x * s) / 2
    oy = y0 + (h - span_y * s) / 2
    out = []
    for code, rs in feats:
        out.append((code, [[(ox + (lon - min(lons)) * k * s, oy + (max(lats) - lat) * s) for lon, lat, *_ in r]
                           for r in rs]))
    return out


def draw_locator(p: _Pdf, bundle: dict, x: float, y: float, w: float, h: float) -> None:
    pdf = p.pdf
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.2)
    nis = bundle["nis_code"]
    shapes = _project(bundle["geometry"], nis, x, y, w, h) if bundle.get("geometry") else []
    if shapes:
        for code, rings in sorted(shapes, key=lambda s: s[0] == nis):
            pdf.set_fill_color(*(HIGHLIGHT if code == nis else OTHER))
            for ring in rings:
                if len(ring) >= 3:
                    pdf.polygon(ring, style="DF")
        if bundle.get("boundary_attribution"):   # the boundaries' source under every map
            p.font(5, colour=GREY)
            pdf.set_xy(x, y + h + 0.4)
            pdf.multi_cell(w, 2.1, p.t(translator(bundle.get("lang") or "fr")(
                "Boundaries: {source}", source=bundle["boundary_attribution"])), new_x="LMARGIN", new_y="NEXT",
                align="L")
        return
    tiles = bundle.get("tiles")
    if tiles is None or tiles.empty:
        return
    rows, cols = int(tiles["tile_row"].max()) + 1, int(tiles["tile_col"].max()) + 1
    side = min(w / cols, h / rows)
    for t in tiles.itertuples():
        pdf.set_fill_color(*(HIGHLIGHT if t.nis_code == nis else OTHER))
        pdf.rect(x + t.tile_col * side, y + t.tile_row * side, side * 0.94, side * 0.94, style="DF")


W = 210 - 2 * _Pdf.MARGIN      # the text width (mm)


def _heading(p: _Pdf, text: str, x: float | None = None, width: float | None = None) -> None:
    """A section heading (11 pt bold) on its own line; a new page first when too little room is left."""
    pdf = p.pdf
    if pdf.get_y() > 297 - _Pdf.BOTTOM - 22:
        pdf.add_page()
    p.font(11, bold=True)
    pdf.set_x(x if x is not None else _Pdf.MARGIN)
    pdf.multi_cell(width or W, 6, p.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(0.8)


def _paragraph(p: _Pdf, text: str, size: float = 8, colour=(0, 0, 0), line: float | None = None) -> None:
    p.font(size, colour=colour)
    p.pdf.multi_cell(W, line or size * 0.48, p.t(text), new_x="LMARGIN", new_y="NEXT", align="L")


def _table(p: _Pdf, header: list[str], rows: list[list[str]], widths: list[float], *, x: float | None = None,
           size: float = 7.5, right: tuple[int, ...] = ()) -> None:
    """A table whose cells wrap (nothing is cut), ``widths`` in mm, starting at ``x`` (the left margin by
    default); columns in ``right`` are right-aligned (numbers)."""
    from fpdf.fonts import FontFace

    pdf = p.pdf
    left = x if x is not None else _Pdf.MARGIN
    pdf.set_fill_color(255, 255, 255)      # the locator's colours must not fill the cells
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.15)
    pdf.set_left_margin(left)
    pdf.set_x(left)
    p.font(size)
    align = tuple("RIGHT" if i in right else "LEFT" for i in range(len(widths)))
    heading = FontFace(emphasis="BOLD", color=GREY, fill_color=None, size_pt=size)
    try:
        with pdf.table(width=sum(widths), col_widths=widths, align="LEFT", text_align=align,
                       borders_layout="HORIZONTAL_LINES", line_height=size * 0.5, padding=(0.7, 1.0),
                       headings_style=heading, first_row_as_headings=True) as table:
            for values in [header] + rows:
                row = table.row()
                for value in values:
                    row.cell(p.t(value))
    finally:
        pdf.set_left_margin(_Pdf.MARGIN)
    pdf.set_x(_Pdf.MARGIN)


def _no_figure(p: _Pdf, text: str) -> None:
    """A grey 'No figure' line under a section heading."""
    _paragraph(p, text, 8, GREY)


def build_fiche(bundle: dict, lang: str) -> bytes:
    """The fiche as PDF bytes (A4 portrait; a second page when the text needs one)."""
    _ = translator(lang)
    with _build_lock:  # fpdf2 font handling is not meant for concurrent use
        p = _Pdf()
    pdf = p.pdf
    example = Quality.of(bundle.get("quality")).is_example
    p.footer_lines = [(" · ".join([_("Date of the data: {date}", date=bundle.get("data_date") or MISSING),
                                   _("Generated on {date}", date=fmt_date(date.today(), lang))]
                                  + ([bundle["url"]] if bundle.get("url") else [])), False, GREY)]
    if example:
        p.footer_lines.append((_("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures"),
                               True, RED))
    # ---------------------------------------------------------------- header
    p.font(8, colour=GREY)
    pdf.set_xy(_Pdf.MARGIN, 8)
    pdf.multi_cell(W, 4, p.t(_("Brussels Social Impact Monitor") + " · " + _("Commune fiche")),
                   new_x="LMARGIN", new_y="NEXT", align="L")
    p.font(20, bold=True)
    pdf.multi_cell(W, 9, p.t(both_names(bundle, lang)), new_x="LMARGIN", new_y="NEXT", align="L")
    sub = [b for b in (english_name(bundle), f"NIS {bundle['nis_code']}", _("Brussels-Capital Region"),
                       _("Date of the data: {date}", date=bundle.get("data_date") or MISSING)) if b]
    _paragraph(p, " · ".join(sub), 9, GREY, 5)
    pdf.ln(1.5)
    if example:
        pdf.set_fill_color(*RED)
        p.font(9, bold=True, colour=(255, 255, 255))
        pdf.multi_cell(W, 5, p.t(_("EXAMPLE DATA") + " — " + _(
            "Some figures on this page are example data: illustrative, not real figures.")), fill=True,
            new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)
    # ---------------------------------------------------------------- locator + key figures
    top = pdf.get_y()
    draw_locator(p, bundle, _Pdf.MARGIN, top + 2, 46, 40)
    below_map = max(pdf.get_y(), top + 42)     # under the locator and its boundaries' source
    x_kf = _Pdf.MARGIN + 50
    pdf.set_y(top)
    _heading(p, _("Key figures against the region"), x_kf, W - 50)
    rows = [[k["label"] if len(k["unit"]) <= 3 else f"{k['label']} ({k['unit']})", k["value_short"],
             k["region_short"], k["year"], k["rank"],
             f"{k.get('publisher') or k['source']} ({tier_label(k['quality'], lang)})" if k["quality"] else MISSING]
            for k in bundle["key_figures"]] or [[_("No figure"), "", "", "", "", ""]]
    _table(p, [_("Indicator"), _("Commune"), _("Region"), _("Year"), _("Rank"), _("Source")], rows,
           [40, 19, 18, 12.5, 13, W - 50 - 102.5], x=x_kf, right=(1, 2, 4))
    pdf.set_y(max(pdf.get_y(), below_map + 3) + 3)
    # ---------------------------------------------------------------- the commune in a few sentences
    sentences = bundle.get("summary") or []
    if sentences:
        _heading(p, _("In a few sentences"))
        for text in sentences:
            _paragraph(p, text, 8)
            pdf.ln(1)
        pdf.ln(2)
    # ---------------------------------------------------------------- jobs and re-use
    _heading(p, _("Jobs and re-use (members' figures)"))
    impact = bundle.get("impact")
    if impact:
        rows = [[r["what"], str(r["year"]), r["value"], tier_label(r["quality"], lang), r.get("publisher") or r["source"]]
                for r in impact]
        _table(p, [_("Figure"), _("Year"), _("Value"), _("Quality"), _("Source")], rows, [62, 12, 34, 18, W - 126],
               right=(2,))
        if bundle.get("n_operators") is not None:
            _paragraph(p, _("Operators located in the commune: {n}", n=bundle["n_operators"]), 7.5, GREY)
    else:
        _no_figure(p, _("No figure"))
    pdf.ln(3)
    # ---------------------------------------------------------------- five tips
    _heading(p, _("Five tips scorecard"))
    tips = bundle.get("tips")
    if tips:
        rows = [[f"{t['tip_id']}. {t['title']}", t["action"], t["commitment"], t["coverage"],
                 tier_label(t["quality"], lang)] for t in tips]
        _table(p, [_("Tip"), _("Action"), _("Commitment"), _("Criteria known"), _("Quality")], rows,
               [88, 20, 26, 28, W - 162], right=(1, 2, 3))
        _paragraph(p, _("Action: share of the tip's criteria done (in progress counts half); "
                        "commitment: share at least committed; over the criteria with a known status."), 6.5, GREY)
    else:
        _no_figure(p, _("No figure"))
    pdf.ln(3)
    # ---------------------------------------------------------------- sources, in full
    _heading(p, _("Sources and licences"))
    for s in bundle.get("sources") or []:
        text = f"{s['label']} — {_('Licence')}: {s['licence']}" + (f" — {s['url']}" if s.get("url") else "")
        if s.get("quality"):
            text += f" ({tier_label(s['quality'], lang)})"
        p.font(6.5)
        pdf.multi_cell(W, 3.1, p.t(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(0.6)
    return bytes(pdf.output())


@lru_cache(maxsize=32)
def commune_fiche_pdf(ver: str, nis_code: str, lang: str, url: str = "") -> bytes:
    """Cached by (database version, commune, language, view URL); safe to call from a download callable."""
    return build_fiche(collect_commune_bundle(ver, nis_code, lang, url), lang)


def fiche_file_name(bundle_or_names, nis_code: str, lang: str, ext: str = "pdf", example: bool = False) -> str:
    return f"fiche-{nis_code}-{lang}{'-EXAMPLE' if example else ''}.{ext}"
