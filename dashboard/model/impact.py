"""Frames of the Jobs, Re-use & waste and Operators pages (``views/jobs.py``, ``views/reuse.py``,
``views/operators.py``) and of the commune profile's impact section: member figures per commune,
breakdowns by operator category or stream, public regional / organisation-wide figures kept beside
(never summed with) the member figures, operator points and the searchable directory.
DataFrames in, DataFrames and dicts out; the charts of these frames are in ``charts/impact.py``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.model.commune import publisher_label
from dashboard.model.indicators import REGION, source_label, split_ids
from dashboard.model.map import metric_texts
from dashboard.model.quality import quality_of, tier_label
from dashboard.model.sources import scope_texts, year_text
from dashboard.text.format import MISSING, fmt_number, fmt_value, is_missing
from dashboard.text.i18n import N_, translator
from dashboard.text.names import both_names

# ----------------------------------------------------------------------------- indicators

JOBS_MAP_INDICATORS = ("member_jobs_per_1000_inhabitants", "member_jobs_per_1000_unemployed")
JOBS_TREND_INDICATORS = ("member_jobs", "member_integration_workers", "member_art60_placements", "member_fte",
                         "member_exits_to_work")
REUSE_MAP_INDICATORS = ("member_reused_per_1000_inhabitants",)
REUSE_TREND_INDICATORS = ("member_reused_t", "member_collected_t", "member_recycled_t", "member_co2e_avoided_t")

# public figures shown beside the member figures: regional or organisation-wide, with scope, year, source
JOBS_PUBLIC = ("art60_persons_employed", "art60_art61_persons_employed", "art60_social_economy_posts",
               "social_economy_jobs", "esi_workers_in_transition_per_year", "reuse_sector_workers",
               "petits_riens_employees", "petits_riens_fte", "petits_riens_insertion_participants",
               "terre_employees", "terre_anderlecht_jobs_created", "cyclo_workers", "nos_pilifs_workers",
               "atelier_groot_eiland_employees", "jobs_located_in_region")
REUSE_PUBLIC = ("reuse_sector_collected", "reuse_sector_reused", "reuse_sector_recycled",
                "reuse_sector_reused_per_inhabitant", "petits_riens_collected", "petits_riens_collected_textile",
                "petits_riens_collected_furniture_objects", "terre_textile_collected_brussels",
                "oxfam_clothing_collected", "recypark_mobile_collected", "recypark_mobile_reusable_objects",
                "repair_cafes_waste_avoided", "household_waste_prepared_reuse_or_recycled_share")

FLOW_MSGIDS = {"collected_t": N_("Collected"), "reused_t": N_("Re-used"), "recycled_t": N_("Recycled")}
JOB_MSGIDS = {"integration_workers": N_("Workers in integration"), "art60_placements": N_("Article 60§7 placements"),
              "fte": N_("FTE"), "exits_to_work": N_("Exits to work")}

# operator category codes (snake_case, free in the templates) -> a few groups for colours and filters
CATEGORY_GROUPS = {
    "reuse": N_("Re-use shops and collection"),
    "sorting": N_("Sorting centres"),
    "recypark": N_("Recycling and container parks"),
    "repair": N_("Repair and bike workshops"),
    "food": N_("Social and insertion food"),
    "green": N_("Urban agriculture and compost"),
    "enterprise": N_("Social enterprises"),
    "other": N_("Other operators"),
}



def category_group(category: str) -> str:
    c = str(category or "")
    if "sorting" in c:
        return "sorting"
    if "recypark" in c or "container_park" in c:
        return "recypark"
    if "repair" in c or "bike" in c or "upcycling" in c:
        return "repair"
    if any(k in c for k in ("restaurant", "grocery", "kitchen", "sandwich", "food")):
        return "food"
    if "agriculture" in c or "compost" in c:
        return "green"
    if any(k in c for k in ("reuse", "shop", "donnerie", "textile", "collection", "weee")):
        return "reuse"
    if "enterprise" in c or "social_economy" in c:
        return "enterprise"
    return "other"


# ----------------------------------------------------------------------------- member figures

def years_of(obs: pd.DataFrame) -> list[int]:
    return sorted({int(y) for y in obs["year"]}, reverse=True) if len(obs) else []


def region_value(obs: pd.DataFrame, year: int) -> tuple[float | None, str | None, str | None]:
    """(value, quality, source_ids) of the region row for ``year``."""
    r = obs[(obs["nis_code"] == REGION) & (obs["year"] == year)]
    if r.empty:
        return None, None, None
    return float(r["value"].iloc[0]), r["quality"].iloc[0], r["source_ids"].iloc[0] if "source_ids" in r else None


def commune_frame(obs: pd.DataFrame, communes: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per commune (value NaN = no member data) with quality and sources for ``year``."""
    base = communes[communes["level"] == "commune"][["nis_code", "name_fr", "name_nl", "name_en"]]
    cols = [c for c in ("nis_code", "value", "quality", "source_ids", "source_id", "year") if c in obs.columns]
    d = base.merge(obs[obs["year"] == year][cols], on="nis_code", how="left")
    d["year"] = year
    return d


