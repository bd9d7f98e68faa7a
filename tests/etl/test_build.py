"""End-to-end ETL: the shipped data builds, bad input fails precisely and never touches the published file."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.build import BuildError, build
from tests.conftest import ROOT

QUIET = lambda *a, **k: None  # noqa: E731


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_shipped_data_builds_with_real_figures(built):
    db = built / "impact.duckdb"
    assert q(db, "SELECT count(*) FROM commune")[0][0] == 20
    assert q(db, "SELECT value FROM observation WHERE nis_code='21001' AND indicator_id='population_1jan' "
                 "AND year=2025") == [(128724.0,)]
    assert q(db, "SELECT value FROM observation WHERE nis_code='04000' AND indicator_id='population_1jan' "
                 "AND year=2025") == [(1255795.0,)]
    years = [r[0] for r in q(db, "SELECT DISTINCT year FROM observation WHERE indicator_id='population_1jan' "
                                 "ORDER BY 1")]
    assert years == list(range(2016, 2027))
    # Statbel's own fiscal file (income year 2013) is parsed and loaded beside the transcribed facts
    assert q(db, "SELECT value, source_id FROM observation WHERE nis_code='21014' AND year=2013 AND "
                 "indicator_id='fiscal_avg_net_taxable_income_per_inhabitant'") == [(8509.0, "SRC_STATBEL_FISC_FILE")]
    assert q(db, "SELECT count(*) FROM observation WHERE indicator_id='onem_unemployment_rate_annual_avg'")[0][0] == 171
    assert q(db, "SELECT count(*) FROM commune_geometry")[0][0] == 19
    assert q(db, "SELECT count(*) FROM operator WHERE quality <> 'example'")[0][0] == 89
    # every figure carries a source and a quality tier
    assert q(db, "SELECT count(*) FROM observation WHERE source_id IS NULL OR quality IS NULL")[0][0] == 0
    # organisation-wide figures are kept apart, never as commune observations
    assert q(db, "SELECT count(*) FROM scoped_observation WHERE scope ILIKE '%Wallonia%'")[0][0] > 0


def test_definitions_are_separate_indicators(built):
    rows = q(built / "impact.duckdb", "SELECT DISTINCT definition FROM indicator WHERE definition LIKE 'unemployment%'")
    assert {"unemployment_onem", "unemployment_census", "unemployment_ilo"} <= {r[0] for r in rows}


def test_etl_run_records_inputs_with_sha256(built):
    db = built / "impact.duckdb"
    (run_id, status, boundaries), = q(db, "SELECT run_id, status, boundaries FROM etl_run")
    assert status == "ok" and boundaries.endswith("raw/geo/brussels_communes.geojson")
    inputs = dict((p, (s, n)) for p, s, n in q(db, "SELECT path, sha256, rows_read FROM etl_input"))
    pop = [k for k in inputs if k.endswith("population.csv")][0]
    assert inputs[pop] == (sha(built / "raw" / "facts" / "population.csv"), 220)


def test_identical_inputs_give_identical_tables(built, tmp_path):
    other = tmp_path / "again.duckdb"
    build(built, other, boundaries=_boundaries(built), log=QUIET)
    tables = [r[0] for r in q(other, "SELECT table_name FROM information_schema.tables")]
    for t in tables:
        if t in ("etl_run", "etl_input"):
            continue
        a = q(built / "impact.duckdb", f"SELECT * FROM {t} ORDER BY ALL")
        b = q(other, f"SELECT * FROM {t} ORDER BY ALL")
        assert a == b, t


def _boundaries(data: Path) -> str:
    path = q(data / "impact.duckdb", "SELECT boundaries FROM etl_run")[0][0]
    return path if os.path.isabs(path) else str(ROOT / path)


def test_build_without_boundaries_succeeds_and_says_so(data_copy, monkeypatch):
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    lines = []
    build(data_copy, boundaries="none", log=lines.append)
    assert any("without geometry" in line for line in lines)
    assert q(data_copy / "impact.duckdb", "SELECT count(*) FROM commune_geometry")[0][0] == 0


FACT_HEADER = "nis_code,year,indicator,value,unit,source_id,ref_period,note\n"
GOOD = "21001,2025,population_1jan,128724,persons,SRC_STATBEL_POP,2025-01-01,\n"

BAD_FACTS = {
    "unknown code": (FACT_HEADER + "44083,2020,population_1jan,5,persons,SRC_STATBEL_POP,,\n",
                     "row 2", "nis_code", "outside the Brussels-Capital Region"),
    "pre-merger or bogus code": (FACT_HEADER + "21020,2020,population_1jan,5,persons,SRC_STATBEL_POP,,\n",
                                 "row 2", "nis_code", "21001-21019"),
    "duplicate rows": (FACT_HEADER + "21001,2030,population_1jan,5,persons,SRC_STATBEL_POP,,\n"
                       "21001,2030,population_1jan,5,persons,SRC_STATBEL_POP,,\n", "row 3", None, "duplicate of row 2"),
    "negative count": (FACT_HEADER + "21001,2030,population_1jan,-5,persons,SRC_STATBEL_POP,,\n",
                       "row 2", "value", "negative"),
    "n.d.": (FACT_HEADER + "21001,2030,population_1jan,n.d.,persons,SRC_STATBEL_POP,,\n", "row 2", "value", "n.d."),
    "dash": (FACT_HEADER + "21001,2030,population_1jan,-,persons,SRC_STATBEL_POP,,\n", "row 2", "value", "missing"),
    "empty value": (FACT_HEADER + "21001,2030,population_1jan,,persons,SRC_STATBEL_POP,,\n", "row 2", "value", "empty"),
    "missing column": ("nis_code,year,indicator,value,unit,source_id,note\n21001,2030,population_1jan,5,persons,"
                       "SRC_STATBEL_POP,\n", "row 1", "ref_period", "missing"),
    "extra column": (FACT_HEADER.strip() + ",colour\n" + GOOD.strip() + ",red\n", "row 1", "colour", "unexpected"),
    "empty file": ("", None, None, "empty"),
    "header only": (FACT_HEADER, None, None, "header but no data rows"),
    "unknown indicator": (FACT_HEADER + "21001,2030,happiness,5,persons,SRC_STATBEL_POP,,\n", "row 2", "indicator",
                          "unknown indicator"),
    "unknown source": (FACT_HEADER + "21001,2030,population_1jan,5,persons,SRC_NOPE,,\n", "row 2", "source_id",
                       "unknown source"),
    "conflicting figure": (FACT_HEADER + "21001,2025,population_1jan,999,persons,SRC_STATBEL_POP,2025-01-01,\n",
                           None, "value", "files disagree"),
}


@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_bad_input_fails_precisely_and_leaves_database_identical(data_copy, case, capsys, monkeypatch):
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    text, row, column, reason = BAD_FACTS[case]
    published = data_copy / "impact.duckdb"
    before = sha(published)
    bad = data_copy / "raw" / "facts" / "zz_bad.csv"
    bad.write_text(text, encoding="utf-8")
    from etl.__main__ import main
    assert main(["build", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "zz_bad.csv" in err and reason in err, err
    if row:
        assert row in err
    if column:
        assert f"column '{column}'" in err
    assert sha(published) == before
    assert not list(data_copy.glob(".build-*"))


def test_windows_1252_semicolon_export_is_read_correctly(data_copy, monkeypatch):
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    text = ("nis_code;year;indicator;value;unit;source_id;ref_period;note\n"
            "21001;2014;fiscal_avg_net_taxable_income_per_inhabitant;11.234,5;EUR;SRC_STATBEL_FISC;2014;Région\n")
    (data_copy / "raw" / "facts" / "zz_excel.csv").write_bytes(text.encode("cp1252"))
    build(data_copy, log=QUIET)
    assert q(data_copy / "impact.duckdb", "SELECT value, note FROM observation WHERE nis_code='21001' AND year=2014 "
             "AND indicator_id='fiscal_avg_net_taxable_income_per_inhabitant'") == [(11234.5, "Région")]


def test_bom_and_lost_leading_zero_are_accepted(data_copy, monkeypatch):
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    text = "\ufeff" + FACT_HEADER + "4000,2014,fiscal_avg_net_taxable_income_per_inhabitant,13000,EUR,SRC_STATBEL_FISC,2014,\n"
    (data_copy / "raw" / "facts" / "zz_bom.csv").write_text(text, encoding="utf-8")
    build(data_copy, log=QUIET)
    assert q(data_copy / "impact.duckdb", "SELECT value FROM observation WHERE nis_code='04000' AND year=2014 AND "
             "indicator_id='fiscal_avg_net_taxable_income_per_inhabitant'") == [(13000.0,)]


def test_file_over_size_cap_is_refused(data_copy, monkeypatch):
    monkeypatch.setenv("BSIM_MAX_INPUT_MB", "0.01")
    before = sha(data_copy / "impact.duckdb")
    with pytest.raises(BuildError) as exc:
        build(data_copy, log=QUIET)
    assert any("cap" in p.reason for p in exc.value.problems)
    assert sha(data_copy / "impact.duckdb") == before


def test_bad_geojson_fails_and_leaves_database_identical(data_copy, shipped_geojson, tmp_path):
    import json
    gj = json.loads(shipped_geojson.read_text())
    gj["features"] = gj["features"][1:]   # a missing commune
    bad = tmp_path / "missing.geojson"
    bad.write_text(json.dumps(gj))
    before = sha(data_copy / "impact.duckdb")
    with pytest.raises(BuildError) as exc:
        build(data_copy, boundaries=str(bad), log=QUIET)
    assert any("21001" in str(p) for p in exc.value.problems)
    assert sha(data_copy / "impact.duckdb") == before


def test_failed_check_leaves_database_identical(data_copy, monkeypatch):
    """A regional total that the communes do not sum to fails the SQL check, not the parser."""
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    before = sha(data_copy / "impact.duckdb")
    (data_copy / "raw" / "facts" / "zz_sum.csv").write_text(
        FACT_HEADER + "04000,2030,population_1jan,10,persons,SRC_STATBEL_POP,2030-01-01,sum of the 19 communes\n")
    with pytest.raises(BuildError, match="sum"):
        build(data_copy, log=QUIET)
    assert sha(data_copy / "impact.duckdb") == before


def test_validate_reports_without_touching_database(data_copy, capsys):
    from etl.__main__ import main
    before = sha(data_copy / "impact.duckdb")
    good = data_copy / "raw" / "facts" / "population.csv"
    bad = data_copy / "bad.csv"
    bad.write_text(FACT_HEADER + "21001,2020,population_1jan,n.d.,persons,SRC_STATBEL_POP,,\n")
    assert main(["validate", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.csv, row 2, column 'value'" in out
    assert sha(data_copy / "impact.duckdb") == before


@pytest.mark.slow
def test_kill_9_during_build_leaves_published_database_intact(data_copy):
    published = data_copy / "impact.duckdb"
    before = sha(published)
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BSIM_BOUNDARIES", None)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "etl", "build", "--data", str(data_copy)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if sha(published) != before:      # the build finished before the kill: a complete new file
            before = sha(published)
        assert q(published, "SELECT count(*) FROM commune")[0][0] == 20
    # the next build cleans what the killed ones left
    build(data_copy, log=QUIET)
    assert not list(data_copy.glob(".build-*"))


def test_templates_travel_in_the_database(built):
    """The app offers the fill-in templates from the database, never from data/."""
    rows = q(built / "impact.duckdb", "SELECT template, format FROM template_file ORDER BY ALL")
    assert {t for t, _ in rows} == {"operator_sites", "jobs", "reuse_flows", "assessments"}
    assert {f for _, f in rows} == {"csv", "xlsx"}
    docs = dict(q(built / "impact.duckdb", "SELECT doc_id, markdown FROM template_doc"))
    assert set(docs) == {"templates", "templates_fr", "templates_nl"}   # the reference README and its translations
    assert all("site_id" in doc and "criterion_id" in doc for doc in docs.values())
    assert "Chiffres manquants" in docs["templates_fr"] and "Ontbrekende cijfers" in docs["templates_nl"]


def test_registry_order_and_recognition(shipped_geojson):
    """One ordered registry: a source needs only sources before it; a file goes to the first that claims
    it (validate), an upload to the first uploadable one."""
    from etl.sources import REGISTRY, claiming
    kinds = [s.kind for s in REGISTRY]
    assert len(kinds) == len(set(kinds))
    for i, source in enumerate(REGISTRY):
        assert set(source.requires) <= set(kinds[:i]), source.kind
    expected = {
        ROOT / "data" / "raw" / "facts" / "labour.csv": "facts",
        ROOT / "data" / "raw" / "facts" / "communes.csv": "communes",
        ROOT / "data" / "raw" / "facts" / "operators_directory.csv": "operators",
        ROOT / "data" / "raw" / "statbel" / "REFNIS_2019_brussels.csv": "statbel_refnis",
        ROOT / "data" / "raw" / "statbel" / "TF_PSNL_INC_TAX_MUNTY_2013_brussels.txt": "statbel_income",
        ROOT / "data" / "example" / "assessments.csv": "assessments",
        ROOT / "data" / "example" / "members_sites.csv": "members",
        ROOT / "data" / "example" / "members_jobs.csv": "members",
        shipped_geojson: "boundaries",
    }
    for path, kind in expected.items():
        assert claiming(path).kind == kind, path
    assert {s.kind for s in REGISTRY if s.uploadable} == {"assessments", "members"}
    assert claiming(ROOT / "data" / "example" / "assessments.csv", uploadable=True).upload_dir == "assessments"
    assert claiming(ROOT / "data" / "raw" / "facts" / "labour.csv", uploadable=True) is None
    assert claiming(ROOT / "data" / "catalog" / "units.csv") is None


def test_vocabularies_and_display_choices_are_in_the_database(built, tmp_path):
    """Tip statuses, re-use streams and the app's indicator places are catalogue data, enforced by foreign keys."""
    db = built / "impact.duckdb"
    assert q(db, "SELECT status, action_value, counts_as_commitment, icon, label_fr FROM tip_status ORDER BY rank") == [
        ("unknown", 0.0, False, "?", "inconnu"), ("none", 0.0, False, "✖", "aucun"),
        ("committed", 0.0, True, "○", "engagé"), ("in_progress", 0.5, True, "◐", "en cours"),
        ("done", 1.0, True, "✔", "fait")]
    assert q(db, "SELECT stream, label_nl FROM reuse_stream ORDER BY position") == [
        ("textiles", "Textiel"), ("furniture", "Meubelen"), ("weee", "Elektrische en elektronische apparaten (AEEA)"),
        ("books_media", "Boeken en media"), ("other", "Andere")]
    places = dict(q(db, "SELECT place, list(indicator_id ORDER BY position) FROM indicator_display GROUP BY place"))
    assert places["overview_headline"] == ["population_1jan", "onem_unemployment_rate_annual_avg",
                                           "fiscal_avg_net_taxable_income_per_inhabitant", "establishment_units"]
    assert places["compare_x"] == ["fiscal_avg_net_taxable_income_per_inhabitant"]
    assert places["reuse_map"] == ["member_reused_per_1000_inhabitants"]
    assert len(places["jobs_public"]) == 25 and len(places["profile_key"]) == 10
    assert set(places) == {"overview_headline", "overview_map", "map_default", "profile_key", "fiche_key",
                           "compare_x", "compare_y", "jobs_map", "jobs_trend", "jobs_public", "reuse_map",
                           "reuse_trend", "reuse_public", "embed_default", "summary_context", "summary_members",
                           "overview_delivery", "tip3_context", "tip4_context", "tip5_context",
                           "region_not_published"}
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    with duckdb.connect(str(copy)) as con:
        for sql in ("UPDATE tip_assessment SET status = 'maybe' WHERE rowid = (SELECT min(rowid) FROM tip_assessment)",
                    "UPDATE reuse_flow SET stream = 'plastics' WHERE rowid = (SELECT min(rowid) FROM reuse_flow)",
                    "INSERT INTO indicator_display VALUES ('overview_map', 2, 'happiness')"):
            with pytest.raises(duckdb.ConstraintException):
                con.execute(sql)


