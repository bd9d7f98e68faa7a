"""The metadata catalogue in data/catalog (indicators, units, sources, tips, tile grid) plus the sources
list of data/raw/facts/sources.csv: read and cross-checked as a whole, first in the build (every later
source names its indicators, units and sources)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..codes import COMMUNES
from ..errors import ProblemList
from ..readers import duplicate_rows, numbers, read_table, require_columns
from .base import Source, Step, insert_frame

INDICATOR_COLUMNS = [
    "indicator_id", "topic", "theme", "unit_id", "decimals", "direction", "kind", "denominators", "definition",
    "label_fr", "label_nl", "label_en", "description_fr", "description_nl", "description_en", "source_ids",
    "quality", "sort_order",
]
OPTIONAL_INDICATOR = {"denominators", "definition"}
TOPICS = {"tip1", "tip2", "tip3", "tip4", "tip5", "context"}
KINDS = {"count", "rate", "amount", "average", "flag"}
DIRECTIONS = {"higher_better", "lower_better", "neutral"}
QUALITIES = {"official", "reported", "example"}
DENOMINATORS = {"population", "area", "households", "unemployed"}


@dataclass
class Catalog:
    units: pd.DataFrame
    unit_map: dict[str, str]
    indicators: pd.DataFrame
    sources: pd.DataFrame
    tips: pd.DataFrame
    tiles: pd.DataFrame
    files: list[tuple[Path, int]] = field(default_factory=list)
    check_values: pd.DataFrame = field(default_factory=pd.DataFrame)

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.indicators.loc[indicator_id]


def _load(path: Path, required, optional=(), files=None) -> tuple[pd.DataFrame, object]:
    table = read_table(path)
    frame = require_columns(table, list(required), list(optional))
    if files is not None:
        files.append((path, len(frame)))
    return frame, table


def _load_all(directory: Path, stem: str, required, optional=(), files=None) -> tuple[pd.DataFrame, object]:
    """``<stem>.csv`` plus any ``<stem>_<part>.csv`` (one per feature), concatenated; ``_row`` stays per file
    and a ``_file`` column remembers where each row came from."""
    paths = [directory / f"{stem}.csv"] + sorted(directory.glob(f"{stem}_*.csv"))
    frames, table = [], None
    for path in paths:
        frame, t = _load(path, required, optional, files)
        frames.append(frame.assign(_file=t.name))
        table = table or t
    return pd.concat(frames, ignore_index=True), table


def _files(frame, table):
    return frame["_file"] if "_file" in frame else [table.name] * len(frame)


def _enum(frame, table, column, allowed, problems):
    for v, row, name in zip(frame[column], frame["_row"], _files(frame, table)):
        if v not in allowed:
            problems.add(name, f"'{v}' is not one of {', '.join(sorted(allowed))}", row=int(row), column=column)


def _required(frame, table, columns, problems):
    for c in columns:
        for v, row, name in zip(frame[c], frame["_row"], _files(frame, table)):
            if not v:
                problems.add(name, "value is required", row=int(row), column=c)


def load_catalog(catalog_dir: Path, facts_sources: Path) -> Catalog:
    """Read and cross-check the catalogue; raise InputError listing every problem."""
    files: list[tuple[Path, int]] = []
    problems = ProblemList()

    units, t = _load_all(catalog_dir, "units", ["unit_id", "label_fr", "label_nl", "label_en"], files=files)
    _required(units, t, ["unit_id", "label_fr", "label_nl", "label_en"], problems)
    duplicate_rows(t.name, units, ["unit_id"], problems)
    unit_ids = set(units["unit_id"])

    umap, t = _load(catalog_dir / "unit_map.csv", ["fact_unit", "unit_id"], files=files)
    _enum(umap, t, "unit_id", unit_ids, problems)
    duplicate_rows(t.name, umap, ["fact_unit"], problems)

    sources, t = _load(facts_sources, ["source_id", "publisher", "title", "url", "reference_date", "licence", "notes"],
                       ["retrieved"], files=files)
    _required(sources, t, ["source_id", "publisher", "title"], problems)
    duplicate_rows(t.name, sources, ["source_id"], problems)
    quality, tq = _load(catalog_dir / "source_quality.csv", ["source_id", "quality"], files=files)
    _enum(quality, tq, "quality", QUALITIES, problems)
    qmap = dict(zip(quality["source_id"], quality["quality"]))
    for sid, row in zip(sources["source_id"], sources["_row"]):
        if sid not in qmap:
            problems.add(tq.name, f"source {sid} (defined in {t.name} row {row}) has no quality tier", column="source_id")
    sources["quality"] = sources["source_id"].map(qmap)
    source_ids = set(sources["source_id"])
    # extra sources of our own (publisher files, templates, example data): sources_extra*.csv
    for extra_path in sorted(catalog_dir.glob("sources_extra*.csv")):
        extra, te = _load(extra_path, ["source_id", "publisher", "title", "url", "reference_date", "licence", "notes",
                                       "quality"], ["retrieved"], files=files)
        _enum(extra, te, "quality", QUALITIES, problems)
        for sid, row in zip(extra["source_id"], extra["_row"]):
            if sid in source_ids:
                problems.add(te.name, f"source {sid} is already defined", row=int(row), column="source_id")
        sources = pd.concat([sources, extra], ignore_index=True)
        source_ids = set(sources["source_id"])

    ind, t = _load_all(catalog_dir, "indicators", INDICATOR_COLUMNS, files=files)
    _required(ind, t, [c for c in INDICATOR_COLUMNS if c not in OPTIONAL_INDICATOR], problems)
    duplicate_rows(t.name, ind, ["indicator_id"], problems)
    _enum(ind, t, "topic", TOPICS, problems)
    _enum(ind, t, "kind", KINDS, problems)
    _enum(ind, t, "direction", DIRECTIONS, problems)
    _enum(ind, t, "quality", QUALITIES, problems)
    _enum(ind, t, "unit_id", unit_ids, problems)
    for v, row in zip(ind["denominators"], ind["_row"]):
        for d in filter(None, v.split(";")):
            if d not in DENOMINATORS:
                problems.add(t.name, f"unknown denominator '{d}' (known: {', '.join(sorted(DENOMINATORS))})",
                             row=int(row), column="denominators")
    for v, row in zip(ind["source_ids"], ind["_row"]):
        for sid in filter(None, v.split(";")):
            if sid not in source_ids:
                problems.add(t.name, f"unknown source '{sid}'", row=int(row), column="source_ids")
    ind["decimals"] = numbers(t, ind, "decimals", problems, integer=True, non_negative=True)
    ind["sort_order"] = numbers(t, ind, "sort_order", problems, integer=True)
    for v, row in zip(ind["decimals"], ind["_row"]):
        if v == v and not 0 <= v <= 4:
            problems.add(t.name, f"decimals must be 0-4, not {v:g}", row=int(row), column="decimals")

    tips, t = _load(catalog_dir / "tips.csv",
                    ["tip_id", "title_fr", "title_nl", "title_en", "summary_fr", "summary_nl", "summary_en"], files=files)
    _required(tips, t, list(tips.columns.drop("_row")), problems)
    if sorted(tips["tip_id"]) != ["1", "2", "3", "4", "5"]:
        problems.add(t.name, f"tips must be exactly 1-5, found {', '.join(tips['tip_id'])}", column="tip_id")

    tiles, t = _load(catalog_dir / "tile_grid.csv", ["nis_code", "tile_row", "tile_col"], files=files)
    if sorted(tiles["nis_code"]) != sorted(COMMUNES):
        problems.add(t.name, "the tile grid must list each of the 19 communes once", column="nis_code")
    duplicate_rows(t.name, tiles, ["tile_row", "tile_col"], problems)

    checks = pd.DataFrame()
    if (catalog_dir / "check_values.csv").exists():
        checks, tc = _load(catalog_dir / "check_values.csv",
                           ["indicator_id", "nis_code", "year", "value", "tolerance", "reference"], files=files)
        checks["value"] = numbers(tc, checks, "value", problems)
        checks["tolerance"] = numbers(tc, checks, "tolerance", problems, non_negative=True)
        checks["year"] = numbers(tc, checks, "year", problems, integer=True)
        _enum(checks, tc, "indicator_id", set(ind["indicator_id"]), problems)
    problems.raise_if_any()

    ind = ind.astype({"decimals": int, "sort_order": int}).set_index("indicator_id", drop=False)
    return Catalog(
        units=units.drop(columns=["_row", "_file"]),
        unit_map=dict(zip(umap["fact_unit"], umap["unit_id"])),
        indicators=ind.drop(columns=["_row", "_file"]),
        sources=sources.drop(columns="_row"),
        tips=tips.drop(columns="_row").astype({"tip_id": int}),
        tiles=tiles.drop(columns="_row").astype({"tile_row": int, "tile_col": int}),
        files=files,
        check_values=checks.drop(columns="_row").astype({"year": int}) if len(checks) else checks,
    )


def insert_catalog(con, catalog: Catalog) -> None:
    """The catalogue's tables in a new database."""
    insert_frame(con, "source", catalog.sources)
    insert_frame(con, "unit", catalog.units)
    insert_frame(con, "indicator", catalog.indicators.reset_index(drop=True))
    insert_frame(con, "tip", catalog.tips)


def load(step: Step) -> list:
    catalog = load_catalog(step.data_dir / "catalog", step.data_dir / "raw" / "facts" / "sources.csv")
    for path, rows in catalog.files:
        step.inputs.add(path, "catalog", rows)
    insert_catalog(step.con, catalog)
    step.catalog = catalog
    return []


SOURCE = Source("catalog", load)
