"""The metadata catalogue in data/catalog (indicators, units, sources, tips, tile grid, the vocabularies
of tip statuses and re-use streams, the display choices, the aliases of fact indicators) plus the
sources lists of data/raw/facts/sources*.csv: read and cross-checked as a whole, first in the build (every later source
names its indicators, units, sources, statuses or streams). data/catalog/README.md documents the files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..codes import COMMUNES
from ..errors import InputError, ProblemList
from ..readers import duplicate_rows, fold, numbers, read_table, require_columns
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
LABELS = ["label_fr", "label_nl", "label_en"]
LICENCE_LABELS = LABELS
# the app's places for indicators (data/catalog/display.csv) -> how many each holds (None: an ordered list);
# data/catalog/README.md says what each place is
DISPLAY_PLACES = {
    "overview_headline": None, "overview_map": 1, "map_default": 1, "profile_key": None, "fiche_key": None,
    "compare_x": 1, "compare_y": 1, "jobs_map": None, "jobs_trend": None, "jobs_public": None,
    "reuse_map": None, "reuse_trend": None, "reuse_public": None, "embed_default": 1,
    "summary_context": None, "summary_members": None,
    "overview_delivery": None, "tip1_context": None, "tip2_context": None, "tip3_context": None,
    "tip4_context": None, "tip5_context": None, "region_not_published": None,
}


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of codes, in order, with labels and the words people may type for each code."""

    frame: pd.DataFrame            # one row per code, in order; the table's columns
    key: str                       # the code column
    words: dict[str, str]          # lower-case accepted word (the code itself included) -> code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.frame[self.key])

    def code(self, text) -> str | None:
        """The code a typed word means (case aside), None when it is not known."""
        return self.words.get(str(text or "").strip().lower())


class TipStatuses(Vocabulary):
    """``tip_statuses.csv``: the statuses of a tip criterion, lowest rank first (rank 0: unknown, no evidence)."""

    @property
    def rank(self) -> dict[str, int]:
        return dict(zip(self.frame["status"], self.frame["rank"]))

    @property
    def unknown(self) -> str:
        return self.codes[0]

    @property
    def commitments(self) -> set[str]:
        """The statuses that count as a commitment (they need an evidence link)."""
        return set(self.frame.loc[self.frame["counts_as_commitment"], "status"])


class ReuseStreams(Vocabulary):
    """``reuse_streams.csv``: the streams of re-use flows; a typed name also matches without accents and
    punctuation ('Électroménager' -> weee)."""

    @cached_property
    def folded(self) -> dict[str, str]:
        return {fold(k): v for k, v in self.words.items()}

    def code(self, text) -> str | None:
        return super().code(text) or self.folded.get(fold(text))

    def hint(self) -> str:
        """'textiles/textiel, furniture/meubles/meubelen, ...' for messages (``example_words``)."""
        return ", ".join("/".join([r.stream, *filter(None, r.example_words.split(";"))])
                         for r in self.frame.itertuples())


@dataclass
class Catalog:
    units: pd.DataFrame
    unit_map: dict[str, str]
    indicators: pd.DataFrame
    sources: pd.DataFrame
    tips: pd.DataFrame
    tiles: pd.DataFrame
    tip_statuses: TipStatuses
    reuse_streams: ReuseStreams
    display: pd.DataFrame
    files: list[tuple[Path, int]] = field(default_factory=list)
    check_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    fact_aliases: pd.DataFrame = field(default_factory=pd.DataFrame)   # fact_aliases.csv (read_fact_aliases)
    scopes: pd.DataFrame = field(default_factory=pd.DataFrame)         # scopes.csv (read_scopes)
    scope_rules: pd.DataFrame = field(default_factory=pd.DataFrame)    # scope_rules.csv (read_scopes)

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


def _vocabulary(path: Path, key: str, order: str, columns: list[str], optional: list[str], files):
    """(frame in order, table, words, problems) of a vocabulary file with ``input_words`` (';'-separated)."""
    problems = ProblemList()
    frame, t = _load(path, [key, order, *columns, "input_words"], optional, files)
    _required(frame, t, [key, order, *columns], problems)
    for v, row in zip(frame[key], frame["_row"]):
        if v and not re.fullmatch(r"[a-z0-9_]+", v):
            problems.add(t.name, f"'{v}' is not a snake_case code", row=int(row), column=key)
    frame[order] = numbers(t, frame, order, problems, integer=True, non_negative=True)
    duplicate_rows(t.name, frame, [key], problems)
    duplicate_rows(t.name, frame, [order], problems)
    words: dict[str, str] = {}
    for code, text, row in zip(frame[key], frame["input_words"], frame["_row"]):
        for word in [code, *(w.strip() for w in text.split(";") if w.strip())]:
            if words.get(word.lower(), code) != code:
                problems.add(t.name, f"'{word}' already means {words[word.lower()]}", row=int(row),
                             column="input_words")
            words[word.lower()] = code
    return frame, t, words, problems


