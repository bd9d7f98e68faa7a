"""AppTest of the commune profile and compare pages in fr/nl/en (through app.py's navigation)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
DB = Path(os.environ["BSIM_DB"])  # built by tests/conftest.py
PAGES = ["overview.py", "map.py", "commune.py", "compare.py", "sources.py"]



@pytest.fixture(scope="module")
def app_file(tmp_path_factory) -> Path:
    """app.py itself when every page it lists exists; otherwise (other pages still being written)
    a copy of app.py next to a views/ folder with our pages and empty stand-ins for the others."""
    if all((ROOT / "views" / p).exists() for p in PAGES):
        return ROOT / "app.py"
    tmp = tmp_path_factory.mktemp("app")
    (tmp / "views").mkdir()
    shutil.copy(ROOT / "app.py", tmp / "app.py")
    for p in PAGES:
        src = ROOT / "views" / p
        if src.exists():
            shutil.copy(src, tmp / "views" / p)
        else:
            (tmp / "views" / p).write_text("import streamlit as st\nst.write('stand-in')\n")
    return tmp / "app.py"


def _run(app_file: Path, page: str, lang: str, **params) -> AppTest:
    at = AppTest.from_file(str(app_file), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()  # registers the st.navigation pages (switch_page needs their url paths)
    at.switch_page(f"views/{page}")
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.subheader] + [e.value for e in at.caption]
    parts += [e.value for e in at.markdown] + [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(map(str, parts))


POP_2025 = {"fr": "128.724", "nl": "128.724", "en": "128,724"}
TITLE = {"fr": "Anderlecht", "nl": "Anderlecht", "en": "Anderlecht"}


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_profile_anderlecht(app_file, lang):
    at = _run(app_file, "commune.py", lang, commune="21001")
    assert at.title[0].value == "Anderlecht"
    text = _texts(at)
    assert POP_2025[lang] in text          # population on 1 January 2025
    assert "2025" in text
    other = "128,724" if lang != "en" else "128.724"
    assert other not in text               # formatted per language, not the other way
    # the key figure of population: 2026 value with a rank out of 19
    pop = [m for m in at.metric if m.label == at.metric[0].label][0]
    assert pop.value.replace("\u00a0", " ").startswith("129" + ("," if lang == "en" else ".") + "600")
    assert "/ 19" in text


def test_profile_default_commune_and_names(app_file):
    at = _run(app_file, "commune.py", "nl", commune="21009")
    assert at.title[0].value == "Ixelles / Elsene"
    at = _run(app_file, "commune.py", "fr")
    assert at.title[0].value.startswith("Bruxelles")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_compare(app_file, lang):
    at = _run(app_file, "compare.py", lang, commune="21001")
    assert len(at.get("plotly_chart")) >= 3
    similar = at.table[-1].value              # communes like this one (index: both names)
    assert len(similar) == 5 and "Anderlecht" not in similar.index.tolist()


def test_compare_count_with_denominator(app_file):
    at = _run(app_file, "compare.py", "en", indicator="establishment_units", denominator="area",
              communes="21001,21009", x="population_1jan", y="census_employment_rate_15_64")
    assert at.query_params.get("denominator") in (["area"], "area")
