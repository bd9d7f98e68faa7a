"""Statbel open-data files: population (TF_SOC_POP_STRUCT), fiscal income (TF_PSNL_INC_TAX_MUNTY), REFNIS list.

Each reader returns a tidy frame for the 19 Brussels communes plus the region ``04000`` (computed
from the communes) and raises :class:`~etl.errors.InputError` naming file, row, column and reason.
Full Belgian files are cut down to the Brussels rows on the raw bytes before any parsing, so a
600,000-row population file reads in a few seconds; row numbers in messages stay those of the file.

Three sources (``SOURCES``) recognise the files of ``data/raw/statbel/`` by name; the population and
income figures join the fact stage, REFNIS names are checked against communes.csv.
"""
from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from .. import codes
from ..errors import InputError, Problem, ProblemList, fail
from ..readers import Table, check_size, duplicate_rows, max_input_bytes, numbers, read_table, require_columns
from .base import Source, Step, rel

CODE_ALIASES = {"cd_munty_refnis": "CD_REFNIS", "cd_refnis": "CD_REFNIS"}
POP_ALIASES = {**CODE_ALIASES, "tx_munty_descr_nl": "TX_DESCR_NL", "tx_munty_descr_fr": "TX_DESCR_FR"}
REGION_NOTE = "computed: sum of the 19 communes"

INCOME_INDICATORS = (
    "fiscal_total_net_taxable_income",
    "fiscal_returns_nonzero_income",
    "fiscal_avg_net_taxable_income_per_return",
    "fiscal_avg_net_taxable_income_per_inhabitant",
)
PER_RETURN_NOTE = "computed = MS_TOT_NET_TAXABLE_INC / MS_NBR_NON_ZERO_INC, rounded to whole euros"
PER_INHABITANT_NOTE = "computed = MS_TOT_NET_TAXABLE_INC / MS_TOT_RESIDENTS, rounded to whole euros"

REFNIS_SEMICOLON = {"code ins": "code", "entités administratives": "name_fr", "langue": "lang",
                    "administratieve eenheden": "name_nl"}
REFNIS_PIPE = {"cd_refnis": "code", "tx_refnis_fr": "name_fr", "tx_refnis_nl": "name_nl"}


# --------------------------------------------------------------------------- opening files

@contextmanager
def _source_file(path: Path) -> Iterator[tuple[Path, str, str]]:
    """Yield (readable file, name for messages, data file's own name); a ``.zip`` must hold one .txt/.csv."""
    path = Path(path)
    check_size(path)
    if path.suffix.lower() != ".zip":
        yield path, str(path), path.name
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise fail(path, "not a readable zip archive") from None
    with archive, tempfile.TemporaryDirectory(prefix="bsim-statbel-") as tmp:
        members = [m for m in archive.infolist()
                   if not m.is_dir() and m.filename.lower().endswith((".txt", ".csv"))]
        if len(members) != 1:
            found = ", ".join(m.filename for m in members) or "none"
            raise fail(path, f"the zip should hold exactly one .txt or .csv data file (found: {found})")
        member = members[0]
        if member.file_size > max_input_bytes():
            raise fail(path, f"member {member.filename} unpacks to {member.file_size / 1e6:.0f} MB, over the "
                             f"{max_input_bytes() / 1e6:.0f} MB cap; raise BSIM_MAX_INPUT_MB")
        target = Path(tmp) / Path(member.filename).name
        with archive.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        yield target, f"{path} (member {member.filename})", Path(member.filename).name


def _header_fields(header: bytes) -> tuple[list[str], bytes]:
    text = header.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    counts = {d: text.count(d) for d in ("|", ";", "\t", ",")}
    delim = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return [h.strip().strip('"') for h in text.split(delim)], delim.encode()


def _code_variants(keep: frozenset[str]) -> frozenset[bytes]:
    """The byte forms a wanted code may take in a file: ``04000``, ``4000``, ``4000.0``."""
    forms = set()
    for code in keep:
        for c in (code, code.lstrip("0")):
            forms.update({c.encode(), f"{c}.0".encode()})
    return frozenset(forms)


def _keep_lines(raw: bytes, name: str, code_columns: tuple[str, ...], keep: frozenset[str]
                ) -> tuple[bytes, list[bytes], list[int]]:
    """Return (header, kept data lines, their 1-based line numbers) for rows whose code is in ``keep``."""
    lines = raw.split(b"\n")
    header, delim = _header_fields(lines[0])
    index = next((header.index(c) for c in code_columns if c in header), None)
    if index is None:
        raise fail(name, f"required column is missing (header has: {', '.join(header)})", row=1,
                   column=" or ".join(code_columns))
    wanted = _code_variants(keep)
    kept, numbers_ = [], []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(delim, index + 1)
        if len(fields) > index and fields[index].strip().strip(b'"') in wanted:
            kept.append(line.rstrip(b"\r"))
            numbers_.append(number)
    if not kept and not any(line.strip() for line in lines[1:]):
        raise fail(name, "file has a header but no data rows")
    if not kept:
        raise fail(name, f"no rows for the Brussels communes 21001-21019 in column '{header[index]}'")
    return lines[0].rstrip(b"\r"), kept, numbers_


