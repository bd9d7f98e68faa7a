"""Member data: operator sites, yearly jobs and re-use flows per site, from the templates in
``data/templates/`` (CSV or XLSX, headers in fr, nl or en), plus the example dataset in
``data/example/`` (quality ``example``, skipped with ``--no-example``).

Files:

* ``data/members/*.{csv,xlsx}``: real member files (quality ``reported``); each file gets a source row
  ``SRC_MEMBER_<sha256 prefix>`` (publisher = the ``reported_by`` / organisation column or the file name).
* ``data/example/members_*.csv``: the fictitious example set (source ``SRC_EXAMPLE_MEMBERS``).

Which template a file follows is recognised from its header (a ``stream`` column: re-use flows; a jobs
column: jobs; a ``name`` column: sites). Site ids are shared by the files of one set (members or example):
jobs and flows name a site by ``site_id``.

The commune of a site comes from the ``commune`` column, else the coordinates (point in polygon on the
loaded boundaries), else the postal code; any two of them that disagree are an error, and so is a site
outside the Brussels-Capital Region. Commune indicators (``member_*``) are then aggregated into
``observation``: sums per commune, the region as the sum of the communes with data, rates per 1,000
inhabitants (population of the same year) and per 1,000 unemployed (Census 2021, constant), CO2e avoided
with the cited factors of ``data/catalog/emission_factors.csv`` (streams without a factor are not counted).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..codes import COMMUNES, REGION, normalise_nis
from ..errors import InputError, Problem, ProblemList
from ..readers import duplicate_rows, numbers, read_table, require_columns

EXAMPLE_SOURCE = "SRC_EXAMPLE_MEMBERS"
STREAMS = ("textiles", "furniture", "weee", "books_media", "other")
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

STREAM_ALIASES: dict[str, str] = {}
for _canon, _names in {
    "textiles": ["textiles", "textile", "textiel", "vêtements", "vetements", "kleding", "clothing", "textiles and clothing"],
    "furniture": ["furniture", "meubles", "meuble", "meubelen", "meubel", "mobilier"],
    "weee": ["weee", "deee", "d3e", "aeea", "électroménager", "electromenager", "electricals", "electrical",
             "electronics", "e-waste", "électrique", "electrique", "elektrische apparaten", "elektro"],
    "books_media": ["books_media", "books", "books and media", "livres", "livres et médias", "livres et medias",
                    "boeken", "boeken en media", "media", "médias"],
    "other": ["other", "autre", "autres", "ander", "andere", "divers", "overige"],
}.items():
    for _n in _names:
        STREAM_ALIASES[_n] = _canon


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


FOLDED_STREAMS = {_fold(k): v for k, v in STREAM_ALIASES.items()}


def stream_code(text: str) -> str | None:
    """'Meubelen' -> 'furniture'; None when the name is not known."""
    return STREAM_ALIASES.get(str(text).strip().lower()) or FOLDED_STREAMS.get(_fold(text))


# ----------------------------------------------------------------------------- geometry

class CommuneLocator:
    """Point in polygon over the loaded commune boundaries (shapely)."""

    def __init__(self, geometry: pd.DataFrame | None):
        self.shapes = []
        if geometry is not None and len(geometry):
            from shapely.geometry import shape
            from shapely.prepared import prep
            for r in geometry.itertuples():
                g = shape(json.loads(r.geojson))
                self.shapes.append((r.nis_code, prep(g), g))

    @property
    def available(self) -> bool:
        return bool(self.shapes)

    def locate(self, lon: float, lat: float) -> str | None:
        from shapely.geometry import Point
        p = Point(lon, lat)
        for code, prepared, _g in self.shapes:
            if prepared.covers(p):
                return code
        return None


# ----------------------------------------------------------------------------- reading

@dataclass
class MemberSet:
    """The files of one set (members or example): sites, jobs, flows as tidy frames."""

    example: bool
    sites: list[pd.DataFrame] = field(default_factory=list)
    jobs: list[pd.DataFrame] = field(default_factory=list)
    flows: list[pd.DataFrame] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)


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


def _source_for_file(path: Path, frame: pd.DataFrame, digest: str, display: str) -> dict:
    publisher = ""
    for col in ("reported_by", "organisation"):
        if col in frame:
            vals = [v for v in dict.fromkeys(frame[col]) if v]
            if vals:
                publisher = "; ".join(vals[:3]) + (" …" if len(vals) > 3 else "")
                break
    return {
        "source_id": f"SRC_MEMBER_{digest[:10].upper()}",
        "publisher": publisher or path.name,
        "title": f"Member data file {path.name}",
        "url": None,
        "reference_date": None,
        "licence": "as agreed with the member",
        "notes": f"member template loaded from {display}; sha256 {digest}",
        "quality": "reported",
        "retrieved": None,
    }


def _year(table, frame, problems: ProblemList) -> pd.Series:
    years = numbers(table, frame, "year", problems, integer=True)
    for y, row in zip(years, frame["_row"]):
        if y == y and not FIRST_YEAR <= y <= LAST_YEAR:
            problems.add(table.name, f"year {y:g} is outside {FIRST_YEAR}–{LAST_YEAR}", int(row), "year")
    return years


def _site_ids(table, frame, problems: ProblemList) -> None:
    for v, row in zip(frame["site_id"], frame["_row"]):
        if not v:
            problems.add(table.name, "site_id is required", int(row), "site_id")
        elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}", v):
            problems.add(table.name, f"site_id '{v}' may only use letters, digits, '_', '.', '-' (40 at most)",
                         int(row), "site_id")


def read_sites(table, frame: pd.DataFrame, *, communes: pd.DataFrame, postal: dict[str, set[str]],
               locator: CommuneLocator) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    names = {}
    for r in communes[communes["level"] == "commune"].itertuples():
        for n in (r.name_fr, r.name_nl, r.name_en):
            names[_fold(n)] = r.nis_code
    label = dict(zip(communes["nis_code"], communes["name_fr"]))
    lon = numbers(table, frame, "lon", problems, required=False)
    lat = numbers(table, frame, "lat", problems, required=False)
    out_codes = []
    for i in range(len(frame)):
        rec = frame.iloc[i]
        row = int(rec["_row"])
        if not rec["name"]:
            problems.add(table.name, "name is required", row, "name")
        cat = rec["category"]
        if not cat or not re.fullmatch(r"[a-z0-9_]+", cat):
            problems.add(table.name, f"category '{cat}' must be a snake_case code (e.g. reuse_shop)", row, "category")
        by_col = None
        if rec["commune"]:
            raw = rec["commune"]
            code = normalise_nis(raw)
            by_col = code if code in COMMUNES else names.get(_fold(raw))
            if by_col is None:
                problems.add(table.name, f"'{raw}' is not one of the 19 Brussels communes (name in fr/nl/en or "
                                         "NIS code 21001–21019): the site is outside the region", row, "commune")
        pc_set = None
        pc = rec["postal_code"].replace(".0", "") if rec["postal_code"] else ""
        if pc:
            if pc not in postal:
                problems.add(table.name, f"postal code {pc} is not a Brussels-Capital Region postal code: the site "
                                         "is outside the region", row, "postal_code")
            else:
                pc_set = postal[pc]
        by_xy = None
        x, y = lon.iloc[i], lat.iloc[i]
        if (x == x) != (y == y):
            problems.add(table.name, "give both lon and lat, or neither", row, "lon" if x != x else "lat")
        elif x == x:
            if not (4.2 <= x <= 4.55 and 50.7 <= y <= 50.95):
                problems.add(table.name, f"coordinates ({x:g}, {y:g}) are outside the Brussels-Capital Region "
                                         "(WGS84 longitude, latitude expected)", row, "lon")
                x = y = float("nan")
            elif locator.available:
                by_xy = locator.locate(x, y)
                if by_xy is None:
                    problems.add(table.name, f"coordinates ({x:g}, {y:g}) lie outside every Brussels commune: the "
                                             "site is outside the region", row, "lon")
        if by_col and by_xy and by_col != by_xy:
            problems.add(table.name, f"coordinates lie in {label[by_xy]} ({by_xy}) but the commune column says "
                                     f"{label[by_col]} ({by_col})", row, "commune")
        if by_xy and pc_set and by_xy not in pc_set:
            problems.add(table.name, f"coordinates lie in {label[by_xy]} ({by_xy}) but postal code {pc} belongs to "
                                     + ", ".join(f"{label[c]} ({c})" for c in sorted(pc_set)), row, "postal_code")
        if by_col and pc_set and by_col not in pc_set:
            problems.add(table.name, f"postal code {pc} belongs to "
                                     + ", ".join(f"{label[c]} ({c})" for c in sorted(pc_set))
                                     + f", not {label[by_col]} ({by_col})", row, "postal_code")
        code = by_col or by_xy or (next(iter(pc_set)) if pc_set and len(pc_set) == 1 else None)
        if code is None and not any(p.row == row and p.file == table.name for p in problems):
            if pc_set:
                problems.add(table.name, f"postal code {pc} is shared by "
                                         + " and ".join(f"{label[c]} ({c})" for c in sorted(pc_set))
                                         + ": give the commune or the coordinates", row, "commune")
            else:
                problems.add(table.name, "give the commune, the postal code or the coordinates", row, "commune")
        out_codes.append(code)
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
    the row, none above the plausibility ``bound`` (``too_big`` says why, after the value)."""
    for i, row in enumerate(frame["_row"]):
        row = int(row)
        v = {c: vals[c].iloc[i] for c in vals}
        if all(x != x for x in v.values()) and not any(p.row == row for p in problems):
            problems.add(table.name, "no figure on this row: give at least one of " + ", ".join(vals), row)
        for c, x in v.items():
            if x == x and x > bound:
                problems.add(table.name, f"{x:g} {too_big}", row, c)
        yield row, v


