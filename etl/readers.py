"""Read the tabular files people and publishers actually produce, or say exactly why not.

Every file is read as text first (no type guessing), so codes keep their leading zeros and a
stray ``n.d.`` cannot silently turn a numeric column into text. Accepted without edits:

* UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text"), Windows-1252 (the usual
  Belgian spreadsheet export) — decided from the bytes (``encodings``).
* ``,`` ``;`` ``|`` or tab separators, detected from the header line.
* decimal marks decided per file from evidence, never from the separator alone (``decimals``):
  ``1.234,5``, ``0,75``, ``12.5``, ``1 234`` (no-break or narrow no-break spaces) all read; ``1.234``
  alone in a file that shows no decimal mark is refused with both readings.
* ``.xlsx`` workbooks: the visible active sheet, cached formula values, real date cells (``workbook``).
* with the template's header words (``header_words``): title, note or blank rows above the header,
  found by its known words (``grid``); a totals row is refused.

Every cell is cleaned at the door (``control_chars``): invisible characters removed, odd spaces made
plain, control characters refused with row and column. Each record keeps its spreadsheet row number in
the ``_row`` column (the header is row 1 unless rows above it were skipped).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import decimals
from .control_chars import clean
from .decimals import MISSING_MARKERS, NumberError
from .encodings import Undecodable, decode
from .errors import InputError, Problem, ProblemList, fail
from .grid import Grid, fold, header_index, totals_reason
from .messages import Message

__all__ = ["MISSING_MARKERS", "TABLE_SUFFIXES", "Table", "as_written", "check_size", "header_notes", "read_notes", "duplicate_rows", "fold", "numbers",
           "parse_number", "read_header", "read_table", "require_columns"]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# what read_table reads ('' = a file without suffix, read as text)
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", "")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def max_input_bytes() -> int:
    """The size cap for one input file: ``$BSIM_MAX_INPUT_MB`` megabytes, default 200."""
    return int(float(os.environ.get("BSIM_MAX_INPUT_MB", "200")) * 1024 * 1024)


@dataclass
class Table:
    """A file read as text: ``frame`` has one str column per header plus ``_row`` (and ``_typed``: the
    columns of the row whose cells are real numbers, for a workbook). ``header_row``: the spreadsheet row
    of the header; ``sheet``: the worksheet read; ``headers``: canonical column -> header as written
    (filled by ``require_columns``)."""

    path: Path
    frame: pd.DataFrame
    encoding: str
    delimiter: str
    header_row: int = 1
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.path)

    def evidence(self, frame: pd.DataFrame | None = None, columns=None) -> decimals.Evidence:
        """What the text cells of ``columns`` (default: every column) show about the decimal mark."""
        frame = self.frame if frame is None else frame
        cols = [c for c in (columns or frame.columns) if not str(c).startswith("_")]
        typed = frame["_typed"] if "_typed" in frame else None
        cells = ((v, r) for c in cols for i, (v, r) in enumerate(zip(frame[c], frame["_row"]))
                 if typed is None or c not in typed.iloc[i])
        return decimals.evidence(cells)

    @cached_property
    def decimal(self) -> str | None:
        """The file's decimal mark as its numbers show it ('.' or ','), None when they show none or both."""
        return self.evidence().mark


def check_size(path: Path, max_bytes: int | None = None) -> int:
    path = Path(path)
    max_bytes = max_bytes or max_input_bytes()
    if not path.exists():
        raise fail(path, Message("file_not_found"))
    size = path.stat().st_size
    if size > max_bytes:
        raise fail(path, Message("file_too_big", size_mb=round(size / 1e6, 1), cap_mb=float(round(max_bytes / 1e6))))
    if size == 0:
        raise fail(path, Message("file_empty"))
    return size


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in ("|", ";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decoded(path: Path, raw: bytes) -> tuple[str, str]:
    try:
        return decode(raw)
    except Undecodable as exc:
        raise fail(path, Message("not_text", offset=exc.offset), row=exc.line) from None


def _csv_grid(path: Path, text: str, encoding: str, words, delimiter: str | None) -> Grid:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise fail(path, Message("file_empty"))
    if delimiter is None:
        # the header line decides the separator: a title line above it has none, or another one
        candidates = [(line, _sniff_delimiter(line)) for line in lines[:20] if line.strip()]
        at = header_index([next(csv.reader([line], delimiter=d), []) for line, d in candidates], words)
        delimiter = candidates[at][1]
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return Grid([(i, r) for i, r in enumerate(rows, start=1)], encoding, delimiter)


def read_grid(path: Path | str, *, max_bytes: int | None = None, delimiter: str | None = None,
              header_words: frozenset[str] | None = None) -> Grid:
    """A table file as rows of cell texts (CSV/TXT decoded, or a workbook's sheet)."""
    path = Path(path)
    check_size(path, max_bytes)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook import read_workbook
        return read_workbook(path)
    text, encoding = _decoded(path, path.read_bytes())
    return _csv_grid(path, text, encoding, header_words, delimiter)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col + 1)


