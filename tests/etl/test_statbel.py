"""etl.sources.statbel against the real Statbel samples and deliberately broken copies of them."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from etl.codes import COMMUNES, REGION
from etl.errors import InputError
from etl.sources.statbel import read_income, read_population, read_refnis

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
POPULATION = FIXTURES / "statbel_TF_SOC_POP_STRUCT_2015_brussels_sample.txt"
INCOME = FIXTURES / "statbel_TF_PSNL_INC_TAX_MUNTY_brussels_2013_sample.txt"
REFNIS = FIXTURES / "statbel_REFNIS_2019_brussels_sample.csv"

INCOME_2013_PER_INHABITANT = [11356, 17748, 15212, 12079, 13746, 13319, 14023, 14834, 15068, 14734,
                              12394, 10069, 11718, 8509, 11196, 18995, 19191, 16361, 18978]
RECENT_NAMES = {"CD_MUNTY_REFNIS": "CD_REFNIS", "TX_MUNTY_DESCR_NL": "TX_DESCR_NL",
                "TX_MUNTY_DESCR_FR": "TX_DESCR_FR"}


# ----------------------------------------------------------------------------- helpers

def sample_rows(path: Path = POPULATION) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter="|")
        return list(reader.fieldnames), list(reader)


def write_pipe(path: Path, header: list[str], rows: list[dict], *, bom: bool = False) -> Path:
    lines = ["|".join(header)] + ["|".join(row[c] for c in header) for row in rows]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def recent_vintage(tmp_path: Path) -> Path:
    """The real sample with the 2019+ column names, no CD_YEAR, and the year in the file name."""
    header, rows = sample_rows()
    new_header = [RECENT_NAMES.get(c, c) for c in header if c != "CD_YEAR"]
    renamed = [{RECENT_NAMES.get(k, k): v for k, v in row.items()} for row in rows]
    return write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", new_header, renamed)


def by_code(frame):
    return dict(zip(frame["nis_code"], frame["value"]))


def expected_population() -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in sample_rows()[1]:
        totals[row["CD_MUNTY_REFNIS"]] = totals.get(row["CD_MUNTY_REFNIS"], 0) + int(row["MS_POPULATION"])
    return totals


def broken_copy(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = POPULATION.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target = tmp_path / "TF_SOC_POP_STRUCT_2015.txt"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


# ----------------------------------------------------------------------------- population

def test_population_old_vintage_sums_every_cell():
    pop = read_population(POPULATION)
    assert list(pop.columns) == ["nis_code", "year", "value", "_row"]
    assert set(pop["year"]) == {2015}
    expected = expected_population()
    assert by_code(pop[pop["nis_code"] != REGION]) == expected
    assert by_code(pop)[REGION] == sum(expected.values())
    assert set(pop["nis_code"]) == set(COMMUNES) | {REGION}


def test_anderlecht_age_30_cells_by_hand():
    # The sample holds Anderlecht's 15 age-30 cells plus its age-0 cell (686), summed here by hand.
    rows = [r for r in sample_rows()[1] if r["CD_MUNTY_REFNIS"] == "21001"]
    age_30 = sum(int(r["MS_POPULATION"]) for r in rows if r["CD_AGE"] == "30")
    assert age_30 == 234 + 256 + 1 + 36 + 126 + 255 + 1 + 30 + 295 + 173 + 18 + 224 + 170 + 1 + 11 == 1831
    assert by_code(read_population(POPULATION))["21001"] == 1831 + 686
    assert read_population(POPULATION).set_index("nis_code").loc["21001", "_row"] == 2


def test_population_recent_vintage_takes_year_from_file_name(tmp_path):
    old = read_population(POPULATION)
    new = read_population(recent_vintage(tmp_path))
    assert set(new["year"]) == {2015}
    assert by_code(new) == by_code(old)


def test_population_without_year_anywhere_is_refused(tmp_path):
    path = recent_vintage(tmp_path)
    nameless = path.rename(tmp_path / "population.txt")
    with pytest.raises(InputError, match="no CD_YEAR column and no year in the file name"):
        read_population(nameless)


def test_population_utf8_bom_and_unpadded_codes(tmp_path):
    header, rows = sample_rows()
    path = write_pipe(tmp_path / "bom.txt", header, rows, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    pop = read_population(path)
    assert by_code(pop) == by_code(read_population(POPULATION))
    assert REGION in set(pop["nis_code"]) and "4000" not in set(pop["nis_code"])


def test_population_columns_in_any_order_with_extras(tmp_path):
    header, rows = sample_rows()
    shuffled = ["EXTRA_PUBLISHER_COLUMN"] + list(reversed(header))
    for row in rows:
        row["EXTRA_PUBLISHER_COLUMN"] = "x"
    pop = read_population(write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", shuffled, rows))
    assert by_code(pop) == by_code(read_population(POPULATION))


def test_population_keeps_only_brussels_rows(tmp_path):
    header, rows = sample_rows()
    ghent = [dict(r, CD_MUNTY_REFNIS="44021", MS_POPULATION="999") for r in rows[:3]]
    pop = read_population(write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", header, ghent + rows))
    assert "44021" not in set(pop["nis_code"])
    assert by_code(pop)["21001"] == expected_population()["21001"]
    assert pop.set_index("nis_code").loc["21001", "_row"] == 5  # row numbers of the original file


def test_population_zip(tmp_path):
    archive = tmp_path / "TF_SOC_POP_STRUCT_2015.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(recent_vintage(tmp_path), "TF_SOC_POP_STRUCT_2015.txt")
    pop = read_population(archive)
    assert set(pop["year"]) == {2015}
    assert by_code(pop) == by_code(read_population(POPULATION))


def test_population_zip_errors_name_zip_and_member(tmp_path):
    archive = tmp_path / "TF_SOC_POP_STRUCT_2015.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(broken_copy(tmp_path, 5, "|36|2015", "|n.d.|2015"), "TF_SOC_POP_STRUCT_2015.txt")
    with pytest.raises(InputError) as err:
        read_population(archive)
    message = str(err.value)
    assert str(archive) in message and "TF_SOC_POP_STRUCT_2015.txt" in message
    assert "row 5" in message and "MS_POPULATION" in message


def test_non_numeric_population_names_file_row_column(tmp_path):
    path = broken_copy(tmp_path, 3, "|256|2015", "|n.d.|2015")
    with pytest.raises(InputError) as err:
        read_population(path)
    message = str(err.value)
    assert str(path) in message
    assert "row 3" in message
    assert "column 'MS_POPULATION'" in message


def test_negative_population_is_refused(tmp_path):
    path = broken_copy(tmp_path, 4, "|1|2015", "|-1|2015")
    with pytest.raises(InputError, match=r"row 4, column 'MS_POPULATION': negative value"):
        read_population(path)


def test_fractional_population_is_refused(tmp_path):
    path = broken_copy(tmp_path, 4, "|1|2015", "|1.5|2015")
    with pytest.raises(InputError, match="whole number"):
        read_population(path)


def test_missing_population_column(tmp_path):
    header, rows = sample_rows()
    path = write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", [c for c in header if c != "MS_POPULATION"], rows)
    with pytest.raises(InputError, match=r"column 'MS_POPULATION': required column is missing"):
        read_population(path)


def test_missing_commune_code_column(tmp_path):
    header, rows = sample_rows()
    path = write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", [c for c in header if c != "CD_MUNTY_REFNIS"], rows)
    with pytest.raises(InputError, match="required column is missing"):
        read_population(path)


def test_header_only_file(tmp_path):
    path = tmp_path / "TF_SOC_POP_STRUCT_2015.txt"
    path.write_text(POPULATION.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="header but no data rows"):
        read_population(path)


def test_file_without_brussels_rows(tmp_path):
    header, rows = sample_rows()
    ghent = [dict(r, CD_MUNTY_REFNIS="44021") for r in rows]
    with pytest.raises(InputError, match="no rows for the Brussels communes"):
        read_population(write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", header, ghent))


def test_partial_file_gets_no_region_row(tmp_path):
    header, rows = sample_rows()
    anderlecht = [r for r in rows if r["CD_MUNTY_REFNIS"] == "21001"]
    pop = read_population(write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", header, anderlecht))
    assert list(pop["nis_code"]) == ["21001"]


@pytest.mark.slow
def test_full_belgian_sized_file_keeps_only_brussels(tmp_path):
    header, rows = sample_rows()
    others = [f"{p}{i:03d}" for p in (11, 23, 44, 57, 62, 71, 85, 92) for i in range(1, 40)]
    lines = ["|".join(header)]
    while len(lines) < 600_000:
        for code in others + list(COMMUNES):
            lines.extend(code + "|" + "|".join(r[c] for c in header[1:]) for r in rows[:16])
    path = tmp_path / "TF_SOC_POP_STRUCT_2015.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pop = read_population(path)
    assert set(pop["nis_code"]) == set(COMMUNES) | {REGION}


# ----------------------------------------------------------------------------- income

def test_income_2013_per_inhabitant_check_values():
    income = read_income(INCOME)
    per_inhabitant = income[(income["indicator"] == "fiscal_avg_net_taxable_income_per_inhabitant")
                            & (income["nis_code"] != REGION)].sort_values("nis_code")
    assert list(per_inhabitant["nis_code"]) == list(COMMUNES)
    assert per_inhabitant["value"].astype(int).tolist() == INCOME_2013_PER_INHABITANT
    assert set(income["year"]) == {2013}


def test_income_indicators_and_per_return():
    income = read_income(INCOME)
    assert list(income.columns) == ["nis_code", "year", "indicator", "value", "note"]
    anderlecht = income[income["nis_code"] == "21001"].set_index("indicator")["value"]
    assert anderlecht["fiscal_total_net_taxable_income"] == pytest.approx(1308001462.90)
    assert anderlecht["fiscal_returns_nonzero_income"] == 58303
    assert anderlecht["fiscal_avg_net_taxable_income_per_return"] == round(1308001462.90 / 58303)  # 22434


def test_income_region_is_sum_of_communes():
    income = read_income(INCOME)
    _, rows = sample_rows(INCOME)
    total = sum(float(r["MS_TOT_NET_TAXABLE_INC"]) for r in rows)
    returns = sum(int(r["MS_NBR_NON_ZERO_INC"]) for r in rows)
    residents = sum(int(r["MS_TOT_RESIDENTS"]) for r in rows)
    region = income[income["nis_code"] == REGION].set_index("indicator")
    assert region.loc["fiscal_total_net_taxable_income", "value"] == pytest.approx(total)
    assert region.loc["fiscal_returns_nonzero_income", "value"] == returns
    assert region.loc["fiscal_avg_net_taxable_income_per_return", "value"] == round(total / returns)
    assert region.loc["fiscal_avg_net_taxable_income_per_inhabitant", "value"] == round(total / residents)
    assert region["note"].str.startswith("computed: sum of the 19 communes").all()


def test_income_bad_amount_names_row_and_column(tmp_path):
    header, rows = sample_rows(INCOME)
    rows[2]["MS_TOT_NET_TAXABLE_INC"] = "n.d."
    path = write_pipe(tmp_path / "income.txt", header, rows)
    with pytest.raises(InputError, match=r"row 4, column 'MS_TOT_NET_TAXABLE_INC'"):
        read_income(path)


def test_income_missing_residents_column(tmp_path):
    header, rows = sample_rows(INCOME)
    path = write_pipe(tmp_path / "income.txt", [c for c in header if c != "MS_TOT_RESIDENTS"], rows)
    with pytest.raises(InputError, match=r"column 'MS_TOT_RESIDENTS': required column is missing"):
        read_income(path)


# ----------------------------------------------------------------------------- REFNIS

def test_refnis_semicolon_list():
    refnis = read_refnis(REFNIS).set_index("nis_code")
    assert list(refnis.columns) == ["name_fr", "name_nl", "lang"]
    assert set(refnis.index) == set(COMMUNES) | {REGION}
    assert tuple(refnis.loc["21004", ["name_fr", "name_nl"]]) == ("Bruxelles", "Brussel")
    assert tuple(refnis.loc["21015", ["name_fr", "name_nl"]]) == ("Schaerbeek", "Schaarbeek")
    assert refnis.loc["21001", "lang"] == "FN"


def test_refnis_pipe_list_with_unpadded_region(tmp_path):
    path = tmp_path / "TU_COM_REFNIS.txt"
    path.write_text(
        "LVL_REFNIS|CD_REFNIS|CD_SUP_REFNIS|TX_REFNIS_NL|TX_REFNIS_FR|DT_VLDT_START|DT_VLDT_END\n"
        "2|4000|1000|Brussels Hoofdstedelijk Gewest|Région de Bruxelles-Capitale|01/01/1970|31/12/9999\n"
        "4|21004|21000|Brussel|Bruxelles|01/01/1977|31/12/9999\n"
        "4|21015|21000|Schaarbeek|Schaerbeek|01/01/1977|31/12/9999\n"
        "4|44021|44000|Gent|Gand|01/01/1977|31/12/9999\n", encoding="utf-8")
    refnis = read_refnis(path).set_index("nis_code")
    assert list(refnis.index) == [REGION, "21004", "21015"]
    assert refnis.loc["21015", "name_fr"] == "Schaerbeek"
    assert refnis.loc[REGION, "name_nl"] == "Brussels Hoofdstedelijk Gewest"


def test_population_2015_check_values_come_out_exactly(tmp_path):
    """FORMATS.md's published totals for 1 January 2015: a file in the recent layout whose cells split each
    commune by sex and nationality sums back to every commune and to the region's 1,175,173."""
    check = {"21001": 116332, "21002": 32835, "21003": 23927, "21004": 175534, "21005": 46773, "21006": 38448,
             "21007": 55012, "21008": 24066, "21009": 84754, "21010": 50724, "21011": 21525, "21012": 95576,
             "21013": 50472, "21014": 27332, "21015": 131030, "21016": 81280, "21017": 24454, "21018": 54022,
             "21019": 41077}
    header = ["CD_REFNIS", "TX_DESCR_NL", "TX_DESCR_FR", "CD_SEX", "CD_NATLTY", "CD_AGE", "MS_POPULATION"]
    rows = []
    for code, total in check.items():
        parts = [total // 4, total // 4, total // 4]
        parts.append(total - sum(parts))
        for (sex, nat), n in zip([("M", "BEL"), ("F", "BEL"), ("M", "ETR"), ("F", "ETR")], parts):
            rows.append({"CD_REFNIS": code, "TX_DESCR_NL": "x", "TX_DESCR_FR": "x", "CD_SEX": sex,
                         "CD_NATLTY": nat, "CD_AGE": "30", "MS_POPULATION": str(n)})
    path = write_pipe(tmp_path / "TF_SOC_POP_STRUCT_2015.txt", header, rows)
    got = by_code(read_population(path))
    assert {c: got[c] for c in check} == check
    assert got[REGION] == 1_175_173


def test_build_refuses_figures_that_contradict_published_check_values(tmp_path):
    """The build compares loaded figures with data/catalog/check_values.csv (FORMATS.md check values)."""
    import shutil

    from etl.build import BuildError, build
    from tests.conftest import ROOT

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive"))
    bad = data / "raw" / "facts" / "zz_2015.csv"
    bad.write_text("nis_code,year,indicator,value,unit,source_id,ref_period,note\n"
                   "21001,2015,population_1jan,116333,persons,SRC_STATBEL_POP,2015-01-01,\n")
    with pytest.raises(BuildError, match="21001 2015 = 116333.0 but Statbel TF_SOC_POP_STRUCT_2015"):
        build(data, tmp_path / "x.duckdb", log=lambda *a: None)
