from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from dashboard.text.i18n import LANGS, _read, catalog, pick_language, po_path, translator

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("dashboard/**.py", "python"), ("views/**.py", "python"), ("app.py", "python")]


def _po(lang):
    """All catalogues of ``lang`` merged (messages.po + one per page)."""
    return _read(lang)


def _used_msgids():
    found = {}
    for filename, lineno, msg, _c, _ctx in extract_from_dir(str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS):
        if isinstance(msg, tuple):
            msg = tuple(m for m in msg if m)
            msg = msg if len(msg) > 1 else msg[0]
        found.setdefault(msg, f"{filename}:{lineno}")
    return found


def test_catalogues_exist():
    for lang in LANGS:
        assert po_path(lang).exists(), po_path(lang)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_msgid_translated(lang):
    en_ids = {m.id for m in _po("en") if m.id}
    cat = _po(lang)
    ids = {m.id for m in cat if m.id}
    assert ids == en_ids, f"{lang} and en catalogues differ: {sorted(map(str, ids ^ en_ids))}"
    empty = [m.id for m in cat if m.id and (m.fuzzy or not m.string
                                            or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not empty, f"untranslated in {lang}: {empty}"


def test_code_strings_are_in_catalogues():
    used = _used_msgids()
    assert "No data" in used  # the scan works
    for lang in ("fr", "nl"):
        cat = catalog(lang)
        missing = {m: where for m, where in used.items() if m not in cat}
        assert not missing, f"strings used in code without a {lang} translation: {missing}"


def test_required_nav_strings():
    for msgid in ["Overview", "Map explorer", "Commune profile", "Compare", "Data & sources",
                  "per 1,000 inhabitants", "Natural breaks", "Tile map",
                  "Example data — illustrative, not real figures", "Last ETL run"]:
        for lang in ("fr", "nl"):
            assert msgid in catalog(lang)


def test_translations():
    assert translator("fr")("Commune") == "Commune"
    assert translator("nl")("Commune") == "Gemeente"
    assert translator("nl")("CPAS") == "OCMW"
    assert translator("fr")("Overview") == "Vue d'ensemble"
    assert translator("en")("Overview") == "Overview"
    assert translator("nl")("Unit: {unit}", unit="%") == "Eenheid: %"
    assert translator("fr")("not in the catalogue") == "not in the catalogue"
    assert translator("xx")("Overview") == "Vue d'ensemble"  # unknown language -> default fr


def test_plurals():
    s, p = "{n} commune without data", "{n} communes without data"
    assert translator("fr").ngettext(s, p, 1) == "1 commune sans données"
    assert translator("fr").ngettext(s, p, 0) == "0 commune sans données"
    assert translator("nl").ngettext(s, p, 2) == "2 gemeenten zonder gegevens"
    assert translator("en").ngettext(s, p, 1) == "1 commune without data"


@pytest.mark.parametrize("query,browser,expected", [
    ("nl", "fr-BE", "nl"),
    ("EN", None, "en"),
    (None, "nl-BE", "nl"),
    (None, "nl_BE", "nl"),
    ("", "en-GB", "en"),
    ("de", "fr", "fr"),
    (None, "de-DE,nl;q=0.8,en;q=0.5", "nl"),
    (None, "de-DE", "fr"),
    (None, None, "fr"),
    ("xx", "zz", "fr"),
])
def test_pick_language(query, browser, expected):
    assert pick_language(query, browser) == expected