def _relocated(exc: InputError, name: str, line_numbers: list[int]) -> InputError:
    """Re-address problems found in the filtered copy to the original file and line numbers."""
    def original(row):
        return line_numbers[row - 2] if row is not None and 2 <= row < len(line_numbers) + 2 else row
    return InputError([Problem(name, original(p.row), p.column, p.reason) for p in exc.problems])


def _read_brussels_rows(path: Path | str, code_columns: tuple[str, ...],
                        keep: frozenset[str] = frozenset(codes.COMMUNES)) -> tuple[Table, str]:
    """Read only the rows of ``keep`` codes, as a Table named after the original file/zip member.

    Also returns the data file's own name (the zip member's for a zip), which may carry the year.
    """
    with _source_file(Path(path)) as (file, name, file_name):
        header, kept, line_numbers = _keep_lines(file.read_bytes(), name, code_columns, keep)
        with tempfile.TemporaryDirectory(prefix="bsim-statbel-") as tmp:
            filtered = Path(tmp) / "brussels_rows.txt"
            filtered.write_bytes(b"\n".join([header, *kept]) + b"\n")
            try:
                table = read_table(filtered)
            except InputError as exc:
                raise _relocated(exc, name, line_numbers) from None
    table.path = Path(name)
    table.frame["_row"] = [line_numbers[r - 2] for r in table.frame["_row"]]
    return table, file_name


def _padded_codes(frame: pd.DataFrame, column: str = "CD_REFNIS") -> pd.Series:
    return frame[column].map(codes.normalise_nis)


def _round_euros(values: pd.Series) -> pd.Series:
    """Round half up to whole euros (22,434.5 -> 22,435), not to even as Python's round() does."""
    return np.floor(values.astype("float64") + 0.5)


# --------------------------------------------------------------------------- population

