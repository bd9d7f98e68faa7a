"""What every source shares: the ``Source`` protocol, the build's ``Step``, a file's lazily read
``Header``, and the helpers that record an input (``Inputs``, ``rel``) and insert a frame."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ..errors import Problem
from ..readers import TABLE_SUFFIXES, read_header

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "etl" / "schema.sql"
# an upload staged as an input is named after its submission (``etl.review``): S<UTC time>-<sha8>_<name>;
# such rounds are read after the files placed by hand, oldest first
ROUND_RE = re.compile(r"S\d{8}T\d{12}Z-[0-9a-f]{8}_")


def round_order(path: Path) -> tuple[bool, str]:
    """Sort key of input files: files placed by hand first, then submitted rounds in time order."""
    return bool(ROUND_RE.match(Path(path).name)), Path(path).name


def rel(path: Path) -> str:
    """A path as the build records it: relative to the repository when it lies inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass
class Inputs:
    """Every file a build reads, with its sha256 and the rows taken from it (table ``etl_input``)."""

    files: list[dict] = field(default_factory=list)

    def add(self, path: Path, kind: str, rows: int) -> None:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        self.files.append({"path": rel(path), "kind": kind, "sha256": digest, "bytes": Path(path).stat().st_size,
                           "rows_read": int(rows)})


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | None) -> None:
    """Insert the columns of ``frame`` that ``table`` has."""
    if frame is None or frame.empty:
        return
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    frame = frame[[c for c in cols if c in frame.columns]]
    con.register("_frame", frame)
    con.execute(f"INSERT INTO {table} ({', '.join(frame.columns)}) SELECT * FROM _frame")
    con.unregister("_frame")


@dataclass
class Step:
    """One build, as the sources see it: the new database and what earlier sources left for later ones."""

    con: duckdb.DuckDBPyConnection
    data_dir: Path
    with_example: bool
    inputs: Inputs
    log: Callable[[str], Any]
    boundaries: str | None = None                 # the --boundaries option (None: environment, fetched, none)
    catalog: Any = None                           # etl.sources.catalog.Catalog, set by the catalog source
    communes: pd.DataFrame | None = None          # set by the communes source
    geometry: pd.DataFrame | None = None          # WGS84 GeoJSON per commune; None without boundaries
    boundaries_file: Path | None = None           # the boundary file loaded, for etl_run
    observations: list[pd.DataFrame] = field(default_factory=list)   # figures for the facts source to merge
    # what was accepted that a file's author should know (a header found below other rows): like problems
    notes: list[Problem] = field(default_factory=list)
    # what became of each example part ('members', 'assessments'): 'included', 'left_out' (real data of the
    # same kind is present: example and real data are never mixed) or 'off' (no example data asked or found)
    example: dict[str, str] = field(default_factory=dict)


class Header:
    """The header cells of a file, read (first lines only) when a source first asks; a file that is not
    a table (GeoJSON, zip, ...) has none. ``words``: the header words of the templates, so a header
    below title or blank rows is found."""

    def __init__(self, path: Path, words: frozenset[str] | None = None):
        self.path = Path(path)
        self.words = words

    @cached_property
    def columns(self) -> frozenset[str]:
        if self.path.suffix.lower() not in TABLE_SUFFIXES:
            return frozenset()
        return frozenset(read_header(self.path, self.words))


def claims_nothing(path: Path, header: Header) -> bool:
    return False


def not_validated(path: Path, context) -> tuple[list[Problem], str]:
    return [Problem(str(path), None, None, "this input is checked by the build as a whole, not file by file")], ""


@dataclass(frozen=True)
class Source:
    """One kind of input. ``load`` runs in the build (after every source in ``requires`` loaded without
    problems) and returns its problems (or raises ``InputError``); ``claims`` recognises a single file by
    its name, suffix or header; ``validate`` checks such a file for ``python -m etl validate`` and returns
    (problems, one-line summary); a source with an ``upload_dir`` takes uploads (``python -m etl load``),
    staged as inputs in ``data/<upload_dir>/``; ``header_words``: every header cell its template may have
    (lower case, every language), to find a header below title or blank rows."""

    kind: str
    load: Callable[[Step], list[Problem]]
    claims: Callable[[Path, Header], bool] = claims_nothing
    validate: Callable[[Path, Any], tuple[list[Problem], str]] = not_validated
    requires: tuple[str, ...] = ()
    upload_dir: str | None = None
    header_words: frozenset[str] = frozenset()

    @property
    def uploadable(self) -> bool:
        return self.upload_dir is not None