@pytest.mark.parametrize("file, old, new, row, column, reason", [
    ("tip_statuses.csv", "fait;réalisé", "fait;lopend", 6, "input_words", "'lopend' already means in_progress"),
    ("tip_statuses.csv", "in_progress,3,0.5", "in_progress,3,1.5", 5, "action_value", "must be 0-1"),
    ("reuse_streams.csv", ",DEEE;AEEA", ",DEEE;WEEE2", 4, "example_words", "'WEEE2' is not one of the input words"),
    ("display.csv", "compare_x,1,fiscal_avg_net_taxable_income_per_inhabitant", "compare_x,1,happiness", None,
     "indicator_id", "'happiness' is not one of"),
    ("display.csv", "embed_default,1,", "embed_defaults,1,", None, "place", "'embed_defaults' is not one of"),
    ("display.csv", "compare_y,1,onem_unemployment_rate_annual_avg",
     "compare_y,1,onem_unemployment_rate_annual_avg\ncompare_y,2,population_1jan", None, "place", "holds one"),
])
def test_bad_catalogue_vocabulary_fails_precisely(data_copy, file, old, new, row, column, reason):
    path = data_copy / "catalog" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = sha(data_copy / "impact.duckdb")
    with pytest.raises(BuildError) as exc:
        build(data_copy, log=QUIET)
    hits = [p for p in exc.value.problems if p.file.endswith(file) and p.column == column and reason in p.reason
            and (row is None or p.row == row)]
    assert hits, [str(p) for p in exc.value.problems]
    assert sha(data_copy / "impact.duckdb") == before