def year_from_file_name(file_name: str) -> int | None:
    """``TF_SOC_POP_STRUCT_2023.txt`` -> 2023; None when the name holds no 19xx/20xx year."""
    match = re.search(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", file_name)
    return int(match.group(1)) if match else None


def _population_years(table: Table, frame: pd.DataFrame, problems: ProblemList, file_name: str) -> pd.Series:
    if "CD_YEAR" in frame.columns:
        return numbers(table, frame, "CD_YEAR", problems, integer=True)
    year = year_from_file_name(file_name)
    if year is None:
        raise fail(table.name, "no CD_YEAR column and no year in the file name "
                               "(expected a name like TF_SOC_POP_STRUCT_2023.txt)", row=1, column="CD_YEAR")
    return pd.Series(float(year), index=frame.index)


def _with_region(per_commune: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    """Append one ``04000`` row per year holding all 19 communes (a partial file gets no region row)."""
    regions = []
    for year, group in per_commune.groupby("year"):
        if set(group["nis_code"]) == set(codes.COMMUNES):
            row = {"nis_code": codes.REGION, "year": year, **{c: group[c].sum() for c in value_columns}}
            regions.append(row)
    return pd.concat([per_commune, pd.DataFrame(regions)], ignore_index=True) if regions else per_commune


def read_population(path: Path | str) -> pd.DataFrame:
    """Population on 1 January per Brussels commune (+ region 04000): ``nis_code, year, value, _row``."""
    table, file_name = _read_brussels_rows(path, ("CD_MUNTY_REFNIS", "CD_REFNIS"))
    frame = require_columns(table, ["CD_REFNIS", "MS_POPULATION"], allow_extra=True, aliases=POP_ALIASES)
    problems = ProblemList()
    counts = numbers(table, frame, "MS_POPULATION", problems, non_negative=True, integer=True)
    years = _population_years(table, frame, problems, file_name)
    problems.raise_if_any()
    cells = pd.DataFrame({"nis_code": _padded_codes(frame), "year": years.astype("int64"),
                          "value": counts.astype("int64"), "_row": frame["_row"]})
    per_commune = (cells.groupby(["nis_code", "year"], as_index=False)
                   .agg(value=("value", "sum"), _row=("_row", "min")))
    result = _with_region(per_commune, ["value"])
    result["_row"] = result["_row"].astype("Int64")
    return result.sort_values(["year", "nis_code"]).reset_index(drop=True)[["nis_code", "year", "value", "_row"]]


# --------------------------------------------------------------------------- fiscal income

def _income_measures(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    problems = ProblemList()
    measures = pd.DataFrame({
        "nis_code": _padded_codes(frame),
        "year": numbers(table, frame, "CD_YEAR", problems, integer=True),
        "total": numbers(table, frame, "MS_TOT_NET_TAXABLE_INC", problems, non_negative=True),
        "returns": numbers(table, frame, "MS_NBR_NON_ZERO_INC", problems, non_negative=True, integer=True),
        "residents": numbers(table, frame, "MS_TOT_RESIDENTS", problems, non_negative=True, integer=True),
        "_row": frame["_row"],
    })
    for column, source in (("returns", "MS_NBR_NON_ZERO_INC"), ("residents", "MS_TOT_RESIDENTS")):
        for row in measures.loc[measures[column] == 0, "_row"]:
            problems.add(table.name, "is 0, so the average cannot be computed", row=int(row), column=source)
    duplicate_rows(table.name, measures, ["nis_code", "year"], problems)
    problems.raise_if_any()
    return measures.astype({"year": "int64"})


def _income_long(sums: pd.DataFrame, note_sum: str, note_return: str, note_inhabitant: str) -> pd.DataFrame:
    per_indicator = {
        "fiscal_total_net_taxable_income": (sums["total"].round(2), note_sum),
        "fiscal_returns_nonzero_income": (sums["returns"], note_sum),
        "fiscal_avg_net_taxable_income_per_return": (_round_euros(sums["total"] / sums["returns"]), note_return),
        "fiscal_avg_net_taxable_income_per_inhabitant":
            (_round_euros(sums["total"] / sums["residents"]), note_inhabitant),
    }
    parts = [pd.DataFrame({"nis_code": sums["nis_code"], "year": sums["year"], "indicator": name,
                           "value": values.astype("float64"), "note": note})
             for name, (values, note) in per_indicator.items()]
    return pd.concat(parts, ignore_index=True)


def read_income(path: Path | str) -> pd.DataFrame:
    """Fiscal income per Brussels commune and income year (+ region): ``nis_code, year, indicator, value, note``."""
    table, _ = _read_brussels_rows(path, ("CD_MUNTY_REFNIS", "CD_REFNIS"))
    frame = require_columns(table, ["CD_YEAR", "CD_REFNIS", "MS_TOT_NET_TAXABLE_INC", "MS_NBR_NON_ZERO_INC",
                                    "MS_TOT_RESIDENTS"], allow_extra=True, aliases=CODE_ALIASES)
    measures = _income_measures(table, frame)
    communes = _income_long(measures, "", PER_RETURN_NOTE, PER_INHABITANT_NOTE)
    region_sums = _with_region(measures[["nis_code", "year", "total", "returns", "residents"]],
                               ["total", "returns", "residents"])
    region_sums = region_sums[region_sums["nis_code"] == codes.REGION]
    region = _income_long(region_sums, REGION_NOTE, f"{REGION_NOTE}; then total / returns",
                          f"{REGION_NOTE}; then total / residents")
    result = pd.concat([communes, region], ignore_index=True)
    rank = result["indicator"].map({name: i for i, name in enumerate(INCOME_INDICATORS)})
    result = result.assign(_rank=rank).sort_values(["year", "nis_code", "_rank"])
    return result.drop(columns="_rank").reset_index(drop=True)


# --------------------------------------------------------------------------- REFNIS list

def _refnis_columns(table: Table) -> pd.DataFrame:
    header = [c.strip().lower() for c in table.frame.columns if c != "_row"]
    aliases = REFNIS_PIPE if "cd_refnis" in header else REFNIS_SEMICOLON
    required = ["code", "name_fr", "name_nl"]
    frame = require_columns(table, required, ["lang"], allow_extra=True, aliases=aliases)
    if "DT_VLDT_START" in frame.columns:  # the latest validity period of each code comes last
        start = pd.to_datetime(frame["DT_VLDT_START"], dayfirst=True, errors="coerce")
        frame = frame.assign(_start=start).sort_values("_start", kind="stable", na_position="first")
    return frame


def read_refnis(path: Path | str) -> pd.DataFrame:
    """Names of the Brussels communes and region: ``nis_code, name_fr, name_nl, lang``."""
    table, _ = _read_brussels_rows(path, ("Code INS", "CD_REFNIS", "Code NIS"), keep=codes.KNOWN)
    frame = _refnis_columns(table)
    frame = frame.assign(nis_code=frame["code"].map(codes.normalise_nis))
    frame = frame.drop_duplicates("nis_code", keep="last")
    problems = ProblemList()
    for column in ("name_fr", "name_nl"):
        for row in frame.loc[frame[column] == "", "_row"]:
            problems.add(table.name, "name is empty", row=int(row), column=column)
    problems.raise_if_any()
    result = frame[["nis_code", "name_fr", "name_nl", "lang"]].sort_values("nis_code")
    return result.reset_index(drop=True)


# --------------------------------------------------------------------------- the three sources

def statbel_files(data_dir: Path) -> list[Path]:
    """The publisher files in ``data/raw/statbel/`` and its ``fetched/`` folder (``python -m etl fetch``)."""
    folder = Path(data_dir) / "raw" / "statbel"
    return sorted(p for d in (folder, folder / "fetched") if d.exists() for p in d.iterdir() if p.is_file())


def _named(prefix: str):
    def claims(path: Path, header) -> bool:
        return Path(path).name.upper().startswith(prefix)
    return claims


def _observations(frame: pd.DataFrame, source_id: str, path: Path) -> pd.DataFrame:
    """Rows for the fact stage (``etl.sources.facts``), publisher files first when a figure repeats."""
    return pd.DataFrame({
        "nis_code": frame["nis_code"], "indicator_id": frame["indicator"], "year": frame["year"].astype(int),
        "value": frame["value"].astype(float), "source_id": source_id, "source_ids": source_id,
        "quality": "official", "ref_period": None, "note": frame["note"] if "note" in frame else None,
        "input_file": rel(path), "pref": 0,
    })


def _each_file(step: Step, claims, read, take) -> list[Problem]:
    """Read every Statbel file this source claims; one file's problems do not stop the others."""
    problems: list[Problem] = []
    for path in statbel_files(step.data_dir):
        if not claims(path, None):
            continue
        try:
            frame = read(path)
        except InputError as exc:
            problems += exc.problems
            continue
        problems += take(path, frame)
    return problems


def _load_population(step: Step) -> list[Problem]:
    def take(path, frame):
        note = frame["nis_code"].map(lambda c: "sum of the 19 communes" if c == codes.REGION else None)
        step.observations.append(_observations(frame.assign(indicator="population_1jan", note=note),
                                               "SRC_STATBEL_POP_FILE", path))
        step.inputs.add(path, "statbel_population", len(frame))
        step.log(f"  {rel(path)}: population on 1 January {', '.join(map(str, sorted(frame['year'].unique())))}")
        return []
    return _each_file(step, POPULATION.claims, read_population, take)


def _load_income(step: Step) -> list[Problem]:
    def take(path, frame):
        step.observations.append(_observations(frame, "SRC_STATBEL_FISC_FILE", path))
        step.inputs.add(path, "statbel_income", len(frame))
        step.log(f"  {rel(path)}: {len(frame)} fiscal income figures")
        return []
    return _each_file(step, INCOME.claims, read_income, take)


def check_names(communes: pd.DataFrame, refnis: pd.DataFrame, name: str) -> list[Problem]:
    """REFNIS names against communes.csv (hyphens and case aside)."""
    ours = communes.set_index("nis_code")
    out = []
    for r in refnis.itertuples():
        if r.nis_code in ours.index and ours.loc[r.nis_code, "level"] == "commune":
            for lang in ("fr", "nl"):
                a, b = getattr(r, f"name_{lang}"), ours.loc[r.nis_code, f"name_{lang}"]
                if a.replace("-", " ").lower() != b.replace("-", " ").lower():
                    out.append(Problem(name, None, f"name_{lang}",
                                       f"{r.nis_code}: REFNIS says '{a}', communes.csv says '{b}'"))
    return out


def _load_refnis(step: Step) -> list[Problem]:
    def take(path, refnis):
        step.inputs.add(path, "statbel_refnis", len(refnis))
        return check_names(step.communes, refnis, rel(path))
    return _each_file(step, REFNIS.claims, read_refnis, take)


POPULATION = Source("statbel_population", _load_population, _named("TF_SOC_POP_STRUCT"),
                    lambda path, context: ([], f"population: {len(read_population(path))} rows"))
INCOME = Source("statbel_income", _load_income, _named("TF_PSNL_INC_TAX_MUNTY"),
                lambda path, context: ([], f"fiscal income: {len(read_income(path))} figures"))
REFNIS = Source("statbel_refnis", _load_refnis, _named("REFNIS"),
                lambda path, context: ([], f"REFNIS: {len(read_refnis(path))} codes"), requires=("communes",))
SOURCES = (POPULATION, INCOME, REFNIS)
