"""A missing or damaged database: every page says, in the viewer's language, that the data is temporarily
unavailable (no traceback, no error text, no path), and the next rerun after a good file is published shows
the data again — in the same server process, without a restart."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text.i18n import translator
from tests.conftest import ROOT
from tests.support.apptest import figure_cards, geo_maps, page_texts

GOOD = Path(os.environ["BSIM_DB"])      # the session's test database (tests/conftest.py)
PAGES = ["views/overview.py", "views/map.py", "views/commune.py", "views/compare.py", "views/jobs.py",
         "views/reuse.py", "views/operators.py", "views/tips.py", "views/sources.py"]


def _publish(src: Path | bytes, dest: Path) -> None:
    """As the ETL publishes: a new file swapped in with os.replace."""
    tmp = dest.with_suffix(".new")
    if isinstance(src, bytes):
        tmp.write_bytes(src)
    else:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def _open(page: str, lang: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    if page != "views/overview.py" and not at.exception:
        at.switch_page(page)
        at.query_params["lang"] = lang
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
    return at


def _says_unavailable(at: AppTest, lang: str) -> None:
    _ = translator(lang)
    assert not at.exception, [e.value for e in at.exception]
    text = page_texts(at)
    assert _("Data temporarily unavailable") in text
    assert "Traceback" not in text and "duckdb" not in text.lower() and "impact.duckdb" not in text
    assert not at.error


def _damaged():
    head = GOOD.read_bytes()
    return {"garbage": b"this is not a database\x00" * 4000, "truncated": head[: len(head) // 3],
            "empty": b""}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_missing_database_then_published(tmp_path, monkeypatch, lang):
    db = tmp_path / "impact.duckdb"
    monkeypatch.setenv("BSIM_DB", str(db))
    at = _open("views/map.py", lang)
    _says_unavailable(at, lang)
    _publish(GOOD, db)
    at.run()                                   # the next rerun, same process: the data is back
    assert not at.exception and translator(lang)("Data temporarily unavailable") not in page_texts(at)
    assert at.get("plotly_chart") or geo_maps(at)    # the map is drawn again


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_database_on_every_page_then_recovered(tmp_path, monkeypatch, damage):
    db = tmp_path / "impact.duckdb"
    monkeypatch.setenv("BSIM_DB", str(db))
    _publish(_damaged()[damage], db)
    for page, lang in zip(PAGES, ["fr", "nl", "en"] * 3):
        _says_unavailable(_open(page, lang), lang)
    at = _open("views/commune.py", "nl", commune="21009")
    _says_unavailable(at, "nl")
    _publish(GOOD, db)
    at.run()
    assert not at.exception
    assert "Elsene" in page_texts(at) and figure_cards(at)     # the profile with its key figures again


def test_embed_view_says_unavailable_too(tmp_path, monkeypatch):
    db = tmp_path / "impact.duckdb"
    monkeypatch.setenv("BSIM_DB", str(db))
    _publish(b"\x00" * 1024, db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for k, v in {"embed": "1", "chart": "card", "commune": "21001", "lang": "en"}.items():
        at.query_params[k] = v
    at.run()
    _says_unavailable(at, "en")
