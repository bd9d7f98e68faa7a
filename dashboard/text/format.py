"""Numbers and dates per interface language.

Numbers: fr and nl both use ``.`` for thousands and ``,`` for decimals (``1.234,5``), en uses
``1,234.5`` — a deliberate choice (Belgian usage in print; Babel's fr_BE would give a narrow
no-break space). Missing values (None, NaN, pd.NA) format as an em dash ``—`` (``MISSING``) so
tables stay compact; hover texts and legends use the translated "No data" instead.
Value and unit are joined with a no-break space (``12,3 %``), except ``%`` in English (``12.3%``).
Changes carry their sign, negative ones with the typographic minus (``−0,4``); a change of a
percentage is in percentage points (``+1,6 pts``, ``−4,1 %-punt``), never in %.
"""
from __future__ import annotations

import datetime as _dt
import math

import pandas as pd
from babel.dates import format_date, format_datetime

from dashboard.text.i18n import BABEL_LOCALE, DEFAULT_LANG, N_, normalise_lang, translator

MISSING = "—"
NBSP = "\u00a0"
MINUS = "\u2212"
# percentage points: the unit of a change between two percentages (abbreviated, and in full)
POINTS = N_("pts")
POINTS_LONG = N_("percentage points")


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _lang(lang: str) -> str:
    return normalise_lang(lang) or DEFAULT_LANG


def fmt_number(value, lang: str, decimals: int = 0) -> str:
    """128724 -> '128.724' (fr, nl) / '128,724' (en); 1234.5, 1 decimal -> '1.234,5' (fr, nl)."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    decimals = max(0, int(decimals or 0))
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    if _lang(lang) in ("fr", "nl"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _with_unit(number: str, unit_label: str | None, lang: str) -> str:
    if not unit_label:
        return number
    if unit_label == "%" and _lang(lang) == "en":
        return number + "%"
    return f"{number}{NBSP}{unit_label}"


def fmt_value(value, lang: str, decimals: int = 0, unit_label: str | None = None,
              *, missing: str = MISSING) -> str:
    """Number with its unit ('12,3 %', '1.234 €'); ``missing`` (default '—') for None/NaN."""
    if is_missing(value):
        return missing
    return _with_unit(fmt_number(value, lang, decimals), unit_label, lang)


def fmt_percent(value, lang: str, decimals: int = 1, *, ratio: bool = False,
                missing: str = MISSING) -> str:
    """12.3 -> '12,3 %' (fr/nl), '12.3%' (en). With ``ratio=True`` 0.123 gives the same."""
    if is_missing(value):
        return missing
    value = float(value) * (100 if ratio else 1)
    return _with_unit(fmt_number(value, lang, decimals), "%", lang)


def points_label(lang: str, *, long: bool = False) -> str:
    """'pts' / '%-punt' (``long``: 'percentage points', 'points de pourcentage', 'procentpunten')."""
    return translator(_lang(lang))(POINTS_LONG if long else POINTS)


def change_unit(unit_label: str | None, lang: str, points: bool = False, *, long: bool = False) -> str | None:
    """The unit of a change: percentage points for a percentage, else the figure's own unit."""
    return points_label(lang, long=long) if points else unit_label


def fmt_change(value, lang: str, decimals: int = 1, unit_label: str | None = None,
               *, points: bool = False, missing: str = MISSING) -> str:
    """Signed change: '+1,2', '−0,4' (typographic minus), '0,0' (no sign when it rounds to zero);
    ``points``: the change of a percentage, in percentage points ('+1,6 pts') whatever ``unit_label``."""
    if is_missing(value):
        return missing
    text = fmt_number(value, lang, decimals)
    if any(ch not in "0,." for ch in text):
        text = ("+" + text) if float(value) > 0 else text.replace("-", MINUS, 1)
    return _with_unit(text, change_unit(unit_label, lang, points), lang)


def _to_date(value):
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return pd.Timestamp(value).to_pydatetime()
    return value


def fmt_date(value, lang: str, format: str = "long") -> str:
    """'2025-03-01' -> '1 mars 2025' (fr_BE) / '1 maart 2025' (nl_BE) / '1 March 2025' (en_GB)."""
    if is_missing(value):
        return MISSING
    value = _to_date(value)
    if isinstance(value, _dt.datetime):
        value = value.date()
    return format_date(value, format=format, locale=BABEL_LOCALE[_lang(lang)])


def fmt_datetime(value, lang: str, format: str = "medium") -> str:
    """A timestamp (e.g. the last ETL run) in the interface language."""
    if is_missing(value):
        return MISSING
    value = _to_date(value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return fmt_date(value, lang)
    return format_datetime(value, format=format, locale=BABEL_LOCALE[_lang(lang)])


def fmt_rank(rank, n: int = 19, tied: bool = False) -> str:
    """'3 / 19', or '=3 / 19' when another commune shares the rank; '—' when missing."""
    if is_missing(rank):
        return MISSING
    return f"{'=' if tied else ''}{int(rank)} / {n}"
