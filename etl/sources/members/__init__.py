"""Member data: operator sites, yearly jobs and re-use flows per site, from the templates in
``data/templates/`` (CSV or XLSX, headers in fr, nl or en), plus the example dataset in
``data/example/`` (quality ``example``, skipped with ``--no-example``).

Files:

* ``data/members/*.{csv,xlsx}``: real member files (quality ``reported``); each file gets a source row
  ``SRC_MEMBER_<sha256 prefix>`` (publisher = the ``reported_by`` / organisation column or the file name;
  a value that is an e-mail address is never used).
* ``data/example/members_*.csv``: the fictitious example set (source ``SRC_EXAMPLE_MEMBERS``), loaded only
  while there is no real member file at all: as soon as one real member file (or upload) is present the
  whole example set is left out of the build (said in the build log and on the Data & sources page), so
  no sum, rate, chart or ranking ever adds example figures to real ones.

Site ids are shared by the files of one set (members or example): jobs and flows name a site by
``site_id``. ``reading`` reads and checks one file, ``locating`` finds a site's commune, ``deriving``
aggregates the commune indicators; this module ties them into the build.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...errors import InputError, Problem
from ...messages import Message
from ...readers import header_notes, read_notes
from ..base import ROUND_RE, Source, Step, insert_frame, rel, round_order
from .deriving import aggregate, read_emission_factors
from .locating import SiteLocator
from .reading import ALIASES, HEADER_WORDS, member_files, read_member_file, template_kind

EXAMPLE_SOURCE = "SRC_EXAMPLE_MEMBERS"
GENERIC_SOURCE = "SRC_MEMBER_DATA"   # its texts in fr/nl/en name every member file's source


@dataclass
class MemberSet:
    """The files of one set (members or example): sites, jobs, flows as tidy frames."""

    example: bool
    sites: list[pd.DataFrame] = field(default_factory=list)
    jobs: list[pd.DataFrame] = field(default_factory=list)
    flows: list[pd.DataFrame] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)    # file -> canonical column -> as written

    def column(self, file: str, column: str) -> str:
        return self.headers.get(file, {}).get(column, column)


EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def _source_for_file(path: Path, frame: pd.DataFrame, digest: str, display: str) -> dict:
    """The source row of a real member file; its notes name the file, never a path on the server."""
    publisher = ""
    for col in ("reported_by", "organisation"):
        if col in frame:
            vals = [v for v in dict.fromkeys(frame[col]) if v and not EMAIL.search(str(v))]
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
        "notes": f"member template {path.name}; sha256 {digest}",
        "quality": "reported",
        "retrieved": None,
        "file_name": path.name, "sha256": digest,
    }


def in_languages(sources: list[dict], generic: pd.Series) -> pd.DataFrame:
    """The rows of the member files' sources with their texts in fr/nl/en: the generic member-data source's
    (``SRC_MEMBER_DATA`` in the catalogue) title, description and licence, naming the file; the publisher is
    the organisations' own name in every language."""
    d = pd.DataFrame(sources).drop_duplicates("source_id")
    d["own_language"], d["licence_id"] = "", generic["licence_id"]
    for lang in ("fr", "nl", "en"):
        d[f"publisher_{lang}"] = d["publisher"]
        d[f"title_{lang}"] = generic[f"title_{lang}"] + " — " + d["file_name"]
        d[f"description_{lang}"] = generic[f"description_{lang}"] + " sha256 " + d["sha256"]
        d[f"licence_{lang}"] = generic[f"licence_{lang}"]
        d[f"reference_date_{lang}"] = generic[f"reference_date_{lang}"]
    return d



def operator_key(site_id: str, example: bool) -> str:
    return ("ex-" if example else "mb-") + site_id


def _load_set(step, files: list[Path], example: bool, problems: list[Problem]) -> MemberSet | None:
    locator = SiteLocator(step.communes, step.geometry)
    mset = MemberSet(example)
    for path in files:
        display = rel(path)
        try:
            kind, tidy, raw, table = read_member_file(path, display, locator, step.catalog.reuse_streams)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        mset.headers[display] = table.headers
        step.notes += header_notes(table, display)
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


KEYS = {"sites": ["site_id"], "jobs": ["site_id", "year"], "flows": ["site_id", "year", "stream"]}