def read_jobs(table, frame: pd.DataFrame) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    years = _year(table, frame, problems)
    vals = {c: numbers(table, frame, c, problems, required=False, non_negative=True, integer=c != "fte")
            for c in JOBS_VALUES}
    bound = (f"is implausible for one site in one year (bound: {MAX_PERSONS_PER_SITE}); check the unit or "
             "split the site")
    for row, v in _figures_by_row(table, frame, vals, MAX_PERSONS_PER_SITE, bound, problems):
        people = [v["integration_workers"], v["art60_placements"]]
        if v["fte"] == v["fte"] and all(p == p for p in people) and v["fte"] > sum(people) + 1e-9:
            problems.add(table.name, f"fte {v['fte']:g} is more than the {sum(people):g} persons in integration "
                                     "and article 60§7", row, "fte")
    duplicate_rows(table.name, frame.assign(_y=years), ["site_id", "_y"], problems)
    problems.raise_if_any()
    out = pd.DataFrame({"site_id": frame["site_id"], "year": years.astype(int)})
    for c in JOBS_VALUES:
        out[c] = vals[c]
    return out.assign(_row=frame["_row"].to_numpy(), _file=table.name)


def read_flows(table, frame: pd.DataFrame) -> pd.DataFrame:
    problems = ProblemList()
    _site_ids(table, frame, problems)
    years = _year(table, frame, problems)
    streams = []
    for v, row in zip(frame["stream"], frame["_row"]):
        code = stream_code(v) if v else None
        if code is None:
            problems.add(table.name, f"unknown stream '{v}' (accepted: textiles/textiel, furniture/meubles/meubelen, "
                                     "weee/DEEE/AEEA, books_media/livres/boeken, other/autre/ander)", int(row), "stream")
        streams.append(code)
    vals = {c: numbers(table, frame, c, problems, required=False, non_negative=True) for c in FLOW_VALUES}
    bound = f"t is implausible for one site, stream and year (bound: {MAX_TONNES_PER_SITE:,} t); tonnes, not kg?"
    for row, v in _figures_by_row(table, frame, vals, MAX_TONNES_PER_SITE, bound, problems):
        col, reu, rec = v["collected_t"], v["reused_t"], v["recycled_t"]
        if col == col:
            if reu == reu and reu > col + 1e-9:
                problems.add(table.name, f"reused_t {reu:g} is more than collected_t {col:g}", row, "reused_t")
            elif reu == reu and rec == rec and reu + rec > col + 1e-6:
                problems.add(table.name, f"reused_t + recycled_t = {reu + rec:g} is more than collected_t {col:g}",
                             row, "recycled_t")
    duplicate_rows(table.name, frame.assign(_y=years, _s=streams), ["site_id", "_y", "_s"], problems)
    problems.raise_if_any()
    out = pd.DataFrame({"site_id": frame["site_id"], "year": years.astype(int), "stream": streams})
    for c in FLOW_VALUES:
        out[c] = vals[c]
    return out.assign(_row=frame["_row"].to_numpy(), _file=table.name)