def read_table(path: Path | str, *, max_bytes: int | None = None, delimiter: str | None = None,
               header_words: frozenset[str] | None = None, deferred: ProblemList | None = None) -> Table:
    """Read CSV/TXT/XLSX as text; raise InputError for empty, header-only or malformed files.

    ``header_words``: the lower-case header names (every language) of the template being read; with
    them, rows above the header are skipped and a totals row is refused (``grid``). ``deferred``: where
    the problems of single rows and cells go (a totals row, a control character, a formula without a
    value, a ragged row) instead of being raised, so the caller reports them with its own checks of the
    other rows in one run; the table then leaves those rows out.
    """
    path = Path(path)
    grid = read_grid(path, max_bytes=max_bytes, delimiter=delimiter, header_words=header_words)
    problems = ProblemList()
    rows = [(n, cells) for n, cells in grid.rows if any(c.strip() for c in cells)]
    if not rows:
        raise fail(path, Message("file_empty"))
    at = header_index([cells for _n, cells in rows], header_words)
    header_row, raw_header = rows[at]
    header = []
    for col, h in enumerate(raw_header):
        text, why = clean(h)
        if why:
            problems.add(path, why, row=header_row, column=_letter(col))
        header.append(text)
    body = rows[at + 1:]
    # columns without a name and without any value carry nothing (trailing ";;;;", a spacer column)
    keep = [i for i, h in enumerate(header) if h or any(i < len(c) and c[i].strip() for _n, c in body)]
    width = max(keep) + 1 if keep else 0
    seen = set()
    for i in keep:
        h = header[i]
        if h == "":
            n, cells = next(((n, c) for n, c in body if i < len(c) and c[i].strip()), (header_row, None))
            if cells is None:
                problems.add(path, Message("header_blank_cell"), row=header_row, column=_letter(i))
            else:
                problems.add(path, Message("value_outside_header", text=cells[i].strip()[:40], letter=_letter(i)),
                             row=n)
        elif h in seen:
            problems.add(path, Message("header_duplicate"), row=header_row, column=h)
        seen.add(h)
    problems.raise_if_any()
    names = {i: header[i] for i in keep}
    cell_problems = {(r, c): why for r, c, why in grid.cell_problems}

    def column_name(col: int) -> str:
        return names.get(col) or _letter(col)

    row_problems = problems if deferred is None else deferred
    for (r, c), why in cell_problems.items():
        if r < header_row:
            continue
        row_problems.add(path, why, row=r, column=column_name(c))
    records, row_numbers, typed_cols = [], [], []
    for n, cells in body:
        extra = cells[width:]
        if any(c.strip() for c in extra):
            if grid.delimiter == "xlsx":
                col = width + next(i for i, c in enumerate(extra) if c.strip())
                row_problems.add(path, Message("value_outside_header", text=cells[col].strip()[:40],
                                               letter=_letter(col)), row=n)
            else:
                row_problems.add(path, Message("ragged_row", fields=len(cells), header=width, sep=grid.delimiter),
                                 row=n)
            continue
        if header_words:
            why = totals_reason(n, cells, grid.formulas)
            if why:
                row_problems.add(path, why, row=n)
                continue
        cells = (cells + [""] * width)[:width]
        record = []
        for i in keep:
            text, why = clean(cells[i])
            if why:
                row_problems.add(path, why, row=n, column=names[i])
            record.append(text)
        records.append(record)
        row_numbers.append(n)
        typed_cols.append(frozenset(names[i] for i in keep if (n, i) in grid.typed))
    problems.raise_if_any()
    if not records:
        raise InputError(list(row_problems) or Problem(str(path), None, None, Message("no_data_rows")))
    frame = pd.DataFrame(records, columns=[names[i] for i in keep], dtype=object)
    frame["_row"] = row_numbers
    if grid.typed:
        frame["_typed"] = typed_cols
    return Table(path, frame, grid.encoding, grid.delimiter, header_row=header_row, sheet=grid.sheet)


