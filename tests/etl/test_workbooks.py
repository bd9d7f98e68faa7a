"""Workbooks read as their author sees them: the visible active sheet, values computed by the spreadsheet
program, real date and number cells; hidden sheets, data on several sheets, formulas without a computed
value and error cells refused, naming the sheet or the cell."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.errors import InputError
from etl.readers import numbers, read_header, read_table
from etl.sources.members.reading import HEADER_WORDS
from etl.workbook import formula_cells
from tests.conftest import FIXTURES
from tests.support.spreadsheets import saved_values, workbook

JOBS = [["site_id", "year", "integration_workers", "fte"], ["M1", 2024, 10, 7.5], ["M2", 2024, 3, 2.25]]


def problems(path, **kw):
    with pytest.raises(InputError) as exc:
        read_table(path, **kw)
    return exc.value.problems


def test_numbers_and_dates_are_read_as_the_cells_hold_them(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"jobs": JOBS + [["M3", 2024, 1, 1.234]],
                                          "dates": []})
    table = read_table(path)
    assert table.sheet == "jobs" and list(table.frame["fte"]) == ["7.5", "2.25", "1.234"]
    # a numeric cell is a number: 1.234 is not a decimal mark to decide (no evidence needed)
    from etl.errors import ProblemList
    found = ProblemList()
    assert list(numbers(table, table.frame, "fte", found)) == [7.5, 2.25, 1.234] and not found
    path = workbook(tmp_path / "d.xlsx", {"a": [["nis_code", "assessed_on"], ["21001", dt.date(2025, 3, 1)],
                                                ["21002", dt.datetime(2025, 3, 2, 14, 30)], ["21003", 45717]]})
    assert list(read_table(path).frame["assessed_on"]) == ["2025-03-01", "2025-03-02 14:30:00", "45717"]


def test_the_active_visible_sheet_is_read(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"Notes": [], "Emplois": JOBS, "Vide": [[None]]}, active="Emplois")
    assert read_table(path).sheet == "Emplois" and read_header(path) == JOBS[0]
    # an empty active sheet: the only sheet with data is read (nothing to guess)
    path = workbook(tmp_path / "w2.xlsx", {"Emplois": JOBS, "Feuil2": []}, active="Feuil2")
    assert read_table(path).sheet == "Emplois"


def test_a_hidden_sheet_with_data_is_refused_naming_it(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"jobs": JOBS, "anciens chiffres": JOBS}, hidden=("anciens chiffres",))
    found = problems(path)
    assert [(p.row, p.code) for p in found] == [(None, "hidden_sheet")]
    assert "'anciens chiffres'" in found[0].reason and "« anciens chiffres »" in found[0].reason_in("fr")
    with pytest.raises(InputError, match="hidden sheet"):
        read_header(path)
    # an empty hidden sheet says nothing: no problem
    path = workbook(tmp_path / "w2.xlsx", {"jobs": JOBS, "lists": []}, hidden=("lists",))
    assert read_table(path).sheet == "jobs"


def test_data_on_several_sheets_is_refused_naming_them(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"2023": JOBS, "2024": JOBS}, active="2024")
    found = problems(path)
    assert [p.code for p in found] == ["several_sheets"] and "'2023', '2024'" in found[0].reason


def test_formulas_use_the_values_a_spreadsheet_program_saved(tmp_path):
    # saved by LibreOffice: fte = ROUND((C+D)*0.75), IF(...), and a formula computed to empty text
    table = read_table(FIXTURES / "libreoffice_jobs_formulas.xlsx", header_words=HEADER_WORDS)
    assert table.sheet == "Emplois" and table.header_row == 3
    assert list(table.frame["ETP"]) == ["9", "20", ""]
    cells = formula_cells(FIXTURES / "libreoffice_jobs_formulas.xlsx", "Emplois")
    assert cells[(4, 4)] == ("ROUND((C4+D4)*0.75,1)", True) and cells[(6, 4)][1] is True


def test_a_formula_without_a_computed_value_is_refused_never_read_as_missing(tmp_path):
    rows = [JOBS[0], ["M1", 2024, 10, "=C2*0.75"], ["M2", 2024, 4, '=IF(C3>5,C3,"")'], ["M3", 2024, 1, 1]]
    path = workbook(tmp_path / "w.xlsx", {"jobs": rows})         # openpyxl stores no computed value
    found = problems(path)
    assert [(p.row, p.column, p.code) for p in found] == [(2, "fte", "formula_no_value"), (3, "fte", "formula_no_value")]
    assert found[0].reason == ("formula without a computed value — open and save the file in a spreadsheet "
                               "program")


def test_an_error_cell_is_refused(tmp_path):
    rows = [JOBS[0], ["M1", 2024, 10, "=C2/0"], ["M2", 2024, 4, "=C3/2"]]
    path = saved_values(workbook(tmp_path / "w.xlsx", {"jobs": rows}), {"D2": "#DIV/0!", "D3": "2"})
    found = problems(path)
    assert [(p.row, p.column, p.code) for p in found] == [(2, "fte", "cell_error")] and "#DIV/0!" in found[0].reason


def test_a_value_outside_the_header_is_refused_not_dropped(tmp_path):
    path = workbook(tmp_path / "w.xlsx", {"jobs": [JOBS[0], ["M1", 2024, 10, 7.5, None, "oops"]]})
    found = problems(path)
    assert [(p.row, p.code) for p in found] == [(2, "value_outside_header")] and "column F" in found[0].reason


def test_a_totals_row_summing_with_a_formula_is_refused(tmp_path):
    found = problems(FIXTURES / "libreoffice_jobs_totals.xlsx", header_words=HEADER_WORDS)
    assert [(p.row, p.code) for p in found] == [(7, "totals_row")]
    rows = [JOBS[0], ["M1", 2024, 10, 7.5], ["M2", 2024, 5, 4], [None, None, "=SUM(C2:C3)", None]]
    path = saved_values(workbook(tmp_path / "w.xlsx", {"jobs": rows}), {"C4": "15"})
    found = problems(path, header_words=HEADER_WORDS)
    assert [(p.row, p.code) for p in found] == [(4, "totals_formula_row")] and "=SUM(C2:C3)" in found[0].reason


def test_a_broken_workbook_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert [p.code for p in problems(path)] == ["workbook_unreadable"]
