"""The tabular reader: Belgian spreadsheet exports are read correctly, bad files fail precisely."""
from __future__ import annotations

import pytest

from etl.codes import check_nis, normalise_nis
from etl.errors import InputError, ProblemList
from etl.readers import numbers, parse_number, read_table, require_columns

HEADER = "nis_code,year,indicator,value"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_windows_1252_semicolon_decimal_comma_is_read_correctly(tmp_path):
    p = write(tmp_path, "export.csv", "commune;valeur;note\n21001;1.234,5;Région\n21002;12,25;été\n", "cp1252")
    t = read_table(p)
    assert (t.encoding, t.delimiter, t.decimal) == ("cp1252", ";", ",")
    assert list(t.frame["note"]) == ["Région", "été"]
    problems = ProblemList()
    assert list(numbers(t, t.frame, "valeur", problems)) == [1234.5, 12.25]
    assert not problems


def test_utf8_bom_header_is_clean(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n21001,2020,x,1\n".encode())
    t = read_table(p)
    assert list(t.frame.columns)[:1] == ["nis_code"]
    assert t.encoding == "utf-8-sig"


def test_codes_keep_leading_zero_and_lost_zero_is_padded(tmp_path):
    p = write(tmp_path, "c.csv", f"{HEADER}\n04000,2020,x,1\n4000,2021,x,2\n")
    t = read_table(p)
    assert list(t.frame["nis_code"]) == ["04000", "4000"]
    assert normalise_nis("4000") == "04000"
    assert check_nis("4000") == ("04000", None)


@pytest.mark.parametrize("code, fragment", [("44083", "outside the Brussels-Capital Region"),
                                            ("21020", "Brussels communes are 21001-21019"),
                                            ("21000", "arrondissement"), ("abc", "not a 5-digit")])
def test_unknown_codes_are_refused_with_reason(code, fragment):
    _, why = check_nis(code)
    assert fragment in why


@pytest.mark.parametrize("text", ["n.d.", "-", ""])
def test_non_numeric_values_name_row_and_column(tmp_path, text):
    p = write(tmp_path, "v.csv", f"{HEADER}\n21001,2020,x,5\n21002,2020,x,{text}\n")
    t = read_table(p)
    problems = ProblemList()
    numbers(t, t.frame, "value", problems)
    assert len(problems) == 1
    msg = str(problems[0])
    assert "v.csv" in msg and "row 3" in msg and "column 'value'" in msg


def test_text_is_not_a_number():
    with pytest.raises(ValueError, match="not a number"):
        parse_number("abc")
    # a value that shows its own decimal mark is read as it says, whatever the file's mark
    assert parse_number("1,5", ".") == 1.5


def test_negative_count_is_reported(tmp_path):
    p = write(tmp_path, "n.csv", f"{HEADER}\n21001,2020,x,-3\n")
    t = read_table(p)
    problems = ProblemList()
    numbers(t, t.frame, "value", problems, non_negative=True)
    assert "negative" in str(problems[0]) and "row 2" in str(problems[0])


def test_missing_and_extra_columns(tmp_path):
    p = write(tmp_path, "m.csv", "nis_code,year,valeur_extra\n21001,2020,1\n")
    with pytest.raises(InputError) as exc:
        require_columns(read_table(p), ["nis_code", "year", "value"])
    text = str(exc.value)
    assert "column 'value': required column is missing" in text
    assert "column 'valeur_extra': unexpected column" in text


@pytest.mark.parametrize("content, reason", [("", "empty"), ("   \n\n", "empty"),
                                             (HEADER + "\n", "header but no data rows")])
def test_empty_and_header_only(tmp_path, content, reason):
    with pytest.raises(InputError, match=reason):
        read_table(write(tmp_path, "e.csv", content))


def test_size_cap(tmp_path):
    p = write(tmp_path, "big.csv", HEADER + "\n" + "21001,2020,x,1\n" * 100)
    with pytest.raises(InputError, match="over the .* cap"):
        read_table(p, max_bytes=200)


def test_ragged_row_is_reported(tmp_path):
    p = write(tmp_path, "r.csv", f"{HEADER}\n21001,2020,x,1,5\n")
    with pytest.raises(InputError, match="row 2.*5 fields"):
        read_table(p)


def test_xlsx_is_read_as_text(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["nis_code", "value"])
    ws.append(["04000", "12,5"])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    t = read_table(p)
    assert list(t.frame["nis_code"]) == ["04000"] and list(t.frame["_row"]) == [2]
