"""Frames of the Five tips scorecard (``views/tips.py``): pure functions, DataFrames in and out (the
small score maps are drawn by ``charts/scorecard.py``).

Scores per commune × tip, over the tip's criteria (weights ``w``):

* **action score** = Σ w·a(status) / Σ w over criteria with a known status, a(done) = 1,
  a(in progress) = 0.5, a(committed) = a(none) = 0 — what is being done;
* **commitment score** = Σ w·[status ∈ committed, in progress, done] / Σ w over known criteria —
  what has at least been promised (as Climate Action Tracker separates targets from action);
* **coverage** = Σ w over known criteria / Σ w over all criteria of the tip.

A criterion without any assessment is *unknown*: it counts neither for nor against (it lowers
coverage only). With no known criterion both scores are missing (NaN), never 0.

The status vocabulary — order, action value, which statuses count as a commitment, icon and labels —
is data: the database's ``tip_status`` table (``data/catalog/tip_statuses.csv``), read once per
version and passed in as a :class:`Statuses`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.model.quality import Quality, quality_of, tier_label
from dashboard.text.names import both_names

SCORES = ("action", "commitment", "coverage")
KEY = ["nis_code", "criterion_id"]
UNKNOWN = "unknown"   # the status of a criterion nobody assessed (a row of tip_status like the others)


@dataclass(frozen=True)
class Statuses:
    """The ``tip_status`` table: one row per status, indexed by status, in rank order."""

    table: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Statuses:
        return cls(frame.set_index("status", drop=False).sort_values("rank"))

    @property
    def order(self) -> list[str]:
        return list(self.table.index)

    @property
    def action_value(self) -> dict[str, float]:
        return self.table["action_value"].astype(float).to_dict()

    @property
    def committed(self) -> set[str]:
        return set(self.table.index[self.table["counts_as_commitment"].astype(bool)])

    def text(self, status, lang: str) -> str:
        """'✔ done' in the interface language; None -> ''."""
        if status is None or (isinstance(status, float) and np.isnan(status)):
            return ""
        if status not in self.table.index:
            return str(status)
        row = self.table.loc[status]
        return f"{row['icon']} {row[f'label_{lang}']}"


# ----------------------------------------------------------------------------- history

def latest(history: pd.DataFrame) -> pd.DataFrame:
    """One row per commune × criterion: the latest assessment, plus ``previous_status`` and
    ``previous_on`` (the assessment before it; None for a first assessment)."""
    cols = list(history.columns)
    if history.empty:
        return pd.DataFrame(columns=cols + ["previous_status", "previous_on", "n_assessments"])
    h = history.sort_values(KEY + ["assessed_on"]).copy()
    g = h.groupby(KEY, sort=False)
    h["previous_status"] = g["status"].shift(1)
    h["previous_on"] = g["assessed_on"].shift(1)
    h["n_assessments"] = g["status"].transform("size")
    out = h.groupby(KEY, sort=False).tail(1).reset_index(drop=True)
    out["previous_status"] = out["previous_status"].astype(object).where(out["previous_status"].notna(), None)
    return out


def grid(latest_rows: pd.DataFrame, criteria: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Every commune × criterion, with the latest status or ``unknown`` where nothing was assessed."""
    full = pd.MultiIndex.from_product([list(codes), list(criteria["criterion_id"])], names=KEY).to_frame(index=False)
    g = full.merge(latest_rows, on=KEY, how="left")
    g["status"] = g["status"].fillna(UNKNOWN)
    return g.merge(criteria[["criterion_id", "tip_id", "weight"]], on="criterion_id", how="left")


def tip_scores(g: pd.DataFrame, statuses: Statuses) -> pd.DataFrame:
    """Per commune × tip: action, commitment, coverage (0–1, NaN when unknown), n_known, n_criteria,
    quality (the ``Quality`` of the known statuses the score counts) and example (its example mark)."""
    d = g.copy()
    known = d["status"] != UNKNOWN
    d["w_known"] = d["weight"].where(known, 0.0)
    d["w_action"] = d["weight"] * d["status"].map(statuses.action_value).fillna(0.0) * known
    d["w_commit"] = d["weight"] * d["status"].isin(statuses.committed)
    d["known"] = known.astype(int)
    keys = ["nis_code", "tip_id"]
    agg = d.groupby(keys).agg(
        w_all=("weight", "sum"), w_known=("w_known", "sum"), w_action=("w_action", "sum"),
        w_commit=("w_commit", "sum"), n_known=("known", "sum"), n_criteria=("status", "size")).reset_index()
    # the quality of the known statuses each score counts: the distinct (commune, tip, tier) in one pass,
    # not a Python function per group
    tiers: dict[tuple, list] = {}
    if "quality" in d.columns:
        kq = d.loc[known & d["quality"].notna(), [*keys, "quality"]].drop_duplicates()
        for code, tip, tier in kq.itertuples(index=False):
            tiers.setdefault((code, tip), []).append(tier)
    agg["quality"] = [quality_of(tiers.get(k, ())) for k in zip(agg["nis_code"], agg["tip_id"])]
    agg["example"] = [q.is_example for q in agg["quality"]]
    denom = agg["w_known"].replace(0, np.nan)
    agg["action"] = agg["w_action"] / denom
    agg["commitment"] = agg["w_commit"] / denom
    agg["coverage"] = agg["w_known"] / agg["w_all"]
    return agg[["nis_code", "tip_id", "action", "commitment", "coverage", "n_known", "n_criteria", "quality",
                "example"]]


