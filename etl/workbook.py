"""A workbook (.xlsx, .xlsm) read as its author sees it, or refused with the sheet named.

* **Which sheet**: the active sheet, when it is visible and has data; else the only visible sheet with
  data. A hidden (or very hidden) sheet with data is refused: nobody sees what it says, so it must not
  be published, nor silently dropped. Data on more than one visible sheet is refused: which one to
  read would be a guess. Sheets without any value are ignored.
* **Formulas**: the value the spreadsheet program computed and saved with the file is read. A formula
  saved without one (written by a program that does not compute, e.g. a script) is refused for that
  cell — never read as an empty cell. A cell showing an error (``#DIV/0!``, ``#REF!``…) is refused.
* **Cells**: a numeric cell is a real number (``Grid.typed``: no decimal mark to decide); a date cell
  becomes ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` with a time); a number in a cell not formatted as a
  date stays a number (a date column refuses it with the date it may mean); text is kept as typed.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from .errors import InputError, Problem, fail
from .grid import Grid
from .messages import Message

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _part(zf: zipfile.ZipFile, rels_of: str, rel_id: str | None = None, rel_type: str | None = None) -> str | None:
    """The zip path a relationship of part ``rels_of`` points to (by id or by type)."""
    folder, name = posixpath.split(rels_of)
    rels = ET.fromstring(zf.read(posixpath.join(folder, "_rels", name + ".rels")))
    for r in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if (rel_id and r.get("Id") == rel_id) or (rel_type and r.get("Type", "").endswith(rel_type)):
            target = r.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None


def formula_cells(path: Path, sheet: str) -> dict[tuple[int, int], tuple[str, bool]]:
    """{(row, column index): (formula text, whether a computed value was saved)} of one sheet, read from
    the sheet's XML (openpyxl gives either the formulas or the values, and no value for both a formula
    never computed and one computed to empty text)."""
    from openpyxl.utils.cell import coordinate_to_tuple
    out: dict[tuple[int, int], tuple[str, bool]] = {}
    with zipfile.ZipFile(path) as zf:
        book = _part(zf, "", rel_type="/officeDocument") or "xl/workbook.xml"
        rid = next((s.get(f"{{{REL}}}id") for s in ET.fromstring(zf.read(book)).iter(f"{{{MAIN}}}sheet")
                    if s.get("name") == sheet), None)
        part = _part(zf, book, rel_id=rid) if rid else None
        if part is None:
            return out
        with zf.open(part) as fh:
            for _event, el in ET.iterparse(fh):
                if el.tag != f"{{{MAIN}}}c":
                    if el.tag == f"{{{MAIN}}}row":
                        el.clear()
                    continue
                f = el.find(f"{{{MAIN}}}f")
                if f is not None and el.get("r"):
                    row, col = coordinate_to_tuple(el.get("r"))
                    v = el.find(f"{{{MAIN}}}v")
                    # a computed number, date or flag is never empty text; an empty <v> is a computed text only
                    # in a text cell (openpyxl writes an empty <v> in a number cell for a formula it cannot compute)
                    cached = (v is not None and bool(v.text)) or (v is not None and el.get("t") in ("str", "s")) \
                        or el.find(f"{{{MAIN}}}is") is not None
                    out[(row, col - 1)] = (f.text or "", cached)
    return out


def _has_values(ws) -> bool:
    return any(v is not None and str(v).strip() for row in ws.iter_rows(values_only=True) for v in row)


def _text(value) -> tuple[str, bool]:
    """(cell text, whether it is a real number)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)), True
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")), False
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), False
    return str(value), False


def choose_sheet(path: Path, wb) -> tuple[object, list[Problem]]:
    """The worksheet to read and the problems that forbid reading any (see the module docstring)."""
    with_data = [ws for ws in wb.worksheets if _has_values(ws)]
    hidden = [ws for ws in with_data if ws.sheet_state != "visible"]
    visible = [ws for ws in with_data if ws.sheet_state == "visible"]
    problems = [Problem(str(path), None, None, Message("hidden_sheet", sheet=ws.title)) for ws in hidden]
    if len(visible) > 1:
        problems.append(Problem(str(path), None, None,
                                Message("several_sheets", sheets=", ".join(f"'{ws.title}'" for ws in visible))))
    active = wb.active
    chosen = active if active in visible else (visible[0] if len(visible) == 1 else None)
    return chosen, problems


def _open(path: Path):
    import openpyxl
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise fail(path, Message("workbook_unreadable", error=str(exc) or type(exc).__name__)) from None


def sheet_title(path: Path) -> str | None:
    """The title of the sheet ``read_workbook`` reads (None when it reads none)."""
    chosen, _ = choose_sheet(path, _open(path))
    return chosen.title if chosen is not None else None


def read_workbook(path: Path, max_rows: int | None = None) -> Grid:
    """The chosen sheet as a ``Grid`` (at most ``max_rows`` rows); raises ``InputError`` for a workbook
    that cannot be read as one sheet."""
    path = Path(path)
    wb = _open(path)
    chosen, problems = choose_sheet(path, wb)
    if problems:
        raise InputError(problems)
    if chosen is None:
        raise fail(path, Message("file_empty"))
    formulas = formula_cells(path, chosen.title)
    grid = Grid([], "xlsx", "xlsx", sheet=chosen.title,
                formulas={k: text for k, (text, _cached) in formulas.items()})
    for cells in chosen.iter_rows(max_row=max_rows):
        texts = []
        row = None
        for cell in cells:
            if not hasattr(cell, "column"):          # an empty cell of a merged range
                texts.append("")
                continue
            row = cell.row
            col = cell.column - 1
            while len(texts) < col:
                texts.append("")
            text, typed = _text(cell.value)
            formula = formulas.get((row, col))
            if formula is not None and not formula[1]:
                grid.cell_problems.append((row, col, Message("formula_no_value")))
            elif cell.data_type == "e":
                grid.cell_problems.append((row, col, Message("cell_error", error=text)))
                text = ""
            if typed:
                grid.typed.add((row, col))
            texts.append(text)
        if row is not None:
            grid.rows.append((row, texts))
    return grid