def read_tip_statuses(path: Path, files=None) -> TipStatuses:
    frame, t, words, problems = _vocabulary(path, "status", "rank", ["action_value", "counts_as_commitment", "icon",
                                                                     *LABELS], [], files)
    frame["action_value"] = numbers(t, frame, "action_value", problems, non_negative=True)
    for v, row in zip(frame["action_value"], frame["_row"]):
        if v == v and v > 1:
            problems.add(t.name, f"action_value must be 0-1, not {v:g}", row=int(row), column="action_value")
    _enum(frame, t, "counts_as_commitment", {"true", "false"}, problems)
    problems.raise_if_any()
    frame = frame.astype({"rank": int}).sort_values("rank").reset_index(drop=True)
    frame["counts_as_commitment"] = frame["counts_as_commitment"] == "true"
    return TipStatuses(frame.drop(columns="_row"), "status", words)


def read_reuse_streams(path: Path, files=None) -> ReuseStreams:
    frame, t, words, problems = _vocabulary(path, "stream", "position", LABELS, ["example_words"], files)
    for code, text, row in zip(frame["stream"], frame["example_words"], frame["_row"]):
        for word in filter(None, text.split(";")):
            if words.get(word.lower()) != code:
                problems.add(t.name, f"'{word}' is not one of the input words of {code}", row=int(row),
                             column="example_words")
    problems.raise_if_any()
    frame = frame.astype({"position": int}).sort_values("position").reset_index(drop=True)
    return ReuseStreams(frame.drop(columns="_row"), "stream", words)


ALIAS_COLUMNS = ["fact_indicator", "fact_unit", "indicator_id", "factor", "reason"]


def read_fact_aliases(path: Path, indicators: pd.DataFrame, files=None) -> pd.DataFrame:
    """``fact_aliases.csv``: a fact file's indicator name that is the same figure as a catalogued indicator
    (a later collection naming it differently, or in another unit): its rows load as that indicator, the
    value times ``factor`` (``fact_unit`` is the unit those rows must give), so the same figure from two
    files merges into one, and a different value is a contradiction the build reports."""
    problems = ProblemList()
    frame, t = _load(path, ALIAS_COLUMNS, files=files)
    _required(frame, t, ALIAS_COLUMNS, problems)
    _enum(frame, t, "indicator_id", set(indicators["indicator_id"]), problems)
    for v, row in zip(frame["fact_indicator"], frame["_row"]):
        if v in set(indicators["indicator_id"]):
            problems.add(t.name, f"'{v}' is a catalogued indicator, not an alias", row=int(row), column="fact_indicator")
    frame["factor"] = numbers(t, frame, "factor", problems)
    for v, row in zip(frame["factor"], frame["_row"]):
        if v == v and v <= 0:
            problems.add(t.name, f"factor must be positive, not {v:g}", row=int(row), column="factor")
    duplicate_rows(t.name, frame, ["fact_indicator"], problems)
    problems.raise_if_any()
    return frame.drop(columns="_row")


TEXT_COLUMNS = ["publisher_fr", "publisher_nl", "publisher_en", "title_fr", "title_nl", "title_en"]
DESCRIPTIONS = ["description_fr", "description_nl", "description_en"]
REFERENCE_DATES = ["reference_date_fr", "reference_date_nl", "reference_date_en"]