def read_header(path: Path | str, header_words: frozenset[str] | None = None) -> list[str]:
    """The header cells of a table file, from its first lines only (or a workbook's first rows), so a
    file can be recognised without reading it whole; with ``header_words`` the header may sit below
    title or blank rows."""
    path = Path(path)
    check_size(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .grid import HEADER_SEARCH_ROWS
        from .workbook import read_workbook
        rows = [cells for _n, cells in read_workbook(path, max_rows=HEADER_SEARCH_ROWS + 5).rows]
    else:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
        text, encoding = _decoded(path, head if len(head) < (1 << 16) else _whole_chars(head))
        lines = text.splitlines()[:25]
        rows = [next(csv.reader([line], delimiter=_sniff_delimiter(line)), []) for line in lines]
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    cells = rows[header_index(rows, header_words)]
    return [h for h in (clean(c)[0] for c in cells) if h]


def _whole_chars(head: bytes) -> bytes:
    """The first bytes of a file cut after its last complete line, so the cut cannot split a character."""
    for end in (b"\n\x00", b"\x00\n", b"\n"):
        i = head.rfind(end)
        if i > 0:
            return head[: i + len(end)]
    return head


def require_columns(table: Table, required: list[str], optional: list[str] = (), *, allow_extra: bool = False,
                    aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename known aliases to canonical names and check the header; return the frame.

    ``aliases`` maps a lower-case header (any language) to the canonical column name; ``table.headers``
    keeps each canonical column's header as written, for messages.
    """
    frame = table.frame
    cols = [c for c in frame.columns if not c.startswith("_")]
    if aliases:
        lower = {c: aliases.get(c.strip().lower(), c) for c in cols}
        dup = [v for v in lower.values() if list(lower.values()).count(v) > 1]
        if dup:
            raise fail(table.name, Message("header_same_meaning", column=dup[0]), row=table.header_row, column=dup[0])
        frame = frame.rename(columns=lower)
        if "_typed" in frame:
            frame["_typed"] = [frozenset(lower.get(c, c) for c in t) for t in frame["_typed"]]
        table.headers = {v: k for k, v in lower.items()}
        cols = [lower[c] for c in cols]
    problems = ProblemList()
    for c in required:
        if c not in cols:
            problems.add(table.name, Message("column_missing", columns=", ".join(cols)), row=table.header_row, column=c)
    if not allow_extra:
        known = set(required) | set(optional)
        for c in cols:
            if c not in known:
                problems.add(table.name, Message("column_unexpected", columns=", ".join(list(required) + list(optional))),
                             row=table.header_row, column=c)
    problems.raise_if_any()
    for c in optional:
        if c not in frame.columns:
            frame[c] = ""
    return frame


def header_notes(table: Table, name: str) -> list[Problem]:
    """What a build tells the author of a file it accepted: its header was found below other rows."""
    if table.header_row <= 1:
        return []
    return [Problem(name, table.header_row, None,
                    Message("header_below_rows", row=table.header_row, skipped=table.header_row - 1))]


def read_notes(table: Table) -> str:
    """What was accepted without being the plain case, for a validation summary: the sheet, an encoding
    other than UTF-8, rows above the header."""
    notes = []
    if table.sheet:
        notes.append(f"sheet '{table.sheet}'")
    if table.encoding not in ("utf-8", "xlsx"):
        notes.append(f"read as {table.encoding}")
    if table.header_row > 1:
        notes.append(f"header on row {table.header_row}, the {table.header_row - 1} row(s) above it not read")
    return f" ({'; '.join(notes)})" if notes else ""


def as_written(problems, headers: dict[str, str], file: str | None = None) -> list:
    """The problems with each canonical column named as the file's header writes it (and in ``file``)."""
    return [dataclasses.replace(p, column=headers.get(p.column, p.column) if p.column else p.column,
                                file=file or p.file) for p in problems]


def parse_number(text: str, decimal: decimals.Evidence | str | None = None) -> float | None:
    """Parse one value (``decimals.parse``): ``None`` for missing markers; raise ValueError with the reason."""
    return decimals.parse(text, decimal)


def numbers(table: Table, frame: pd.DataFrame, column: str, problems: ProblemList, *, required: bool = True,
            non_negative: bool = False, integer: bool = False, evidence: list[str] | None = None) -> pd.Series:
    """Parse a text column to floats, adding one problem per bad cell.

    The decimal mark of an ambiguous value follows the evidence of the text cells of ``evidence`` (the
    file's numeric columns; default: this column); a workbook's numeric cells are read as they are.
    """
    ev = table.evidence(frame, evidence or [column])
    typed = frame["_typed"] if "_typed" in frame else None
    out = []
    for i, (text, row) in enumerate(zip(frame[column], frame["_row"])):
        try:
            v = float(text) if typed is not None and column in typed.iloc[i] else parse_number(text, ev)
        except NumberError as exc:
            problems.add(table.name, exc.message, row=int(row), column=column)
            out.append(None)
            continue
        if v is None:
            if required:
                reason = (Message("value_missing_marker", text=text) if text
                          else Message("value_missing_empty"))
                problems.add(table.name, reason, row=int(row), column=column)
            out.append(None)
            continue
        if non_negative and v < 0:
            problems.add(table.name, Message("negative_count", text=text), row=int(row), column=column)
        if integer and v != int(v):
            problems.add(table.name, Message("not_whole", text=text), row=int(row), column=column)
        out.append(v)
    return pd.Series(out, index=frame.index, dtype="float64")


def duplicate_rows(table_name: str, frame: pd.DataFrame, key: list[str], problems: ProblemList) -> None:
    """One problem per row repeating the key of an earlier row."""
    dup = frame[frame.duplicated(key, keep=False)]
    first: dict[tuple, int] = {}
    for _, r in dup.iterrows():
        k = tuple(r[c] for c in key)
        if k in first:
            problems.add(table_name, Message("duplicate_row", first=first[k], columns=", ".join(key),
                                             values=", ".join(map(str, k))), row=int(r["_row"]))
        else:
            first[k] = int(r["_row"])
