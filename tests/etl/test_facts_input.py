"""Fact files (loaded in DuckDB) read numbers, encodings and characters like the member templates do, and
no text that reaches the published database can carry a control character."""
from __future__ import annotations

import duckdb
import pytest

from etl.checks import text_checks
from etl.sources import facts
from etl.sources.base import SCHEMA, insert_frame
from etl.sources.catalog import insert_catalog
from etl.validate import Context
from tests.conftest import ROOT
from tests.support.spreadsheets import excel_csv, unicode_text, utf8_csv

HEADER = ["nis_code", "year", "indicator", "value", "unit", "source_id", "ref_period", "note"]


@pytest.fixture(scope="module")
def context():
    return Context(ROOT / "data")


def staged(context, path):
    """(problems, {(nis_code, year): value}) of one fact file, as ``validate`` checks it."""
    with duckdb.connect(":memory:") as con:
        con.execute(SCHEMA.read_text())
        insert_catalog(con, context.catalog)
        insert_frame(con, "commune", context.communes)
        facts.prepare(con, context.catalog)
        problems, _n = facts.check_and_load(con, path, path.name)
        values = dict(((c, y), v) for c, y, v in con.execute("SELECT nis_code, year, value FROM _obs_stage").fetchall())
    return problems, values


def rows(*values):
    return [HEADER] + [["21001", str(2000 + i), "fiscal_avg_net_taxable_income_per_inhabitant", v, "EUR",
                        "SRC_STATBEL_FISC", "", note] for i, (v, note) in enumerate(values)]


def test_a_semicolon_fact_file_with_0_750_is_not_750(context, tmp_path):
    problems, values = staged(context, excel_csv(tmp_path / "f.csv", rows(("0.750", ""), ("1.234,5", "été"))))
    assert not problems and values == {("21001", 2000): 0.75, ("21001", 2001): 1234.5}


def test_an_ambiguous_fact_value_is_refused_with_the_reader_words(context, tmp_path):
    problems, _ = staged(context, excel_csv(tmp_path / "f.csv", rows(("1.234", ""), ("12", ""))))
    assert [(p.row, p.column, p.code) for p in problems] == [(2, "value", "number_ambiguous")]
    problems, values = staged(context, excel_csv(tmp_path / "g.csv", rows(("1.234", ""), ("12,5", ""))))
    assert not problems and values[("21001", 2000)] == 1234.0


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf16_fact_file_is_read(context, tmp_path, bom):
    problems, values = staged(context, unicode_text(tmp_path / "f.csv", rows(("13000", "Région")), bom=bom))
    assert not problems and values == {("21001", 2000): 13000.0}


def test_control_characters_in_a_fact_note_are_refused(context, tmp_path):
    problems, _ = staged(context, utf8_csv(tmp_path / "f.csv", rows(("5", "ok"), ("6", "bad\x0bnote"),
                                                                    ("7", "zero\u200bwidth"))))
    assert [(p.row, p.column, p.code) for p in problems] == [(3, "note", "control_char")]


def test_no_text_column_of_the_database_may_carry_a_control_character():
    con = duckdb.connect()
    con.execute("CREATE TABLE operator (name VARCHAR, notes VARCHAR); INSERT INTO operator VALUES "
                "('fine', 'two\nlines'), ('bad' || chr(11), NULL), ('zero' || chr(8203) || 'width', NULL)")
    failures = [con.execute(sql).fetchall() for _title, sql in text_checks(con)]
    assert failures == [[("operator.name has 2 value(s) with a control or invisible character",)]]
