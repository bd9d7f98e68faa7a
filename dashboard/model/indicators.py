"""What every page needs to know about an indicator: its topic, the denominators it offers, its unit
and sources in the interface language, its ChartMeta, and one value per commune for a year and a
denominator (with ranks, the region value, sources and quality). Pure: DataFrames in and out."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.model.meta import ChartMeta
from dashboard.model.quality import quality_of
from dashboard.model.ranking import rank_with_ties
from dashboard.text.format import fmt_value, is_missing
from dashboard.text.i18n import N_, translator

REGION = "04000"
POPULATION = "population_1jan"
DENOMINATORS = ("none", "population", "area", "share")


@dataclass(frozen=True)
class Denominator:
    key: str
    label_msgid: str
    factor: float


DENOMINATOR_INFO = {
    "none": Denominator("none", N_("Absolute"), 1.0),
    "population": Denominator("population", N_("per 1,000 inhabitants"), 1000.0),
    "area": Denominator("area", N_("per km²"), 1.0),
    "share": Denominator("share", N_("% of the regional total"), 100.0),
}
TOPICS = ("tip1", "tip2", "tip3", "tip4", "tip5", "context")
ALL_TOPICS = "all"


def topic_label(topic: str, lang: str) -> str:
    """'Tip 3' / 'Context' ('All topics' for ``ALL_TOPICS``) in the interface language."""
    _ = translator(lang)
    if topic == ALL_TOPICS:
        return _("All topics")
    if isinstance(topic, str) and topic.startswith("tip") and topic[3:].isdigit():
        return _("Tip {n}", n=int(topic[3:]))
    return _("Context")


def denominators_for(indicator: pd.Series) -> list[str]:
    """Denominators offered for an indicator: counts and amounts get the catalogue's list plus a share
    of the regional total; rates and averages are shown as published."""
    if indicator["kind"] not in ("count", "amount"):
        return ["none"]
    offered = [d for d in str(indicator.get("denominators") or "").split(";") if d in DENOMINATOR_INFO]
    return ["none"] + offered + ["share"]


def default_denominator(indicator: pd.Series) -> str:
    """The first denominator that makes the indicator mappable (rates are mapped, totals are not)."""
    options = denominators_for(indicator)
    return options[1] if len(options) > 1 else "none"


def unit_label(indicator: pd.Series, lang: str, denominator: str = "none") -> str:
    _ = translator(lang)
    unit = indicator.get(f"unit_{lang}") or indicator.get("unit_en") or ""
    if denominator == "none":
        return unit
    if denominator == "share":
        return _("% of the regional total")
    return f"{unit} {_(DENOMINATOR_INFO[denominator].label_msgid)}"


def years_with_data(obs: pd.DataFrame) -> list[int]:
    """Years where at least one commune has a value, newest first."""
    communes = obs[obs["nis_code"] != REGION]
    return sorted({int(y) for y in communes["year"]}, reverse=True)


def commune_values(obs: pd.DataFrame, communes: pd.DataFrame, year: int, *, denominator: str = "none",
                   population: pd.DataFrame | None = None, direction: str = "neutral") -> tuple[pd.DataFrame, float | None]:
    """(one row per commune with value/rank/source/quality for ``year``, region value or None).

    Communes without a figure keep a row with value NaN (shown as "No data"). Per-capita values use
    the population on 1 January of the same year; with no population for that year the value is
    missing, not guessed.
    """
    base = communes[communes["level"] == "commune"][["nis_code", "name_fr", "name_nl", "name_en", "area_km2"]]
    year_obs = obs[obs["year"] == year][["nis_code", "value", "source_id", "quality", "year"]]
    d = base.merge(year_obs, on="nis_code", how="left")
    region = obs[(obs["year"] == year) & (obs["nis_code"] == REGION)]
    region_value = float(region["value"].iloc[0]) if len(region) else None
    if denominator == "population":
        pop = (population if population is not None else pd.DataFrame(columns=["nis_code", "year", "value"]))
        pop = pop[pop["year"] == year].set_index("nis_code")["value"]
        d["value"] = d["value"] / d["nis_code"].map(pop) * 1000
        region_value = region_value / pop[REGION] * 1000 if region_value is not None and REGION in pop else None
    elif denominator == "area":
        d["value"] = d["value"] / d["area_km2"]
        area = communes.set_index("nis_code")["area_km2"]
        region_value = region_value / area[REGION] if region_value is not None else None
    elif denominator == "share":
        total = region_value if region_value is not None else None
        d["value"] = d["value"] / total * 100 if total else float("nan")
        region_value = 100.0 if total else None
    d["year"] = year
    d["rank"] = rank_with_ties(d["value"], direction).to_numpy()
    return d.drop(columns="area_km2"), region_value


def split_ids(ids) -> list[str]:
    """'a; b;a' -> ['a', 'b']: the distinct ids of a ';'-separated list (none for a missing value)."""
    if not isinstance(ids, str):
        return []
    return list(dict.fromkeys(i.strip() for i in ids.split(";") if i.strip()))


def year_source_ids(obs: pd.DataFrame, year: int) -> str | None:
    """The sources of one year's observations, ';'-joined in order of appearance (None when none)."""
    return ";".join(dict.fromkeys(obs.loc[obs["year"] == year, "source_id"])) or None


