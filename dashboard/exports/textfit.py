"""How much room a text takes: lines and height of wrapped text from a font's own metrics (PIL), so the
deck sizes its boxes and spreads its tables over slides before PowerPoint or LibreOffice draws them.

The deck sets its text in Arial; Liberation Sans (Debian's ``fonts-liberation``, metric-compatible with
Arial) gives the widths. Without it DejaVu Sans is used (wider than Arial: a box measured with it is never
too small), and without any font file 0.6 em per character (on the safe side too). Sizes are in points;
one line takes ``LINE`` em.
"""
from __future__ import annotations

from functools import cache

from dashboard.config import FONT_DIRS

LINE = 1.2                # line height in em (single spacing of Arial in PowerPoint and LibreOffice ≈ 1.15)
_FILES = {False: ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"),
          True: ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf")}
_REF = 100                # the font is loaded once at this size and widths are scaled


@cache
def _font(bold: bool):
    from PIL import ImageFont

    for name in _FILES[bold]:
        for d in FONT_DIRS:
            if (d / name).is_file():
                return ImageFont.truetype(str(d / name), _REF)
    return None


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` on one line at ``size`` points."""
    font = _font(bold)
    if font is None:
        return len(text) * 0.6 * size
    return font.getlength(text) * size / _REF


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """The lines ``text`` takes in ``width`` points (breaks at spaces; a word wider than the line is cut;
    each newline starts a paragraph)."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, size, bold) > width and len(word) > 1:   # cut a word longer than the line
                cut = max(1, max(i for i in range(1, len(word) + 1) if text_width(word[:i], size, bold) <= width)
                          if text_width(word[:1], size, bold) <= width else 1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def height(text: str, size: float, width: float, bold: bool = False, line: float = LINE) -> float:
    """Height in points of ``text`` wrapped in ``width`` points at ``size`` points."""
    return len(wrap(text, size, width, bold)) * size * line
