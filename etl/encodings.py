"""Which text encoding a file is in, decided from its bytes, never guessed from its name.

In this order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE: Excel's "Unicode text" and "CSV
UTF-8" exports carry one); UTF-16 without a mark, recognised by its zero bytes (ASCII text in UTF-16
has a zero in every other byte, which no 8-bit text has); strict UTF-8; strict Windows-1252 (the
usual Belgian spreadsheet export; the five bytes it leaves undefined make a file refused). Anything
else is refused with the offset of the first byte that cannot be read.
"""
from __future__ import annotations

import codecs

BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class Undecodable(ValueError):
    """The bytes are none of the accepted encodings; ``offset`` is the first unreadable byte."""

    def __init__(self, offset: int, line: int):
        self.offset = offset
        self.line = line
        super().__init__(f"undecodable byte at offset {offset}")


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when zero bytes sit in every other position of the first kilobytes."""
    head = raw[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    if zeros_odd > 0.3 * len(odd) and zeros_even == 0:
        return "utf-16-le"
    if zeros_even > 0.3 * len(even) and zeros_odd == 0:
        return "utf-16-be"
    return None


def wide_encoding(head: bytes) -> str | None:
    """The encoding the first bytes of a file declare by a byte-order mark, or show as UTF-16 without
    one; None: an 8-bit text (UTF-8 or Windows-1252, told apart by reading it all)."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return _utf16_without_bom(head)


def encoding_of(raw: bytes) -> str:
    """The encoding these bytes are written in (see the module docstring); raises ``Undecodable``."""
    wide = wide_encoding(raw)
    if wide:
        return wide
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        try:
            raw.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            raise Undecodable(exc.start, raw[: exc.start].count(b"\n") + 1) from None


def decode(raw: bytes) -> tuple[str, str]:
    """(text without its byte-order mark, encoding name); raises ``Undecodable``."""
    encoding = encoding_of(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:      # a UTF-16 file cut in the middle of a character
        raise Undecodable(exc.start, raw[: exc.start].count(b"\n") + 1) from None
    return text.lstrip("\ufeff"), encoding
