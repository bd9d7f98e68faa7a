"""Characters a cell may not bring into the database: cleaned at the door, or refused with a reason.

* **removed**: zero-width space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen and the
  left-to-right / right-to-left marks — invisible, they only make equal words differ;
* **made a plain space**: no-break and narrow no-break spaces, figure, thin and other typographic spaces,
  tabs and line breaks inside a cell (a value is one line in every page, table and export);
* **refused**: every other control character (NUL, vertical tab, form feed, escape, DEL, the C1 range),
  the bidirectional embedding, override and isolate controls (they reorder the text around them on a
  page), lone surrogates, and U+FFFD, the mark of a character an earlier conversion already lost.

``clean(text)`` returns the cleaned text and, for a refused character, the ``Message`` that says so.
"""
from __future__ import annotations

import re
import unicodedata

from .messages import Message

REMOVED = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
SPACES = "\u00a0\u202f\u2007\u2009\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u205f\u3000\t\r\n\u2028\u2029\u0085"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TRANSLATE = {ord(c): None for c in REMOVED} | {ord(c): " " for c in SPACES}
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd" + BIDI_CONTROLS + "]")
NAMES = {0x00: "NUL", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x1B: "escape", 0x7F: "DEL"}


def _re2_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


# the same cleaning in DuckDB (RE2 patterns), for the fact files loaded in SQL
SQL_REMOVED = _re2_class(REMOVED)
SQL_SPACES = _re2_class(SPACES)
SQL_SUSPECT = "[\\x{0}-\\x{1f}\\x{7f}-\\x{9f}\\x{fffd}" + _re2_class(BIDI_CONTROLS)[1:-1] + "]"


def sql_clean(expr: str) -> str:
    """A DuckDB expression: ``expr`` cleaned as ``clean`` does (the refused characters stay, for a check)."""
    return f"trim(regexp_replace(regexp_replace({expr}, '{SQL_REMOVED}', '', 'g'), '{SQL_SPACES}', ' ', 'g'))"


def char_name(ch: str) -> str:
    """'U+000B vertical tab' for messages."""
    cp = ord(ch)
    name = NAMES.get(cp)
    if name is None:
        try:
            name = unicodedata.name(ch)
        except ValueError:
            name = "control"
    return f"U+{cp:04X} {name.lower()}"


def clean(text: str) -> tuple[str, Message | None]:
    """(text with invisible characters removed and odd spaces made plain, stripped; the reason its
    first refused character is refused, or None)."""
    if text.isascii() and text.isprintable():
        return text.strip(), None
    out = text.translate(_TRANSLATE).strip()
    bad = _SUSPECT.search(out)
    if bad is None:
        return out, None
    if bad.group() == "\ufffd":
        return out, Message("replacement_char")
    return out, Message("control_char", char=char_name(bad.group()))
