"""Text files as members' programs save them: the encoding decided from the bytes, every cell cleaned or
refused at the door, the header found below title or blank rows, totals rows refused."""
from __future__ import annotations

import pytest

from etl.control_chars import clean
from etl.encodings import Undecodable, decode
from etl.errors import InputError
from etl.grid import totals_reason
from etl.readers import read_header, read_table
from etl.sources.members.reading import HEADER_WORDS
from tests.support.spreadsheets import excel_csv, unicode_text, utf8_csv

ROWS = [["site_id", "name", "notes"], ["M1", "Atelier Élan", "réemploi"], ["M2", "Zoë & Cie", "ça marche"]]


@pytest.mark.parametrize("write, encoding", [
    (lambda p: excel_csv(p, ROWS), "cp1252"),
    (lambda p: unicode_text(p, ROWS), "utf-16"),
    (lambda p: unicode_text(p, ROWS, bom=False), "utf-16-le"),
    (lambda p: utf8_csv(p, ROWS, bom=True), "utf-8-sig"),
    (lambda p: utf8_csv(p, ROWS), "utf-8"),
    (lambda p: p.write_bytes(b"\xfe\xff" + "site_id,name,notes\r\nM1,Atelier \u00c9lan,r\u00e9emploi\r\nM2,Zo\u00eb & Cie,"
                             "\u00e7a marche\r\n".encode("utf-16-be")), "utf-16"),
])
def test_every_encoding_a_spreadsheet_saves_is_read_the_same(tmp_path, write, encoding):
    path = tmp_path / "f.csv"
    write(path)
    table = read_table(path)
    assert table.encoding == encoding
    assert table.frame[["site_id", "name", "notes"]].values.tolist() == [r for r in ROWS[1:]]
    assert read_header(path) == ROWS[0]


def test_bytes_of_no_accepted_encoding_are_refused_with_the_offset(tmp_path):
    with pytest.raises(Undecodable):
        decode(b"site_id\nM\x81\x8d\n")
    path = tmp_path / "f.csv"
    path.write_bytes(b"site_id,name\nM1,caf\x81\n")
    with pytest.raises(InputError) as exc:
        read_table(path)
    p = exc.value.problems[0]
    assert (p.row, p.code) == (2, "not_text") and "offset 19" in p.reason


@pytest.mark.parametrize("raw, cleaned", [
    ("Ate\u200blier", "Atelier"), ("\ufeffM1", "M1"), ("1\u00a0234", "1 234"), ("1\u202f234", "1 234"),
    ("Rue de la Loi\n16", "Rue de la Loi 16"), ("a\tb", "a b"), ("  x  ", "x"), ("l\u2019atelier", "l\u2019atelier"),
    ("\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"), ("caf\u00e9 \U0001f600", "caf\u00e9 \U0001f600"),
])
def test_invisible_characters_and_odd_spaces_are_cleaned(raw, cleaned):
    assert clean(raw) == (cleaned, None)


@pytest.mark.parametrize("raw, name", [("a\x0bb", "U+000B vertical tab"), ("a\x00b", "U+0000 nul"),
                                       ("a\x1bb", "U+001B escape"), ("a\x7fb", "U+007F del"),
                                       ("a\x85b".replace("\x85", "\x9b"), "U+009B control"),
                                       ("abc\u202egnp.exe", "U+202E right-to-left override")])
def test_control_characters_are_refused(raw, name):
    _text, why = clean(raw)
    assert why.code == "control_char" and name in why
    assert clean("caf\ufffd")[1].code == "replacement_char"


def test_a_control_character_in_a_file_names_row_and_column(tmp_path):
    path = utf8_csv(tmp_path / "f.csv", [["site_id", "name"], ["M1", "ok"], ["M2", "bad\x0bname"],
                                         ["M3\x00", "x"]])
    with pytest.raises(InputError) as exc:
        read_table(path)
    assert [(p.row, p.column, p.code) for p in exc.value.problems] == [(3, "name", "control_char"),
                                                                       (4, "site_id", "control_char")]


def test_the_header_is_found_below_title_and_blank_rows(tmp_path):
    rows = [["Emplois 2024 — ASBL Exemple", "", ""], ["", "", ""], ["Période : année civile", "", ""],
            ["identifiant", "année", "ETP"], ["M1", "2024", "2,5"], ["", "", ""], ["M2", "2024", "3"]]
    for write in (excel_csv, unicode_text):
        path = write(tmp_path / "f.csv", rows)
        table = read_table(path, header_words=HEADER_WORDS)
        assert table.header_row == 4 and list(table.frame["_row"]) == [5, 7]   # the spreadsheet's own numbers
        assert table.delimiter in (";", "\t") and list(table.frame["ETP"]) == ["2,5", "3"]
        assert read_header(path, HEADER_WORDS) == ["identifiant", "année", "ETP"]
    # without the template's words the first row is the header (publisher files keep the strict reading)
    with pytest.raises(InputError, match=r"row 4: a value \('année'\) is in column B, which has no name"):
        read_table(path)


@pytest.mark.parametrize("first", ["Total", "TOTAAL", "Totaux", "Sous-total", "Total général", "Eindtotaal",
                                   "Somme", "Total 2024", "  total:  "])
def test_a_totals_row_is_recognised(first):
    assert totals_reason(9, [first, "", "12"], {}).code == "totals_row"


@pytest.mark.parametrize("first", ["Total Recycling", "Totalement réemploi", "Sum Up asbl", "M-TOTAL", "21001"])
def test_a_site_named_like_a_total_is_not_a_totals_row(first):
    assert totals_reason(9, [first, "", "12"], {}) is None


def test_a_row_summing_a_range_is_a_totals_row():
    assert totals_reason(9, ["", "", "30"], {(9, 2): "SUM(C2:C8)"}).code == "totals_formula_row"
    assert totals_reason(9, ["M9", "", "30"], {(9, 2): "C8*2"}) is None


def test_a_totals_row_in_a_template_is_refused_with_its_row(tmp_path):
    path = excel_csv(tmp_path / "f.csv", [["identifiant", "année", "ETP"], ["M1", "2024", "2"],
                                          ["M2", "2024", "3"], ["Total", "", "5"]])
    with pytest.raises(InputError) as exc:
        read_table(path, header_words=HEADER_WORDS)
    assert [(p.row, p.code) for p in exc.value.problems] == [(4, "totals_row")]
    assert "delete it" in exc.value.problems[0].reason