def with_texts(sources: pd.DataFrame, catalog_dir: Path, files=None) -> pd.DataFrame:
    """``sources`` with their texts in fr/nl/en: ``source_texts.csv`` (+ ``source_texts_<part>.csv``: publisher,
    title and description per language, the language of the publisher's own title, the licence) and
    ``licences.csv`` (each licence stated per language). Every source needs its texts (publisher and title in
    the three languages, a description in the three when it has notes); a text row for an unknown source or
    an unknown licence is refused."""
    problems = ProblemList()
    lic, tl = _load(catalog_dir / "licences.csv", ["licence_id", *LICENCE_LABELS], files=files)
    _required(lic, tl, ["licence_id", *LICENCE_LABELS], problems)
    duplicate_rows(tl.name, lic, ["licence_id"], problems)
    texts, tt = _load_all(catalog_dir, "source_texts", ["source_id", "own_language", "licence_id", *TEXT_COLUMNS,
                                                        *DESCRIPTIONS, *REFERENCE_DATES], files=files)
    _required(texts, tt, ["source_id", "licence_id", *TEXT_COLUMNS], problems)
    _enum(texts, tt, "own_language", {"", "fr", "nl", "en"}, problems)
    _enum(texts, tt, "licence_id", set(lic["licence_id"]), problems)
    _duplicates_across(texts, "source_id", problems)
    known = set(sources["source_id"])
    for sid, row, name in zip(texts["source_id"], texts["_row"], texts["_file"]):
        if sid not in known:
            problems.add(name, f"unknown source '{sid}'", row=int(row), column="source_id")
    have = dict(zip(texts["source_id"], zip(texts["_file"], texts["_row"])))
    for sid, notes, ref in zip(sources["source_id"], sources["notes"], sources["reference_date"]):
        if sid not in have:
            problems.add(tt.name, f"source {sid} has no texts in fr/nl/en: add a row (publisher, title, description per "
                                  "language, licence)", column="source_id")
            continue
        r = texts.loc[texts["source_id"] == sid].iloc[0]
        for c in (DESCRIPTIONS if notes else []) + (REFERENCE_DATES if ref else []):
            if not r[c]:
                problems.add(r["_file"], f"source {sid} has {'notes' if c in DESCRIPTIONS else 'a reference date'} "
                                         f"but no {c}", row=int(r["_row"]), column=c)
    problems.raise_if_any()
    labels = lic.set_index("licence_id")
    texts = texts.drop(columns=["_row", "_file"])
    for lang in ("fr", "nl", "en"):
        texts[f"licence_{lang}"] = texts["licence_id"].map(labels[f"label_{lang}"])
    return sources.merge(texts, on="source_id", how="left")


