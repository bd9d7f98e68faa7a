"""CSV and XLSX files for download (pure: DataFrames in, bytes out).

Two CSV dialects: the standard one (UTF-8, ``,``-separated, ``.`` decimals) for scripts and most tools, and
the Belgian Excel one (``to_csv_be``: ``;``-separated, decimal commas, UTF-8 with a byte-order mark) that
Excel set to French or Dutch (Belgium) opens by a double click with its columns, numbers and accents right.

Every export carries its sources and licences: CSV files in columns (``source_id``, ``source``,
``licence``, ``quality`` …) so they stay machine-readable (no comment lines), XLSX files in the data
columns too plus a second sheet "About" (title, date of the data, sources with licences, the quality
tiers explained, and the word EXAMPLE when any row is illustrative).

Spreadsheet safety: text cells starting with ``=``, ``+``, ``-``, ``@`` (after any leading spaces),
or with a tab / carriage return / line feed, are neutralised by a leading ``'`` so a spreadsheet
never evaluates them as formulas (OWASP's advice for CSV injection); control and invisible
characters are dropped (an XLSX file cannot even hold most of them). Numbers are left as numbers.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

from dashboard.model.indicators import split_ids
from dashboard.model.sources import scope_texts
from dashboard.text.i18n import translator
from dashboard.text.plain import clean_keep_lines

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
LICENCE = "licence"
QUALITIES = ("official", "reported", "example")

# machine-readable column names (stable, English) of one-indicator and full exports
OBS_COLUMNS = ["nis_code", "name_fr", "name_nl", "indicator_id", "indicator_label", "year", "value", "unit",
               "source_ids", "source_publisher", "source_title", "source_url", "licence", "quality", "ref_period",
               "note"]
SCOPED_COLUMNS = ["scope", "scope_label", "nis_code", "indicator_id", "indicator_label", "year", "value", "unit",
                  "source_ids", "source_publisher", "source_title", "source_url", "licence", "quality", "ref_period",
                  "note"]


# ------------------------------------------------------------------ safety

def neutralise(value):
    """'=HYPERLINK(…)' -> "'=HYPERLINK(…)" (also '  =1+1', '\\t=1'); control characters dropped;
    non-text values are returned unchanged."""
    if not isinstance(value, str):
        return value
    value = clean_keep_lines(value)
    if value.startswith(FORMULA_PREFIXES) or value.lstrip(" \u00a0").startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell (object/string columns only: numbers stay numbers)."""
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralise).astype(object)
    return out


# ------------------------------------------------------------------ frames

def _source_fields(sources: pd.DataFrame, ids: str) -> dict:
    """publisher / title / url / licence of one or more ';'-separated sources, joined with ' | '."""
    rows = [sources.loc[i] for i in split_ids(ids) if i in sources.index]

    def join(field):
        vals = [str(r[field]) for r in rows if isinstance(r.get(field), str) and r.get(field)]
        return " | ".join(dict.fromkeys(vals))

    return {"source_publisher": join("publisher"), "source_title": join("title"), "source_url": join("url"),
            "licence": join("licence")}


def _sources_index(sources: pd.DataFrame) -> pd.DataFrame:
    return sources if sources.index.name == "source_id" else sources.set_index("source_id", drop=False)


