"""Render exported documents as a reader sees them: PPTX → PDF with LibreOffice Impress (headless, its own
profile folder so parallel runs do not collide), PDF → PNG with pdftoppm, and the words of each PDF page
with their boxes (``pdftotext -bbox``) to check that no text runs out of its box or off the page."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

TOOLS = ("soffice", "pdftoppm", "pdftotext")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def missing_tools(*names: str) -> list[str]:
    return [t for t in (names or TOOLS) if shutil.which(t) is None]


def to_pdf(document: Path, outdir: Path) -> Path:
    """LibreOffice's PDF of ``document`` (PPTX here), in ``outdir``."""
    profile = outdir / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(document)], check=True, capture_output=True, timeout=600)
    pdf = outdir / (document.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {document}"
    return pdf


def to_pngs(pdf: Path, outdir: Path, prefix: str, dpi: int = 60) -> list[Path]:
    """One PNG per page (``pdftoppm -png -r dpi``), in page order."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / prefix)], check=True, timeout=600)
    return sorted(outdir.glob(f"{prefix}-*.png"))


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u202f", " ")


def pages(pdf: Path) -> list[dict]:
    """[{width, height, words: [(text, x0, y0, x1, y1)]}] in points, one per page."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=600).stdout
    doc = out.decode("utf-8")
    result = []
    for w, h, body in _PAGE.findall(doc):
        words = [(normalise(html.unescape(t)), float(a), float(b), float(c), float(d))
                 for a, b, c, d, t in _WORD.findall(body)]
        result.append({"width": float(w), "height": float(h), "words": words})
    return result


def text(pdf: Path) -> str:
    """The PDF's text with every space and line break removed (for 'is this string there in full')."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, timeout=600).stdout
    return squeeze(out.decode("utf-8"))


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", normalise(value))