def score_table(scores: pd.DataFrame, communes: pd.DataFrame, score: str, tip_labels: dict[int, str],
                name_headers: tuple[str, str] = ("Commune", "Gemeente")) -> pd.DataFrame:
    """The 19 × 5 grid: both commune names, then one column per tip with ``score`` in percent."""
    wide = scores.pivot(index="nis_code", columns="tip_id", values=score) * 100
    wide = wide.reindex(columns=sorted(tip_labels)).rename(columns=tip_labels)
    names = communes.set_index("nis_code")[["name_fr", "name_nl"]]
    names.columns = list(name_headers)
    out = names.join(wide, how="inner").reset_index()
    return out


def rounds(history: pd.DataFrame) -> list:
    """Distinct assessment dates, newest first."""
    if history.empty:
        return []
    return sorted(pd.to_datetime(history["assessed_on"]).dt.date.unique(), reverse=True)


def changes_since(history: pd.DataFrame, since, statuses: Statuses, *, include_unchanged: bool = False
                  ) -> pd.DataFrame:
    """Assessments dated after ``since``, each with the status before it (the previous assessment of
    the same commune × criterion, however old) and ``change``: new | better | worse | same."""
    if history.empty:
        return pd.DataFrame(columns=list(history.columns) + ["previous_status", "previous_on", "change"])
    h = history.sort_values(KEY + ["assessed_on"]).copy()
    g = h.groupby(KEY, sort=False)
    h["previous_status"] = g["status"].shift(1)
    h["previous_on"] = g["assessed_on"].shift(1)
    h = h[pd.to_datetime(h["assessed_on"]) > pd.Timestamp(since)]
    rank = statuses.table["rank"].to_dict()
    now, before = h["status"].map(rank), h["previous_status"].map(rank)
    h["change"] = np.select([h["previous_status"].isna(), now > before, now < before],
                            ["new", "better", "worse"], default="same")
    if not include_unchanged:
        h = h[h["change"] != "same"]
    h["previous_status"] = h["previous_status"].astype(object).where(h["previous_status"].notna(), None)
    return h.sort_values(["assessed_on", "nis_code", "criterion_id"], ascending=[False, True, True]).reset_index(
        drop=True)


