"""Member data (issue #4): templates with fr/nl/en headers as CSV and XLSX, aggregation on a hand-computed
case, bad inputs failing the build with file/row/column/reason (published DB untouched), --no-example."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.build import BuildError, build
from etl.sources.catalog import read_reuse_streams
from etl.sources.members import deriving, reading
from tests.conftest import ROOT

QUIET = lambda *a, **k: None  # noqa: E731

# the same three templates, with headers in each language
HEADERS = {
    "en": {"sites": ["site_id", "name", "organisation", "category", "address", "postal_code", "commune", "lon", "lat"],
           "jobs": ["site_id", "year", "integration_workers", "art60_placements", "fte", "exits_to_work"],
           "flows": ["site_id", "year", "stream", "collected_t", "reused_t", "recycled_t"]},
    "fr": {"sites": ["identifiant", "nom", "organisation", "catégorie", "adresse", "code postal", "commune",
                     "longitude", "latitude"],
           "jobs": ["identifiant", "année", "travailleurs en insertion", "article 60", "ETP", "sorties vers l'emploi"],
           "flows": ["identifiant", "année", "flux", "collecté (t)", "réemployé (t)", "recyclé (t)"]},
    "nl": {"sites": ["site id", "naam", "organisatie", "categorie", "adres", "postcode", "gemeente", "lengtegraad",
                     "breedtegraad"],
           "jobs": ["site id", "jaar", "werknemers in inschakeling", "artikel 60", "VTE", "uitstroom naar werk"],
           "flows": ["site id", "jaar", "stroom", "ingezameld (t)", "hergebruikt (t)", "gerecycleerd (t)"]},
}
STREAM_NAMES = {"en": ("textiles", "furniture", "WEEE"), "fr": ("Textiles", "meubles", "DEEE"),
                "nl": ("textiel", "Meubelen", "AEEA")}
# hand-computed case: two sites in Anderlecht (21001), one in Schaerbeek (21015), year 2024
SITES = [["M1", "Site un", "Org A", "reuse_shop", "Rue 1", "1070", "", "", ""],
         ["M2", "Site deux", "Org A", "sorting_centre", "Rue 2", "1070", "Anderlecht", "", ""],
         ["M3", "Site trois", "Org B", "reuse_shop", "Rue 3", "1030", "", "", ""]]
JOBS = [["M1", "2024", "10", "2", "9.5", "3"], ["M2", "2024", "20", "5", "22", "6"], ["M3", "2024", "7", "", "", "1"]]
FLOWS = [["M1", "2024", 0, "100", "60", "30"], ["M1", "2024", 1, "50", "20", "10"],
         ["M3", "2024", 2, "40", "10", "25"], ["M3", "2024", 0, "10", "5", ""]]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def write(path: Path, header: list[str], rows: list[list]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame([[str(c) for c in r] for r in rows], columns=header)
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def member_files(folder: Path, lang: str, ext: str, *, sites=SITES, jobs=JOBS, flows=FLOWS) -> None:
    h = HEADERS[lang]
    write(folder / f"sites_{lang}.{ext}", h["sites"], sites)
    write(folder / f"jobs_{lang}.{ext}", h["jobs"], jobs)
    write(folder / f"flows_{lang}.{ext}", h["flows"],
          [r[:2] + [STREAM_NAMES[lang][r[2]] if isinstance(r[2], int) else r[2]] + r[3:] for r in flows])


@pytest.fixture(scope="module")
def base(tmp_path_factory, shipped_geojson):
    """data/ copied once and built without example data (so member figures are only ours)."""
    data = tmp_path_factory.mktemp("members") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb", "etl_runs.jsonl", "archive",
                                                                        "members"))
    (data / "members").mkdir()
    build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    return data


@pytest.fixture()
def data(base, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(base, d)
    return d


def obs(db: Path, indicator: str) -> dict:
    return {(n, y): (v, qual) for n, y, v, qual in q(db, "SELECT nis_code, year, value, quality FROM observation "
                                                      "WHERE indicator_id = ?", [indicator])}


# ----------------------------------------------------------------------------- templates

@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_templates_load_in_every_language(data, shipped_geojson, lang, ext):
    member_files(data / "members", lang, ext)
    build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    db = data / "impact.duckdb"
    sites = q(db, "SELECT operator_id, nis_code, quality FROM operator WHERE operator_id LIKE 'mb-%' ORDER BY 1")
    assert sites == [("mb-M1", "21001", "reported"), ("mb-M2", "21001", "reported"), ("mb-M3", "21015", "reported")]
    assert q(db, "SELECT count(*) FROM operator_jobs")[0][0] == 3
    streams = q(db, "SELECT stream FROM reuse_flow ORDER BY operator_id, stream")
    assert [s for s, in streams] == ["furniture", "textiles", "textiles", "weee"]
    # each file has its own source row with the sha256 and the publisher from the organisation column
    src = q(db, "SELECT publisher, notes, quality FROM source WHERE source_id LIKE 'SRC_MEMBER_%' "
                "AND source_id <> 'SRC_MEMBER_DATA' ORDER BY title")
    assert len(src) == 3 and all(r[2] == "reported" for r in src)
    site_src = [r for r in src if r[0] == "Org A; Org B"]
    assert site_src and sha(data / "members" / f"sites_{lang}.{ext}") in site_src[0][1]
    kinds = {k for k, in q(db, "SELECT kind FROM etl_input WHERE path LIKE '%members/%'")}
    assert kinds == {"members_sites", "members_jobs", "members_flows"}


def test_template_files_exist_with_canonical_headers():
    t = ROOT / "data" / "templates"
    for name, kind in (("operator_sites", "sites"), ("jobs", "jobs"), ("reuse_flows", "flows")):
        for ext in ("csv", "xlsx"):
            path = t / f"{name}.{ext}"
            assert path.exists()
            header = (pd.read_excel(path) if ext == "xlsx" else pd.read_csv(path)).columns.tolist()
            assert reading.template_kind(header) == kind
    assert (t / "README.md").exists()


# ----------------------------------------------------------------------------- aggregation

def test_aggregation_hand_computed(data, shipped_geojson):
    member_files(data / "members", "en", "csv")
    build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    db = data / "impact.duckdb"
    jobs = obs(db, "member_jobs")
    # Anderlecht: (10 + 2) + (20 + 5) = 37; Schaerbeek: 7 + (missing art60) = 7; region 44
    assert jobs[("21001", 2024)] == (37.0, "reported")
    assert jobs[("21015", 2024)] == (7.0, "reported")
    assert jobs[("04000", 2024)] == (44.0, "reported")
    assert ("21002", 2024) not in jobs  # no member data: missing, not zero
    assert obs(db, "member_fte")[("21001", 2024)][0] == pytest.approx(31.5)
    assert ("21015", 2024) not in obs(db, "member_fte")  # the only fte there is missing
    pop = dict(q(db, "SELECT nis_code, value FROM observation WHERE indicator_id='population_1jan' AND year=2024"))
    rate = obs(db, "member_jobs_per_1000_inhabitants")
    assert rate[("21001", 2024)][0] == pytest.approx(37 / pop["21001"] * 1000)
    assert rate[("04000", 2024)][0] == pytest.approx(44 / pop["04000"] * 1000)
    unemp = dict(q(db, "SELECT nis_code, value FROM observation WHERE indicator_id='census_unemployed_15_64'"))
    assert obs(db, "member_jobs_per_1000_unemployed")[("21015", 2024)][0] == pytest.approx(7 / unemp["21015"] * 1000)
    # re-use: Anderlecht reused 60 (textiles) + 20 (furniture); Schaerbeek 10 (weee) + 5 (textiles)
    assert obs(db, "member_reused_t")[("21001", 2024)][0] == pytest.approx(80)
    assert obs(db, "member_collected_t")[("04000", 2024)][0] == pytest.approx(200)
    assert obs(db, "member_recycled_t")[("21015", 2024)][0] == pytest.approx(25)  # empty recycled is not 0
    # CO2e: textiles 4.0, furniture 1.45, WEEE has no cited factor -> not counted
    co2 = obs(db, "member_co2e_avoided_t")
    assert co2[("21001", 2024)][0] == pytest.approx(60 * 4.0 + 20 * 1.45)
    assert co2[("21015", 2024)][0] == pytest.approx(5 * 4.0)
    assert obs(db, "member_operators")[("21001", 2024)][0] == 2
    assert obs(db, "member_reused_per_1000_inhabitants")[("21015", 2024)][0] == pytest.approx(15 / pop["21015"] * 1000)


def test_aggregate_frames_pure():
    jobs = pd.DataFrame({"nis_code": ["21001", "21001"], "year": [2023, 2023], "integration_workers": [3.0, 4.0],
                         "art60_placements": [1.0, None], "fte": [None, None], "exits_to_work": [1.0, 0.0],
                         "source_id": ["S1", "S2"], "quality": ["reported", "example"], "input_file": ["a", "b"],
                         "operator_id": ["x", "y"]})
    pop = pd.DataFrame({"nis_code": ["21001", "04000"], "year": [2023, 2023], "value": [1000.0, 2000.0],
                        "source_id": ["P", "P"]})
    out = deriving.aggregate_frames(jobs, None, pop, None, {})
    row = out[(out["indicator_id"] == "member_jobs") & (out["nis_code"] == "21001")].iloc[0]
    assert row["value"] == 8 and row["quality"] == "example" and row["source_ids"] == "S1;S2"
    assert out[(out["indicator_id"] == "member_jobs_per_1000_inhabitants")
               & (out["nis_code"] == "04000")]["value"].iloc[0] == pytest.approx(4.0)
    assert "member_fte" not in set(out["indicator_id"])
    assert "member_jobs_per_1000_unemployed" not in set(out["indicator_id"])


def test_streams_accept_three_languages():
    streams = read_reuse_streams(ROOT / "data" / "catalog" / "reuse_streams.csv")
    for name, code in [("Textiel", "textiles"), ("meubles", "furniture"), ("DEEE", "weee"), ("AEEA", "weee"),
                       ("électroménager", "weee"), ("Livres", "books_media"), ("boeken", "books_media"),
                       ("autre", "other"), ("Ander", "other")]:
        assert streams.code(name) == code
    assert streams.code("plastics") is None


# ----------------------------------------------------------------------------- bad inputs

def fails(data: Path, shipped_geojson) -> list:
    db = data / "impact.duckdb"
    before = sha(db)
    with pytest.raises(BuildError) as exc:
        build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    assert sha(db) == before, "a failed build must leave the published database byte-identical"
    assert not list(data.glob(".build-*"))
    return exc.value.problems


def one(problems, column, text, row=None):
    hits = [p for p in problems if p.column == column and text in p.reason and (row is None or p.row == row)]
    assert hits, f"no problem in column {column!r} with {text!r}: {[str(p) for p in problems]}"
    assert all(h.file.endswith((".csv", ".xlsx")) for h in hits)
    return hits[0]


def sites_with(*rows):
    return SITES + [list(r) for r in rows]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_site_outside_region_postal_code(data, shipped_geojson, ext):
    member_files(data / "members", "en", ext, sites=sites_with(["M9", "Gent", "Org", "reuse_shop", "x", "9000", "", "",
                                                                 ""]))
    p = one(fails(data, shipped_geojson), "postal_code", "outside the region", row=5)
    assert p.file.endswith(f"sites_en.{ext}")


def test_site_outside_region_coordinates(data, shipped_geojson):
    # Vilvoorde: inside the bounding box, outside every commune polygon
    member_files(data / "members", "en", "csv",
                 sites=sites_with(["M9", "Vilvoorde", "Org", "reuse_shop", "x", "", "", "4.43", "50.925"]))
    one(fails(data, shipped_geojson), "lon", "outside every Brussels commune", row=5)


def test_coordinates_in_another_commune_than_postal_code(data, shipped_geojson):
    # Grand-Place (City of Brussels) with the Anderlecht postal code
    member_files(data / "members", "fr", "csv",
                 sites=sites_with(["M9", "Mauvais", "Org", "reuse_shop", "x", "1070", "", "4.3522", "50.8467"]))
    # the column is named as the (French) header writes it
    p = one(fails(data, shipped_geojson), "code postal", "coordinates lie in Bruxelles (21004)", row=5)
    assert "Anderlecht (21001)" in p.reason


def test_commune_column_disagrees_with_postal_code(data, shipped_geojson):
    member_files(data / "members", "en", "csv",
                 sites=sites_with(["M9", "Mauvais", "Org", "reuse_shop", "x", "1030", "Uccle", "", ""]))
    one(fails(data, shipped_geojson), "postal_code", "not Uccle (21016)", row=5)


def test_shared_postal_code_needs_commune(data, shipped_geojson):
    member_files(data / "members", "en", "csv",
                 sites=sites_with(["M9", "Louise", "Org", "reuse_shop", "x", "1050", "", "", ""]))
    one(fails(data, shipped_geojson), "commune", "shared by", row=5)


def test_commune_derived_from_coordinates(data, shipped_geojson):
    member_files(data / "members", "en", "csv",
                 sites=sites_with(["M9", "Grand-Place", "Org", "reuse_shop", "x", "", "", "4.3522", "50.8467"]))
    build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    assert q(data / "impact.duckdb", "SELECT nis_code FROM operator WHERE operator_id = 'mb-M9'") == [("21004",)]


def test_unknown_stream(data, shipped_geojson):
    member_files(data / "members", "nl", "csv", flows=FLOWS + [["M1", "2024", "plastiek", "5", "1", "1"]])
    one(fails(data, shipped_geojson), "stroom", "unknown stream 'plastiek'", row=6)   # the Dutch header's name


def test_implausible_integration_workers(data, shipped_geojson):
    member_files(data / "members", "en", "csv", jobs=JOBS + [["M1", "2023", "900", "0", "", ""]])
    one(fails(data, shipped_geojson), "integration_workers", "implausible", row=5)


def test_implausible_tonnes_and_reused_over_collected(data, shipped_geojson):
    member_files(data / "members", "en", "csv",
                 flows=FLOWS + [["M2", "2024", 0, "25000", "1", "1"], ["M2", "2024", 1, "10", "12", ""]])
    problems = fails(data, shipped_geojson)
    one(problems, "collected_t", "implausible", row=6)
    one(problems, "reused_t", "more than collected_t", row=7)


def test_unknown_site_id(data, shipped_geojson):
    member_files(data / "members", "en", "csv", jobs=JOBS + [["NOPE", "2024", "1", "1", "", ""]])
    one(fails(data, shipped_geojson), "site_id", "unknown site_id 'NOPE'", row=5)


@pytest.mark.parametrize("bad_jobs, column, text", [
    ([["M1", "2024", "1", "1", "", ""]], None, "duplicate of row 2"),
    ([["M1", "2022", "-3", "1", "", ""]], "integration_workers", "negative"),
    ([["M1", "2022", "abc", "1", "", ""]], "integration_workers", "not a number"),
    ([["M1", "2022", "2.5", "1", "", ""]], "integration_workers", "whole number"),
    ([["M1", "1850", "2", "1", "", ""]], "year", "outside"),
])
def test_bad_values(data, shipped_geojson, bad_jobs, column, text):
    member_files(data / "members", "en", "csv", jobs=JOBS + bad_jobs)
    one(fails(data, shipped_geojson), column, text, row=5)


def test_unrecognised_file(data, shipped_geojson):
    write(data / "members" / "random.csv", ["foo", "bar"], [["1", "2"]])
    problems = fails(data, shipped_geojson)
    assert any("not a member template" in p.reason and p.file.endswith("random.csv") for p in problems)


# ----------------------------------------------------------------------------- example data

def test_example_loads_and_no_example_leaves_none(data, shipped_geojson):
    build(data, boundaries=str(shipped_geojson), with_example=True, log=QUIET)
    db = data / "impact.duckdb"
    n_sites, n_communes = q(db, "SELECT count(*), count(DISTINCT nis_code) FROM operator WHERE quality='example'")[0]
    assert 15 <= n_sites <= 25 and n_communes >= 10
    assert q(db, "SELECT count(*) FROM operator WHERE quality='example' AND name NOT LIKE 'Exemple%'")[0][0] == 0
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id LIKE 'member_%' AND quality <> 'example'")[0][0] == 0
    assert q(db, "SELECT min(year), max(year) FROM operator_jobs")[0] == (2021, 2024)
    build(data, boundaries=str(shipped_geojson), with_example=False, log=QUIET)
    for table in ("observation", "operator", "operator_jobs", "reuse_flow"):
        assert q(db, f"SELECT count(*) FROM {table} WHERE quality = 'example' "
                     + ("AND indicator_id LIKE 'member_%'" if table == "observation" else ""))[0][0] == 0
    assert q(db, "SELECT count(*) FROM operator")[0][0] == 89  # the real directory only


def test_one_real_member_file_leaves_the_example_set_out(data, communes_geojson):
    """A member fills one small file the way members do (French headers, ';', decimal comma): the build
    counts its 8 jobs — not 8 plus the 49 of the example set — and says the example set was left out."""
    members = data / "members"
    (members / "sites.csv").write_text("identifiant;nom;organisation;catégorie;adresse;code postal;déclaré par\n"
                                       "RS1;Ressourcerie du Canal;La Ressourcerie asbl;reuse_shop;Quai 12;1080;"
                                       "La Ressourcerie asbl\n", encoding="cp1252")
    (members / "emplois.csv").write_text("identifiant;année;travailleurs en insertion;article 60;ETP\n"
                                         "RS1;2024;5;3;6,5\n", encoding="cp1252")
    logs = []
    build(data, boundaries=str(communes_geojson), with_example=True, log=logs.append)
    db = data / "impact.duckdb"
    assert obs(db, "member_jobs") == {("21012", 2024): (8.0, "reported"), ("04000", 2024): (8.0, "reported")}
    assert q(db, "SELECT count(*) FROM operator WHERE quality = 'example' OR operator_id LIKE 'ex-%'")[0][0] == 0
    for table in ("observation", "operator_jobs", "reuse_flow"):
        assert q(db, f"SELECT count(*) FROM {table} WHERE quality = 'example'")[0][0] == 0
    assert q(db, "SELECT example_members FROM etl_run")[0][0] == "left_out"
    assert any("example member data left out" in line for line in logs)
    # the file's source: the organisation that reported, the file's name (never a path on the server)
    pub, notes = q(db, "SELECT publisher, notes FROM source WHERE source_id LIKE 'SRC_MEMBER_%' AND "
                       "publisher = 'La Ressourcerie asbl'")[0]
    assert "sites.csv" in notes and str(data) not in notes
    # without any real member file, the example set comes back (marked example everywhere)
    for f in members.glob("*.csv"):
        f.unlink()
    build(data, boundaries=str(communes_geojson), with_example=True, log=QUIET)
    assert q(db, "SELECT example_members FROM etl_run")[0][0] == "included"
    assert set(v[1] for v in obs(db, "member_jobs").values()) == {"example"}


def test_an_e_mail_in_reported_by_never_becomes_the_publisher(data, communes_geojson):
    write(data / "members" / "sites.csv", ["site_id", "name", "category", "postal_code", "reported_by"],
          [["S1", "Atelier", "repair_workshop", "1000", "jan.peeters@vzw-voorbeeld.be"]])
    build(data, boundaries=str(communes_geojson), with_example=False, log=QUIET)
    pubs = [r[0] for r in q(data / "impact.duckdb", "SELECT publisher FROM source WHERE source_id LIKE 'SRC_MEMBER_%'")]
    assert pubs and not any("@" in p for p in pubs)


def test_emission_factors_are_cited():
    ef = pd.read_csv(ROOT / "data" / "catalog" / "emission_factors.csv")
    src = pd.read_csv(ROOT / "data" / "catalog" / "sources_extra_members.csv").set_index("source_id")
    assert set(ef["stream"]) <= set(read_reuse_streams(ROOT / "data" / "catalog" / "reuse_streams.csv").codes)
    for r in ef.itertuples():
        assert r.source_id in src.index and src.loc[r.source_id, "url"].startswith("http")
        assert str(r.t_co2e_per_t_reused) in src.loc[r.source_id, "notes"].replace("four", "4.0")
