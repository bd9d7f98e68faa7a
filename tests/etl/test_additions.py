"""The December 2026 additions through the same extract -> validate -> load path: new indicators and scoped
figures, figures repeated under another name merged (citing both sources), undated rows never given a year,
spans of years kept as periods, and contradictions between files reported with both files and rows."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.build import BuildError, build

QUIET = lambda *a, **k: None  # noqa: E731
HEADER = "nis_code,year,indicator,value,unit,source_id,ref_period,note,scope\n"


def q(data: Path, sql: str, params=()):
    with duckdb.connect(str(data / "impact.duckdb"), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_every_row_of_the_additions_is_loaded(built):
    """233 rows: observations and scoped figures (less the rows that repeat a figure already loaded)."""
    (rows,), = q(built, "SELECT rows_read FROM etl_input WHERE path LIKE '%facts/additions_2026_12.csv' AND kind = 'facts'")
    assert rows == 233
    assert q(built, "SELECT count(*) FROM source WHERE source_id LIKE 'SRC_QE_17%'")[0][0] == 6


def test_inspirons_le_quartier_per_commune_and_year(built):
    rows = q(built, "SELECT year, count(*) FROM observation WHERE indicator_id = "
                    "'inspirons_projects_funded' AND nis_code <> '04000' GROUP BY year ORDER BY year")
    assert rows == [(2022, 19), (2023, 18), (2024, 19), (2025, 19)]   # Woluwe-Saint-Pierre 2023 is not in the table
    assert q(built, "SELECT value FROM observation WHERE indicator_id = 'inspirons_projects_funded' "
                    "AND nis_code = '04000' AND year = 2022") == [(36.0,)]
    kind, den, topic = q(built, "SELECT kind, denominators, topic FROM indicator "
                                "WHERE indicator_id = 'inspirons_projects_funded'")[0]
    assert (kind, den, topic) == ("count", "population", "tip3")        # mappable per 1,000 inhabitants
    # the 2021-2025 totals are a period, never a year
    assert q(built, "SELECT count(*), count(year), min(ref_period) FROM scoped_observation "
                    "WHERE indicator_id = 'inspirons_projects_funded_total'") == [(21, 0, "2021-2025")]


def test_rent_allowance_city_only_as_its_districts(built):
    communes = q(built, "SELECT nis_code FROM observation WHERE indicator_id = 'allocation_loyer_avg_monthly_amount' "
                        "ORDER BY nis_code")
    assert len(communes) == 19 and ("21004",) not in communes and ("04000",) in communes
    districts = q(built, "SELECT s.scope_id, s.value, c.label_fr FROM scoped_observation s JOIN scope c USING (scope_id) "
                         "WHERE indicator_id = 'allocation_loyer_avg_monthly_amount' ORDER BY scope_id")
    assert [d[:2] for d in districts] == [("district_bruxelles", 236.0), ("district_haren", 234.0),
                                          ("district_laeken", 244.0), ("district_noh", 255.0)]
    assert all("Ville de Bruxelles" in d[2] for d in districts)


def test_social_economy_figures_with_definitions(built):
    got = dict(q(built, "SELECT indicator_id, value FROM observation WHERE nis_code = '04000' AND indicator_id IN "
                        "('accredited_social_enterprises', 'esmi_enterprises', "
                        "'esmi_target_public_workers_fte')"))
    assert got == {"accredited_social_enterprises": 161, "esmi_enterprises": 122,
                   "esmi_target_public_workers_fte": 1886.71}
    (unit, fr, nl, en), = q(built, "SELECT unit_id, description_fr, description_nl, description_en FROM indicator "
                                   "WHERE indicator_id = 'esmi_target_public_workers_fte'")
    assert unit == "fte" and "pas des personnes" in fr and "geen personen" in nl and "not persons" in en
    public = [r[0] for r in q(built, "SELECT indicator_id FROM indicator_display WHERE place = 'jobs_public'")]
    assert {"accredited_social_enterprises", "esmi_enterprises", "esmi_target_public_workers_fte",
            "art60_posts_social_economy_budget_final", "actiris_cpas_measure_jobseekers_accompanied"} <= set(public)


def test_a_figure_given_twice_is_kept_once_citing_both(built):
    """WEEE collected for re-use in Recyparks: the same written answer recorded under two names, one as the
    region, one as the Recyparks' re-use areas (the whole Region): one regional figure, two sources."""
    rows = q(built, "SELECT year, value, source_ids FROM observation WHERE indicator_id = "
                    "'reuse_weee_collected_social_economy_recypark' ORDER BY year")
    assert [(y, v) for y, v, _ in rows] == [(2023, 18), (2024, 19), (2025, 38)]
    assert all(set(s.split(";")) == {"SRC_QE_170229_2026", "SRC_QE059_2026_RECYPARK"} for *_, s in rows)
    assert q(built, "SELECT count(*) FROM scoped_observation WHERE indicator_id = "
                    "'reuse_weee_collected_social_economy_recypark'") == [(0,)]
    # mobile Recypark 2023 total: the compiled file and the additions, one figure
    (n, sources), = q(built, "SELECT count(*), min(source_ids) FROM scoped_observation "
                             "WHERE indicator_id = 'recypark_mobile_collected' AND year = 2023")
    assert n == 1 and set(sources.split(";")) == {"SRC_ARP_RECYPARK_2023", "SRC_ARP_RECYPARK_MOBILE_2023"}
    # IBSA's 0.38 places per child is the catalogue's 38 places per 100 children
    (value, sources), = q(built, "SELECT value, source_ids FROM observation WHERE indicator_id = 'childcare_coverage_rate' "
                                 "AND nis_code = '04000' AND year = 2018")
    assert value == 38 and "SRC_IBSA_CHILDCARE_2019_11" in sources


