"""Commune names in the interface language: the one place that decides which name comes first.

Brussels communes have a French and a Dutch official name (``Ixelles / Elsene``) and often an English
one. ``both_names`` gives both official names with the interface language's first (French first for
French and English, as published), ``local_name`` the single name of the interface language, and
``short_name`` the short label of tiles and scatter points (``St-Gilles``). Every helper takes a row:
a dict, a pandas Series or a namedtuple with ``name_fr``, ``name_nl`` and optionally ``name_en``.
"""
from __future__ import annotations

# short labels for tiles and points ('<br>' where a tile breaks the line); English uses the French ones
SHORT_NAMES = {
    "fr": {"21001": "Anderlecht", "21002": "Auderghem", "21003": "Berchem-<br>Ste-Agathe",
           "21004": "Bruxelles", "21005": "Etterbeek", "21006": "Evere", "21007": "Forest",
           "21008": "Ganshoren", "21009": "Ixelles", "21010": "Jette", "21011": "Koekelberg",
           "21012": "Molenbeek", "21013": "St-Gilles", "21014": "St-Josse", "21015": "Schaerbeek",
           "21016": "Uccle", "21017": "Watermael-<br>Boitsfort", "21018": "Woluwe-<br>St-Lambert",
           "21019": "Woluwe-<br>St-Pierre"},
    "nl": {"21001": "Anderlecht", "21002": "Oudergem", "21003": "St-Agatha-<br>Berchem",
           "21004": "Brussel", "21005": "Etterbeek", "21006": "Evere", "21007": "Vorst",
           "21008": "Ganshoren", "21009": "Elsene", "21010": "Jette", "21011": "Koekelberg",
           "21012": "Molenbeek", "21013": "St-Gillis", "21014": "St-Joost", "21015": "Schaarbeek",
           "21016": "Ukkel", "21017": "Watermaal-<br>Bosvoorde", "21018": "St-Lambrechts-<br>Woluwe",
           "21019": "St-Pieters-<br>Woluwe"},
}
# the official order (French name first), used where the published order is wanted whatever the language
PUBLISHED_ORDER = "fr"


def _getter(row):
    return row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))


def local_name(row, lang: str) -> str:
    """Commune name for the interface language (row/dict with name_fr, name_nl, optional name_en)."""
    get = _getter(row)
    if lang == "nl":
        return get("name_nl") or get("name_fr")
    if lang == "en":
        return get("name_en") or get("name_fr")
    return get("name_fr") or get("name_nl")


def both_names(row, lang: str) -> str:
    """'Ixelles / Elsene' (the interface language's name first); one name when both are equal."""
    get = _getter(row)
    fr, nl = get("name_fr") or "", get("name_nl") or ""
    first, second = (nl, fr) if lang == "nl" else (fr, nl)
    if not second or second == first:
        return first
    if not first:
        return second
    return f"{first} / {second}"


def short_name(nis_code, row, lang: str, *, line_break: bool = False) -> str:
    """The short label of a commune ('Berchem-Ste-Agathe'; with ``line_break`` the tile's two-line
    'Berchem-<br>Ste-Agathe'); ``local_name(row, lang)`` for a code without one."""
    short = SHORT_NAMES.get(lang, SHORT_NAMES["fr"]).get(str(nis_code))
    if short:
        return short if line_break else short.replace("<br>", "")
    return local_name(row, lang)


def english_name(row) -> str | None:
    """The English name when it differs from both official names ('City of Brussels'), else None."""
    get = _getter(row)
    en = get("name_en")
    return en if en and en not in (get("name_fr"), get("name_nl")) else None