def table_frame(df: pd.DataFrame, lang: str, *, value_label: str, unit: str, sources: pd.DataFrame) -> pd.DataFrame:
    """Commune table for display and download: names, year, value, unit, quality (word), source."""
    _ = translator(lang)
    return pd.DataFrame({
        "nis_code": df["nis_code"], _("Commune"): [both_names(r, lang) for r in df.to_dict("records")],
        _("Year"): df["year"], value_label: df["value"], _("Unit"): unit,
        _("Quality"): [tier_label(q, lang) or "—" for q in df.get("quality", [])],
        "quality": df.get("quality"),
        _("Source"): [source_label(sources, s) if isinstance(s, str) else "—" for s in df.get("source_ids", [])],
    })


def breakdown_rows(site_rows: pd.DataFrame, year: int, nis_code: str | None = None) -> pd.DataFrame:
    """The site rows (jobs or flows) a breakdown of ``year`` adds up: the commune's, or all for the region."""
    d = site_rows[site_rows["year"] == year]
    return d[d["nis_code"] == nis_code] if nis_code and nis_code != REGION else d


def breakdown_jobs(jobs: pd.DataFrame, year: int, nis_code: str | None = None) -> pd.DataFrame:
    """Integration workers, art. 60 placements, FTE and exits per operator category group."""
    d = breakdown_rows(jobs, year, nis_code)
    if d.empty:
        return pd.DataFrame(columns=["group", "integration_workers", "art60_placements", "fte", "exits_to_work",
                                     "sites", "quality"])
    d = d.assign(group=d["category"].map(category_group))
    g = d.groupby("group")
    out = g[["integration_workers", "art60_placements", "fte", "exits_to_work"]].sum(min_count=1)  # all NaN: NaN
    out["sites"] = g["operator_id"].nunique()
    out["quality"] = _group_tiers(d, "group")
    return out.reset_index()


def _group_tiers(d: pd.DataFrame, by: str) -> pd.Series:
    """The quality tier of each group's rows (``quality_of``), indexed by group in sorted order (rows without
    a group left out, as ``groupby`` does). The rows are gathered in plain Python: a groupby calling
    ``quality_of`` per group cost a third of a breakdown, computed on every commune's first visit."""
    tiers: dict = {}
    for group, tier in zip(d[by].tolist(), d["quality"].tolist()):
        if not is_missing(group):
            tiers.setdefault(group, []).append(tier)
    groups = sorted(tiers)
    return pd.Series([quality_of(tiers[g]).tier for g in groups], index=pd.Index(groups, name=by), name="quality")


def breakdown_streams(flows: pd.DataFrame, year: int, streams: Sequence[str], nis_code: str | None = None
                      ) -> pd.DataFrame:
    """Collected / re-used / recycled tonnes per stream, one row for each of ``streams`` (the database's
    ``reuse_stream`` vocabulary, in its order; missing = NaN)."""
    d = breakdown_rows(flows, year, nis_code)
    cols = ["collected_t", "reused_t", "recycled_t"]
    if d.empty:
        out = pd.DataFrame({"stream": list(streams)})
        for c in cols:
            out[c] = np.nan
        out["quality"] = None
        return out
    g = d.groupby("stream")[cols].sum(min_count=1)     # a stream whose rows are all NaN: NaN
    g["quality"] = _group_tiers(d, "stream")
    return g.reindex(list(streams)).rename_axis("stream").reset_index()