def test_undated_rows_are_never_given_a_year(built):
    rows = q(built, "SELECT indicator_id, value, year, ref_period FROM scoped_observation WHERE input_file LIKE "
                    "'%additions%' AND indicator_id IN ('ilde_ei_accredited_count', "
                    "'art60_growth_local_authority_asbl') ORDER BY indicator_id, value")
    assert [r[:3] for r in rows] == [("art60_growth_local_authority_asbl", 58, None),
                                     ("ilde_ei_accredited_count", 36, None), ("ilde_ei_accredited_count", 88, None)]
    # the 2008 and 2018 press counts (publication years, no reference period) repeat the compiled undated
    # rows: one figure each, citing both collections' sources
    rows = q(built, "SELECT value, year, source_ids FROM scoped_observation WHERE indicator_id = 'ris_recipients' "
                    "AND value IN (30694, 33726) ORDER BY value")
    assert [(v, y) for v, y, _ in rows] == [(30694, None), (33726, None)]
    assert set(rows[0][2].split(";")) == {"SRC_HLN_LEEFLOON_2018", "SRC_HLN_LEEFLONERS_2018_04"}
    assert q(built, "SELECT count(*) FROM observation WHERE input_file LIKE '%additions%' AND "
                    "(ref_period ILIKE 'reported%' OR ref_period ILIKE '%not stated%' OR ref_period = 'undated')") == [(0,)]


def test_every_scoped_figure_has_labels_in_three_languages(built):
    assert q(built, "SELECT count(*) FROM scoped_observation s WHERE scope_id IS NULL AND NOT "
                    "(regexp_full_match(scope, '[0-9]{5}') OR lower(scope) IN (SELECT lower(name_fr) FROM commune))") == [(0,)]
    assert q(built, "SELECT count(*) FROM scope WHERE label_fr = '' OR label_nl = '' OR label_en = ''") == [(0,)]


def test_onem_rate_is_not_published_for_the_region(built):
    assert q(built, "SELECT count(*) FROM observation WHERE indicator_id = 'onem_unemployment_rate_annual_avg' "
                    "AND nis_code = '04000'") == [(0,)]
    assert q(built, "SELECT indicator_id FROM indicator_display WHERE place = 'region_not_published'") == [
        ("onem_unemployment_rate_annual_avg",)]