def read_scopes(catalog_dir: Path, indicator_ids: set[str], files=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``scopes.csv`` (scope_id, whole_region, labels fr/nl/en: what a scoped figure covers) and
    ``scope_rules.csv`` (scope as the fact files write it, optionally only for an indicator — ``x_*`` is a
    prefix — or for rows whose note contains ``note_contains``; the scope_id it is)."""
    problems = ProblemList()
    scopes, t = _load(catalog_dir / "scopes.csv", ["scope_id", "whole_region", *LABELS], files=files)
    _required(scopes, t, ["scope_id", "whole_region", *LABELS], problems)
    _enum(scopes, t, "whole_region", {"true", "false"}, problems)
    duplicate_rows(t.name, scopes, ["scope_id"], problems)
    rules, tr = _load(catalog_dir / "scope_rules.csv", ["scope", "indicator", "note_contains", "scope_id"], files=files)
    _required(rules, tr, ["scope", "scope_id"], problems)
    _enum(rules, tr, "scope_id", set(scopes["scope_id"]), problems)
    for v, row in zip(rules["indicator"], rules["_row"]):
        if v and not (v in indicator_ids or (v.endswith("*") and any(i.startswith(v[:-1]) for i in indicator_ids))):
            problems.add(tr.name, f"'{v}' is no catalogued indicator (nor a prefix of one, ending with *)", row=int(row),
                         column="indicator")
    rules["_scope"] = rules["scope"].str.lower()
    duplicate_rows(tr.name, rules, ["_scope", "indicator", "note_contains"], problems)
    problems.raise_if_any()
    scopes["whole_region"] = scopes["whole_region"] == "true"
    rules = rules.assign(position=range(1, len(rules) + 1)).drop(columns=["_row", "_scope"])
    return scopes.drop(columns="_row"), rules


def _duplicates_across(frame: pd.DataFrame, key: str, problems: ProblemList) -> None:
    """A key defined twice, in one file or in two (``_file``, ``_row``): one problem naming both places."""
    seen: dict[str, tuple[str, int]] = {}
    for k, name, row in zip(frame[key], frame["_file"], frame["_row"]):
        if k in seen:
            first = seen[k]
            problems.add(name, f"{key} {k} is already defined in {first[0]} row {first[1]}", row=int(row), column=key)
        else:
            seen[k] = (name, int(row))


def read_display(path: Path, indicator_ids: set[str], files=None) -> pd.DataFrame:
    """``display.csv``: which indicators the app shows in each of its places, in order."""
    problems = ProblemList()
    frame, t = _load(path, ["place", "position", "indicator_id"], files=files)
    _enum(frame, t, "place", set(DISPLAY_PLACES), problems)
    _enum(frame, t, "indicator_id", indicator_ids, problems)
    frame["position"] = numbers(t, frame, "position", problems, integer=True)
    for v, row in zip(frame["position"], frame["_row"]):
        if v == v and v < 1:
            problems.add(t.name, f"position must be 1 or more, not {v:g}", row=int(row), column="position")
    duplicate_rows(t.name, frame, ["place", "position"], problems)
    for place, n in frame.groupby("place").size().items():
        if DISPLAY_PLACES.get(place) not in (None, n):
            problems.add(t.name, f"place {place} holds one indicator, not {n}", column="place")
    problems.raise_if_any()
    return frame.astype({"position": int}).sort_values(["place", "position"]).drop(columns="_row")


def _collect(problems: ProblemList, read, *args, **kw):
    """``read(*args)``, its problems added to ``problems`` (None then)."""
    try:
        return read(*args, **kw)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


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

    # raw/facts/sources.csv and the sources of later collections (sources_<part>.csv), as compiled
    sources, t = _load_all(facts_sources.parent, facts_sources.stem,
                           ["source_id", "publisher", "title", "url", "reference_date", "licence", "notes"],
                           ["retrieved"], files=files)
    _required(sources, t, ["source_id", "publisher", "title"], problems)
    _duplicates_across(sources, "source_id", problems)
    quality, tq = _load(catalog_dir / "source_quality.csv", ["source_id", "quality"], files=files)
    _enum(quality, tq, "quality", QUALITIES, problems)
    qmap = dict(zip(quality["source_id"], quality["quality"]))
    for sid, row, name in zip(sources["source_id"], sources["_row"], sources["_file"]):
        if sid not in qmap:
            problems.add(tq.name, f"source {sid} (defined in {name} row {row}) has no quality tier", column="source_id")
    sources["quality"] = sources["source_id"].map(qmap)
    sources = sources.drop(columns="_file")
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

    sources = _collect(problems, with_texts, sources, catalog_dir, files) if len(sources) else sources

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

    aliases = _collect(problems, read_fact_aliases, catalog_dir / "fact_aliases.csv", ind, files) \
        if (catalog_dir / "fact_aliases.csv").exists() else None
    scopes = _collect(problems, read_scopes, catalog_dir, set(ind["indicator_id"]), files)
    statuses = _collect(problems, read_tip_statuses, catalog_dir / "tip_statuses.csv", files)
    streams = _collect(problems, read_reuse_streams, catalog_dir / "reuse_streams.csv", files)
    display = _collect(problems, read_display, catalog_dir / "display.csv", set(ind["indicator_id"]), files)
    problems.raise_if_any()

    ind = ind.astype({"decimals": int, "sort_order": int}).set_index("indicator_id", drop=False)
    return Catalog(
        units=units.drop(columns=["_row", "_file"]),
        unit_map=dict(zip(umap["fact_unit"], umap["unit_id"])),
        indicators=ind.drop(columns=["_row", "_file"]),
        sources=sources.drop(columns="_row"),
        tips=tips.drop(columns="_row").astype({"tip_id": int}),
        tiles=tiles.drop(columns="_row").astype({"tile_row": int, "tile_col": int}),
        tip_statuses=statuses,
        reuse_streams=streams,
        display=display,
        files=files,
        check_values=checks.drop(columns="_row").astype({"year": int}) if len(checks) else checks,
        fact_aliases=aliases if aliases is not None else pd.DataFrame(columns=ALIAS_COLUMNS),
        scopes=scopes[0], scope_rules=scopes[1],
    )


def insert_catalog(con, catalog: Catalog) -> None:
    """The catalogue's tables in a new database."""
    insert_frame(con, "source", catalog.sources)
    insert_frame(con, "unit", catalog.units)
    insert_frame(con, "indicator", catalog.indicators.reset_index(drop=True))
    insert_frame(con, "tip", catalog.tips)
    insert_frame(con, "tip_status", catalog.tip_statuses.frame)
    insert_frame(con, "reuse_stream", catalog.reuse_streams.frame)
    insert_frame(con, "indicator_display", catalog.display)
    insert_frame(con, "scope", catalog.scopes)


def load(step: Step) -> list:
    catalog = load_catalog(step.data_dir / "catalog", step.data_dir / "raw" / "facts" / "sources.csv")
    for path, rows in catalog.files:
        step.inputs.add(path, "catalog", rows)
    insert_catalog(step.con, catalog)
    step.catalog = catalog
    return []


SOURCE = Source("catalog", load)
