"""Every cached query of the published database, keyed by its file version (``connection.version()``):
a swapped-in database is read on the next rerun, and a rerun reuses what the last one read.

Reference tables (communes, indicators, sources, tips), observations, the Jobs / Re-use / Operators
tables, the five tips scorecard's criteria and assessment history, the last ETL run, geometry and
the member templates. Every query binds its parameters. Frames are kept once per process and read as
shallow copies (``data.cache.shared``); the geometry (nested dicts) is copied on every read.
"""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard.data.cache import shared
from dashboard.data.connection import query

# ------------------------------------------------------------------ reference tables and observations

@shared(4)
def communes(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM commune ORDER BY nis_code", ver=ver)


@shared(4)
def indicators(ver: str) -> pd.DataFrame:
    return query(
        "SELECT i.*, u.label_fr AS unit_fr, u.label_nl AS unit_nl, u.label_en AS unit_en, "
        "  (SELECT count(*) FROM observation o WHERE o.indicator_id = i.indicator_id) AS n_obs, "
        "  (SELECT count(DISTINCT nis_code) FROM observation o WHERE o.indicator_id = i.indicator_id "
        "     AND o.nis_code <> '04000') AS n_communes, "
        "  (SELECT count(*) FROM observation o WHERE o.indicator_id = i.indicator_id AND o.quality = 'example') "
        "     AS n_example, "
        "  NOT EXISTS (SELECT 1 FROM indicator_display d WHERE d.place = 'region_not_published' "
        "     AND d.indicator_id = i.indicator_id) AS region_published "
        "FROM indicator i JOIN unit u USING (unit_id) ORDER BY sort_order, indicator_id", ver=ver).set_index(
        "indicator_id", drop=False)


@shared(512)    # every indicator of a version (a few hundred)
def observations(ver: str, indicator_id: str) -> pd.DataFrame:
    return query("SELECT o.nis_code, o.year, o.value, o.source_id, o.source_ids, o.quality, o.ref_period, o.note "
                 "FROM observation o WHERE o.indicator_id = ? ORDER BY o.year, o.nis_code", [indicator_id], ver=ver)


@shared(48)     # the 19 communes and the region, two versions
def observations_for_commune(ver: str, nis_code: str) -> pd.DataFrame:
    return query("SELECT o.indicator_id, o.nis_code, o.year, o.value, o.source_id, o.quality "
                 "FROM observation o WHERE o.nis_code IN (?, '04000') ORDER BY indicator_id, year", [nis_code], ver=ver)


def observations_of(ver: str, indicator_ids) -> pd.DataFrame:
    """The observations of several indicators in one long frame (with ``indicator_id``)."""
    if not indicator_ids:
        return pd.DataFrame(columns=["indicator_id", "nis_code", "year", "value", "source_id", "quality"])
    return pd.concat([observations(ver, i).assign(indicator_id=i) for i in indicator_ids], ignore_index=True)


@shared(4)
def all_observations(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM observation ORDER BY indicator_id, nis_code, year", ver=ver)


@shared(4)
def scoped(ver: str) -> pd.DataFrame:
    """Scoped figures with their scope's labels (``scope_fr``, ``scope_nl``, ``scope_en``; empty for a commune,
    whose names are the labels)."""
    return query("SELECT s.*, c.label_fr AS scope_fr, c.label_nl AS scope_nl, c.label_en AS scope_en "
                 "FROM scoped_observation s LEFT JOIN scope c USING (scope_id) ORDER BY indicator_id, year", ver=ver)


@shared(4)
def sources(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM source ORDER BY source_id", ver=ver).set_index("source_id", drop=False)


@shared(4)
def tips(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM tip ORDER BY tip_id", ver=ver)


@shared(4)
def operators(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM operator ORDER BY nis_code, name", ver=ver)


@shared(4)
def last_run(ver: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    run = query("SELECT * FROM etl_run ORDER BY finished_at DESC LIMIT 1", ver=ver)
    inputs = query("SELECT path, kind, sha256, bytes, rows_read FROM etl_input WHERE run_id = ? ORDER BY path",
                   [run["run_id"].iloc[0]] if len(run) else [""], ver=ver)
    return run, inputs


@st.cache_data(max_entries=4, show_spinner=False)
def geometry(ver: str) -> dict | None:
    """FeatureCollection of the 19 communes (feature id = NIS code), or None when no boundaries were loaded."""
    rows = query("SELECT nis_code, geojson FROM commune_geometry ORDER BY nis_code", ver=ver)
    if rows.empty:
        return None
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r.nis_code, "properties": {"nis_code": r.nis_code}, "geometry": json.loads(r.geojson)}
        for r in rows.itertuples()]}


@shared(4)
def geometry_sources(ver: str) -> pd.DataFrame:
    """The source and file of the loaded boundaries (one row; none without boundaries)."""
    return query("SELECT DISTINCT source_id, source_file FROM commune_geometry ORDER BY ALL", ver=ver)


@shared(8)      # three languages, two versions
def templates(ver: str, lang: str = "en") -> tuple[pd.DataFrame, str]:
    """(the fill-in template files with their bytes, their documentation in markdown in ``lang`` when it is
    translated, else the reference README)."""
    files = query("SELECT file_name, template, format, content FROM template_file ORDER BY template, format", ver=ver)
    doc = query("SELECT markdown FROM template_doc WHERE doc_id IN ('templates', 'templates_' || ?) "
                "ORDER BY doc_id = 'templates'", [lang], ver=ver)
    return files, (doc["markdown"].iloc[0] if len(doc) else "")


# ------------------------------------------------------------------ Jobs, Re-use & waste, Operators

@shared(4)
def operator_sites(ver: str) -> pd.DataFrame:
    """Every operator site with both commune names and its commune's centroid (for sites without coordinates)."""
    return query(
        "SELECT o.*, c.name_fr, c.name_nl, c.name_en, g.centroid_lon, g.centroid_lat, s.publisher AS source_publisher "
        "FROM operator o LEFT JOIN commune c USING (nis_code) LEFT JOIN commune_geometry g USING (nis_code) "
        "LEFT JOIN source s ON s.source_id = o.source_id ORDER BY o.nis_code, o.name", ver=ver)


@shared(4)
def jobs_by_site(ver: str) -> pd.DataFrame:
    return query(
        "SELECT j.*, o.nis_code, o.category, o.name FROM operator_jobs j JOIN operator o USING (operator_id) "
        "ORDER BY j.year, o.nis_code", ver=ver)


@shared(4)
def flows_by_site(ver: str) -> pd.DataFrame:
    return query(
        "SELECT f.*, o.nis_code, o.category, o.name FROM reuse_flow f JOIN operator o USING (operator_id) "
        "ORDER BY f.year, o.nis_code", ver=ver)


# ------------------------------------------------------------------ five tips scorecard

@shared(4)
def criteria(ver: str) -> pd.DataFrame:
    return query("SELECT * FROM tip_criterion ORDER BY tip_id, criterion_id", ver=ver)


@shared(4)
def history(ver: str) -> pd.DataFrame:
    """Every assessment (append-only history), oldest first."""
    df = query("SELECT a.nis_code, a.criterion_id, a.assessed_on, a.status, a.evidence_url, a.note, a.source_id, "
               "a.quality, a.input_file, c.tip_id FROM tip_assessment a JOIN tip_criterion c USING (criterion_id) "
               "ORDER BY a.nis_code, a.criterion_id, a.assessed_on", ver=ver)
    df["assessed_on"] = pd.to_datetime(df["assessed_on"])
    return df


def counts(ver: str) -> pd.DataFrame:
    """Assessments per commune and quality (what an upload changes)."""
    return query("SELECT nis_code, quality, count(*) AS n FROM tip_assessment GROUP BY ALL ORDER BY ALL", ver=ver)


# ------------------------------------------------------------------ vocabularies and display places (catalogue data)

@shared(4)
def tip_statuses(ver: str) -> pd.DataFrame:
    """The tip-status vocabulary (status, rank, action value, commitment, icon, labels), in rank order."""
    return query("SELECT * FROM tip_status ORDER BY rank", ver=ver)


@shared(4)
def reuse_streams(ver: str) -> pd.DataFrame:
    """The re-use stream vocabulary (stream, position, labels), in display order."""
    return query("SELECT * FROM reuse_stream ORDER BY position", ver=ver)


@shared(4)
def display_places(ver: str) -> dict[str, list[str]]:
    """place -> indicator ids in position order (``indicator_display``: headline figures, key figures,
    default indicators of the pages, the Jobs / Re-use blocks)."""
    rows = query("SELECT place, indicator_id FROM indicator_display ORDER BY place, position", ver=ver)
    return {place: list(g["indicator_id"]) for place, g in rows.groupby("place", sort=False)}


# ------------------------------------------------------------------ who reported the reviewed inputs

@st.cache_data(max_entries=4, show_spinner=False)
def provenance(ver: str) -> pd.DataFrame:
    """Every input that came through the review queue: organisation (empty: the federation's editors), kind,
    submission and approval times, and what it gave (rows, communes, first and last year)."""
    return query(
        "WITH given AS ("
        "  SELECT j.input_file, o.nis_code, j.year FROM operator_jobs j JOIN operator o USING (operator_id) "
        "  UNION ALL SELECT f.input_file, o.nis_code, f.year FROM reuse_flow f JOIN operator o USING (operator_id) "
        "  UNION ALL SELECT input_file, nis_code, NULL FROM operator "
        "  UNION ALL SELECT input_file, nis_code, year(assessed_on) FROM tip_assessment) "
        "SELECT p.organisation, p.role, p.kind, p.submitted_at, p.approved_at, p.input_file, "
        "  count(g.input_file) AS n_rows, string_agg(DISTINCT g.nis_code, ';' ORDER BY g.nis_code) AS communes, "
        "  min(g.year) AS year_min, max(g.year) AS year_max "
        "FROM input_provenance p LEFT JOIN given g USING (input_file) GROUP BY ALL "
        "ORDER BY p.approved_at DESC, p.input_file", ver=ver)
