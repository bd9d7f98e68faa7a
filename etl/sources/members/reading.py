"""Reading member files: the three templates of ``data/templates/`` (operator sites, yearly jobs, re-use
flows; CSV or XLSX), headers in fr, nl or en (``ALIASES``), recognised by their header
(``template_kind``), with the row checks (ids, years, figures, plausibility bounds) that name file, row,
column and reason. Streams are those of ``data/catalog/reuse_streams.csv`` (``catalog.ReuseStreams``);
the commune of a site is found by ``locating``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...errors import InputError, Problem, ProblemList, by_place
from ...messages import Message
from ...readers import Table, as_written, duplicate_rows, numbers, read_table, require_columns
from ..catalog import ReuseStreams
from .locating import SiteLocator

# plausibility bounds, per site and year (documented in data/templates/README.md)
MAX_PERSONS_PER_SITE = 500
MAX_TONNES_PER_SITE = 20_000
FIRST_YEAR, LAST_YEAR = 1990, 2100

SITE_REQUIRED = ["site_id", "name", "category"]
SITE_OPTIONAL = ["organisation", "activity", "address", "postal_code", "commune", "lon", "lat", "reported_by",
                 "notes"]
JOBS_REQUIRED = ["site_id", "year"]
JOBS_VALUES = ["integration_workers", "art60_placements", "fte", "exits_to_work"]
JOBS_OPTIONAL = JOBS_VALUES + ["reported_by", "notes"]
FLOW_REQUIRED = ["site_id", "year", "stream"]
FLOW_VALUES = ["collected_t", "reused_t", "recycled_t"]
FLOW_OPTIONAL = FLOW_VALUES + ["reported_by", "notes"]

# lower-case header (fr / nl / en) -> canonical column
ALIASES: dict[str, str] = {}


def _alias(canonical: str, *names: str) -> None:
    for n in (canonical,) + names:
        ALIASES[n.lower()] = canonical


_alias("site_id", "site id", "id", "id_site", "id site", "identifiant", "identifiant du site", "site-id", "site_code",
       "code site", "site-code", "sitecode", "code_site")
_alias("name", "nom", "naam", "site", "nom du site", "naam van de site", "site name", "site_name")
_alias("organisation", "organization", "organisatie", "opérateur", "operateur", "operator", "organisme", "asbl",
       "vzw")
_alias("category", "catégorie", "categorie", "type")
_alias("activity", "activité", "activite", "activiteit")
_alias("address", "adresse", "adres", "rue", "straat")
_alias("postal_code", "postal code", "code postal", "code_postal", "cp", "postcode", "post code")
_alias("commune", "gemeente", "municipality", "nis_code", "nis", "code nis", "nis-code")
_alias("lon", "longitude", "lengtegraad", "lng", "x")
_alias("lat", "latitude", "breedtegraad", "y")
_alias("reported_by", "reported by", "déclaré par", "declare par", "rapporté par", "rapporte par",
       "gerapporteerd door", "gemeld door")
_alias("notes", "note", "remarque", "remarques", "opmerking", "opmerkingen", "comment", "comments")
_alias("year", "année", "annee", "jaar")
_alias("integration_workers", "integration workers", "workers in integration", "travailleurs en insertion",
       "travailleurs_insertion", "travailleurs insertion", "werknemers in inschakeling", "werknemers_inschakeling",
       "doelgroepwerknemers")
_alias("art60_placements", "article 60 placements", "art60", "art. 60", "article 60", "article 60§7",
       "mises à l'emploi art60", "mises à l'emploi article 60", "articles 60", "art60_mises_a_l_emploi",
       "tewerkstellingen art60", "tewerkstellingen artikel 60", "artikel 60", "artikel 60§7")
_alias("fte", "etp", "vte", "full-time equivalents", "équivalents temps plein", "voltijdse equivalenten")
_alias("exits_to_work", "exits to work", "sorties vers l'emploi", "sorties_emploi", "sorties emploi",
       "uitstroom naar werk", "uitstroom_werk", "uitstroom werk")
_alias("stream", "flux", "stroom", "filière", "filiere", "fraction")
_alias("collected_t", "collected (t)", "collected t", "tonnes collected", "collecté (t)", "collecte (t)",
       "collecté_t", "collecte_t", "tonnes collectées", "ingezameld (t)", "ingezameld_t", "ingezameld t",
       "ton ingezameld")
_alias("reused_t", "reused (t)", "re-used (t)", "reused t", "tonnes reused", "réemployé (t)", "reemploye (t)",
       "réemployé_t", "reemploye_t", "tonnes réemployées", "hergebruikt (t)", "hergebruikt_t", "hergebruikt t",
       "ton hergebruikt")
_alias("recycled_t", "recycled (t)", "recycled t", "tonnes recycled", "recyclé (t)", "recycle (t)", "recyclé_t",
       "recycle_t", "tonnes recyclées", "gerecycleerd (t)", "gerecycleerd_t", "gerecycleerd t", "ton gerecycleerd")


# every header cell a member template may have, lower case: finds the header below title or blank rows
HEADER_WORDS = frozenset(ALIASES)


def template_kind(columns) -> str | None:
    cols = set(columns)
    if "stream" in cols:
        return "flows"
    if cols & set(JOBS_VALUES):
        return "jobs"
    if "name" in cols:
        return "sites"
    return None


def _canonical_columns(table) -> list[str]:
    return [ALIASES.get(c.strip().lower(), c) for c in table.frame.columns if c != "_row"]


def _year(table, frame, problems: ProblemList) -> pd.Series:
    years = numbers(table, frame, "year", problems, integer=True)
    for y, row in zip(years, frame["_row"]):
        if y == y and not FIRST_YEAR <= y <= LAST_YEAR:
            problems.add(table.name, Message("year_range", year=f"{y:g}", first=FIRST_YEAR, last=LAST_YEAR), int(row),
                         "year")
    return years


def _site_ids(table, frame, problems: ProblemList) -> None:
    for v, row in zip(frame["site_id"], frame["_row"]):
        if not v:
            problems.add(table.name, Message("site_id_required"), int(row), "site_id")
        elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}", v):
            problems.add(table.name, Message("site_id_chars", text=v), int(row), "site_id")


def read_sites(table, frame: pd.DataFrame, locator: SiteLocator) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    lon = numbers(table, frame, "lon", problems, required=False, evidence=["lon", "lat"])
    lat = numbers(table, frame, "lat", problems, required=False, evidence=["lon", "lat"])
    out_codes = []
    for i in range(len(frame)):
        rec = frame.iloc[i]
        row = int(rec["_row"])
        if not rec["name"]:
            problems.add(table.name, Message("name_required"), row, "name")
        cat = rec["category"]
        if not cat or not re.fullmatch(r"[a-z0-9_]+", cat):
            problems.add(table.name, Message("category_code", text=cat), row, "category")
        out_codes.append(locator.locate(table.name, row, rec["commune"], rec["postal_code"], lon.iloc[i], lat.iloc[i],
                                        problems))
    duplicate_rows(table.name, frame, ["site_id"], problems)
    problems.raise_if_any()
    blank = lambda s: s.replace("", None)
    return pd.DataFrame({
        "site_id": frame["site_id"], "name": frame["name"], "organisation": blank(frame["organisation"]),
        "category": frame["category"], "activity": blank(frame["activity"]), "address": blank(frame["address"]),
        "postal_code": blank(frame["postal_code"].str.replace(".0", "", regex=False)), "nis_code": out_codes,
        "lon": lon.to_numpy(), "lat": lat.to_numpy(), "notes": blank(frame["notes"]),
        "_row": frame["_row"].to_numpy(), "_file": table.name,
    })


def _figures_by_row(table, frame: pd.DataFrame, vals: dict[str, pd.Series], bound: float, too_big: str,
                    problems: ProblemList):
    """Yield (row number, {column: value}) after the checks jobs and flows share: at least one figure on
    the row, none above the plausibility ``bound`` (``too_big``: the code of the message saying so)."""
    for i, row in enumerate(frame["_row"]):
        row = int(row)
        v = {c: vals[c].iloc[i] for c in vals}
        if all(x != x for x in v.values()) and not any(p.row == row for p in problems):
            problems.add(table.name, Message("no_figure", columns=", ".join(vals)), row)
        for c, x in v.items():
            if x == x and x > bound:
                problems.add(table.name, Message(too_big, value=float(x), bound=bound), row, c)
        yield row, v


def read_jobs(table, frame: pd.DataFrame) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    years = _year(table, frame, problems)
    vals = {c: numbers(table, frame, c, problems, required=False, non_negative=True, integer=c != "fte",
                       evidence=JOBS_VALUES) for c in JOBS_VALUES}
    for row, v in _figures_by_row(table, frame, vals, MAX_PERSONS_PER_SITE, "implausible_persons", problems):
        people = [v["integration_workers"], v["art60_placements"]]
        if v["fte"] == v["fte"] and all(p == p for p in people) and v["fte"] > sum(people) + 1e-9:
            problems.add(table.name, Message("fte_over_persons", fte=float(v["fte"]), persons=float(sum(people))),
                         row, "fte")
    duplicate_rows(table.name, frame.assign(_y=years), ["site_id", "_y"], problems)
    problems.raise_if_any()
    out = pd.DataFrame({"site_id": frame["site_id"], "year": years.astype(int)})
    for c in JOBS_VALUES:
        out[c] = vals[c]
    return out.assign(_row=frame["_row"].to_numpy(), _file=table.name)


def read_flows(table, frame: pd.DataFrame, streams: ReuseStreams) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    years = _year(table, frame, problems)
    codes = []
    for v, row in zip(frame["stream"], frame["_row"]):
        code = streams.code(v) if v else None
        if code is None:
            problems.add(table.name, Message("unknown_stream", text=v, accepted=streams.hint()), int(row), "stream")
        codes.append(code)
    vals = {c: numbers(table, frame, c, problems, required=False, non_negative=True, evidence=FLOW_VALUES)
            for c in FLOW_VALUES}
    for row, v in _figures_by_row(table, frame, vals, MAX_TONNES_PER_SITE, "implausible_tonnes", problems):
        col, reu, rec = v["collected_t"], v["reused_t"], v["recycled_t"]
        if col == col:
            if reu == reu and reu > col + 1e-9:
                problems.add(table.name, Message("reused_over_collected", reused=float(reu), collected=float(col)),
                             row, "reused_t")
            elif reu == reu and rec == rec and reu + rec > col + 1e-6:
                problems.add(table.name, Message("reused_recycled_over_collected", total=float(reu + rec),
                                                 collected=float(col)), row, "recycled_t")
    duplicate_rows(table.name, frame.assign(_y=years, _s=codes), ["site_id", "_y", "_s"], problems)
    problems.raise_if_any()
    out = pd.DataFrame({"site_id": frame["site_id"], "year": years.astype(int), "stream": codes})
    for c in FLOW_VALUES:
        out[c] = vals[c]
    return out.assign(_row=frame["_row"].to_numpy(), _file=table.name)


def read_member_file(path: Path, display: str, locator: SiteLocator, streams: ReuseStreams
                     ) -> tuple[str, pd.DataFrame, pd.DataFrame, Table]:
    """(kind, tidy frame, raw frame with canonical columns, the table read: its ``headers`` map canonical
    columns to the header as written); raises InputError, its problems naming the columns as written."""
    rows = ProblemList()               # refused rows and cells, reported with the checks of the other rows
    table = read_table(path, header_words=HEADER_WORDS, deferred=rows)
    cols = _canonical_columns(table)
    kind = template_kind(cols)
    if kind is None:
        reason = (Message("not_a_template_sheet", sheet=table.sheet) if table.sheet
                  else Message("not_member_template"))
        raise InputError(Problem(display, table.header_row, None, reason))
    table.path = Path(display)
    required, optional = {"sites": (SITE_REQUIRED, SITE_OPTIONAL), "jobs": (JOBS_REQUIRED, JOBS_OPTIONAL),
                          "flows": (FLOW_REQUIRED, FLOW_OPTIONAL)}[kind]
    try:
        frame = require_columns(table, required, optional, aliases=ALIASES)
        if kind == "sites":
            tidy = read_sites(table, frame, locator)
        elif kind == "jobs":
            tidy = read_jobs(table, frame)
        else:
            tidy = read_flows(table, frame, streams)
    except InputError as exc:
        raise InputError(by_place(as_written(rows, {}, display) + as_written(exc.problems, table.headers))) from None
    if rows:
        raise InputError(as_written(rows, {}, display))
    return kind, tidy, frame, table


def member_files(directory: Path, pattern: str = "*") -> list[Path]:
    if not directory.exists():
        return []
    return sorted(p for p in directory.glob(pattern) if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
                  and not p.name.startswith((".", "~$")))
