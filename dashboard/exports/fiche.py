"""One-page commune fiche as PDF (fpdf2), in fr, nl or en.

``build_fiche(bundle, lang)`` is a pure builder of a ``bundle.collect_commune_bundle`` (plain values,
texts already formatted in the language):
both names, key figures against the region, a locator map drawn from the boundaries (vector polygons,
no browser needed; the tile grid when no boundaries were loaded), jobs and re-use, the five-tips
scorecard, sources with licences and the date of the data. Example data is said on the page's face.

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
from dashboard.text.format import MISSING, fmt_date
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, english_name

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
    """fpdf2 with a Unicode font when available, else Helvetica with latin-1 replacement."""

    def __init__(self):
        from fpdf import FPDF

        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(12, 10, 12)
        regular, bold = font_path(), font_path(bold=True)
        if regular and bold:
            self.pdf.add_font("DejaVu", "", str(regular))
            self.pdf.add_font("DejaVu", "B", str(bold))
            self.family, self.unicode = "DejaVu", True
        else:
            self.family, self.unicode = "Helvetica", False
        self.pdf.add_page()

    def t(self, text) -> str:
        text = "" if text is None else str(text)
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
                "Boundaries: {source}", source=bundle["boundary_attribution"])))
        return
    tiles = bundle.get("tiles")
    if tiles is None or tiles.empty:
        return
    rows, cols = int(tiles["tile_row"].max()) + 1, int(tiles["tile_col"].max()) + 1
    side = min(w / cols, h / rows)
    for t in tiles.itertuples():
        pdf.set_fill_color(*(HIGHLIGHT if t.nis_code == nis else OTHER))
        pdf.rect(x + t.tile_col * side, y + t.tile_row * side, side * 0.94, side * 0.94, style="DF")


def _heading(p: _Pdf, x: float, y: float, width: float, text: str) -> None:
    """A section heading (11 pt bold) at (x, y)."""
    p.font(11, bold=True)
    p.pdf.set_xy(x, y)
    p.pdf.cell(width, 6, p.t(text))


def _no_figure(p: _Pdf, y: float, text: str, width: float) -> float:
    """A grey 'No figure' line under a section heading; returns the next y."""
    p.font(8, colour=GREY)
    p.pdf.set_xy(12, y + 7)
    p.pdf.cell(width, 4, p.t(text))
    return y + 11


def _table(p: _Pdf, x: float, y: float, widths: list[float], header: list[str], rows: list[list[str]],
           size: float = 7.5, line: float = 4.2) -> float:
    pdf = p.pdf
    p.font(size, bold=True, colour=GREY)
    cx = x
    for wdt, text in zip(widths, header):
        pdf.set_xy(cx, y)
        pdf.cell(wdt, line, p.t(text), border="B")
        cx += wdt
    y += line + 0.6
    for r in rows:
        p.font(size)
        first = p.t(r[0]) if r else ""
        lines = [first]
        if pdf.get_string_width(first) > widths[0] - 1:  # the label may take two lines
            lines = pdf.multi_cell(widths[0] - 1, line, first, dry_run=True, output="LINES")[:2] or [first]
        cx = x
        for i, (wdt, text) in enumerate(zip(widths, r)):
            for j, txt in enumerate(lines if i == 0 else [p.t(text)]):
                while txt and pdf.get_string_width(txt) > wdt - 1:
                    txt = txt[:-2] + ("…" if p.unicode else ".")
                pdf.set_xy(cx, y + j * (line - 0.8))
                pdf.cell(wdt, line, txt)
            cx += wdt
        y += line + (len(lines) - 1) * (line - 0.8)
    return y


def build_fiche(bundle: dict, lang: str) -> bytes:
    """The fiche as PDF bytes (A4 portrait, one page)."""
    _ = translator(lang)
    with _build_lock:  # fpdf2 font handling is not meant for concurrent use
        p = _Pdf()
    pdf = p.pdf
    W = 210 - 24
    # ---------------------------------------------------------------- header
    p.font(8, colour=GREY)
    pdf.set_xy(12, 8)
    pdf.cell(W, 4, p.t(_("Brussels Social Impact Monitor") + " · " + _("Commune fiche")))
    p.font(20, bold=True)
    pdf.set_xy(12, 13)
    pdf.cell(W, 9, p.t(both_names(bundle, lang)))
    p.font(9, colour=GREY)
    pdf.set_xy(12, 22.5)
    sub = [b for b in (english_name(bundle),
                       f"NIS {bundle['nis_code']}", _("Brussels-Capital Region"),
                       _("Date of the data: {date}", date=bundle.get("data_date") or MISSING)) if b]
    pdf.cell(W, 5, p.t(" · ".join(sub)))
    y = 29
    if bundle.get("is_example"):
        pdf.set_fill_color(*RED)
        p.font(9, bold=True, colour=(255, 255, 255))
        pdf.set_xy(12, y)
        pdf.multi_cell(W, 5, p.t(_("EXAMPLE DATA") + " — " + _(
            "Some figures on this page are example data: illustrative, not real figures.")), fill=True)
        y = pdf.get_y() + 2
    # ---------------------------------------------------------------- locator + key figures
    draw_locator(p, bundle, 12, y + 2, 48, 40)
    _heading(p, 64, y, W - 52, _("Key figures against the region"))
    rows = [[k["label"] if len(k["unit"]) <= 3 else f"{k['label']} ({k['unit']})", k["value_short"], k["region_short"],
             k["year"], k["rank"],
             f"{k['source']} ({_(k['quality'])})" if k["quality"] else MISSING] for k in bundle["key_figures"]]
    if not rows:
        rows = [[_("No figure"), "", "", "", "", ""]]
    y_kf = _table(p, 64, y + 7, [50, 19, 19, 9, 10, 27],
                  [_("Indicator"), _("Commune"), _("Region"), _("Year"), _("Rank"), _("Source")], rows, line=5)
    y = max(y + 52, y_kf + 4)
    # ---------------------------------------------------------------- jobs and re-use
    _heading(p, 12, y, W, _("Jobs and re-use (members' figures)"))
    impact = bundle.get("impact")
    if impact:
        rows = [[r["what"], str(r["year"]), r["value"], _(r["quality"]), r["source"]] for r in impact]
        y = _table(p, 12, y + 7, [70, 12, 30, 20, 54], [_("Figure"), _("Year"), _("Value"), _("Quality"),
                                                       _("Source")], rows)
        if bundle.get("n_operators") is not None:
            p.font(7.5, colour=GREY)
            pdf.set_xy(12, y + 0.5)
            pdf.cell(W, 4, p.t(_("Operators located in the commune: {n}", n=bundle["n_operators"])))
            y += 4.5
    else:
        y = _no_figure(p, y, _("No figure"), W)
    y += 3
    # ---------------------------------------------------------------- five tips
    _heading(p, 12, y, W, _("Five tips scorecard"))
    tips = bundle.get("tips")
    if tips:
        rows = [[f"{t['tip_id']}. {t['title']}", t["action"], t["commitment"], t["coverage"],
                 _("example") if t["example"] else ""] for t in tips]
        y = _table(p, 12, y + 7, [92, 20, 26, 28, 20],
                   [_("Tip"), _("Action"), _("Commitment"), _("Criteria known"), _("Quality")], rows, line=4.6)
        p.font(6.5, colour=GREY)
        pdf.set_xy(12, y + 0.5)
        pdf.multi_cell(W, 3, p.t(_("Action: share of the tip's criteria done (in progress counts half); "
                                   "commitment: share at least committed; over the criteria with a known status.")))
        y = pdf.get_y()
    else:
        y = _no_figure(p, y, _("No figure"), W)
    y += 3
    # ---------------------------------------------------------------- sources
    _heading(p, 12, y, W, _("Sources and licences"))
    y += 6.5
    p.font(6.5)
    srcs = bundle.get("sources") or []
    limit = max(0, int((282 - 12 - y) / 3.2))
    for s in srcs[:limit]:
        pdf.set_xy(12, y)
        text = f"{s['label']} — {_('Licence')}: {s['licence']}" + (f" — {s['url']}" if s.get("url") else "")
        if s.get("quality"):
            text += f" ({_(s['quality'])})"
        txt = p.t(text)
        while pdf.get_string_width(txt) > W:
            txt = txt[:-2]
        pdf.cell(W, 3.2, txt)
        y += 3.2
    if len(srcs) > limit:
        pdf.set_xy(12, y)
        pdf.cell(W, 3.2, p.t(_("… and {n} more sources: see the Data & sources page.", n=len(srcs) - limit)))
    # ---------------------------------------------------------------- footer
    p.font(7, colour=GREY)
    pdf.set_xy(12, 283)
    foot = [_("Date of the data: {date}", date=bundle.get("data_date") or MISSING),
            _("Generated on {date}", date=fmt_date(date.today(), lang))]
    if bundle.get("url"):
        foot.append(bundle["url"])
    pdf.cell(W, 4, p.t(" · ".join(foot)))
    if bundle.get("is_example"):
        p.font(7, bold=True, colour=RED)
        pdf.set_xy(12, 287)
        pdf.cell(W, 4, p.t(_("EXAMPLE DATA") + " — " + _("Example data — illustrative, not real figures")))
    return bytes(pdf.output())


@lru_cache(maxsize=32)
def commune_fiche_pdf(ver: str, nis_code: str, lang: str, url: str = "") -> bytes:
    """Cached by (database version, commune, language, view URL); safe to call from a download callable."""
    return build_fiche(collect_commune_bundle(ver, nis_code, lang, url), lang)


def fiche_file_name(bundle_or_names, nis_code: str, lang: str, ext: str = "pdf", example: bool = False) -> str:
    return f"fiche-{nis_code}-{lang}{'-EXAMPLE' if example else ''}.{ext}"
