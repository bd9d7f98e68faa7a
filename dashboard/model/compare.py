"""Frames of the Compare page (``views/compare.py``): ranking and scatter frames with denominators,
multi-commune series, and 'communes like this one' (inputs, nearest communes, table). Pure:
DataFrames in and out."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.model.indicators import REGION, commune_values, default_denominator, denominators_for, years_with_data
from dashboard.text.format import fmt_number
from dashboard.text.i18n import translator
from dashboard.text.names import both_names, local_name

MAX_COMMUNES = 6


def comparable_ids(indicators: pd.DataFrame, min_communes: int = 3) -> list[str]:
    """Indicators with figures for at least ``min_communes`` communes (fewer cannot be compared)."""
    n = pd.to_numeric(indicators["n_communes"], errors="coerce").fillna(0)
    return [i for i in indicators.index if n[i] >= min_communes and indicators.loc[i, "kind"] != "flag"]


def denominator_for(indicator: pd.Series, chosen: str | None) -> str:
    """The chosen denominator when the indicator offers it, else its default (rates: 'none')."""
    options = denominators_for(indicator)
    return chosen if chosen in options else default_denominator(indicator)


def values(obs: pd.DataFrame, communes: pd.DataFrame, indicator: pd.Series, year: int, denominator: str,
           population: pd.DataFrame | None) -> tuple[pd.DataFrame, float | None]:
    """``indicators.commune_values`` for one indicator row (direction from the catalogue)."""
    return commune_values(obs, communes, year, denominator=denominator, population=population,
                          direction=indicator["direction"])


def ranking_source_ids(obs: pd.DataFrame, year: int) -> str | None:
    """The sources of the communes' figures of ``year`` (the region's left out), ';'-joined; None if none."""
    rows = obs[(obs["year"] == year) & (obs["nis_code"] != REGION)]
    return ";".join(dict.fromkeys(";".join(rows["source_ids"]).split(";"))) or None


def scatter_years(obs_x: pd.DataFrame, obs_y: pd.DataFrame) -> tuple[int | None, int | None]:
    """The latest year both indicators have commune data; with no common year, each one's latest."""
    yx, yy = years_with_data(obs_x), years_with_data(obs_y)
    common = sorted(set(yx) & set(yy), reverse=True)
    if common:
        return common[0], common[0]
    return (yx[0] if yx else None), (yy[0] if yy else None)


def scatter_frame(obs_x: pd.DataFrame, obs_y: pd.DataFrame, communes: pd.DataFrame, ind_x: pd.Series,
                  ind_y: pd.Series, year_x: int, year_y: int, *, den_x: str = "none", den_y: str = "none",
                  population: pd.DataFrame | None = None) -> tuple[pd.DataFrame, tuple | None]:
    """(one row per commune: nis_code, names, x, y), region point (x, y) or None."""
    vx, rx = values(obs_x, communes, ind_x, year_x, den_x, population)
    vy, ry = values(obs_y, communes, ind_y, year_y, den_y, population)
    d = vx[["nis_code", "name_fr", "name_nl", "name_en", "value"]].rename(columns={"value": "x"})
    d = d.merge(vy[["nis_code", "value"]].rename(columns={"value": "y"}), on="nis_code", how="left")
    region = (rx, ry) if rx is not None and ry is not None else None
    return d, region


