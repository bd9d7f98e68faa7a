"""A member organisation submits only its own figures: every site of its operator-sites file names it as
the organisation, and every jobs or re-use row is about one of its sites (already published under its
name, or defined in the same submission). Five-tips assessments are the federation editors' to enter.

Checked by ``python -m etl preview | submit --organisation ORG`` before anything is stored; each refusal
names file, row, column and what to do."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb

from .errors import InputError, Problem, ProblemList
from .messages import Message
from .readers import as_written, fold, read_table, require_columns
from .sources.members.reading import (
    ALIASES,
    FLOW_OPTIONAL,
    FLOW_REQUIRED,
    HEADER_WORDS,
    JOBS_OPTIONAL,
    JOBS_REQUIRED,
    SITE_OPTIONAL,
    SITE_REQUIRED,
    template_kind,
)

COLUMNS = {"sites": (SITE_REQUIRED, SITE_OPTIONAL), "jobs": (JOBS_REQUIRED, JOBS_OPTIONAL),
           "flows": (FLOW_REQUIRED, FLOW_OPTIONAL)}


def same_organisation(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and fold(str(a)).strip() == fold(str(b)).strip()


def published_sites(db_path: Path | None) -> dict[str, str]:
    """site_id -> organisation of the member sites in the published database (none when there is none)."""
    if db_path is None or not Path(db_path).exists():
        return {}
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.execute("SELECT substr(operator_id, 4), coalesce(organisation, '') FROM operator "
                               "WHERE operator_id LIKE 'mb-%'").fetchall()
    except duckdb.Error:
        return {}
    return dict(rows)


def _frame(path: Path, name: str):
    """(kind, frame with canonical columns, canonical column -> header as written), read as the build reads
    a member file (a header below title rows found; the problems of single rows are the build's to report)."""
    table = read_table(path, header_words=HEADER_WORDS, deferred=ProblemList())
    cols = [ALIASES.get(c.strip().lower(), c) for c in table.frame.columns if c != "_row"]
    kind = template_kind(cols)
    table.path = Path(name)
    required, optional = COLUMNS[kind]
    frame = require_columns(table, required, optional, aliases=ALIASES)
    return kind, frame, table.headers


def check_ownership(files: list[tuple[Path, str, str]], organisation: str, db_path: Path | None) -> list[Problem]:
    """``files``: (path, shown name, source kind). Problems for every row that is not ``organisation``'s."""
    problems: list[Problem] = []
    known = published_sites(db_path)
    frames = []
    for path, name, kind in files:
        if kind == "assessments":
            problems.append(Problem(name, None, None, Message("assessments_by_editors")))
            continue
        if kind != "members":
            problems.append(Problem(name, None, None, Message("not_member_upload")))
            continue
        try:
            frames.append((name, *_frame(path, name)))
        except InputError as exc:
            problems += as_written([dataclasses.replace(p, file=name) for p in exc.problems], {})
    own = {s for s, org in known.items() if same_organisation(org, organisation)}
    for name, kind, frame, headers in frames:
        if kind != "sites":
            continue
        for site, org, row in zip(frame["site_id"], frame["organisation"], frame["_row"]):
            if not same_organisation(org, organisation):
                problems.append(Problem(name, int(row), headers.get("organisation", "organisation"),
                                        Message("own_organisation_says", organisation=organisation, org=org) if org
                                        else Message("own_organisation", organisation=organisation)))
            elif site in known and not same_organisation(known[site], organisation):
                problems.append(Problem(name, int(row), headers.get("site_id", "site_id"),
                                        Message("site_of_another_new_id", site=site)))
            else:
                own.add(site)
    for name, kind, frame, headers in frames:
        if kind == "sites":
            continue
        for site, row in zip(frame["site_id"], frame["_row"]):
            if site in own:
                continue
            problems.append(Problem(name, int(row), headers.get("site_id", "site_id"), Message("site_of_another", site=site) if site in known
                                    else Message("site_not_yours", site=site)))
    return problems