def _attach_sources(df: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    sources = _sources_index(sources)
    cache: dict[str, dict] = {}
    fields = [cache.setdefault(ids, _source_fields(sources, ids)) if isinstance(ids, str) else
              _source_fields(sources, "") for ids in df["source_ids"]]
    extra = pd.DataFrame(fields, index=df.index,
                         columns=["source_publisher", "source_title", "source_url", "licence"])
    return pd.concat([df, extra], axis=1)


def _indicator_text(indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    ind = indicators.reset_index(drop=True) if "indicator_id" in indicators.columns else indicators.reset_index()
    return pd.DataFrame({"indicator_id": ind["indicator_id"], "indicator_label": ind[f"label_{lang}"],
                         "unit": ind[f"unit_{lang}"]})


def _columns(d: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``d`` with exactly ``columns`` in that order (missing ones empty) and the year as a nullable integer."""
    for col in columns:
        if col not in d.columns:
            d[col] = None
    d["year"] = d["year"].astype("Int64")
    return d[columns].reset_index(drop=True)


def observations_frame(obs: pd.DataFrame, indicators: pd.DataFrame, communes: pd.DataFrame,
                       sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Observations (one indicator or all) with commune names fr/nl, label and unit in ``lang``, sources."""
    d = obs.copy()
    if "indicator_id" not in d.columns:
        if len(indicators) != 1:
            raise ValueError("observations without indicator_id need exactly one indicator")
        d["indicator_id"] = indicators["indicator_id"].iloc[0]
    if "source_ids" not in d.columns:
        d["source_ids"] = d["source_id"]
    d["source_ids"] = d["source_ids"].fillna(d.get("source_id"))
    d = d.merge(communes[["nis_code", "name_fr", "name_nl"]], on="nis_code", how="left")
    d = d.merge(_indicator_text(indicators, lang), on="indicator_id", how="left")
    return _columns(_attach_sources(d, sources), OBS_COLUMNS)


def scoped_frame(scoped: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame, communes: pd.DataFrame,
                 lang: str) -> pd.DataFrame:
    """Scoped figures (organisation-wide, Wallonia + Brussels, undated …) with what they cover (``scope``: the
    scope's code, or the commune's NIS code; ``scope_label``: in ``lang``), label, unit and sources."""
    d = scoped.copy()
    if d.empty:
        return pd.DataFrame(columns=SCOPED_COLUMNS)
    d["scope_label"] = scope_texts(d, communes, lang)
    if "scope_id" in d:
        d["scope"] = d["scope_id"].fillna(d["nis_code"]).fillna(d["scope"])
    d["source_ids"] = d["source_ids"].fillna(d["source_id"])
    d = d.merge(_indicator_text(indicators, lang), on="indicator_id", how="left")
    return _columns(_attach_sources(d, sources), SCOPED_COLUMNS)


def everything_frame(obs: pd.DataFrame, scoped: pd.DataFrame) -> pd.DataFrame:
    """One machine-readable table: observations then scoped figures, told apart by the ``table`` column."""
    a = obs.assign(table="observation", scope=None, scope_label=None)
    b = scoped.assign(table="scoped_observation", name_fr=None, name_nl=None)
    cols = ["table", "scope", "scope_label"] + OBS_COLUMNS
    frames = [f[cols] for f in (a, b) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    out["year"] = out["year"].astype("Int64")
    return out


# ------------------------------------------------------------------ CSV

def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV, comma-separated, '.' decimals, header row first (no comment lines), formulas neutralised."""
    return neutralise_frame(df).to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_csv_be(df: pd.DataFrame) -> bytes:
    """The same table for Excel in Belgium: ';'-separated, ',' decimals (no thousands separator), UTF-8 with a
    byte-order mark (without it Excel reads the accents as Windows-1252), CRLF line ends, formulas neutralised."""
    text = neutralise_frame(df).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def be_file_name(file_name: str) -> str:
    """'bsim_x_fr.csv' -> 'bsim_x_fr_excel-be.csv': the Belgian Excel variant beside the standard file."""
    stem, dot, ext = file_name.rpartition(".")
    return f"{stem}_excel-be.{ext}" if dot else f"{file_name}_excel-be"


# ------------------------------------------------------------------ XLSX

def about_rows(lang: str, *, title: str, data_date: str, sources: pd.DataFrame, source_ids: Iterable[str],
               example: bool, extra: list[tuple[str, str]] | None = None) -> list[list]:
    """The "About" sheet as rows of cells, in ``lang``."""
    _ = translator(lang)
    rows: list[list] = [[title]]
    if example:
        rows.append(["EXAMPLE", _("Some rows are EXAMPLE data (quality = example): illustrative, not real "
                                     "figures.")])
    rows += [
        [_("Project"), _("Brussels Social Impact Monitor")],
        [_("Date of the data (last ETL run)"), data_date],
        [_("Language"), lang],
    ]
    rows += [list(r) for r in (extra or [])]
    rows += [[], [_("Quality tiers")]]
    explain = {
        "official": _("official: published by a public statistics body (Statbel, IBSA/BISA, ONEM/RVA …)"),
        "reported": _("reported: from an organisation's own report, a press article quoting it, or a member "
                      "survey"),
        "example": _("example: illustrative input so every page works on first run — not real figures"),
    }
    for q in QUALITIES:
        rows.append([q, explain[q]])
    rows += [[], [_("Sources and licences")],
             ["source_id", _("Publisher"), _("Title"), "URL", _("Reference date"), _("Licence"), _("Quality")]]
    sources = _sources_index(sources)
    for sid in dict.fromkeys(source_ids):
        if sid not in sources.index:
            continue
        s = sources.loc[sid]
        rows.append([sid, s.get("publisher"), s.get("title"), s.get("url"), s.get("reference_date"),
                     s.get("licence") or _("not stated"), s.get("quality")])
    return rows


def _clean(value):
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy / pandas scalar -> python
    return neutralise(value)


def to_xlsx(sheets: dict[str, pd.DataFrame], about: list[list]) -> bytes:
    """Workbook with one sheet per frame (header row bold, frozen, auto-filter) and a final "About" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append([str(c) for c in df.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in df.itertuples(index=False, name=None):
            ws.append([_clean(v) for v in row])
        ws.freeze_panes = "A2"
        if len(df.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(1, len(df) + 1)}"
        for i, col in enumerate(df.columns, start=1):
            longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200) if v is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    ws = wb.create_sheet("About")
    for r in about:
        ws.append([_clean(v) for v in r])
    ws["A1"].font = Font(bold=True, size=14)
    for row in ws.iter_rows():
        if row and len([c for c in row if c.value is not None]) == 1 and row[0].value:
            row[0].font = Font(bold=True)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def used_source_ids(*frames: pd.DataFrame) -> list[str]:
    ids: list[str] = []
    for f in frames:
        if "source_ids" in f.columns:
            for v in f["source_ids"]:
                ids += split_ids(v)
    return list(dict.fromkeys(ids))
