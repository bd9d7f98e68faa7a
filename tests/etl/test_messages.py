"""The ETL's message catalogue: every code says the same thing in English, French and Dutch, every code the
code uses exists (and every code in the catalogue is used), and a problem renders in the reader's language."""
from __future__ import annotations

import pickle
import re

import pytest

from etl.errors import Problem
from etl.messages import LANGUAGES, MESSAGES, Message, _placeholders, joined, localise
from tests.conftest import ROOT

# Message("code", ...), and the codes _figures_by_row is given for its Message(too_big, ...)
USED = re.compile(r"""Message\(\s*["']([a-z0-9_]+)["']|_figures_by_row\([^)]*["']([a-z_]+)["']|"""
                  r"""render\(["']([a-z_]+)["']""")


def codes_in_source() -> set[str]:
    found = set()
    for path in (ROOT / "etl").rglob("*.py"):
        for m in USED.finditer(path.read_text(encoding="utf-8")):
            found.update(g for g in m.groups() if g)
    return found


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_fr_nl_en_with_the_same_placeholders(code):
    texts = MESSAGES[code]
    assert len(texts) == len(LANGUAGES) and all(t.strip() for t in texts)
    assert _placeholders(texts[0]) == _placeholders(texts[1]) == _placeholders(texts[2]), code
    if len(texts[0]) > 12 and "{" not in texts[0][:2]:
        assert texts[1] != texts[0] and texts[2] != texts[0], f"{code} is not translated"


def test_every_code_used_exists_and_every_code_is_used():
    used = codes_in_source()
    assert used - set(MESSAGES) == set(), "codes used but not in etl/messages.py"
    assert set(MESSAGES) - used - {"and"} == set(), "codes in etl/messages.py that nothing uses"   # 'and': joined()


def test_a_message_is_its_english_text_and_renders_in_each_language():
    m = Message("implausible_tonnes", value=25000.5, bound=20000)
    assert m == "25000.5 t is implausible for one site, stream and year (bound: 20000 t); tonnes, not kg?"
    assert m.render("fr").startswith("25000,5 t est invraisemblable")
    assert m.render("nl").startswith("25000,5 t is onwaarschijnlijk")
    assert m.code == "implausible_tonnes" and pickle.loads(pickle.dumps(m)).render("fr") == m.render("fr")
    nested = Message("commune_unknown", text="Ixelle", suggestion=Message("did_you_mean", name="Ixelles"), names="…")
    assert "(vouliez-vous dire Ixelles ?)" in nested.render("fr") and "(bedoelt u Ixelles?)" in nested.render("nl")
    both = joined(["Bruxelles (21004)", "Ixelles (21009)"])
    assert both == "Bruxelles (21004) and Ixelles (21009)" and localise(both, "nl").endswith(" en Ixelles (21009)")
    assert localise("plain English", "fr") == "plain English"
    with pytest.raises(KeyError):
        Message("no_such_code")


def test_a_problem_says_where_and_why_in_the_chosen_language():
    p = Problem("jobs.csv", 5, "ETP", Message("not_whole", text="2.5"))
    assert str(p) == "jobs.csv, row 5, column 'ETP': '2.5' should be a whole number"
    assert p.text("fr") == "jobs.csv, ligne 5, colonne « ETP » : « 2.5 » doit être un nombre entier"
    assert p.text("nl") == "jobs.csv, rij 5, kolom 'ETP': '2.5' moet een geheel getal zijn"
    assert p.as_dict("nl") == {"file": "jobs.csv", "row": 5, "column": "ETP", "code": "not_whole",
                               "reason": "'2.5' moet een geheel getal zijn"}
    assert Problem("x.csv", None, None, "a maintainer's English").as_dict("fr")["code"] is None