def score_bin(value) -> int:
    """Class of a 0–1 score for the small maps: -1 unknown, 0: 0, 1: (0, 1/3), 2: [1/3, 2/3), 3: [2/3, 1), 4: 1."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return -1
    if value <= 0:
        return 0
    if value >= 1:
        return 4
    return 1 if value < 1 / 3 else 2 if value < 2 / 3 else 3


def commune_criteria(g: pd.DataFrame, nis_code: str, criteria: pd.DataFrame, sources: pd.DataFrame,
                     statuses: Statuses, lang: str, _) -> pd.DataFrame:
    """The detail table of one commune: one row per criterion (tip order), status shown with the
    commitment apart from the action, date, responsible level, evidence link, source and quality."""
    levels = {"commune": _("commune"), "cpas": _("CPAS/OCMW"), "region": _("region")}
    d = g[g["nis_code"] == nis_code].merge(
        criteria[["criterion_id", f"label_{lang}", f"judged_{lang}", "level", "indicator_id"]], on="criterion_id")
    d = d.sort_values(["tip_id", "criterion_id"])
    titles = sources["title"] if "title" in sources else pd.Series(dtype=object)
    publishers = sources["publisher"] if "publisher" in sources else pd.Series(dtype=object)

    def src(sid):
        if not isinstance(sid, str) or not sid:
            return ""
        return f"{publishers.get(sid, '')}: {titles.get(sid, sid)}".strip(": ")

    def qual(q):
        return tier_label(q, lang)

    return pd.DataFrame({
        "tip_id": d["tip_id"].to_numpy(),
        _("Criterion"): d[f"label_{lang}"].to_numpy(),
        _("Status"): [statuses.text(s, lang) for s in d["status"]],
        _("Committed"): [s in statuses.committed for s in d["status"]],
        _("Done"): [s == "done" for s in d["status"]],
        _("Assessed on"): pd.to_datetime(d["assessed_on"]).dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        _("Before"): [statuses.text(s, lang) for s in d.get("previous_status", [None] * len(d))],
        _("Responsible level"): [levels.get(x, x) for x in d["level"]],
        _("Evidence"): [u if isinstance(u, str) and u.startswith(("http://", "https://")) else None
                        for u in d.get("evidence_url", [None] * len(d))],
        _("Source"): [src(s) for s in d.get("source_id", [None] * len(d))],
        _("Quality"): [qual(q) for q in d.get("quality", [None] * len(d))],
        _("Note"): [n if isinstance(n, str) else "" for n in d.get("note", [None] * len(d))],
        _("How it is judged"): d[f"judged_{lang}"].to_numpy(),
    })


def default_since(dates: list, days: int = 300):
    """The 'previous round' offered by default: the latest assessment date at least ``days`` before
    the newest one (assessment rounds are yearly), else the oldest date; None without history."""
    if not dates:
        return None
    newest = pd.Timestamp(dates[0])
    older = [d for d in dates if pd.Timestamp(d) <= newest - pd.Timedelta(days=days)]
    return older[0] if older else dates[-1]


def grid_display(table: pd.DataFrame, score_columns: list[str], unknown: str = "—") -> pd.DataFrame:
    """Scores as text that still sorts right when a column header is clicked: space-padded to three
    digits ('  0 %' < ' 12 %' < '100 %'), unknown as a dash after every number (never 0, never 'None',
    which is how the grid would show a missing number)."""
    out = table.copy()
    for c in score_columns:
        out[c] = [unknown if pd.isna(v) else f"{v:3.0f} %" for v in table[c]]
    return out


def tip_values(scores: pd.DataFrame, communes: pd.DataFrame, tip_id: int, score: str) -> tuple[pd.DataFrame, Quality]:
    """(one tip's ``score`` per commune as ``value`` with both names, the quality of what it counts)."""
    mine = scores[scores["tip_id"] == tip_id]
    values = mine[["nis_code", score]].rename(columns={score: "value"})
    values = values.merge(communes[["nis_code", "name_fr", "name_nl"]], on="nis_code")
    return values, quality_of(list(mine["quality"]))


def tip_detail(detail: pd.DataFrame, tip_id: int) -> pd.DataFrame:
    """One tip's rows of ``commune_criteria``; text columns empty instead of the grid's 'None' for what is
    not known."""
    part = detail[detail["tip_id"] == tip_id].drop(columns="tip_id")
    text_cols = [c for c in part.columns if pd.api.types.is_string_dtype(part[c]) or part[c].dtype == object]
    return part.fillna({c: "" for c in text_cols})


def changes_table(changes: pd.DataFrame, criteria: pd.DataFrame, communes: pd.DataFrame, tip_short: dict,
                  statuses: Statuses, lang: str, _) -> pd.DataFrame:
    """``changes_since`` for display: date, commune (both names), tip, criterion, before, now, change,
    evidence, quality, in the interface language."""
    labels = criteria.set_index("criterion_id")[f"label_{lang}"]
    names = communes.set_index("nis_code")
    change_names = {"new": _("first assessment"), "better": _("moved forward"), "worse": _("moved back")}
    return pd.DataFrame({
        _("Date"): changes["assessed_on"].dt.strftime("%Y-%m-%d"),
        _("Commune"): [both_names(names.loc[c], lang) for c in changes["nis_code"]],
        _("Tip"): [tip_short[int(t)] for t in changes["tip_id"]],
        _("Criterion"): changes["criterion_id"].map(labels),
        _("Before"): [statuses.text(s, lang) for s in changes["previous_status"]],
        _("Now"): [statuses.text(s, lang) for s in changes["status"]],
        _("Change"): changes["change"].map(change_names),
        _("Evidence"): changes["evidence_url"],
        _("Quality"): [tier_label(q, lang) for q in changes["quality"]],
    })


def tip_progress(g: pd.DataFrame, statuses: Statuses) -> pd.DataFrame:
    """The five tips across the communes of ``g`` (``grid``): per tip and status, how many communes reached that
    status as the furthest step on at least one of the tip's criteria (``unknown``: no criterion with a known
    status), in the vocabulary's order, with the tip's quality: ``example`` when any commune's furthest step
    comes from example data, else ``reported`` when any comes from a reported source, else ``official``.
    Columns: tip_id, status, n, quality."""
    order = statuses.order
    if g.empty:
        return pd.DataFrame(columns=["tip_id", "status", "n", "quality"])
    d = g.copy()
    d["rank"] = d["status"].map(statuses.table["rank"]).fillna(-1)
    quality = d["quality"] if "quality" in d else pd.Series(None, index=d.index, dtype=object)
    d["q"] = quality.where(d["status"] != UNKNOWN, None)
    furthest = d.sort_values(["rank", "q"], na_position="first").groupby(["tip_id", "nis_code"]).tail(1)
    counts = furthest.groupby(["tip_id", "status"]).size()
    tips = sorted(d["tip_id"].unique())
    out = pd.MultiIndex.from_product([tips, order], names=["tip_id", "status"]).to_frame(index=False)
    out["n"] = [int(counts.get((t, s), 0)) for t, s in zip(out["tip_id"], out["status"])]

    def tip_quality(q: pd.Series) -> str | None:
        q = set(q.dropna())
        return "example" if "example" in q else "reported" if "reported" in q else "official" if q else None

    out["quality"] = out["tip_id"].map(furthest.groupby("tip_id")["q"].agg(tip_quality))
    return out