def supersede(mset: MemberSet) -> None:
    """A later submitted round (``ROUND_RE``, read in time order) replaces the same sites, site-years and
    site-year-streams of the files before it: a member's correction. The earlier files stay inputs (and
    in the archive); only their replaced rows are left out. Files placed by hand keep the strict rule
    (the same figure in two files is refused)."""
    for kind, key in KEYS.items():
        frames = getattr(mset, kind)
        for i, later in enumerate(frames):
            if later.empty or not ROUND_RE.match(Path(later["_file"].iloc[0]).name):
                continue
            seen = set(map(tuple, later[key].astype(str).to_numpy()))
            for j in range(i):
                earlier = frames[j]
                keep = [tuple(k) not in seen for k in earlier[key].astype(str).to_numpy()]
                frames[j] = earlier[keep]


def _check_references(mset: MemberSet, problems: list[Problem]) -> None:
    sites = _concat(mset.sites)
    known = set(sites["site_id"]) if sites is not None else set()
    if sites is not None:
        first: dict[str, dict] = {}
        for r in sites.to_dict("records"):
            if r["site_id"] in first:
                f = first[r["site_id"]]
                problems.append(Problem(r["_file"], int(r["_row"]), mset.column(r["_file"], "site_id"),
                                        Message("site_id_defined_twice", site=r["site_id"], file=f["_file"],
                                                row=int(f["_row"]))))
            else:
                first[r["site_id"]] = r
    where = "data/example/" if mset.example else "data/members/"
    for frames in (mset.jobs, mset.flows):
        for f in frames:
            for r in f.to_dict("records"):
                if r["site_id"] not in known:
                    problems.append(Problem(r["_file"], int(r["_row"]), mset.column(r["_file"], "site_id"),
                                            Message("unknown_site_id", site=r["site_id"], where=where)))
    for frames, key in ((mset.jobs, ["site_id", "year"]), (mset.flows, ["site_id", "year", "stream"])):
        both = _concat(frames)
        if both is not None and both["_file"].nunique() > 1:
            for r in both[both.duplicated(key, keep="first")].to_dict("records"):
                problems.append(Problem(r["_file"], int(r["_row"]), None,
                                        Message("reported_in_other_file", columns=", ".join(key))))


def load(step: Step) -> list[Problem]:
    """Read member and example files, insert sites/jobs/flows, aggregate commune indicators."""
    con = step.con
    problems: list[Problem] = []
    sets = []
    members = sorted(member_files(step.data_dir / "members"), key=round_order)
    examples = member_files(step.data_dir / "example", "members_*") if step.with_example else []
    if members:
        sets.append(_load_set(step, members, False, problems))
        supersede(sets[-1])
    if examples and members:
        step.example["members"] = "left_out"
        step.log(f"  example member data left out: {len(members)} real member file(s) in members/ "
                 "(example and real member data are never mixed)")
    elif examples:
        step.example["members"] = "included"
        sets.append(_load_set(step, examples, True, problems))
    else:
        step.example["members"] = "off"
    if problems:
        return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))
    for mset in sets:
        _check_references(mset, problems)
    if problems:
        return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))

    factors, fpath = read_emission_factors(step.data_dir / "catalog" / "emission_factors.csv",
                                           set(step.catalog.sources["source_id"]),
                                           step.catalog.reuse_streams.codes, problems)
    if problems:
        return problems
    if fpath is not None:
        step.inputs.add(fpath, "emission_factors", len(factors))

    for mset in sets:
        if mset.sources:
            insert_frame(con, "source", in_languages(
                mset.sources, step.catalog.sources.set_index("source_id").loc[GENERIC_SOURCE]))
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


def claims(path: Path, header) -> bool:
    """A member template: a ``site_id`` column (in any language) and the columns of one template."""
    canon = [ALIASES.get(c.strip().lower(), c) for c in header.columns]
    return "site_id" in canon and template_kind(canon) is not None


def validate(path: Path, context) -> tuple[list[Problem], str]:
    """One file on its own: site ids are not matched against the other files, and coordinates are only
    checked against the region's box (the polygons come with the build's boundaries)."""
    kind, tidy, _raw, table = read_member_file(path, str(path), SiteLocator(context.communes, None),
                                               context.catalog.reuse_streams)
    return [], f"member {kind}: {len(tidy)} rows" + read_notes(table)


SOURCE = Source("members", load, claims, validate, requires=("catalog", "communes", "boundaries", "facts"),
                upload_dir="members", header_words=HEADER_WORDS)