def read_member_file(path: Path, display: str, *, communes, postal, locator) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(kind, tidy frame, raw frame with canonical columns); raises InputError."""
    table = read_table(path)
    cols = _canonical_columns(table)
    kind = template_kind(cols)
    if kind is None:
        raise InputError(Problem(display, 1, None, "not a member template: the header needs 'stream' (re-use "
                                 "flows), a jobs column (integration_workers, art60_placements, fte, exits_to_work) "
                                 "or 'name' (operator sites) — see data/templates/README.md"))
    table.path = Path(display)
    if kind == "sites":
        frame = require_columns(table, SITE_REQUIRED, SITE_OPTIONAL, aliases=ALIASES)
        return kind, read_sites(table, frame, communes=communes, postal=postal, locator=locator), frame
    if kind == "jobs":
        frame = require_columns(table, JOBS_REQUIRED, JOBS_OPTIONAL, aliases=ALIASES)
        return kind, read_jobs(table, frame), frame
    frame = require_columns(table, FLOW_REQUIRED, FLOW_OPTIONAL, aliases=ALIASES)
    return kind, read_flows(table, frame), frame


def member_files(directory: Path, pattern: str = "*") -> list[Path]:
    if not directory.exists():
        return []
    return sorted(p for p in directory.glob(pattern) if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
                  and not p.name.startswith((".", "~$")))


# ----------------------------------------------------------------------------- loading

def operator_key(site_id: str, example: bool) -> str:
    return ("ex-" if example else "mb-") + site_id


def _load_set(step, files: list[Path], example: bool, problems: list[Problem]) -> MemberSet | None:
    from ..build import rel
    from .communes import postal_index

    postal = postal_index(step.communes)
    locator = CommuneLocator(step.geometry)
    mset = MemberSet(example)
    for path in files:
        display = rel(path)
        try:
            kind, tidy, raw = read_member_file(path, display, communes=step.communes, postal=postal, locator=locator)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        step.inputs.add(path, f"members_{kind}" + ("_example" if example else ""), len(tidy))
        if example:
            sid = EXAMPLE_SOURCE
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            src = _source_for_file(path, raw, digest, display)
            mset.sources.append(src)
            sid = src["source_id"]
        tidy = tidy.assign(source_id=sid, quality="example" if example else "reported", input_file=display)
        getattr(mset, kind).append(tidy)
    return mset


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    return pd.concat(frames, ignore_index=True) if frames else None


def _check_references(mset: MemberSet, problems: list[Problem]) -> None:
    sites = _concat(mset.sites)
    known = set(sites["site_id"]) if sites is not None else set()
    if sites is not None:
        first: dict[str, dict] = {}
        for r in sites.to_dict("records"):
            if r["site_id"] in first:
                f = first[r["site_id"]]
                problems.append(Problem(r["_file"], int(r["_row"]), "site_id", f"site_id '{r['site_id']}' is already "
                                        f"defined in {f['_file']} row {int(f['_row'])}"))
            else:
                first[r["site_id"]] = r
    where = "data/example/" if mset.example else "data/members/"
    for frames in (mset.jobs, mset.flows):
        for f in frames:
            for r in f.to_dict("records"):
                if r["site_id"] not in known:
                    problems.append(Problem(r["_file"], int(r["_row"]), "site_id",
                                            f"unknown site_id '{r['site_id']}': it is in no operator-sites file of "
                                            + where))
    for frames, key in ((mset.jobs, ["site_id", "year"]), (mset.flows, ["site_id", "year", "stream"])):
        both = _concat(frames)
        if both is not None and both["_file"].nunique() > 1:
            for r in both[both.duplicated(key, keep="first")].to_dict("records"):
                problems.append(Problem(r["_file"], int(r["_row"]), None, f"the same {', '.join(key)} is already "
                                        "reported in another file"))


def load(step) -> list[Problem]:
    """Read member and example files, insert sites/jobs/flows, aggregate commune indicators."""
    from ..build import insert_frame, rel

    con = step.con
    problems: list[Problem] = []
    sets = []
    members = member_files(step.data_dir / "members")
    if members:
        sets.append(_load_set(step, members, False, problems))
    if step.with_example:
        sets.append(_load_set(step, member_files(step.data_dir / "example", "members_*"), True, problems))
    if problems:
        return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))
    for mset in sets:
        _check_references(mset, problems)
    if problems:
        return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))

    factors, fpath = read_emission_factors(step.data_dir / "catalog" / "emission_factors.csv",
                                           set(step.catalog.sources["source_id"]), problems)
    if problems:
        return problems
    if fpath is not None:
        step.inputs.add(fpath, "emission_factors", len(factors))

    for mset in sets:
        if mset.sources:
            insert_frame(con, "source", pd.DataFrame(mset.sources).drop_duplicates("source_id"))
        sites = _concat(mset.sites)
        if sites is None:
            continue
        ops = sites.assign(operator_id=[operator_key(s, mset.example) for s in sites["site_id"]],
                           source_ids=sites["source_id"])
        insert_frame(con, "operator", ops)
        ids = dict(zip(ops["site_id"], ops["operator_id"]))
        jobs = _concat(mset.jobs)
        if jobs is not None:
            insert_frame(con, "operator_jobs", jobs.assign(operator_id=jobs["site_id"].map(ids)))
        flows = _concat(mset.flows)
        if flows is not None:
            insert_frame(con, "reuse_flow", flows.assign(operator_id=flows["site_id"].map(ids)))
    obs = aggregate(con, factors)
    if obs is not None and len(obs):
        con.register("_member_obs", obs)
        con.execute("INSERT INTO observation (nis_code, indicator_id, year, value, source_id, source_ids, quality, "
                    "ref_period, note, input_file) SELECT nis_code, indicator_id, year, value, source_id, source_ids, "
                    "quality, ref_period, note, input_file FROM _member_obs")
        con.unregister("_member_obs")
        step.log(f"  member data: {len(obs)} commune figures from "
                 + ", ".join(f"{'example' if s.example else 'members'} ({sum(len(f) for f in s.sites)} sites)"
                             for s in sets))
    return []


def read_emission_factors(path: Path, sources: set[str], problems: list[Problem]) -> tuple[dict, Path | None]:
    """stream -> (factor, source_id); streams without a cited factor are absent."""
    if not path.exists():
        return {}, None
    table = read_table(path)
    frame = require_columns(table, ["stream", "t_co2e_per_t_reused", "source_id", "note"])
    pl = ProblemList()
    vals = numbers(table, frame, "t_co2e_per_t_reused", pl, non_negative=True)
    out = {}
    for s, v, sid, row in zip(frame["stream"], vals, frame["source_id"], frame["_row"]):
        if s not in STREAMS:
            pl.add(table.name, f"unknown stream '{s}'", int(row), "stream")
        if sid not in sources:
            pl.add(table.name, f"unknown source '{sid}': every factor must cite a source", int(row), "source_id")
        out[s] = (v, sid)
    duplicate_rows(table.name, frame, ["stream"], pl)
    problems.extend(pl)
    return out, path


# ----------------------------------------------------------------------------- aggregation

def _merge_sources(series: pd.Series) -> str:
    ids = []
    for v in series:
        for s in str(v).split(";"):
            if s and s not in ids:
                ids.append(s)
    return ";".join(ids)


def aggregate(con, factors: dict[str, tuple[float, str]]) -> pd.DataFrame | None:
    """Commune (and region) figures from operator_jobs and reuse_flow; pure SQL reads + pandas."""
    jobs = con.execute("SELECT o.nis_code, j.year, j.integration_workers, j.art60_placements, j.fte, j.exits_to_work, "
                       "j.source_id, j.quality, j.input_file, j.operator_id FROM operator_jobs j "
                       "JOIN operator o USING (operator_id)").df()
    flows = con.execute("SELECT o.nis_code, f.year, f.stream, f.collected_t, f.reused_t, f.recycled_t, f.source_id, "
                        "f.quality, f.input_file, f.operator_id FROM reuse_flow f JOIN operator o USING (operator_id) "
                        "WHERE o.operator_id LIKE 'ex-%' OR o.operator_id LIKE 'mb-%'").df()
    pop = con.execute("SELECT nis_code, year, value, source_id FROM observation WHERE indicator_id = "
                      "'population_1jan'").df()
    unemp = con.execute("SELECT nis_code, year, value, source_id FROM observation WHERE indicator_id = "
                        "'census_unemployed_15_64' ORDER BY year").df()
    return aggregate_frames(jobs, flows, pop, unemp, factors)


def aggregate_frames(jobs: pd.DataFrame, flows: pd.DataFrame, pop: pd.DataFrame, unemp: pd.DataFrame,
                     factors: dict[str, tuple[float, str]]) -> pd.DataFrame:
    """Pure aggregation (testable on hand-computed cases). Returns observation rows for the member indicators."""
    rows: list[dict] = []

    def emit(frame: pd.DataFrame, value_cols: dict[str, str], extra_sources: dict[str, str] | None = None):
        """frame has nis_code, year, source_id, quality, input_file and the value columns."""
        if frame is None or frame.empty:
            return
        for col, ind in value_cols.items():
            d = frame[frame[col].notna()]
            if d.empty:
                continue
            g = d.groupby(["nis_code", "year"]).agg(value=(col, "sum"), source_ids=("source_id", _merge_sources),
                                                    example=("quality", lambda q: (q == "example").any()),
                                                    input_file=("input_file", lambda f: ";".join(dict.fromkeys(f))),
                                                    n=(col, "size")).reset_index()
            reg = d.groupby("year").agg(value=(col, "sum"), source_ids=("source_id", _merge_sources),
                                        example=("quality", lambda q: (q == "example").any()),
                                        input_file=("input_file", lambda f: ";".join(dict.fromkeys(f))),
                                        n=("nis_code", "nunique")).reset_index()
            reg["nis_code"] = REGION
            for r in pd.concat([g, reg], ignore_index=True).itertuples():
                sids = r.source_ids + (";" + extra_sources[ind] if extra_sources and ind in extra_sources else "")
                note = (f"sum of the {r.n} communes with member data" if r.nis_code == REGION else None)
                rows.append({"nis_code": r.nis_code, "indicator_id": ind, "year": int(r.year), "value": float(r.value),
                             "source_ids": _merge_sources([sids]), "example": bool(r.example),
                             "input_file": r.input_file, "note": note})

    if jobs is not None and not jobs.empty:
        j = jobs.copy()
        people = j[["integration_workers", "art60_placements"]]
        j["jobs"] = people.sum(axis=1, min_count=1)
        emit(j, {"jobs": "member_jobs", "integration_workers": "member_integration_workers",
                 "art60_placements": "member_art60_placements", "fte": "member_fte",
                 "exits_to_work": "member_exits_to_work"})
    if flows is not None and not flows.empty:
        f = flows.copy()
        emit(f, {"collected_t": "member_collected_t", "reused_t": "member_reused_t",
                 "recycled_t": "member_recycled_t"})
        f["co2e"] = [r * factors[s][0] if s in factors and r == r else float("nan")
                     for s, r in zip(f["stream"], f["reused_t"])]
        used = sorted({factors[s][1] for s in f.loc[f["co2e"].notna(), "stream"]})
        emit(f, {"co2e": "member_co2e_avoided_t"}, {"member_co2e_avoided_t": ";".join(used)})
    # sites reporting per commune and year
    both = pd.concat([x[["nis_code", "year", "operator_id", "source_id", "quality", "input_file"]]
                      for x in (jobs, flows) if x is not None and not x.empty], ignore_index=True) \
        if any(x is not None and not x.empty for x in (jobs, flows)) else None
    if both is not None:
        firsts = both.groupby(["nis_code", "year", "operator_id"]).agg(
            source_id=("source_id", _merge_sources), quality=("quality", lambda q: "example" if (q == "example").any()
                                                             else "reported"),
            input_file=("input_file", lambda x: ";".join(dict.fromkeys(x)))).reset_index().assign(one=1.0)
        emit(firsts, {"one": "member_operators"})
    out = pd.DataFrame(rows, columns=["nis_code", "indicator_id", "year", "value", "source_ids", "example",
                                      "input_file", "note"])
    out = pd.concat([out, _rates(out, pop, unemp)], ignore_index=True)
    out["quality"] = out["example"].map({True: "example", False: "reported"})
    out["source_id"] = out["source_ids"].str.split(";").str[0]
    out["ref_period"] = out["year"].astype(str)
    return out.drop(columns="example").sort_values(["indicator_id", "nis_code", "year"]).reset_index(drop=True)


def _rates(counts: pd.DataFrame, pop: pd.DataFrame, unemp: pd.DataFrame) -> pd.DataFrame:
    rows = []
    p = {(r.nis_code, int(r.year)): (r.value, r.source_id) for r in pop.itertuples()} if pop is not None else {}
    u = {}
    if unemp is not None and len(unemp):
        year = int(unemp["year"].max())  # the Census 2021: one year, used as a constant denominator
        u = {r.nis_code: (r.value, r.source_id, year) for r in unemp[unemp["year"] == year].itertuples()}
    for r in counts.itertuples():
        if r.indicator_id in ("member_jobs", "member_reused_t"):
            target = {"member_jobs": "member_jobs_per_1000_inhabitants",
                      "member_reused_t": "member_reused_per_1000_inhabitants"}[r.indicator_id]
            if (r.nis_code, r.year) in p and p[(r.nis_code, r.year)][0] > 0:
                den, sid = p[(r.nis_code, r.year)]
                rows.append({**r._asdict(), "indicator_id": target, "value": r.value / den * 1000,
                             "source_ids": _merge_sources([r.source_ids, sid]),
                             "note": (r.note + "; " if isinstance(r.note, str) else "") + f"population on 1 January {r.year}"})
        if r.indicator_id == "member_jobs" and r.nis_code in u and u[r.nis_code][0] > 0:
            den, sid, y = u[r.nis_code]
            rows.append({**r._asdict(), "indicator_id": "member_jobs_per_1000_unemployed",
                         "value": r.value / den * 1000, "source_ids": _merge_sources([r.source_ids, sid]),
                         "note": (r.note + "; " if isinstance(r.note, str) else "") + f"denominator: Census {y} unemployed 15-64 "
                                 "(constant for every year)"})
    out = pd.DataFrame(rows)
    return out.drop(columns=[c for c in ("Index",) if c in out.columns]) if len(out) else out
