"""Read the tabular files people and publishers actually produce, or say exactly why not.

Every file is read as text first (no type guessing), so codes keep their leading zeros and a
stray ``n.d.`` cannot silently turn a numeric column into text. Accepted without edits:

* UTF-8, with or without a byte-order mark; Windows-1252 (the usual Belgian spreadsheet export).
* ``,`` ``;`` ``|`` or tab separators, detected from the header line.
* decimal commas with ``.`` thousands separators (``1.234,5``) in ``;``-separated files, the
  Excel export convention in Belgium; ``.`` decimals elsewhere.
* ``.xlsx`` workbooks (first sheet).

Each record keeps its spreadsheet row number in the ``_row`` column (header = row 1).
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import ProblemList, fail

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# what read_table reads ('' = a file without suffix, read as text)
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", "")


def max_input_bytes() -> int:
    """The size cap for one input file: ``$BSIM_MAX_INPUT_MB`` megabytes, default 200."""
    return int(float(os.environ.get("BSIM_MAX_INPUT_MB", "200")) * 1024 * 1024)
MISSING_MARKERS = {"", "n.d.", "nd", "n.a.", "na", "n/a", "-", "–", "—", "?", "x", "..", "…", "null", "none", "nan"}


@dataclass
class Table:
    """A file read as text: ``frame`` has one str column per header plus ``_row``."""

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    decimal: str

    @property
    def name(self) -> str:
        return str(self.path)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as exc:
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            line = raw[: exc.start].count(b"\n") + 1
            raise fail(path, f"not UTF-8 nor Windows-1252 text (undecodable byte at offset {exc.start}); "
                             "save it as CSV UTF-8", row=line) from None


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in ("|", ";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def check_size(path: Path, max_bytes: int | None = None) -> int:
    path = Path(path)
    max_bytes = max_bytes or max_input_bytes()
    if not path.exists():
        raise fail(path, "file not found")
    size = path.stat().st_size
    if size > max_bytes:
        raise fail(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB cap for one input; "
                         "split it or raise BSIM_MAX_INPUT_MB")
    if size == 0:
        raise fail(path, "file is empty")
    return size


def read_table(path: Path | str, *, max_bytes: int | None = None, delimiter: str | None = None) -> Table:
    """Read CSV/TXT/XLSX as text; raise InputError for empty, header-only or malformed files."""
    path = Path(path)
    check_size(path, max_bytes)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    text, encoding = _decode(path, path.read_bytes())
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise fail(path, "file is empty")
    delim = delimiter or _sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = list(reader)
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    # trailing empty columns (";;;;" after the header, as in Statbel's REFNIS list) carry nothing
    while header and header[-1] == "":
        header.pop()
    problems = ProblemList()
    seen = set()
    for h in header:
        if h == "":
            problems.add(path, "a column has no name in the header", row=1)
        elif h in seen:
            problems.add(path, "column name appears twice in the header", row=1, column=h)
        seen.add(h)
    problems.raise_if_any()
    records = []
    row_numbers = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue  # blank line
        extra = r[len(header):]
        if any(c.strip() for c in extra):
            problems.add(path, f"row has {len(r)} fields but the header has {len(header)} "
                               f"(is the separator '{delim}' used inside a value without quotes?)", row=i)
            continue
        r = (r + [""] * len(header))[: len(header)]
        records.append([c.strip() for c in r])
        row_numbers.append(i)
    problems.raise_if_any()
    if not records:
        raise fail(path, "file has a header but no data rows")
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame["_row"] = row_numbers
    decimal = "," if delim == ";" else "."
    return Table(path, frame, encoding, delim, decimal)


def read_header(path: Path | str) -> list[str]:
    """The header cells of a table file, from its first line only (or a workbook's first row), so a
    file can be recognised without reading it whole."""
    path = Path(path)
    check_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            raw = pd.read_excel(path, sheet_name=0, dtype=str, header=None, nrows=1, keep_default_na=False,
                                engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise fail(path, f"cannot read the workbook: {exc}") from None
        cells = [str(v) for v in raw.iloc[0]] if len(raw) else []
    else:
        with open(path, "rb") as fh:
            first = fh.readline(1 << 20)
        line = _decode(path, first)[0].strip("\r\n")
        cells = next(csv.reader([line], delimiter=_sniff_delimiter(line)), [])
    return [h for h in (c.strip().lstrip("\ufeff") for c in cells) if h]


def _read_xlsx(path: Path) -> Table:
    try:
        raw = pd.read_excel(path, sheet_name=0, dtype=str, header=None, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise fail(path, f"cannot read the workbook: {exc}") from None
    raw = raw.fillna("")
    if raw.empty or not any(str(v).strip() for v in raw.iloc[0]):
        raise fail(path, "file is empty")
    header = [str(h).strip() for h in raw.iloc[0]]
    while header and header[-1] == "":
        header.pop()
    body = raw.iloc[1:, : len(header)].astype(str).apply(lambda c: c.str.strip())
    body.columns = header
    body["_row"] = range(2, 2 + len(body))
    body = body[body.drop(columns="_row").apply(lambda r: any(v for v in r), axis=1)]
    if body.empty:
        raise fail(path, "file has a header but no data rows")
    return Table(path, body.reset_index(drop=True), "xlsx", "xlsx", ".")


def require_columns(table: Table, required: list[str], optional: list[str] = (), *, allow_extra: bool = False,
                    aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename known aliases to canonical names and check the header; return the frame.

    ``aliases`` maps a lower-case header (any language) to the canonical column name.
    """
    frame = table.frame
    if aliases:
        lower = {c: aliases.get(c.strip().lower(), c) for c in frame.columns if c != "_row"}
        dup = [v for v in lower.values() if list(lower.values()).count(v) > 1]
        if dup:
            raise fail(table.name, f"two header cells mean the same column '{dup[0]}'", row=1, column=dup[0])
        frame = frame.rename(columns=lower)
    cols = [c for c in frame.columns if c != "_row"]
    problems = ProblemList()
    for c in required:
        if c not in cols:
            problems.add(table.name, f"required column is missing (header has: {', '.join(cols)})", row=1, column=c)
    if not allow_extra:
        known = set(required) | set(optional)
        for c in cols:
            if c not in known:
                problems.add(table.name, f"unexpected column (expected: {', '.join(list(required) + list(optional))})",
                             row=1, column=c)
    problems.raise_if_any()
    for c in optional:
        if c not in frame.columns:
            frame[c] = ""
    return frame


_NUM_DOT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+(,\d+)?$")


def parse_number(text: str, decimal: str = ".") -> float | None:
    """Parse one value; ``None`` for missing markers; raise ValueError with the reason otherwise."""
    s = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if s.lower() in MISSING_MARKERS:
        return None
    if decimal == ",":
        if _NUM_COMMA.match(s):
            return float(s.replace(".", "").replace(",", "."))
        if _NUM_DOT.match(s) and s.count(".") == 1 and not re.match(r"^[+-]?\d{1,3}\.\d{3}$", s):
            return float(s)  # a plain 12.5 in a ';' file: unambiguous
        raise ValueError(f"'{text}' is not a number (this file uses ',' as decimal mark)")
    if _NUM_DOT.match(s):
        value = float(s)
        if math.isinf(value) or math.isnan(value):
            raise ValueError(f"'{text}' is not a finite number")
        return value
    if "," in s and re.match(r"^[+-]?[\d.,]+$", s):
        raise ValueError(f"'{text}' uses a comma; this file uses '.' as decimal mark and no thousands separator")
    raise ValueError(f"'{text}' is not a number")


def numbers(table: Table, frame: pd.DataFrame, column: str, problems: ProblemList, *, required: bool = True,
            non_negative: bool = False, integer: bool = False) -> pd.Series:
    """Parse a text column to floats, adding one problem per bad cell."""
    out = []
    for text, row in zip(frame[column], frame["_row"]):
        try:
            v = parse_number(text, table.decimal)
        except ValueError as exc:
            problems.add(table.name, str(exc), row=int(row), column=column)
            out.append(None)
            continue
        if v is None:
            if required:
                shown = f"'{text}'" if text else "empty"
                problems.add(table.name, f"value is missing ({shown}); leave the row out rather than mark a "
                                         "figure as unknown", row=int(row), column=column)
            out.append(None)
            continue
        if non_negative and v < 0:
            problems.add(table.name, f"negative value {text} for a count", row=int(row), column=column)
        if integer and v != int(v):
            problems.add(table.name, f"'{text}' should be a whole number", row=int(row), column=column)
        out.append(v)
    return pd.Series(out, index=frame.index, dtype="float64")


def fold(text: str) -> str:
    """A word as people type it, for matching: ASCII, lower case, punctuation as single spaces
    ('Électro-ménager' -> 'electro menager')."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def duplicate_rows(table_name: str, frame: pd.DataFrame, key: list[str], problems: ProblemList) -> None:
    """One problem per row repeating the key of an earlier row."""
    dup = frame[frame.duplicated(key, keep=False)]
    first: dict[tuple, int] = {}
    for _, r in dup.iterrows():
        k = tuple(r[c] for c in key)
        if k in first:
            problems.add(table_name, f"duplicate of row {first[k]} (same {', '.join(key)}: {', '.join(map(str, k))})",
                         row=int(r["_row"]))
        else:
            first[k] = int(r["_row"])
