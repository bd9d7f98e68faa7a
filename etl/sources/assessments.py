"""Five tips scorecard: criteria, real assessments from public evidence, uploaded and example assessments.

Inputs (all under ``data/``; the statuses and the words accepted for them are ``catalog/tip_statuses.csv``,
read by the catalog source):

* ``catalog/tip_criteria.csv`` — 3–5 criteria per tip: labels and "how it is judged" fr/nl/en, weight,
  responsible level (commune | cpas | region), optional indicator that measures it.
* ``catalog/evidence_map.csv`` — how a loaded policy-evidence figure (``raw/facts/policy_evidence.csv``,
  already in ``observation`` / ``scoped_observation``) becomes an assessment: indicator, value rule
  (``=1``, ``=0``, ``>0``, ``>=33``), status, criterion, and ``undated_on`` for evidence without a year.
  A figure dated by year is assessed on **1 July of that year**; an undated one on ``undated_on``.
  Only rows that exist become assessments: a commune without evidence gets no row (shown *unknown*).
  Several pieces of evidence for the same commune × criterion × date keep the most advanced status
  and all notes. ``source_id`` = the evidence's first source, ``evidence_url`` = that source's URL,
  ``quality`` = that source's tier.
* ``assessments/*.csv|xlsx`` — the assessment template filled by editors (``python -m etl load``):
  ``nis_code, criterion_id, assessed_on, status, evidence_url, note[, source_id]``; headers in fr/nl/en.
  ``source_id`` defaults to ``SRC_TIP_ASSESSMENTS`` (reported). A row clashing with an evidence row
  (same commune, criterion and date) is a problem, not a silent override.
* ``example/assessments.csv`` — example rounds (quality ``example``), loaded only with example data
  on **and no real assessment at all** (none from public evidence, none uploaded). A tip's score adds
  up several criteria of a commune and the maps, rankings and grid set the communes side by side:
  left out per commune × criterion, example rows would still share a score, a ranking or a map with
  real ones. So, as for member data, the whole example set is left out as soon as one real
  assessment exists (said in the build log and on the Data & sources page).
* ``archive/index.jsonl`` — the upload archive log, copied into ``upload_archive`` for the app.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from ..codes import COMMUNES
from ..errors import InputError, Problem, ProblemList, by_place
from ..messages import Message
from ..readers import as_written, duplicate_rows, header_notes, numbers, read_notes, read_table, require_columns
from .base import Source, Step, insert_frame, rel
from .catalog import TipStatuses
from .communes import CommuneNames

LEVELS = {"commune", "cpas", "region"}
EXAMPLE_SOURCE = "SRC_EXAMPLE_ASSESSMENTS"
UPLOAD_SOURCE = "SRC_TIP_ASSESSMENTS"
TEMPLATE_COLUMNS = ["nis_code", "criterion_id", "assessed_on", "status", "evidence_url", "note"]
OPTIONAL_COLUMNS = ["evidence_url", "note", "source_id"]
REQUIRED_COLUMNS = ["nis_code", "criterion_id", "assessed_on", "status"]

# header cells in any of the three languages -> canonical column
ALIASES = {
    "nis": "nis_code", "nis code": "nis_code", "code nis": "nis_code", "nis-code": "nis_code", "refnis": "nis_code",
    "code_nis": "nis_code", "niscode": "nis_code",
    "criterion": "criterion_id", "critère": "criterion_id", "critere": "criterion_id", "criterium": "criterion_id",
    "criterion id": "criterion_id", "critere_id": "criterion_id",
    "date": "assessed_on", "assessed on": "assessed_on", "évalué le": "assessed_on", "evalue le": "assessed_on",
    "date d'évaluation": "assessed_on", "beoordeeld op": "assessed_on", "datum": "assessed_on",
    "statut": "status", "état": "status", "etat": "status",
    "evidence": "evidence_url", "preuve": "evidence_url", "lien": "evidence_url", "bewijs": "evidence_url",
    "link": "evidence_url", "url": "evidence_url", "evidence url": "evidence_url",
    "remarque": "note", "commentaire": "note", "opmerking": "note", "notes": "note",
    "source": "source_id", "bron": "source_id",
    # a commune name is accepted instead of its code (etl.sources.communes.CommuneNames)
    "commune": "nis_code", "gemeente": "nis_code", "municipality": "nis_code",
}
# every header cell the template may have, lower case: finds the header below title or blank rows
HEADER_WORDS = frozenset(ALIASES) | frozenset(TEMPLATE_COLUMNS) | frozenset(OPTIONAL_COLUMNS)
# a spreadsheet date number (days since 1899-12-30) of 1954–2119: a date whose cell lost its date format
SERIAL_DAYS = (20_000, 80_000)
def _records(frame: pd.DataFrame):
    """Rows as objects; ``_row`` (the spreadsheet row) is ``row_``."""
    for d in frame.to_dict("records"):
        d["row_"] = d.pop("_row", None)
        yield SimpleNamespace(**d)


URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


# ----------------------------------------------------------------------------- criteria and evidence map

def read_criteria(path: Path, catalog) -> pd.DataFrame:
    table = read_table(path)
    cols = ["criterion_id", "tip_id", "label_fr", "label_nl", "label_en", "judged_fr", "judged_nl", "judged_en",
            "weight", "level"]
    frame = require_columns(table, cols, ["indicator_id"])
    problems = ProblemList()
    for c in cols:
        for v, row in zip(frame[c], frame["_row"]):
            if not v:
                problems.add(table.name, "value is required", row=int(row), column=c)
    duplicate_rows(table.name, frame, ["criterion_id"], problems)
    tips = set(catalog.tips["tip_id"].astype(str))
    for r in _records(frame):
        if r.tip_id not in tips:
            problems.add(table.name, f"tip '{r.tip_id}' is not one of 1-5", row=int(r.row_), column="tip_id")
        if r.level not in LEVELS:
            problems.add(table.name, f"'{r.level}' is not one of {', '.join(sorted(LEVELS))}", row=int(r.row_),
                         column="level")
        if r.indicator_id and r.indicator_id not in catalog.indicators.index:
            problems.add(table.name, f"unknown indicator '{r.indicator_id}'", row=int(r.row_), column="indicator_id")
        if r.criterion_id and not re.fullmatch(r"[a-z0-9_]+", r.criterion_id):
            problems.add(table.name, "criterion_id: lower-case letters, digits and _ only", row=int(r.row_),
                         column="criterion_id")
    frame["weight"] = numbers(table, frame, "weight", problems)
    for v, row in zip(frame["weight"], frame["_row"]):
        if v == v and v <= 0:
            problems.add(table.name, "weight must be above 0", row=int(row), column="weight")
    counts = frame.groupby("tip_id").size()
    for tip in sorted(tips):
        n = int(counts.get(tip, 0))
        if not 3 <= n <= 5:
            problems.add(table.name, f"tip {tip} has {n} criteria; 3-5 expected", column="tip_id")
    problems.raise_if_any()
    frame["indicator_id"] = frame["indicator_id"].replace("", None)
    return frame.astype({"tip_id": int}).drop(columns="_row")


_RULE = re.compile(r"^(=|>=|>|<=|<)\s*(-?\d+(\.\d+)?)$")


def rule_matches(rule: str, value: float) -> bool:
    op, num = _RULE.match(rule.strip()).group(1, 2)
    num = float(num)
    return {"=": value == num, ">=": value >= num, ">": value > num, "<=": value <= num, "<": value < num}[op]


def read_evidence_map(path: Path, criteria: pd.DataFrame, catalog) -> pd.DataFrame:
    table = read_table(path)
    frame = require_columns(table, ["indicator_id", "value_rule", "status", "criterion_id", "undated_on",
                                    "explanation"])
    problems = ProblemList()
    known = set(criteria["criterion_id"])
    statuses = catalog.tip_statuses
    concluded = [s for s in statuses.codes if s != statuses.unknown]    # what evidence can conclude
    for r in _records(frame):
        row = int(r.row_)
        if r.indicator_id not in catalog.indicators.index:
            problems.add(table.name, f"unknown indicator '{r.indicator_id}'", row=row, column="indicator_id")
        if not _RULE.match(r.value_rule.strip()):
            problems.add(table.name, f"'{r.value_rule}' is not a rule like =1, >0, >=33", row=row, column="value_rule")
        if r.status not in concluded:
            problems.add(table.name, f"'{r.status}' is not one of {', '.join(concluded)}", row=row, column="status")
        if r.criterion_id not in known:
            problems.add(table.name, f"unknown criterion '{r.criterion_id}'", row=row, column="criterion_id")
        if r.undated_on and _parse_date(r.undated_on) is None:
            problems.add(table.name, f"'{r.undated_on}' is not a date (YYYY-MM-DD)", row=row, column="undated_on")
        if not r.explanation:
            problems.add(table.name, "say why this evidence means this status", row=row, column="explanation")
    problems.raise_if_any()
    return frame


def evidence_assessments(con, emap: pd.DataFrame, map_name: str, statuses: TipStatuses
                         ) -> tuple[pd.DataFrame, list[Problem]]:
    """Real assessments from the loaded policy-evidence figures (communes only; region rows are context)."""
    ids = sorted(set(emap["indicator_id"]))
    if not ids:
        return pd.DataFrame(), []
    marks = ", ".join("?" * len(ids))
    codes = ", ".join("?" * len(COMMUNES))
    ev = con.execute(
        f"SELECT o.nis_code, o.indicator_id, o.year, o.value, o.source_id, o.ref_period, o.note, o.input_file "
        f"FROM observation o WHERE o.indicator_id IN ({marks}) AND o.nis_code IN ({codes}) "
        f"UNION ALL SELECT s.nis_code, s.indicator_id, s.year, s.value, s.source_id, s.ref_period, s.note, s.input_file "
        f"FROM scoped_observation s WHERE s.indicator_id IN ({marks}) AND s.nis_code IN ({codes}) "
        f"AND s.scope = s.nis_code", ids + list(COMMUNES) + ids + list(COMMUNES)).df()
    src = con.execute("SELECT source_id, url, quality FROM source").df().set_index("source_id")
    rows, problems = [], []
    for e in ev.itertuples():
        for m in _records(emap[emap["indicator_id"] == e.indicator_id]):
            if not rule_matches(m.value_rule, float(e.value)):
                continue
            if pd.notna(e.year):
                on = dt.date(int(e.year), 7, 1)
            elif m.undated_on:
                on = _parse_date(m.undated_on)
            else:
                problems.append(Problem(map_name, int(m.row_), "undated_on",
                                        f"{e.indicator_id} for {e.nis_code} has no year: give undated_on"))
                continue
            when = f" ({e.ref_period})" if isinstance(e.ref_period, str) and e.ref_period else ""
            detail = f"; {e.note}" if isinstance(e.note, str) and e.note else ""
            url = src.loc[e.source_id, "url"] if e.source_id in src.index else None
            rows.append({"nis_code": e.nis_code, "criterion_id": m.criterion_id, "assessed_on": on,
                         "status": m.status, "evidence_url": url if isinstance(url, str) and url else None,
                         "note": f"{m.explanation}{when}{detail}", "source_id": e.source_id,
                         "quality": src.loc[e.source_id, "quality"] if e.source_id in src.index else "reported",
                         "input_file": e.input_file})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame, problems
    # several pieces of evidence for one commune x criterion x date: most advanced status, all notes
    frame["_rank"] = frame["status"].map(statuses.rank)
    frame = frame.sort_values(["nis_code", "criterion_id", "assessed_on", "_rank"], ascending=[True, True, True, False])
    notes = frame.groupby(["nis_code", "criterion_id", "assessed_on"])["note"].agg(lambda s: " | ".join(dict.fromkeys(s)))
    frame = frame.drop_duplicates(["nis_code", "criterion_id", "assessed_on"]).drop(columns=["_rank", "note"])
    frame = frame.merge(notes.reset_index(), on=["nis_code", "criterion_id", "assessed_on"])
    return frame, problems


# ----------------------------------------------------------------------------- the assessment template

def _parse_date(text: str) -> dt.date | None:
    s = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    return None


def date_problem(text: str) -> Message:
    """Why a text that ``_parse_date`` does not read is not a date; a spreadsheet date number says which
    date it may be (a cell not formatted as a date is never read as one: the number could be anything)."""
    s = (text or "").strip()
    if re.fullmatch(r"\d{5}(\.0+)?", s) and SERIAL_DAYS[0] <= float(s) <= SERIAL_DAYS[1]:
        return Message("date_serial", text=s, date=(dt.date(1899, 12, 30) + dt.timedelta(days=int(float(s)))).isoformat())
    return Message("not_a_date", text=s)


def is_assessment_header(columns) -> bool:
    """True when a header (any language) is the assessment template's."""
    canon = {ALIASES.get(str(c).strip().lower(), str(c).strip().lower()) for c in columns}
    return set(REQUIRED_COLUMNS) <= canon


