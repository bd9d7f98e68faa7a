"""Member data: operator sites, yearly jobs and re-use flows per site, from the templates in
``data/templates/`` (CSV or XLSX, headers in fr, nl or en), plus the example dataset in
``data/example/`` (quality ``example``, skipped with ``--no-example``).

Files:

* ``data/members/*.{csv,xlsx}``: real member files (quality ``reported``); each file gets a source row
  ``SRC_MEMBER_<sha256 prefix>`` (publisher = the ``reported_by`` / organisation column or the file name).
* ``data/example/members_*.csv``: the fictitious example set (source ``SRC_EXAMPLE_MEMBERS``).

Site ids are shared by the files of one set (members or example): jobs and flows name a site by
``site_id``. ``reading`` reads and checks one file, ``locating`` finds a site's commune, ``deriving``
aggregates the commune indicators; this module ties them into the build.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...errors import InputError, Problem
from ..base import Source, Step, insert_frame, rel
from .deriving import aggregate, read_emission_factors
from .locating import SiteLocator
from .reading import ALIASES, member_files, read_member_file, template_kind

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
            kind, tidy, raw = read_member_file(path, display, locator, step.catalog.reuse_streams)
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


def load(step: Step) -> list[Problem]:
    """Read member and example files, insert sites/jobs/flows, aggregate commune indicators."""
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
    kind, tidy, _raw = read_member_file(path, str(path), SiteLocator(context.communes, None),
                                        context.catalog.reuse_streams)
    return [], f"member {kind}: {len(tidy)} rows"


SOURCE = Source("members", load, claims, validate, requires=("catalog", "communes", "boundaries", "facts"),
                upload_dir="members")