def test_fresh_clone_draws_the_geographic_map_with_its_attribution(built):
    """No --boundaries, no $BSIM_BOUNDARIES, no ../shared: the shipped geometry is loaded, and its source row
    carries the Statbel attribution every map shows."""
    db = built / "impact.duckdb"
    assert q(db, "SELECT count(*), min(source_id), max(source_id) FROM commune_geometry") == [
        (19, "SRC_BOUNDARIES_STATBEL_2025", "SRC_BOUNDARIES_STATBEL_2025")]
    (publisher, title, licence), = q(db, "SELECT publisher, title, licence FROM source "
                                         "WHERE source_id = 'SRC_BOUNDARIES_STATBEL_2025'")
    assert "Statbel" in publisher and "01/01/2025" in title and "provincies.incijfers.be" in title
    assert "derived data" in licence


def test_boundaries_option_overrides_the_shipped_file(data_copy, shipped_geojson, tmp_path, monkeypatch):
    """--boundaries FILE wins over the shipped file; a file other than the shipped one is named as supplied."""
    import json
    monkeypatch.delenv("BSIM_BOUNDARIES", raising=False)
    gj = json.loads(shipped_geojson.read_text())
    for f in gj["features"]:
        f["properties"] = {"NIS5": f["properties"]["nis_code"]}
    other = tmp_path / "other_boundaries.geojson"
    other.write_text(json.dumps(gj))
    build(data_copy, boundaries=str(other), log=QUIET)
    db = data_copy / "impact.duckdb"
    assert q(db, "SELECT DISTINCT source_id, source_file FROM commune_geometry") == [
        ("SRC_BOUNDARIES_SUPPLIED", str(other))]
    assert q(db, "SELECT boundaries FROM etl_run")[0][0] == str(other)
