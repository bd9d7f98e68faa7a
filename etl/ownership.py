"""A member organisation submits only its own figures: every site of its operator-sites file names it as
the organisation, and every jobs or re-use row is about one of its sites (already published under its
name, or defined in the same submission). Five-tips assessments are the federation editors' to enter.

Checked by ``python -m etl preview | submit --organisation ORG`` before anything is stored; each refusal
names file, row, column and what to do."""
from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import InputError, Problem
from .readers import fold, read_table, require_columns
from .sources.members.reading import (
    ALIASES,
    FLOW_OPTIONAL,
    FLOW_REQUIRED,
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
    table = read_table(path)
    cols = [ALIASES.get(c.strip().lower(), c) for c in table.frame.columns if c != "_row"]
    kind = template_kind(cols)
    table.path = Path(name)
    required, optional = COLUMNS[kind]
    return kind, require_columns(table, required, optional, aliases=ALIASES)


def check_ownership(files: list[tuple[Path, str, str]], organisation: str, db_path: Path | None) -> list[Problem]:
    """``files``: (path, shown name, source kind). Problems for every row that is not ``organisation``'s."""
    problems: list[Problem] = []
    known = published_sites(db_path)
    frames = []
    for path, name, kind in files:
        if kind == "assessments":
            problems.append(Problem(name, None, None, "five-tips assessments are entered by the federation's "
                                                      "editors; a member organisation submits its sites, jobs "
                                                      "and re-use flows"))
            continue
        if kind != "members":
            problems.append(Problem(name, None, None, "not a member template"))
            continue
        try:
            frames.append((name, *_frame(path, name)))
        except InputError as exc:
            problems += exc.problems
    own = {s for s, org in known.items() if same_organisation(org, organisation)}
    for name, kind, frame in frames:
        if kind != "sites":
            continue
        for site, org, row in zip(frame["site_id"], frame["organisation"], frame["_row"]):
            if not same_organisation(org, organisation):
                problems.append(Problem(name, int(row), "organisation",
                                        f"write '{organisation}' here: you submit for {organisation} only"
                                        + (f" (the file says '{org}')" if org else "")))
            elif site in known and not same_organisation(known[site], organisation):
                problems.append(Problem(name, int(row), "site_id", f"site_id '{site}' is a site of another "
                                        "organisation: choose another id for your site"))
            else:
                own.add(site)
    for name, kind, frame in frames:
        if kind == "sites":
            continue
        for site, row in zip(frame["site_id"], frame["_row"]):
            if site in own:
                continue
            why = ("is a site of another organisation" if site in known else
                   "is not one of your sites: submit it in an operator-sites file first (or in the same submission)")
            problems.append(Problem(name, int(row), "site_id", f"site_id '{site}' {why}"))
    return problems
