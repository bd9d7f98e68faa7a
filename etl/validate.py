"""``python -m etl validate FILE...``: check inputs against the catalogue without touching the database."""
from __future__ import annotations

from pathlib import Path

from .build import ROOT
from .errors import InputError, Problem
from .readers import read_table

GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}


def _kind(path: Path) -> str:
    name = path.name.upper()
    if name.startswith("TF_SOC_POP_STRUCT"):
        return "statbel_population"
    if name.startswith("TF_PSNL_INC_TAX_MUNTY"):
        return "statbel_income"
    if name.startswith("REFNIS"):
        return "statbel_refnis"
    if path.suffix.lower() in GEO_SUFFIXES or "STATISTICAL_SECTORS" in name:
        return "boundaries"
    if path.suffix.lower() == ".zip":
        return "boundaries"
    header = set(read_table(path).frame.columns)
    from .sources.assessments import is_assessment_header
    if is_assessment_header(header - {"_row"}):
        return "assessments"
    if {"nis_code", "indicator", "value"} <= header:
        return "facts"
    if {"name_fr", "name_nl", "area_km2"} <= header:
        return "communes"
    if {"name", "category", "postal_code"} <= header:
        return "operators"
    return "unknown"


def validate_file(path: Path, data_dir: Path = ROOT / "data") -> tuple[list[Problem], str]:
    """Return (problems, one-line summary)."""
    from .catalog import load_catalog
    from .sources import statbel
    from .sources.communes import postal_index, read_communes
    from .sources.facts import check_and_load
    from .sources.operators import read_operator_directory

    try:
        kind = _kind(path)
        if kind == "boundaries":
            from .geo import load_boundaries
            return [], f"boundaries: {len(load_boundaries(path))} communes"
        if kind == "statbel_population":
            return [], f"population: {len(statbel.read_population(path))} rows"
        if kind == "statbel_income":
            return [], f"fiscal income: {len(statbel.read_income(path))} figures"
        if kind == "statbel_refnis":
            return [], f"REFNIS: {len(statbel.read_refnis(path))} codes"
        facts_dir = data_dir / "raw" / "facts"
        catalog = load_catalog(data_dir / "catalog", facts_dir / "sources.csv")
        communes, _ = read_communes(facts_dir / "communes.csv", catalog)
        if kind == "facts":
            import duckdb
            from .build import SCHEMA, load_reference_tables
            with duckdb.connect(":memory:") as con:     # a scratch database: the published one is never opened
                con.execute(SCHEMA.read_text())
                load_reference_tables(con, catalog, communes)
                problems, n = check_and_load(con, path, str(path))
                if problems:
                    return problems, ""
                obs, = con.execute("SELECT count(*) FROM _obs_stage").fetchone()
                scoped, = con.execute("SELECT count(*) FROM _scoped_stage").fetchone()
            return [], f"facts: {n} rows, {obs} observations, {scoped} scoped figures"
        if kind == "communes":
            return [], f"communes: {read_communes(path, catalog)[1]} rows"
        if kind == "assessments":
            return _validate_assessments(path, data_dir, catalog)
        if kind == "operators":
            return [], f"operators: {read_operator_directory(path, catalog, postal_index(communes))[1]} sites"
        return [Problem(str(path), 1, None, "unrecognised file: not a facts, communes, operators, Statbel or "
                                            "boundary file (check the header)")], ""
    except InputError as exc:
        return exc.problems, ""


def _validate_assessments(path: Path, data_dir: Path, catalog) -> tuple[list[Problem], str]:
    """The five-tips assessment template: codes, criteria, dates, statuses, links, sources."""
    from .sources.assessments import UPLOAD_SOURCE, read_assessment_file, read_criteria
    criteria = read_criteria(data_dir / "catalog" / "tip_criteria.csv", catalog)
    sources = catalog.sources.set_index("source_id")
    frame = read_assessment_file(path, set(criteria["criterion_id"]), sources, default_source=UPLOAD_SOURCE)
    return [], f"assessments: {len(frame)} rows, {frame['nis_code'].nunique()} communes"


def validate_files(paths: list[Path]) -> list[tuple[Path, list[Problem], str]]:
    return [(p, *validate_file(p)) for p in paths]