def series_rows(obs: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """The observations a series of the chosen communes and the region shows (its years with commune data)."""
    years = set(years_with_data(obs))
    return obs[obs["nis_code"].isin(list(codes) + [REGION]) & obs["year"].isin(years)]


def series_frame(obs: pd.DataFrame, communes: pd.DataFrame, indicator: pd.Series, codes: Sequence[str],
                 denominator: str = "none", population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long frame (nis_code, year, value, names) for the chosen communes and the region, every year
    with commune data, in the chosen denominator."""
    frames = []
    names = communes[["nis_code", "name_fr", "name_nl", "name_en"]]
    for year in sorted(years_with_data(obs)):
        v, region = values(obs, communes, indicator, year, denominator, population)
        v = v[v["nis_code"].isin(codes)][["nis_code", "year", "value"]]
        frames.append(v)
        if region is not None:
            frames.append(pd.DataFrame({"nis_code": [REGION], "year": [year], "value": [region]}))
    if not frames:
        return pd.DataFrame(columns=["nis_code", "year", "value", "name_fr", "name_nl", "name_en"])
    d = pd.concat(frames, ignore_index=True)
    return d.merge(names, on="nis_code", how="left")


# ------------------------------------------------------------------ communes like this one

def _latest(all_obs: pd.DataFrame, indicator_id: str) -> tuple[pd.Series, int | None]:
    d = all_obs[(all_obs["indicator_id"] == indicator_id) & (all_obs["nis_code"] != REGION)]
    if d.empty:
        return pd.Series(dtype=float), None
    year = int(d["year"].max())
    return d[d["year"] == year].set_index("nis_code")["value"].astype(float), year


def similarity_frame(all_obs: pd.DataFrame, communes: pd.DataFrame, indicators: pd.DataFrame,
                     lang: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """Wide frame (index nis_code) of a few context indicators, latest year each, made comparable
    between communes of different sizes (density, shares); returns (frame, labels, years).

    Columns: population density, average net taxable income per inhabitant, ONEM unemployment rate,
    census employment rate 15–64, foreign nationals as % of the population, single-person
    households as % of private households (whichever exist)."""
    _ = translator(lang)
    codes = communes.loc[communes["level"] == "commune", "nis_code"].tolist()
    area = communes.set_index("nis_code")["area_km2"]
    cols, labels, years = {}, {}, {}

    def label(i: str) -> str:
        return indicators.loc[i, f"label_{lang}"] if i in indicators.index else i

    pop, ypop = _latest(all_obs, "population_1jan")
    if ypop is not None:
        cols["density"] = pop / area.reindex(pop.index)
        labels["density"], years["density"] = _("Population density"), ypop
    for i in ("fiscal_avg_net_taxable_income_per_inhabitant", "onem_unemployment_rate_annual_avg",
              "census_employment_rate_15_64"):
        s, y = _latest(all_obs, i)
        if y is not None:
            cols[i], labels[i], years[i] = s, label(i), y
    for key, num, den, msg in (
            ("foreign_share", "pop_foreign_nationals", "population_1jan", _("Foreign nationals, % of population")),
            ("single_share", "households_single_person", "households_private",
             _("Single-person households, % of households"))):
        s, y = _latest(all_obs, num)
        if y is None:
            continue
        d = all_obs[(all_obs["indicator_id"] == den) & (all_obs["year"] == y)].set_index("nis_code")["value"]
        if d.empty:
            continue
        cols[key] = s / d.reindex(s.index) * 100
        labels[key], years[key] = msg, y
    frame = pd.DataFrame(cols).reindex(codes)
    frame.index.name = "nis_code"
    return frame, labels, years


def similar_communes(frame: pd.DataFrame, nis_code: str, indicators: Sequence[str], k: int = 3, *,
                     labels: Mapping[str, str] | None = None, lang: str = "en",
                     n_reasons: int = 2) -> pd.DataFrame:
    """The ``k`` communes nearest to ``nis_code`` on the given indicators (wide ``frame``: one row
    per commune, NIS code as index or ``nis_code`` column, one column per indicator).

    Each indicator is z-scored over the communes (population std); distance is Euclidean over
    the indicators both communes have, scaled up for the missing ones (√(n/shared)). ``reason``
    names the ``n_reasons`` indicators on which the pair is closest (``labels``: id → label in the
    interface language). Returns DataFrame(nis_code, distance, reason), nearest first.
    """
    _ = translator(lang)
    f = frame.copy()
    if "nis_code" in f.columns:
        f = f.set_index("nis_code")
    f.index = f.index.astype(str)
    cols = [c for c in indicators if c in f.columns]
    x = f[cols].apply(pd.to_numeric, errors="coerce").astype("float64")
    std = x.std(ddof=0)
    cols = [c for c in cols if std[c] > 0]
    empty = pd.DataFrame({"nis_code": pd.Series(dtype=str), "distance": pd.Series(dtype=float),
                          "reason": pd.Series(dtype=str)})
    nis_code = str(nis_code)
    if not cols or nis_code not in x.index:
        return empty
    z = (x[cols] - x[cols].mean()) / std[cols]
    me = z.loc[nis_code]
    others = z.drop(index=nis_code)
    diff = (others - me).abs()
    shared = diff.notna().sum(axis=1)
    dist = np.sqrt((diff ** 2).sum(axis=1) * len(cols) / shared.where(shared > 0))
    out = pd.DataFrame({"distance": dist}).dropna().sort_values("distance").head(k)
    labels = labels or {}
    reasons = []
    for code in out.index:
        closest = diff.loc[code].dropna().sort_values().index[:n_reasons]
        names = ", ".join(labels.get(c, c) for c in closest)
        reasons.append(_("Close on: {indicators}", indicators=names))
    out["reason"] = reasons
    return out.reset_index(names="nis_code")[["nis_code", "distance", "reason"]]


def similar_table(similar: pd.DataFrame, communes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """'Communes like this one' as a small formatted table: both names, distance, reason."""
    _ = translator(lang)
    names = communes.set_index("nis_code")
    return pd.DataFrame({
        _("Commune"): [both_names(names.loc[c].to_dict(), lang) for c in similar["nis_code"]],
        _("Distance"): [fmt_number(d, lang, 2) for d in similar["distance"]],
        _("Reason"): list(similar["reason"]),
    })


SIMILARITY_INDICATORS = {
    "density": ("population_1jan",), "fiscal_avg_net_taxable_income_per_inhabitant": (
        "fiscal_avg_net_taxable_income_per_inhabitant",),
    "onem_unemployment_rate_annual_avg": ("onem_unemployment_rate_annual_avg",),
    "census_employment_rate_15_64": ("census_employment_rate_15_64",),
    "foreign_share": ("pop_foreign_nationals", "population_1jan"),
    "single_share": ("households_single_person", "households_private"),
}


def similarity_publishers(keys, indicators: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Publishers (with quality) of the indicators behind the similarity columns: 'Statbel (official), …'."""
    ids = [i for k in keys for i in SIMILARITY_INDICATORS.get(k, (k,)) if i in indicators.index]
    src = dict.fromkeys(s for i in ids for s in str(indicators.loc[i, "source_ids"]).split(";") if s in sources.index)
    pubs = dict.fromkeys(f"{sources.loc[s, 'publisher']}" for s in src)
    return ", ".join(pubs)


def publishers(indicator: pd.Series, sources: pd.DataFrame) -> str:
    """'Statbel' / 'ONEM/RVA (National Employment Office)': the publishers of an indicator's sources."""
    ids = [i for i in str(indicator["source_ids"]).split(";") if i]
    pubs = dict.fromkeys(str(sources.loc[i, "publisher"]) if i in sources.index else i for i in ids)
    return ", ".join(pubs)


def names_list(communes: pd.DataFrame, codes: Sequence[str], lang: str) -> str:
    """'Anderlecht, Ixelles' — the chosen communes in the interface language (chart 'where')."""
    names = communes.set_index("nis_code")
    return ", ".join(local_name(names.loc[c].to_dict(), lang) for c in codes if c in names.index)


def years_note(labels: dict[str, str], years: dict[str, int]) -> str:
    """'Population density 2026, Unemployment rate 2025, …'."""
    return ", ".join(f"{labels[k]} {years[k]}" for k in labels)
