"""Files as members' programs save them: Excel's "CSV (;)" in Windows-1252 with CRLF, "Unicode text"
(UTF-16 with a byte-order mark, tab-separated), "CSV UTF-8" (with a BOM), and real workbooks written
with openpyxl — numbers as numbers, dates as date cells, hidden and extra sheets, formulas (openpyxl
stores them without a computed value; tests/fixtures/libreoffice_*.xlsx were saved by LibreOffice,
which stores the computed values)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl


def csv_text(rows: list[list], sep: str = ",") -> str:
    """Rows as a spreadsheet program writes them: CRLF, fields with the separator or quotes quoted."""
    def field(v) -> str:
        s = "" if v is None else str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in (sep, '"', "\n")) else s
    return "".join(sep.join(field(v) for v in r) + "\r\n" for r in rows)


def excel_csv(path: Path, rows: list[list]) -> Path:
    """Excel "CSV (separator: semicolon)" on a Belgian Windows: Windows-1252, ';', CRLF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(rows, ";").encode("cp1252"))
    return path


def unicode_text(path: Path, rows: list[list], bom: bool = True) -> Path:
    """Excel "Unicode text": UTF-16 little-endian with a byte-order mark, tab-separated, CRLF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = csv_text(rows, "\t").encode("utf-16-le")
    path.write_bytes((b"\xff\xfe" if bom else b"") + data)
    return path


def utf8_csv(path: Path, rows: list[list], sep: str = ",", bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + csv_text(rows, sep).encode("utf-8"))
    return path


def workbook(path: Path, sheets: dict[str, list[list]], *, active: str | None = None, hidden: tuple[str, ...] = (),
             date_format: str = "DD/MM/YYYY") -> Path:
    """A workbook with these sheets (title -> rows; a ``datetime.date`` becomes a date cell, a text
    starting with '=' a formula), ``hidden`` sheets hidden, ``active`` the selected one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append([dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                       else v for v in r])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = date_format
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.active = list(sheets).index(active) if active else 0
    wb.save(path)
    return path


def saved_values(path: Path, values: dict[str, str], sheet: str = "xl/worksheets/sheet1.xml") -> Path:
    """Store computed values for formula cells, as a spreadsheet program does on saving: ``values`` maps a
    cell ('E5') to its value; '#DIV/0!'-like values are stored as error cells."""
    tmp = path.with_suffix(".tmp.xlsx")
    shutil.move(path, tmp)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == sheet:
                text = data.decode()
                for ref, value in values.items():
                    cell = re.search(rf'<c r="{ref}"[^>]*>(.*?)</c>', text)
                    formula = re.search(r"<f>.*?</f>", cell.group(1)).group()
                    kind = ' t="e"' if value.startswith("#") else ""
                    text = text.replace(cell.group(), f'<c r="{ref}"{kind}>{formula}<v>{value}</v></c>')
                data = text.encode()
            zout.writestr(item, data)
    tmp.unlink()
    return path