def read_assessment_file(path: Path, criteria_ids: set[str], sources: pd.DataFrame, *, statuses: TipStatuses,
                         default_source: str, communes: CommuneNames, quality: str | None = None,
                         display_name: str | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Read and check one filled assessment template; raise InputError listing every problem (columns
    named as the file's header writes them).

    ``sources``: the source table (source_id index, quality column). ``quality`` forces the tier
    (``example``); otherwise it comes from the row's source. ``communes``: the commune names accepted
    instead of a NIS code.
    """
    rows = ProblemList()               # refused rows and cells, reported with the checks of the other rows
    table = read_table(path, header_words=HEADER_WORDS, deferred=rows)
    name = display_name or table.name
    table.path = Path(name) if display_name else table.path
    try:
        frame = require_columns(table, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, aliases=ALIASES)
        result = _assessment_rows(frame, name, criteria_ids, sources, statuses, default_source, communes, quality,
                                  today)
    except InputError as exc:
        raise InputError(by_place(as_written(rows, {}, name) + as_written(exc.problems, table.headers))) from None
    if rows:
        raise InputError(as_written(rows, {}, name))
    result.attrs["read_notes"] = read_notes(table)
    result.attrs["header_notes"] = header_notes(table, name)
    return result


def _assessment_rows(frame: pd.DataFrame, name: str, criteria_ids: set[str], sources: pd.DataFrame,
                     statuses: TipStatuses, default_source: str, communes: CommuneNames, quality: str | None,
                     today: dt.date | None) -> pd.DataFrame:
    problems = ProblemList()
    today = today or dt.date.today()
    # as messages list them: what evidence can conclude, then 'unknown'
    listed = ", ".join([s for s in statuses.codes if s != statuses.unknown] + [statuses.unknown])
    out = []
    for r in _records(frame):
        row = int(r.row_)
        code, why = communes.code(r.nis_code)
        if not r.nis_code:
            problems.add(name, Message("value_required"), row=row, column="nis_code")
        elif why:
            problems.add(name, why, row=row, column="nis_code")
        if r.criterion_id not in criteria_ids:
            shown = Message("unknown_criterion", text=r.criterion_id) if r.criterion_id else Message("value_required")
            problems.add(name, shown, row=row, column="criterion_id")
        on = _parse_date(r.assessed_on)
        if on is None:
            problems.add(name, date_problem(r.assessed_on), row=row, column="assessed_on")
        elif on > today:
            problems.add(name, Message("date_future", date=on.isoformat()), row=row, column="assessed_on")
        elif on.year < 1990:
            problems.add(name, Message("date_before_1990", date=on.isoformat()), row=row, column="assessed_on")
        status = statuses.code(r.status)
        if status is None:
            problems.add(name, Message("not_a_status", text=r.status, listed=listed), row=row, column="status")
        url = (r.evidence_url or "").strip()
        if url and not URL_RE.match(url):
            problems.add(name, Message("evidence_not_url"), row=row, column="evidence_url")
        if status in statuses.commitments and not url and quality != "example":
            problems.add(name, Message("evidence_needed", status=status), row=row, column="evidence_url")
        sid = (r.source_id or "").strip() or default_source
        if sid not in sources.index:
            problems.add(name, Message("unknown_source_page", text=sid), row=row, column="source_id")
        if len(r.note or "") > 2000:
            problems.add(name, Message("note_too_long"), row=row, column="note")
        out.append({"nis_code": code, "criterion_id": r.criterion_id, "assessed_on": on, "status": status,
                    "evidence_url": url or None, "note": (r.note or "").strip() or None, "source_id": sid,
                    "quality": quality or (sources.loc[sid, "quality"] if sid in sources.index else None),
                    "input_file": name, "_row": row})
    result = pd.DataFrame(out)
    seen: dict[tuple, int] = {}
    for r in _records(result):
        key = (r.nis_code, r.criterion_id, r.assessed_on)
        if key in seen:
            problems.add(name, Message("duplicate_assessment", first=seen[key]), row=r.row_)
        else:
            seen[key] = r.row_
    problems.raise_if_any()
    return result


def check_against(frame: pd.DataFrame, existing: pd.DataFrame) -> list[Problem]:
    """Rows of ``frame`` whose commune x criterion x date is already given by ``existing``."""
    if frame.empty or existing.empty:
        return []
    key = ["nis_code", "criterion_id", "assessed_on"]
    clash = frame.merge(existing[key + ["input_file"]].rename(columns={"input_file": "_other"}), on=key)
    return [Problem(r.input_file, int(r.row_) if r.row_ is not None else None, "assessed_on",
                    Message("already_assessed", code=r.nis_code, criterion=r.criterion_id, date=str(r.assessed_on),
                            other=r._other))
            for r in _records(clash)]


# ----------------------------------------------------------------------------- build step

def upload_files(data_dir: Path) -> list[Path]:
    d = Path(data_dir) / "assessments"
    return sorted(p for p in d.glob("*") if p.suffix.lower() in (".csv", ".xlsx")) if d.exists() else []


def load(step: Step) -> list[Problem]:
    cat_dir = step.data_dir / "catalog"
    crit_path, map_path = cat_dir / "tip_criteria.csv", cat_dir / "evidence_map.csv"
    problems: list[Problem] = []
    try:
        criteria = read_criteria(crit_path, step.catalog)
        emap = read_evidence_map(map_path, criteria, step.catalog)
    except InputError as exc:
        return exc.problems
    step.inputs.add(crit_path, "tip_criteria", len(criteria))
    step.inputs.add(map_path, "evidence_map", len(emap))
    insert_frame(step.con, "tip_criterion", criteria)

    statuses = step.catalog.tip_statuses
    real, more = evidence_assessments(step.con, emap, rel(map_path), statuses)
    problems += more
    n_evidence = len(real)
    sources = step.con.execute("SELECT source_id, quality FROM source").df().set_index("source_id")
    ids = set(criteria["criterion_id"])
    names = CommuneNames(step.communes)
    for path in upload_files(step.data_dir):
        try:
            frame = read_assessment_file(path, ids, sources, statuses=statuses, default_source=UPLOAD_SOURCE,
                                         communes=names, display_name=rel(path))
        except InputError as exc:
            problems += exc.problems
            continue
        problems += check_against(frame, real)
        step.notes += frame.attrs["header_notes"]
        real = pd.concat([real, frame.drop(columns="_row")], ignore_index=True)
        step.inputs.add(path, "assessments", len(frame))
    if problems:
        return problems

    example = pd.DataFrame()
    ex_path = step.data_dir / "example" / "assessments.csv"
    if step.with_example and ex_path.exists():
        try:
            example = read_assessment_file(ex_path, ids, sources, statuses=statuses, default_source=EXAMPLE_SOURCE,
                                           communes=names, quality="example", display_name=rel(ex_path))
        except InputError as exc:
            return exc.problems
        step.inputs.add(ex_path, "example_assessments", len(example))
        example = example.drop(columns="_row")
        if not real.empty:        # real assessments exist: no example row may share a score with them
            step.log(f"  example assessments left out: {len(real)} real assessments "
                     "(example and real assessments are never mixed)")
            example = pd.DataFrame()
            step.example["assessments"] = "left_out"
        else:
            step.example["assessments"] = "included"
    else:
        step.example["assessments"] = "off"
    rows = pd.concat([f for f in (real, example) if not f.empty], ignore_index=True) if len(real) + len(example) \
        else pd.DataFrame()
    insert_frame(step.con, "tip_assessment", rows)
    step.log(f"  tips: {len(criteria)} criteria; {n_evidence} assessments from public evidence, "
             f"{len(real) - n_evidence} uploaded, {len(example)} example")

    return []


def claims(path: Path, header) -> bool:
    return is_assessment_header(header.columns)


def validate(path: Path, context) -> tuple[list[Problem], str]:
    """The five-tips assessment template: codes, criteria, dates, statuses, links, sources. The example file
    (``example/assessments.csv``) is checked as the build reads it: quality example, no evidence link needed."""
    catalog = context.catalog
    criteria = read_criteria(context.data_dir / "catalog" / "tip_criteria.csv", catalog)
    sources = catalog.sources.set_index("source_id")
    example = Path(path).resolve() == (Path(context.data_dir) / "example" / "assessments.csv").resolve()
    frame = read_assessment_file(path, set(criteria["criterion_id"]), sources, statuses=catalog.tip_statuses,
                                 default_source=EXAMPLE_SOURCE if example else UPLOAD_SOURCE,
                                 quality="example" if example else None, communes=CommuneNames(context.communes))
    return [], f"assessments: {len(frame)} rows, {frame['nis_code'].nunique()} communes" + frame.attrs["read_notes"]


SOURCE = Source("assessments", load, claims, validate, requires=("catalog", "communes", "facts"),
                upload_dir="assessments", header_words=HEADER_WORDS)
