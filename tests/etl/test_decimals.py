"""Decimal marks decided per file from evidence, never from the separator alone: the Python reader and the
DuckDB load of fact files read every number the same way, and an ambiguous one is refused, not guessed."""
from __future__ import annotations

import duckdb
import pytest

from etl import decimals
from etl.decimals import Evidence, NumberError, parse
from etl.errors import ProblemList
from etl.readers import numbers, read_table
from tests.support.spreadsheets import excel_csv, utf8_csv

DOT, COMMA = Evidence(dot=("12.5", 2)), Evidence(comma=("12,5", 2))


@pytest.mark.parametrize("text, value", [
    ("0.750", 0.75), ("0,750", 0.75), ("12.5", 12.5), ("12,25", 12.25), (".5", 0.5), (",5", 0.5),
    ("1234.567", 1234.567), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1234567),
    ("1,234,567", 1234567), ("1.234.567,25", 1234567.25), ("1\u00a0234", 1234), ("1\u202f234,5", 1234.5),
    ("12 345 678", 12345678), ("-3", -3), ("+4.25", 4.25), ("1.5E-3", 0.0015), ("2024", 2024),
])
def test_a_number_that_says_its_mark_is_read_as_it_says_whatever_the_file(text, value):
    for ev in (None, DOT, COMMA):
        assert parse(text, ev) == pytest.approx(value)


@pytest.mark.parametrize("text, dot, comma", [("1.234", 1.234, 1234), ("1,234", 1234, 1.234),
                                              ("-12.500", -12.5, -12500), ("999,999", 999999, 999.999)])
def test_an_ambiguous_number_follows_the_file_evidence(text, dot, comma):
    assert parse(text, DOT) == pytest.approx(dot)
    assert parse(text, COMMA) == pytest.approx(comma)


def test_an_ambiguous_number_without_evidence_is_refused_with_both_readings():
    with pytest.raises(NumberError) as exc:
        parse("1.234", None)
    msg = exc.value.message
    assert msg.code == "number_ambiguous"
    assert "1234 or 1.234" in msg and "write 1234 if it is a whole number, or 1.2340 if it has decimals" in msg
    assert "1 234" not in msg.render("fr") and "1234 ou 1,234" not in msg.render("fr")   # the text as typed
    with pytest.raises(NumberError) as exc:
        parse("1.234", Evidence(dot=("0.5", 3), comma=("2,5", 9)))
    assert exc.value.message.code == "number_ambiguous_mixed"
    assert "('0.5', row 3)" in exc.value.message and "('2,5', row 9)" in exc.value.message


@pytest.mark.parametrize("text, code", [("abc", "not_a_number"), ("12 34", "number_bad_spaces"),
                                        ("2024-03-01", "number_is_date"), ("inf", "not_finite"),
                                        ("1.2.3", "not_a_number"), ("12,5,3", "not_a_number")])
def test_what_is_not_a_number_says_why(text, code):
    with pytest.raises(NumberError) as exc:
        parse(text, None)
    assert exc.value.message.code == code


def test_missing_markers_are_none():
    assert [parse(t) for t in ("", "n.d.", "-", "?", " NA ")] == [None] * 5


def _column(tmp_path, rows, sep=";"):
    path = (excel_csv if sep == ";" else utf8_csv)(tmp_path / "f.csv", [["site", "a", "b"], *rows])
    table = read_table(path)
    problems = ProblemList()
    values = numbers(table, table.frame, "a", problems, required=False, evidence=["a", "b"])
    return list(values), problems


def test_a_semicolon_file_with_0_750_is_not_750(tmp_path):
    values, problems = _column(tmp_path, [["M1", "0.750", ""], ["M2", "2,5", ""]])
    assert values == [0.75, 2.5] and not problems


@pytest.mark.parametrize("other, value", [("12,5", 1234.0), ("12.5", 1.234), ("1.234.567", 1234.0),
                                          ("1 234,5", 1234.0), ("0,5", 1234.0)])
def test_evidence_comes_from_the_other_numeric_cells_of_the_file(tmp_path, other, value):
    values, problems = _column(tmp_path, [["M1", "1.234", ""], ["M2", "", other]])
    assert values[0] == pytest.approx(value) and not problems


def test_a_semicolon_file_with_no_evidence_is_refused_not_guessed(tmp_path):
    values, problems = _column(tmp_path, [["M1", "1.234", ""], ["M2", "5", "7"]])
    assert values[0] != values[0]                     # NaN: not read
    assert [(p.row, p.column, p.code) for p in problems] == [(2, "a", "number_ambiguous")]


def test_the_separator_alone_is_no_evidence(tmp_path):
    for sep in (";", ","):
        _values, problems = _column(tmp_path, [["M1", "1.234", ""]], sep=sep)
        assert [p.code for p in problems] == ["number_ambiguous"]


def test_sql_rules_read_like_python():
    texts = ["0.750", "12,5", "1.234,5", "1,234.5", "1.234.567", "1 234", "1\u202f234,5", "2024", "+4.25",
             "1.5E-3", "1.234", "1,234", "abc", "12 34"]
    con = duckdb.connect()
    v = decimals.sql_normalise("t")
    for ev in (DOT, COMMA, Evidence()):
        sql = (f"SELECT t, {decimals.sql_value(v, decimals.sql_rule(v), ev.mark)} FROM "
               f"(SELECT unnest(?::VARCHAR[]) AS t)")
        got = dict(con.execute(sql, [texts]).fetchall())
        for t in texts:
            try:
                want = parse(t, ev)
            except NumberError:
                want = None
            assert got[t] == (pytest.approx(want) if want is not None else None), (t, ev)
