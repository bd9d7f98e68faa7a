"""Deriving commune indicators from member data: sums of jobs and re-use flows per commune and year
(``member_*`` indicators), the region as the sum of the communes with data, rates per 1,000 inhabitants
(population of the same year) and per 1,000 unemployed (Census 2021, constant), and CO2e avoided with the
cited factors of ``data/catalog/emission_factors.csv`` (streams without a factor are not counted).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...codes import REGION
from ...errors import Problem, ProblemList
from ...readers import duplicate_rows, numbers, read_table, require_columns


def read_emission_factors(path: Path, sources: set[str], streams: tuple[str, ...], problems: list[Problem]
                          ) -> tuple[dict, Path | None]:
    """stream -> (factor, source_id); streams without a cited factor are absent."""
    if not path.exists():
        return {}, None
    table = read_table(path)
    frame = require_columns(table, ["stream", "t_co2e_per_t_reused", "source_id", "note"])
    pl = ProblemList()
    vals = numbers(table, frame, "t_co2e_per_t_reused", pl, non_negative=True)
    out = {}
    for s, v, sid, row in zip(frame["stream"], vals, frame["source_id"], frame["_row"]):
        if s not in streams:
            pl.add(table.name, f"unknown stream '{s}'", int(row), "stream")
        if sid not in sources:
            pl.add(table.name, f"unknown source '{sid}': every factor must cite a source", int(row), "source_id")
        out[s] = (v, sid)
    duplicate_rows(table.name, frame, ["stream"], pl)
    problems.extend(pl)
    return out, path


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