def trend_frame(obs: pd.DataFrame, communes: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    d = obs[obs["nis_code"].isin(list(codes) + [REGION])]
    return d.merge(communes[["nis_code", "name_fr", "name_nl", "name_en"]], on="nis_code", how="left")


# ----------------------------------------------------------------------------- public figures

def public_figures(obs: pd.DataFrame, scoped: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                   ids, lang: str, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Regional (04000) observations and scoped (organisation-wide, Wallonia + Brussels …) figures of
    ``ids``, latest first per indicator: what, scope (in ``lang``), year (a span, or 'undated'), value, unit,
    the indicator's definition (what is counted: FTE are not persons), source, quality."""
    _ = translator(lang)
    ids = [i for i in ids if i in indicators.index]
    a = obs[(obs["indicator_id"].isin(ids)) & (obs["nis_code"] == REGION)].assign(scope=_("Brussels-Capital Region"))
    b = scoped[scoped["indicator_id"].isin(ids)].copy() if scoped is not None else pd.DataFrame()
    if len(b):
        b["scope"] = scope_texts(b, communes if communes is not None else pd.DataFrame(
            columns=["nis_code", "name_fr", "name_nl", "name_en"]), lang)
    frames = [f for f in (a, b) if len(f)]
    cols = ["indicator_id", "scope", "year", "ref_period", "value", "source_ids", "quality", "note"]
    if not frames:
        return pd.DataFrame(columns=[_("Figure"), _("Scope"), _("Year"), _("Value"), _("Unit"), _("Definition"),
                                     _("Source"), _("Quality"), "quality", "indicator_id"])
    d = pd.concat([f.reindex(columns=cols) for f in frames], ignore_index=True)
    d["order"] = d["indicator_id"].map({i: n for n, i in enumerate(ids)})
    d = d.sort_values(["order", "year"], ascending=[True, False], na_position="last")
    ind = indicators.loc[d["indicator_id"]]
    return pd.DataFrame({
        _("Figure"): ind[f"label_{lang}"].to_numpy(), _("Scope"): d["scope"].to_numpy(),
        _("Year"): [year_text(None if is_missing(y) else y, p, lang) for y, p in zip(d["year"], d["ref_period"])],
        _("Value"): [fmt_number(v, lang, int(dec)) for v, dec in zip(d["value"], ind["decimals"])],
        _("Unit"): ind[f"unit_{lang}"].to_numpy(),
        _("Definition"): ind[f"description_{lang}"].to_numpy(),
        _("Source"): [source_label(sources, s) for s in d["source_ids"]],
        _("Quality"): [tier_label(q, lang) for q in d["quality"]], "quality": d["quality"].to_numpy(),
        "indicator_id": d["indicator_id"].to_numpy(),
    })


# ----------------------------------------------------------------------------- operators

def operator_points(ops: pd.DataFrame) -> pd.DataFrame:
    """lon/lat to draw: the site's own coordinates, else its commune's centroid (``position`` says which);
    sites with neither are dropped from the map (they stay in the directory)."""
    d = ops.copy()
    own = d["lon"].notna() & d["lat"].notna()
    d["position"] = np.where(own, "site", "commune_centre")
    d["plot_lon"] = d["lon"].where(own, d.get("centroid_lon"))
    d["plot_lat"] = d["lat"].where(own, d.get("centroid_lat"))
    d["group"] = d["category"].map(category_group)
    d = d[d["plot_lon"].notna() & d["plot_lat"].notna()].copy()
    # spread the sites that share a commune centre on a small circle so each stays clickable
    centre = d["position"] == "commune_centre"
    if centre.any():
        idx = d[centre].groupby("nis_code").cumcount()
        n = d[centre].groupby("nis_code")["nis_code"].transform("size")
        ang = 2 * np.pi * idx / n.clip(lower=1)
        r = np.where(n > 1, 0.0025 + 0.0002 * n, 0.0)
        d.loc[centre, "plot_lon"] = d.loc[centre, "plot_lon"] + r * np.cos(ang) * 1.6
        d.loc[centre, "plot_lat"] = d.loc[centre, "plot_lat"] + r * np.sin(ang)
    return d


def directory_frame(ops: pd.DataFrame, sources: pd.DataFrame, lang: str, *, text: str = "",
                    groups=(), communes=()) -> pd.DataFrame:
    """Searchable directory: filter by free text (name, organisation, address, category, commune), category
    groups and communes. Columns with stable English names for the CSV (quality included)."""
    d = ops.copy()
    d["group"] = d["category"].map(category_group)
    if groups:
        d = d[d["group"].isin(list(groups))]
    if communes:
        d = d[d["nis_code"].isin(list(communes))]
    if text:
        t = text.strip().lower()
        hay = (d["name"].fillna("") + " " + d["organisation"].fillna("") + " " + d["address"].fillna("") + " "
               + d["category"].fillna("") + " " + d["name_fr"].fillna("") + " " + d["name_nl"].fillna("") + " "
               + d["postal_code"].fillna("")).str.lower()
        d = d[hay.str.contains(t, regex=False)]
    _ = translator(lang)
    return pd.DataFrame({
        "operator_id": d["operator_id"], "name": d["name"], "organisation": d["organisation"], "category": d["category"],
        "category_group": [_(CATEGORY_GROUPS[g]) for g in d["group"]], "address": d["address"],
        "postal_code": d["postal_code"], "nis_code": d["nis_code"], "commune_fr": d["name_fr"],
        "commune_nl": d["name_nl"], "lon": d["lon"], "lat": d["lat"], "source_id": d["source_ids"],
        "source": [source_label(sources, s) if isinstance(s, str) else "" for s in d["source_ids"]],
        "quality": d["quality"],
    }).reset_index(drop=True)


def directory_display(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The directory with translated headers and the quality word (for the on-screen table)."""
    _ = translator(lang)
    return pd.DataFrame({
        _("Name"): df["name"], _("Organisation"): df["organisation"], _("Category"): df["category_group"],
        _("Code"): df["category"], _("Address"): df["address"], _("Postal code"): df["postal_code"],
        _("Commune"): [both_names({"name_fr": a, "name_nl": b}, lang) if isinstance(a, str) else "—"
                       for a, b in zip(df["commune_fr"], df["commune_nl"])],
        _("Source"): df["source"], _("Quality"): [tier_label(q, lang) for q in df["quality"]],
    })


# ----------------------------------------------------------------------------- commune profile

def summary_cards(figures: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame, lang: str) -> list[dict]:
    """The member figures of ``commune_summary`` as figure cards (``text.cards``): label (with a long unit,
    so the number is never cut off), value, and a caption of year, source and quality — the source by its
    publishers, as the key figures' cards and the fiche name it."""
    _ = translator(lang)
    out = []
    for r in figures.itertuples():
        label, value = metric_texts(r.what, r.value_raw, lang, int(indicators.loc[r.indicator_id, "decimals"]), r.unit)
        publishers = " / ".join(dict.fromkeys(publisher_label(sources, i) for i in split_ids(r.source_ids)))
        out.append({"indicator_id": r.indicator_id, "label_full": label, "value": value,
                    "caption": f"{r.year} · " + _("Source: {source}", source=publishers or MISSING)
                               + f" ({tier_label(r.quality, lang)})"})
    return out


def commune_summary(obs: pd.DataFrame, ops: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                    nis_code: str, lang: str) -> dict:
    """What the commune profile shows about jobs, re-use and operators for one commune.

    ``obs``: observation rows of the member indicators (all communes, the ``member_*`` ids);
    ``ops``: ``queries.operator_sites``. Returns ``{"figures": DataFrame(what, year, value, unit, quality,
    source, source_ids, indicator_id, value_raw), "operators": DataFrame (directory_frame of the commune),
    "quality": Quality,
    "n_operators": int}``; figures are the latest year with member data, missing ones are absent.
    """
    _ = translator(lang)
    ids = ["member_jobs", "member_jobs_per_1000_inhabitants", "member_fte", "member_exits_to_work",
           "member_reused_t", "member_reused_per_1000_inhabitants", "member_co2e_avoided_t", "member_operators"]
    d = obs[(obs["nis_code"] == nis_code) & obs["indicator_id"].isin(ids)]
    rows = []
    for i in ids:
        s = d[d["indicator_id"] == i].sort_values("year")
        if s.empty or i not in indicators.index:
            continue
        last = s.iloc[-1]
        ind = indicators.loc[i]
        rows.append({"what": ind[f"label_{lang}"], "year": int(last["year"]),
                     "value": fmt_value(last["value"], lang, int(ind["decimals"]), ind[f"unit_{lang}"]),
                     "unit": ind[f"unit_{lang}"], "quality": last["quality"],
                     "source": source_label(sources, last.get("source_ids") or last["source_id"]),
                     "source_ids": last.get("source_ids") or last["source_id"], "indicator_id": i,
                     "value_raw": float(last["value"])})
    figures = pd.DataFrame(rows, columns=["what", "year", "value", "unit", "quality", "source", "source_ids",
                                          "indicator_id", "value_raw"])
    directory = directory_frame(ops, sources, lang, communes=[nis_code])
    return {"figures": figures, "operators": directory, "n_operators": len(directory),
            "quality": quality_of(figures, directory)}