def _add(data: Path, name: str, body: str) -> Path:
    path = data / "raw" / "facts" / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _fails(data: Path) -> BuildError:
    before = (data / "impact.duckdb").read_bytes()
    with pytest.raises(BuildError) as exc:
        build(data, log=QUIET)
    assert (data / "impact.duckdb").read_bytes() == before
    return exc.value


def test_a_contradicting_scoped_figure_fails_naming_both_files_and_rows(data_copy):
    """The additions give the 2023 mobile Recypark total as 1780 t; a file saying 1700 t contradicts it."""
    _add(data_copy, "zz_more.csv", "04000,2023,recypark_mobile_waste_collected_tonnes,1700,tonnes,"
                                   "SRC_ARP_RECYPARK_MOBILE_2023,2023,,programme\n")
    err = _fails(data_copy)
    (p,) = [p for p in err.problems if "recypark_mobile_collected" in p.reason]
    assert "files disagree" in p.reason and "zz_more.csv row 2 = 1700" in p.reason
    assert "additions_2026_12.csv row" in p.reason and "waste_reuse.csv row" in p.reason and "1780" in p.reason


def test_a_contradicting_observation_fails_naming_both_files_and_rows(data_copy):
    _add(data_copy, "zz_more.csv", "21001,2024,inspirons_quartier_citizen_projects_funded,9,count,SRC_QE_170126_2026,"
                                   "2024,,commune\n")
    err = _fails(data_copy)
    (p,) = err.problems
    assert "21001 inspirons_projects_funded 2024: files disagree" in p.reason
    assert "additions_2026_12.csv row" in p.reason and "zz_more.csv row 2 = 9" in p.reason


def test_a_whole_region_figure_contradicting_the_region_fails(data_copy):
    _add(data_copy, "zz_more.csv", "04000,2024,reuse_deee_collected_social_economy_recypark_tonnes,25,tonnes,"
                                   "SRC_QE_170229_2026,2024,,programme\n")
    err = _fails(data_copy)
    assert any("files disagree" in p.reason and "zz_more.csv row 2 = 25" in p.reason and "= 19" in p.reason
               for p in err.problems), err.problems


def test_an_equal_figure_from_another_file_merges(data_copy):
    _add(data_copy, "zz_more.csv", "04000,2026,social_enterprises_accredited,161,count,SRC_QE_170237_2026,2026-07-01,,"
                                   "region\n")
    build(data_copy, log=QUIET)
    assert q(data_copy, "SELECT value, source_ids FROM observation WHERE indicator_id = 'accredited_social_enterprises'") \
        == [(161.0, "SRC_QE_170129_2026;SRC_QE_170237_2026")]


@pytest.mark.parametrize("row, column, reason", [
    ("04000,2021-2019,inspirons_quartier_goodfood_projects_funded,3,count,SRC_QE_170126_2026,,,region\n", "year",
     "span of years"),
    ("04000,2025,childcare_coverage_places_per_child_under3,38,percent,SRC_IBSA_CHILDCARE_2019_11,2025,,region\n",
     "unit", "fact_aliases.csv"),
    ("04000,2025,reuse_weee_collected_social_economy_recypark,3,tonnes,SRC_QE_170229_2026,2025,,the moon\n",
     "scope", "scope 'the moon' has no labels"),
])
def test_bad_additions_rows_fail_precisely(data_copy, row, column, reason):
    _add(data_copy, "zz_bad.csv", row)
    err = _fails(data_copy)
    (p,) = err.problems
    assert (p.file.endswith("zz_bad.csv"), p.row, p.column) == (True, 2, column) and reason in p.reason


def test_a_reported_date_is_not_a_year(data_copy):
    _add(data_copy, "zz_more.csv", "04000,2019,goodfood_labelled_schools_count,4,schools,SRC_RTL_GOODFOOD_SCHOOLS_2025_12,"
                                   "reported 2019-05-02; reference period not stated,,region\n")
    build(data_copy, log=QUIET)
    assert q(data_copy, "SELECT year, scope_id FROM scoped_observation WHERE input_file LIKE '%zz_more.csv'") == [
        (None, "region")]
