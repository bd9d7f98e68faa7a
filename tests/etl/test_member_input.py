"""Bad input from members (issue #12 §4, #13 §2), end to end through ``python -m etl load --json --lang``
as the editor runs it: each mistake a small non-profit makes filling a template gets a coded message in
the member's language naming row, column and what to do, and the published database stays
byte-identical; what can be read without guessing is loaded, and reads as the spreadsheet shows it."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main as etl_main
from etl.build import build
from tests.conftest import FIXTURES, ROOT
from tests.support.spreadsheets import excel_csv, unicode_text, utf8_csv, workbook

QUIET = lambda *a, **k: None  # noqa: E731
SITES_HEADER = ["site_id", "name", "organisation", "category", "address", "postal_code", "commune", "lon", "lat"]
SITES = [["M1", "Site un", "Org A", "reuse_shop", "Rue 1", "1070", "", "", ""],
         ["M2", "Site deux", "Org A", "sorting_centre", "Rue 2", "1070", "Anderlecht", "", ""],
         ["M3", "Site trois", "Org B", "reuse_shop", "Rue 3", "1030", "", "", ""]]
FLOWS_FR = ["identifiant", "année", "flux", "collecté (t)", "réemployé (t)", "recyclé (t)", "remarque"]
JOBS_EN = ["site_id", "year", "integration_workers", "art60_placements", "fte", "exits_to_work"]
ASSESS = ["nis_code", "criterion_id", "assessed_on", "status", "evidence_url", "note"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory, communes_geojson) -> Path:
    """data/ with three member sites already loaded and the database published (with boundaries)."""
    d = tmp_path_factory.mktemp("input") / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("archive", "assessments", "members", "*.duckdb",
                                                                   "*.wal", ".build-*", "etl_runs.jsonl"))
    utf8_csv(d / "members" / "sites.csv", [SITES_HEADER, *SITES])
    build(d, boundaries=str(communes_geojson), log=QUIET)
    return d


@pytest.fixture()
def data(published, tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(published, d)
    return d


def load(data: Path, upload: Path, name: str | None = None, lang: str = "en", capsys=None) -> tuple[int, dict]:
    """``python -m etl load UPLOAD --json --lang LANG`` (in this process), its exit code and JSON object."""
    code = etl_main(["load", str(upload), "--name", name or upload.name, "--as-user", "member@example.org",
                     "--data", str(data), "--json", "--lang", lang])
    return code, json.loads(capsys.readouterr().out)


def refused(data: Path, upload: Path, capsys, lang: str = "fr", name: str | None = None) -> list[dict]:
    """Load an upload that must be refused: exit 1, the published database and the input folders unchanged;
    the problems, said in ``lang``, each with a code."""
    db = data / "impact.duckdb"
    before = sha(db)
    inputs = sorted(p.name for p in (data / "members").iterdir())
    code, doc = load(data, upload, name, lang, capsys)
    assert code == 1 and doc["ok"] is False and doc["problems"], doc
    assert sha(db) == before, "a refused load must leave the published database byte-identical"
    assert sorted(p.name for p in (data / "members").iterdir()) == inputs
    assert not (data / "assessments").exists() or not any((data / "assessments").iterdir())
    assert all(p["code"] for p in doc["problems"]), doc["problems"]
    return doc["problems"]


def one(problems: list[dict], code: str, row=..., column=...) -> dict:
    hits = [p for p in problems if p["code"] == code and (row is ... or p["row"] == row)
            and (column is ... or p["column"] == column)]
    assert hits, f"no {code} at row {row}, column {column}: {problems}"
    return hits[0]


def accepted(data: Path, upload: Path, capsys, lang: str = "en", name: str | None = None) -> dict:
    code, doc = load(data, upload, name, lang, capsys)
    assert code == 0 and doc["ok"], doc
    return doc


# ----------------------------------------------------------------------------- encodings

def test_windows_1252_semicolon_export_with_decimal_commas_is_loaded(data, capsys):
    upload = excel_csv(data.parent / "flux.csv", [
        FLOWS_FR, ["M1", "2024", "textiles", "1.234,5", "0,750", "", "réemploi à 60 %"],
        ["M3", "2024", "meubles", "12,5", "10", "2,25", "déchetterie d'Evere"]])
    accepted(data, upload, capsys)
    rows = q(data / "impact.duckdb", "SELECT operator_id, stream, collected_t, reused_t, recycled_t FROM reuse_flow "
                                     "WHERE operator_id LIKE 'mb-%' ORDER BY 1")
    assert rows == [("mb-M1", "textiles", 1234.5, 0.75, None), ("mb-M3", "furniture", 12.5, 10.0, 2.25)]


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_unicode_text_is_loaded(data, capsys, bom):
    upload = unicode_text(data.parent / "jobs.csv", [JOBS_EN, ["M1", "2024", "10", "2", "9,5", "3"],
                                                         ["M2", "2024", "20", "5", "22", "6"]], bom=bom)
    accepted(data, upload, capsys)
    assert q(data / "impact.duckdb", "SELECT operator_id, integration_workers, fte FROM operator_jobs WHERE "
                                     "operator_id LIKE 'mb-%' ORDER BY 1") == [("mb-M1", 10, 9.5), ("mb-M2", 20, 22.0)]


def test_bytes_no_spreadsheet_writes_are_refused(data, capsys):
    upload = data.parent / "garbled.csv"
    upload.write_bytes(b"site_id,name,category,postal_code\r\nM9,Caf\x81,reuse_shop,1000\r\n")
    p = one(refused(data, upload, capsys), "not_text")
    assert "enregistrez-le au format CSV UTF-8" in p["reason"]


# ----------------------------------------------------------------------------- layout of the sheet

def test_title_and_blank_rows_above_the_header_are_skipped_and_reported(data, capsys):
    rows = [["Flux de réemploi 2024 — ASBL Exemple"], [], FLOWS_FR, ["M1", "2024", "textiles", "100", "60", "30", ""]]
    doc = accepted(data, excel_csv(data.parent / "flux.csv", rows), capsys, lang="nl")
    assert doc["notes"] == [{"file": "flux.csv", "row": 3, "column": None, "code": "header_below_rows",
                             "reason": "kopregel gevonden op rij 3; de 2 rij(en) erboven zijn niet gelezen"}]
    assert q(data / "impact.duckdb", "SELECT collected_t FROM reuse_flow WHERE operator_id = 'mb-M1'") == [(100.0,)]


def test_rows_are_named_as_the_spreadsheet_numbers_them_below_title_rows(data, capsys):
    rows = [["Emplois 2024"], [], JOBS_EN, ["M1", "2024", "10", "2", "", "3"], ["M2", "2024", "2.5", "1", "", ""]]
    p = one(refused(data, workbook(data.parent / "jobs.xlsx", {"Emplois": rows}), capsys), "not_whole")
    assert (p["row"], p["column"]) == (5, "integration_workers")


def test_a_totals_row_is_refused_never_counted(data, capsys):
    rows = [FLOWS_FR, ["M1", "2024", "textiles", "100", "60", "30", ""], ["M3", "2024", "DEEE", "40", "10", "25", ""],
            ["Total", "", "", "140", "70", "55", ""]]
    p = one(refused(data, excel_csv(data.parent / "flux.csv", rows), capsys), "totals_row", row=4)
    assert "ligne de totaux" in p["reason"] and "supprimez-la" in p["reason"]


def test_a_totals_row_summing_with_formulas_in_a_saved_workbook_is_refused(data, capsys):
    one(refused(data, FIXTURES / "libreoffice_jobs_totals.xlsx", capsys, name="emplois.xlsx"), "totals_row", row=7)


# ----------------------------------------------------------------------------- workbooks

def test_formula_values_saved_by_a_spreadsheet_program_are_loaded(data, capsys):
    doc = accepted(data, FIXTURES / "libreoffice_jobs_formulas.xlsx", capsys, name="emplois.xlsx")
    assert [n["code"] for n in doc["notes"]] == ["header_below_rows"]
    assert q(data / "impact.duckdb", "SELECT operator_id, fte FROM operator_jobs WHERE operator_id LIKE 'mb-%' "
                                     "ORDER BY 1") == [("mb-M1", 9.0), ("mb-M2", 20.0), ("mb-M3", None)]


def test_a_formula_without_a_computed_value_is_refused(data, capsys):
    rows = [JOBS_EN, ["M1", 2024, 10, 2, "=(C2+D2)*0.75", 3]]
    p = one(refused(data, workbook(data.parent / "jobs.xlsx", {"jobs": rows}), capsys, lang="en"),
            "formula_no_value", row=2, column="fte")
    assert p["reason"] == "formula without a computed value — open and save the file in a spreadsheet program"


def test_a_hidden_sheet_with_data_is_refused_naming_it(data, capsys):
    rows = [JOBS_EN, ["M1", 2024, 10, 2, 9, 3]]
    upload = workbook(data.parent / "jobs.xlsx", {"jobs": rows, "brouillon": rows}, hidden=("brouillon",))
    p = one(refused(data, upload, capsys), "hidden_sheet", row=None)
    assert "« brouillon »" in p["reason"] and p["file"] == "jobs.xlsx"


def test_data_on_several_sheets_is_refused_naming_them(data, capsys):
    rows = [JOBS_EN, ["M1", 2024, 10, 2, 9, 3]]
    upload = workbook(data.parent / "jobs.xlsx", {"2023": rows, "2024": rows}, active="2024")
    assert "'2023', '2024'" in one(refused(data, upload, capsys, lang="nl"), "several_sheets")["reason"]


def test_a_sheet_that_is_not_a_template_is_refused_naming_it(data, capsys):
    upload = workbook(data.parent / "notes.xlsx", {"Mes notes": [["Réunion du 3 mars"], ["à faire", "appeler"]]})
    p = one(refused(data, upload, capsys), "not_a_template_sheet", row=1)
    assert "« Mes notes »" in p["reason"]


# ----------------------------------------------------------------------------- dates and numbers

def test_date_cells_and_commune_names_are_accepted_in_assessments(data, capsys):
    rows = [ASSESS, ["Elsene", "t4_plan", dt.date(2025, 3, 1), "engagé", "https://www.ixelles.be/plan", ""],
            ["SAINT-GILLES", "t4_plan", dt.date(2025, 3, 2), "committed", "https://stgilles.brussels/plan", ""],
            ["St-Josse-ten-Noode", "t4_plan", dt.date(2025, 3, 3), "committed", "https://www.sjtn.brussels/p", ""],
            ["Bruxelles-Ville", "t4_plan", "2025-03-04", "committed", "https://www.bruxelles.be/plan", ""],
            ["21002", "t4_plan", "04/03/2025", "committed", "https://www.auderghem.be/plan", ""]]
    accepted(data, workbook(data.parent / "evaluations.xlsx", {"assessments": rows}), capsys)
    got = q(data / "impact.duckdb", "SELECT nis_code, assessed_on FROM tip_assessment WHERE input_file LIKE "
                                    "'%evaluations.xlsx' ORDER BY 1")
    assert got == [("21002", dt.date(2025, 3, 4)), ("21004", dt.date(2025, 3, 4)), ("21009", dt.date(2025, 3, 1)),
                   ("21013", dt.date(2025, 3, 2)), ("21014", dt.date(2025, 3, 3))]


def test_a_spreadsheet_date_number_is_refused_with_the_date_it_may_be(data, capsys):
    rows = [ASSESS, ["21002", "t4_plan", 45717, "committed", "https://www.auderghem.be/plan", ""]]
    p = one(refused(data, workbook(data.parent / "a.xlsx", {"assessments": rows}), capsys), "date_serial",
            row=2, column="assessed_on")
    assert "2025-03-01" in p["reason"] and "format date" in p["reason"]


def test_an_unknown_commune_name_is_refused_with_the_closest_and_the_list(data, capsys):
    rows = [["commune", "critère", "date", "statut", "preuve", "remarque"],
            ["Ixelle", "t4_plan", "2025-03-01", "engagé", "https://www.ixelles.be/plan", ""]]
    p = one(refused(data, utf8_csv(data.parent / "a.csv", rows), capsys), "commune_unknown", row=2, column="commune")
    assert "vouliez-vous dire Ixelles / Elsene" in p["reason"] and "Woluwe-Saint-Pierre / Sint-Pieters-Woluwe" in p["reason"]


def test_no_break_space_thousands_are_read(data, capsys):
    # Excel's "CSV UTF-8" from a French locale: narrow no-break spaces group thousands
    rows = [FLOWS_FR, ["M1", "2024", "textiles", "1\u202f234", "1\u00a0000,5", "12", ""]]
    accepted(data, utf8_csv(data.parent / "flux.csv", rows, sep=";", bom=True), capsys)
    assert q(data / "impact.duckdb", "SELECT collected_t, reused_t FROM reuse_flow WHERE operator_id = 'mb-M1'") == \
        [(1234.0, 1000.5)]


def test_an_ambiguous_number_is_refused_not_guessed(data, capsys):
    rows = [FLOWS_FR, ["M1", "2024", "textiles", "1.234", "600", "", ""]]
    p = one(refused(data, excel_csv(data.parent / "flux.csv", rows), capsys, lang="en"), "number_ambiguous",
            row=2, column="collecté (t)")
    assert "'1.234' could be 1234 or 1.234" in p["reason"]


# ----------------------------------------------------------------------------- where the site is

@pytest.mark.parametrize("row, code, column, fragment", [
    (["M9", "Louise", "Org", "reuse_shop", "x", "1050", "", "", ""], "postal_shared", "commune",
     "Bruxelles (21004) et Ixelles (21009)"),
    (["M9", "Gand", "Org", "reuse_shop", "x", "9000", "", "", ""], "postal_outside", "postal_code", "9000"),
    (["M9", "Inversé", "Org", "reuse_shop", "x", "", "", "50.8467", "4.3522"], "coords_swapped", "lon", "inversées ?"),
    (["M9", "Lambert", "Org", "reuse_shop", "x", "", "", "149500", "170000"], "coords_lambert", "lon", "Lambert"),
    (["M9", "Paris", "Org", "reuse_shop", "x", "", "", "2.35", "48.85"], "coords_outside", "lon", "2,35"),
    (["M9", "Bruxelle", "Org", "reuse_shop", "x", "", "Bruxelle", "", ""], "commune_unknown", "commune",
     "vouliez-vous dire Bruxelles / Brussel"),
])
def test_where_a_site_is_must_be_clear(data, capsys, row, code, column, fragment):
    upload = utf8_csv(data.parent / "sites2.csv", [SITES_HEADER, row])
    assert fragment in one(refused(data, upload, capsys), code, row=2, column=column)["reason"]


def test_a_shared_postal_code_with_the_commune_or_coordinates_is_placed(data, capsys):
    rows = [SITES_HEADER, ["M7", "Louise", "Org", "reuse_shop", "x", "1050", "Elsene", "", ""],
            ["M8", "Flagey", "Org", "reuse_shop", "x", "1050", "", "4.3720", "50.8275"],
            ["M9", "Ate\u200blier\u00a0Zoë", "Org", "reuse_shop", "x", "", "St-Gilles", "", ""]]
    accepted(data, utf8_csv(data.parent / "sites2.csv", rows), capsys)
    got = q(data / "impact.duckdb", "SELECT operator_id, nis_code, name FROM operator WHERE operator_id IN "
                                    "('mb-M7', 'mb-M8', 'mb-M9') ORDER BY 1")
    assert got == [("mb-M7", "21009", "Louise"), ("mb-M8", "21009", "Flagey"), ("mb-M9", "21013", "Atelier Zoë")]


# ----------------------------------------------------------------------------- characters

@pytest.mark.parametrize("text, char", [("ligne\x0bcoupée", "U+000B"), ("nul\x00", "U+0000"),
                                        ("abc\u202egnp", "U+202E")])
def test_control_characters_are_refused_with_row_and_column(data, capsys, text, char):
    rows = [FLOWS_FR, ["M1", "2024", "textiles", "100", "60", "30", "ok"], ["M3", "2024", "DEEE", "40", "10", "", text]]
    p = one(refused(data, utf8_csv(data.parent / "flux.csv", rows), capsys), "control_char", row=3, column="remarque")
    assert char in p["reason"]


# ----------------------------------------------------------------------------- the same file twice

def test_the_same_file_twice_is_refused_and_changes_nothing(data, capsys):
    upload = utf8_csv(data.parent / "jobs.csv", [JOBS_EN, ["M1", "2024", "10", "2", "9", "3"]])
    accepted(data, upload, capsys, name="jobs-2024.csv")
    copy = data.parent / "jobs (1).csv"
    shutil.copy(upload, copy)
    p = one(refused(data, copy, capsys, lang="en"), "already_loaded", row=None)
    assert "(the same bytes as members/jobs-2024.csv, loaded on 20" in p["reason"] and "count its rows twice" in p["reason"]


def test_the_example_data_uploaded_as_a_member_file_is_refused(data, capsys):
    p = one(refused(data, ROOT / "data" / "example" / "members_sites.csv", capsys, name="nos_sites.csv"),
            "already_loaded")
    assert "example/members_sites.csv" in p["reason"] and str(data) not in p["reason"]


def test_preview_refuses_the_same_file_too(data, capsys, tmp_path):
    before = sha(data / "impact.duckdb")
    code = etl_main(["preview", str(data / "members" / "sites.csv"), "--name", "sites.csv", "--out",
                     str(tmp_path / "p.duckdb"), "--data", str(data), "--json", "--lang", "nl"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["problems"][0]["code"] == "already_loaded" and "al geladen" in doc["problems"][0]["reason"]
    assert "geen voorbeeld" in doc["message"] and sha(data / "impact.duckdb") == before


def test_every_mistake_of_a_file_is_reported_in_one_run(data, capsys):
    rows = [["Flux 2024 — ASBL Exemple"], [], FLOWS_FR[:6], ["M1", "2024", "textiles", "1.234", "60", ""],
            ["M2", "2024", "plastique", "40", "50", ""], ["Total", "", "", "1274", "110", ""]]
    upload = excel_csv(data.parent / "flux.csv", rows)
    assert etl_main(["validate", str(upload), "--data", str(data), "--json", "--lang", "fr"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(p["row"], p["code"]) for p in doc["problems"]] == [
        (4, "number_ambiguous"), (5, "unknown_stream"), (5, "reused_over_collected"), (6, "totals_row")]
    assert doc["message"] == "1 fichier(s) : 0 sans problème, 1 avec des problèmes"
