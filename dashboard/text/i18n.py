"""Interface strings in French, Dutch and English through gettext catalogues (Babel).

English msgids live in the code (``_("Map explorer")``); the translations live in
``locales/{fr,nl,en}/LC_MESSAGES/messages.po`` and are read at runtime with
``babel.messages.pofile.read_po`` (cached per language) — no compiled ``.mo`` in git.

Update the catalogues after adding strings::

    pybabel extract -F babel.cfg -k N_ -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d locales --ignore-obsolete

``tests/unit/test_text_i18n.py`` fails when a ``_("…")`` string used in ``dashboard/``, ``views/`` or
``app.py`` has no French or Dutch translation.
"""
from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from dashboard.config import LOCALES_DIR, ROOT

LANGS: tuple[str, ...] = ("fr", "nl", "en")
DEFAULT_LANG = "fr"
# Babel locale used for dates (and anything locale-specific) per interface language
BABEL_LOCALE = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now (translate later with ``_``)."""
    return msgid


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


def po_paths(lang: str) -> list[Path]:
    """``messages.po`` first, then one catalogue per page or feature (``map.po``, ``commune.po`` ...)."""
    main = po_path(lang)
    others = sorted(p for p in main.parent.glob("*.po") if p != main)
    return ([main] if main.exists() else []) + others


@cache
def _read(lang: str):
    """All catalogues of ``lang`` merged (the first file defining a msgid wins); None if there are none."""
    paths = po_paths(lang)
    if not paths:
        return None
    with paths[0].open("rb") as fh:
        merged = read_po(fh, locale=lang)
    for path in paths[1:]:
        with path.open("rb") as fh:
            for msg in read_po(fh, locale=lang):
                if msg.id and msg.id not in merged:
                    merged[msg.id] = msg
    return merged


@cache
def plural_function(lang: str):
    """n -> index of the plural form, from the catalogue's Plural-Forms header."""
    cat = _read(normalise_lang(lang) or DEFAULT_LANG)
    expr = cat.plural_expr if cat is not None else "(n != 1)"
    return _gettext.c2py(expr)


@cache
def catalog(lang: str) -> dict:
    """msgid (or (singular, plural) tuple) -> translation (str or tuple of str) for ``lang``.

    Fuzzy and empty translations are left out, so they fall back to the English msgid.
    """
    cat = _read(normalise_lang(lang) or DEFAULT_LANG)
    if cat is None:
        return {}
    out: dict = {}
    for msg in cat:
        if not msg.id or msg.fuzzy:
            continue
        if isinstance(msg.id, (tuple, list)):
            forms = tuple(msg.string or ())
            if forms and all(forms):
                out[tuple(msg.id)] = forms
        elif msg.string:
            out[msg.id] = msg.string
    return out


class Translator:
    """Callable ``_(msgid, **kwargs)``; kwargs are filled in with ``str.format``."""

    def __init__(self, lang: str):
        self.lang = normalise_lang(lang) or DEFAULT_LANG
        self._cat = catalog(self.lang)

    def gettext(self, msgid: str, **kwargs) -> str:
        text = self._cat.get(msgid, msgid)
        return text.format(**kwargs) if kwargs else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **kwargs) -> str:
        forms = self._cat.get((singular, plural))
        if forms:
            text = forms[min(plural_function(self.lang)(int(n)), len(forms) - 1)]
        else:
            text = singular if n == 1 else plural
        kwargs.setdefault("n", n)
        return text.format(**kwargs)


def translator(lang: str) -> Callable[..., str]:
    """Return ``_`` for ``lang``: ``_("Year")``, ``_("Rank {rank} of {n}", rank=3, n=19)``.

    The returned object also has ``.ngettext(singular, plural, n, **kw)`` and ``.lang``.
    """
    return _translator(normalise_lang(lang) or DEFAULT_LANG)


@cache
def _translator(lang: str) -> Translator:
    return Translator(lang)


def gettext(msgid: str, lang: str, **kwargs) -> str:
    return translator(lang)(msgid, **kwargs)


def ngettext(singular: str, plural: str, n: int, lang: str, **kwargs) -> str:
    return translator(lang).ngettext(singular, plural, n, **kwargs)


def normalise_lang(value: str | None) -> str | None:
    """'nl-BE' / 'nl_BE' / 'NL' -> 'nl'; anything not in LANGS -> None."""
    if not value or not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGS else None


def pick_language(query_lang: str | None = None, browser_locale: str | None = None) -> str:
    """URL parameter wins, then the browser locale (``st.context.locale``, e.g. 'nl-BE'), else 'fr'.

    ``browser_locale`` may also be an Accept-Language style list ('de-DE,nl;q=0.8,en;q=0.5'):
    the first supported language in it is taken.
    """
    lang = normalise_lang(query_lang)
    if lang:
        return lang
    if browser_locale and isinstance(browser_locale, str):
        for part in browser_locale.split(","):
            lang = normalise_lang(part.split(";")[0])
            if lang:
                return lang
    return DEFAULT_LANG


def missing_msgids(root: Path | None = None) -> dict[str, list[str]]:
    """Strings marked with _()/N_()/ngettext in dashboard/, views/ and app.py with no translation,
    per language (``python -m dashboard.text.i18n`` prints them)."""
    from babel.messages.extract import extract_from_dir

    root = root or ROOT
    method_map = [("dashboard/**.py", "python"), ("views/**.py", "python"), ("app.py", "python")]
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    used = set()
    for _f, _l, msg, _c, _x in extract_from_dir(str(root), method_map=method_map, keywords=keywords):
        used.add(tuple(m for m in msg if m) if isinstance(msg, tuple) else msg)
    used = {m[0] if isinstance(m, tuple) and len(m) == 1 else m for m in used}
    return {lang: sorted((m for m in used if m not in catalog(lang)), key=str) for lang in ("fr", "nl")}


if __name__ == "__main__":
    for lang, ids in missing_msgids().items():
        for msgid in ids:
            print(f"{lang}\t{msgid!r}")