def source_label(sources: pd.DataFrame, source_ids: str | list[str]) -> str:
    """'Statbel — Population by place of residence …' for one or more source ids (first two shown)."""
    ids = source_ids.split(";") if isinstance(source_ids, str) else list(source_ids)
    labels = []
    for sid in dict.fromkeys(i for i in ids if i):
        if sid in sources.index:
            s = sources.loc[sid]
            title = s["title"] if len(s["title"]) <= 70 else s["title"][:67] + "…"
            labels.append(f"{s['publisher']} — {title}")
        else:
            labels.append(sid)
    return "; ".join(labels[:2]) + (" …" if len(labels) > 2 else "")


def is_percentage(indicator: pd.Series, denominator: str = "none") -> bool:
    """A figure in % (its unit's label is '%', or a share of the regional total): its changes are in
    percentage points."""
    if denominator == "share":
        return True
    return denominator == "none" and str(indicator.get("unit_en") or "").strip().startswith("%")


def region_published(indicator) -> bool:
    """False for an indicator whose publisher gives no regional figure (the catalogue's place
    ``region_not_published``, column ``region_published`` of ``queries.indicators``)."""
    value = indicator.get("region_published", True) if hasattr(indicator, "get") else True
    return True if value is None or (isinstance(value, float) and value != value) else bool(value)


def region_text(value, indicator, lang: str, decimals: int, unit: str | None = None) -> str:
    """The region's value; when it is missing, 'not published for the region' for an indicator whose publisher
    gives none (never a regional value computed from the communes), else the missing mark."""
    if is_missing(value) and not region_published(indicator):
        _ = translator(lang)
        return _("not published")
    return fmt_value(value, lang, decimals, unit)


def indicator_meta(indicator: pd.Series, lang: str, *, rows, year=None, denominator: str = "none", sources=None,
                   source_ids: str | None = None, region_value=None, method: str = "quantiles",
                   where: str | None = None) -> ChartMeta:
    """The ChartMeta of an indicator in the interface language; its quality is that of ``rows``, the
    observations the chart shows (``quality.quality_of``), never the catalogue's tier."""
    ids = source_ids or indicator["source_ids"]
    return ChartMeta(
        title=indicator[f"label_{lang}"], unit_label=unit_label(indicator, lang, denominator),
        source_label=source_label(sources, ids) if sources is not None else ids,
        quality=quality_of(rows), year=year,
        decimals=int(indicator["decimals"]) if denominator == "none" else max(1, int(indicator["decimals"])),
        direction=indicator["direction"], method=method, region_value=region_value, kind=indicator["kind"],
        denominator=None if denominator == "none" else denominator, where=where,
        points=is_percentage(indicator, denominator),
        region_published=region_published(indicator),
    )


def year_rows(obs: pd.DataFrame, year, *, communes_only: bool = False, place: str | None = None) -> pd.DataFrame:
    """The observations of one year (the region's too unless ``communes_only``; only ``place``'s when
    given): what a map, a ranking or a figure of that year shows."""
    d = obs[obs["year"] == year]
    if place is not None:
        return d[d["nis_code"] == place]
    return d[d["nis_code"] != REGION] if communes_only else d


def delta_style(change, direction: str) -> tuple[str, str]:
    """(``delta_color``, ``delta_arrow``) of ``st.metric`` for a change, from its sign: changes are written
    with the typographic minus, which Streamlit does not read as negative."""
    if change is None or pd.isna(change) or float(change) == 0:
        return "off", "off"
    up = float(change) > 0
    good = {"higher_better": up, "lower_better": not up}.get(direction)
    return ("off" if good is None else "green" if good else "red"), ("up" if up else "down")
