"""How much room a text takes: lines and height of wrapped text from a font's own metrics (PIL), so a
chart wraps its title to the narrowest screen it is drawn on and the deck sizes its boxes and spreads its
tables over slides before PowerPoint or LibreOffice draws them.

Two families: ``arial`` (the deck's font; Liberation Sans from Debian's ``fonts-liberation`` is
metric-compatible with it) and ``verdana`` (what a browser without Open Sans draws plotly's text in: Verdana
on phones and Macs, the metric-equal DejaVu Sans on Linux). A missing file falls back to DejaVu Sans (wider
than Arial: a box measured with it is never too small), then to 0.62 em per character. Sizes are in points
(or pixels: the ratio is the same); one line takes ``LINE`` em.
"""
from __future__ import annotations

from functools import cache, lru_cache

from dashboard.config import FONT_DIRS

LINE = 1.2                # line height in em (single spacing of Arial in PowerPoint and LibreOffice ≈ 1.15)
_FILES = {("arial", False): ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"),
          ("arial", True): ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
          ("verdana", False): ("DejaVuSans.ttf",),
          ("verdana", True): ("DejaVuSans-Bold.ttf",)}
_REF = 100                # the font is loaded once at this size and widths are scaled


@cache
def _font(bold: bool, family: str):
    from PIL import ImageFont

    for name in _FILES[(family, bold)]:
        for d in FONT_DIRS:
            if (d / name).is_file():
                return ImageFont.truetype(str(d / name), _REF)
    return None


def text_width(text: str, size: float, bold: bool = False, family: str = "arial") -> float:
    """Width of ``text`` on one line at ``size`` (same unit)."""
    font = _font(bold, family)
    if font is None:
        return len(text) * 0.62 * size
    return font.getlength(text) * size / _REF


def wrap(text: str, size: float, width: float, bold: bool = False, family: str = "arial") -> list[str]:
    """The lines ``text`` takes in ``width`` (breaks at spaces; a word wider than the line is cut; each
    newline starts a paragraph)."""
    return list(_wrapped(str(text), size, width, bold, family))


@lru_cache(maxsize=4096)    # the same titles and footers are measured chart after chart
def _wrapped(text: str, size: float, width: float, bold: bool, family: str) -> tuple[str, ...]:
    fits = lambda t: text_width(t, size, bold, family) <= width   # noqa: E731
    lines: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word) > 1 and not fits(word):   # a word longer than the line is cut
                cut = max([i for i in range(1, len(word)) if fits(word[:i])] or [1])
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return tuple(lines)


def height(text: str, size: float, width: float, bold: bool = False, line: float = LINE,
           family: str = "arial") -> float:
    """Height of ``text`` wrapped in ``width`` at ``size`` (same unit)."""
    return len(wrap(text, size, width, bold, family)) * size * line
