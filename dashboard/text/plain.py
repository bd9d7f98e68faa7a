"""Text that comes from data (names, notes, "reported by", publishers, labels from an input file or an
upload) is only ever text: these helpers make it safe for the place it is shown in, so that no
Markdown link, image, HTML tag or formula ever becomes live.

* ``clean``: the text without control characters (NUL, vertical tab …), zero-width and bidirectional
  format characters, line breaks folded into spaces — what every other helper starts from;
* ``md``: for Streamlit elements that read Markdown (``st.markdown``, ``st.caption``, titles, metric
  labels, help tooltips, radio and segmented-control options): every ASCII punctuation mark is
  backslash-escaped, and the patterns GitHub-flavoured Markdown turns into links by themselves
  (``http://``, ``www.``, ``name@host``) are broken with an invisible word joiner (U+2060);
* ``md_link``: a link the product means (a source's address), its text escaped, its address encoded;
* ``html``: for plotly (titles, hover templates, text, tick and legend labels, annotations all read a
  subset of HTML): ``&``, ``<`` and ``>`` as entities, which plotly shows as the characters themselves;
* ``attribute``: for a quoted HTML attribute (the embed snippet): quotes escaped too.

Apply them to the data part only, never to the product's own markup around it.
"""
from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

# C0 controls but tab, line feed and carriage return; DEL and C1; zero-width and bidirectional
# format characters; the byte-order mark
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")        # every ASCII punctuation mark
WORD_JOINER = "\u2060"
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_LINK_TARGET = re.compile(r"https?://[^\s<>\"'`]+|/[^\s<>\"'`]*", re.IGNORECASE)   # a web address or this site's path
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_AUTOLINKS = (  # on escaped text: 'http\:\/\/', 'www\.', '\@'
    (re.compile(r"(\\:)(\\/\\/)"), r"\1" + WORD_JOINER + r"\2"),
    (re.compile(r"(?i)(www)(\\\.)"), r"\1" + WORD_JOINER + r"\2"),
    (re.compile(r"(\\@)"), WORD_JOINER + r"\1"),
)


def clean(text) -> str:
    """``text`` as one line of visible characters ('' for None or NaN)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = _INVISIBLE.sub("", str(text))
    return _BREAKS.sub(" ", text)


def clean_keep_lines(text) -> str:
    """Like ``clean`` but line breaks are kept (as ``\\n``): for documents that show several lines."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = _INVISIBLE.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


def md(text) -> str:
    """Data text for a Streamlit element that reads Markdown: shown exactly as written, never as a link,
    an image, emphasis, a heading, a colour directive, an emoji shortcode or a formula."""
    escaped = _PUNCTUATION.sub(r"\\\1", clean(text))
    for pattern, replacement in _AUTOLINKS:
        escaped = pattern.sub(replacement, escaped)
    return escaped


def html(text) -> str:
    """Data text for plotly, which reads a subset of HTML: ``&``, ``<`` and ``>`` as entities, so a tag is
    shown as text (plotly shows an entity as its character)."""
    return _html.escape(clean(text), quote=False)


def attribute(text) -> str:
    """Data text as the value of a quoted HTML attribute (the embed snippet): quotes escaped too."""
    return _html.escape(clean(text), quote=True)


def md_link(text, url: str) -> str:
    """A link the product means (a source's own address, the monitor's view): the text escaped, the
    address percent-encoded; anything but an http(s) address or a path of this site gives the text only."""
    url = clean(url)
    if not _LINK_TARGET.fullmatch(url):
        return md(text)
    return f"[{md(text)}](<{quote(url, safe=_URL_SAFE)}>)"
