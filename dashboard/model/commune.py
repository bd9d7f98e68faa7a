"""Frames of the Commune profile (``views/commune.py``): DataFrames in, DataFrames/strings out.

Key figures of one commune (latest value, region value, honest rank, change since the previous
year, source and quality), its series against the region, and the scoped figures and operators
located in it. No Streamlit here, so everything is testable on plain frames.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.model.indicators import (
    REGION,
    delta_style,
    is_percentage,
    region_text,
    source_label,
    unit_label,
)
from dashboard.model.quality import quality_of, tier_label
from dashboard.model.sources import NOTE_HEADER_MSGID, compiled_note, scope_text, year_text
from dashboard.text.format import MISSING, fmt_change, fmt_rank, fmt_value, is_missing
from dashboard.text.i18n import translator
from dashboard.text.names import PUBLISHED_ORDER, both_names, english_name

DEFAULT_COMMUNE = "21004"

def key_indicator_ids(indicators: pd.DataFrame, wanted: Sequence[str]) -> list[str]:
    """The ``wanted`` ids (the catalogue's key figures of a profile, place ``profile_key``) that exist in
    the catalogue and have at least one commune figure."""
    ids = []
    for i in wanted:
        if i in indicators.index and int(indicators.loc[i].get("n_communes", 0) or 0) > 0:
            ids.append(i)
    return ids


def header_names(communes: pd.DataFrame, nis_code: str) -> tuple[str, str | None]:
    """('Ixelles / Elsene', English name or None when it equals an official name)."""
    row = communes[communes["nis_code"] == nis_code].iloc[0]   # a mask: cheaper than set_index per option
    return both_names(row, PUBLISHED_ORDER), english_name(row)


def picker_labels(communes: pd.DataFrame) -> dict[str, str]:
    """NIS code -> both official names, French first as published ('Ixelles / Elsene'), for every commune at
    once (a picker formats its 19 options on every rerun)."""
    return {r["nis_code"]: both_names(r, PUBLISHED_ORDER) for r in communes.to_dict("records")}


def _blank_key_figure(ind: str) -> dict:
    return {"indicator_id": ind, "year": None, "value": None, "prev_year": None, "prev_value": None,
            "change": None, "region_value": None, "rank": None, "n_ranked": 0, "tied": False,
            "source_id": None, "quality": None}


def key_figures_by_place(obs: pd.DataFrame, indicators: pd.DataFrame, ids: Sequence[str]) -> dict[tuple, dict]:
    """(indicator_id, nis_code) -> the key-figure row of ``key_figures``, for every place of ``obs`` at once
    (one pass of vectorised steps: a page that shows one commune after another looks the row up).

    The row: the place's latest year and value, the year and value before it and the change, the region's
    value that year, the place's rank among the communes that year (ties share the lowest rank; 1 = best for
    the indicator's direction, highest first when neutral), how many were ranked, whether it is tied, the
    latest figure's source and the quality of the place's two figures and the region's."""
    o = obs[obs["indicator_id"].isin(list(ids))]
    if o.empty:
        return {}
    o = o.assign(value=pd.to_numeric(o["value"], errors="coerce").astype("float64")).sort_values("year", kind="stable")
    quality = o["quality"] if "quality" in o.columns else pd.Series(None, index=o.index, dtype=object)
    o = o.assign(quality=quality)
    g = o.groupby(["indicator_id", "nis_code"], sort=False)
    last, prev = g.nth(-1), g.nth(-2)
    before = {(r["indicator_id"], r["nis_code"]): r for r in prev[["indicator_id", "nis_code", "year", "value",
                                                                    "quality"]].to_dict("records")}
    # ranks per indicator and year among the communes (not the region)
    comm = o[o["nis_code"] != REGION]
    direction = comm["indicator_id"].map(indicators["direction"] if "direction" in indicators.columns else {})
    signed = comm["value"].where(direction == "lower_better", -comm["value"])
    ranked = comm[["indicator_id", "nis_code", "year"]].assign(
        rank=signed.groupby([comm["indicator_id"], comm["year"]]).rank(method="min", na_option="keep"))
    n_ranked = ranked.groupby(["indicator_id", "year"])["rank"].count().to_dict()
    ranked["tied"] = ranked["rank"].notna() & ranked.duplicated(["indicator_id", "year", "rank"], keep=False)
    rank_of = {(i, c, y): (r, t) for i, c, y, r, t in ranked.itertuples(index=False) if not pd.isna(r)}
    region = {(r["indicator_id"], r["year"]): r for r in
              o.loc[o["nis_code"] == REGION, ["indicator_id", "year", "value", "quality"]].to_dict("records")}
    out: dict[tuple, dict] = {}
    for r in last.to_dict("records"):
        ind, code, year = r["indicator_id"], r["nis_code"], int(r["year"])
        b, reg = before.get((ind, code)), region.get((ind, year))
        rank, tied = rank_of.get((ind, code, year), (None, False))
        out[(ind, code)] = {
            "indicator_id": ind, "year": year, "value": r["value"],
            "prev_year": int(b["year"]) if b is not None else None,
            "prev_value": b["value"] if b is not None else None,
            "change": r["value"] - b["value"] if b is not None else None,
            "region_value": float(reg["value"]) if reg is not None else None,
            "rank": int(rank) if rank is not None else None, "n_ranked": int(n_ranked.get((ind, year), 0)),
            "tied": bool(tied), "source_id": r.get("source_id"),
            # the commune's two figures and the region's
            "quality": quality_of(r["quality"], None if b is None else b["quality"], None if reg is None else reg),
        }
    return out


def key_figures(obs: pd.DataFrame, indicators: pd.DataFrame, nis_code: str, ids: Sequence[str],
                by_place: dict[tuple, dict] | None = None) -> pd.DataFrame:
    """One row per indicator of ``ids`` for commune ``nis_code``.

    ``obs``: long observations of (at least) these indicators for all communes and the region
    (indicator_id, nis_code, year, value, source_id, quality). Columns returned: indicator_id,
    year, value, prev_year, prev_value, change, region_value, rank, n_ranked, tied, source_id,
    quality (a ``Quality``: the commune's figure, the one before it and the region's). An indicator
    with no figure for the commune keeps a row with missing values. ``by_place``: ``key_figures_by_place``
    of the same ``obs`` and ``ids``, computed once for every commune (it is computed here when not given).
    """
    if by_place is None:
        by_place = key_figures_by_place(obs, indicators, ids)
    return pd.DataFrame([dict(by_place.get((ind, nis_code)) or _blank_key_figure(ind)) for ind in ids],
                        columns=list(_blank_key_figure("").keys()))


def rank_text(rank, n: int, tied: bool) -> str:
    """'=3 / 19' (tied), '5 / 19', '—' when missing."""
    if is_missing(rank) or not n:
        return MISSING
    return fmt_rank(rank, int(n), tied)


def publisher_label(sources: pd.DataFrame, source_id: str | None) -> str:
    """The publisher of a source ('Statbel (Belgian statistical office)'), or the id when unknown."""
    if not source_id:
        return MISSING
    return str(sources.loc[source_id, "publisher"]) if source_id in sources.index else str(source_id)


def key_figure_cards(kf: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                     lang: str, parts: set[str] = frozenset()) -> list[dict]:
    """Display texts per key figure: label (with the unit when it is a word), value (with the unit
    when it is a symbol such as % or €), delta (percentage points for a percentage), caption (year,
    region, rank, previous year, publisher and quality), help (the description), delta_color and
    delta_arrow (by direction and the change's sign), and the figure's ``quality`` (a ``Quality``). An
    indicator of ``parts`` without a commune figure is published for parts of the commune only (its
    districts): said so."""
    _ = translator(lang)
    out = []
    for r in kf.to_dict("records"):
        ind = indicators.loc[r["indicator_id"]]
        unit = unit_label(ind, lang)
        short_unit = len(unit) <= 3
        dec = int(ind["decimals"])
        missing = is_missing(r["value"])
        value = _("No data") if missing else fmt_value(r["value"], lang, dec, unit if short_unit else None)
        delta = None
        has_change = not missing and not is_missing(r["change"]) and not is_missing(r["prev_year"])
        if has_change:
            delta = _("{change} since {year}", change=fmt_change(r["change"], lang, dec, unit if short_unit else None,
                                                                points=is_percentage(ind)), year=int(r["prev_year"]))
        colour, arrow = delta_style(r["change"] if has_change else None, ind["direction"])
        quality = quality_of(r["quality"]) if not missing else quality_of()
        bits = []
        if not missing:
            bits.append(str(int(r["year"])))
            bits.append(_("Region") + ": " + region_text(r["region_value"], ind, lang, dec, unit if short_unit else None))
            bits.append(_("Rank") + ": " + rank_text(r["rank"], r["n_ranked"], r["tied"]))
            if not is_missing(r["prev_year"]):
                bits.append(f"{int(r['prev_year'])}: "
                            + fmt_value(r["prev_value"], lang, dec, unit if short_unit else None))
            bits.append(_("Source: {source}", source=publisher_label(sources, r["source_id"]))
                        + f" ({quality.label(lang)})")
        elif r["indicator_id"] in parts:
            bits.append(_("Published for parts of the commune only: see the figures located in the commune below"))
        else:
            bits.append(_("No figure for this commune"))
        label = ind[f"label_{lang}"]
        out.append({
            "indicator_id": r["indicator_id"], "label": label,
            "label_full": label if short_unit or not unit else f"{label} ({unit})", "value": value,
            "delta": delta, "caption": " · ".join(bits), "help": ind.get(f"description_{lang}") or None,
            "delta_color": colour, "delta_arrow": arrow,
            # for 'Cite this figure'
            "year": None if missing else int(r["year"]),
            "value_unit": None if missing else fmt_value(r["value"], lang, dec, unit),
            "source": publisher_label(sources, r["source_id"]) if not missing else "",
            "quality": quality,
        })
    return out


def key_figure_table(kf: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                     lang: str) -> pd.DataFrame:
    """The key figures as one formatted table (all columns text, in the interface language)."""
    _ = translator(lang)
    rows = []
    for r in kf.to_dict("records"):
        ind = indicators.loc[r["indicator_id"]]
        unit = unit_label(ind, lang)
        dec = int(ind["decimals"])
        missing = is_missing(r["value"])
        rows.append({
            _("Indicator"): ind[f"label_{lang}"],
            _("Year"): MISSING if missing else str(int(r["year"])),
            _("Value"): _("No data") if missing else fmt_value(r["value"], lang, dec, unit),
            _("Region"): region_text(r["region_value"], ind, lang, dec, unit),
            _("Rank"): rank_text(r["rank"], r["n_ranked"], r["tied"]),
            _("Change since previous year"): (
                MISSING if is_missing(r["change"]) or is_missing(r["prev_year"])
                else f"{fmt_change(r['change'], lang, dec, unit, points=is_percentage(ind))} ({int(r['prev_year'])})"),
            _("Source"): MISSING if missing else source_label(sources, r["source_id"] or ""),
            _("Quality"): MISSING if missing else tier_label(r["quality"], lang),
        })
    return pd.DataFrame(rows)


def series_indicator_ids(obs_commune: pd.DataFrame, indicators: pd.DataFrame, nis_code: str,
                         first: Sequence[str]) -> list[str]:
    """Indicators with at least one figure for the commune, the curated key figures first."""
    have = set(obs_commune.loc[obs_commune["nis_code"] == nis_code, "indicator_id"])
    ordered = [i for i in first if i in have] + [i for i in indicators.index if i in have and i not in first]
    return ordered


def series_frame(obs: pd.DataFrame, communes: pd.DataFrame, nis_code: str) -> pd.DataFrame:
    """Long frame (nis_code, year, value, name_fr, name_nl, name_en) for the commune and the region
    (``obs``: one indicator)."""
    d = obs[obs["nis_code"].isin([nis_code, REGION])][["nis_code", "year", "value"]]
    names = communes[["nis_code", "name_fr", "name_nl", "name_en"]]
    return d.merge(names, on="nis_code", how="left").sort_values(["nis_code", "year"]).reset_index(drop=True)


def series_rows(obs: pd.DataFrame, nis_code: str, region: bool = True) -> pd.DataFrame:
    """The observations a series of the commune (and the region unless ``region`` is False) shows."""
    return obs[obs["nis_code"].isin([nis_code, REGION] if region else [nis_code])]


def series_source_ids(rows: pd.DataFrame) -> str | None:
    """The sources of the rows of a series, ';'-joined in order of appearance (None when none)."""
    col = "source_ids" if "source_ids" in rows else "source_id"
    ids = [i for v in rows[col].dropna() for i in str(v).split(";") if i]
    return ";".join(dict.fromkeys(ids)) or None


def series_table(series: pd.DataFrame, nis_code: str, lang: str, decimals: int = 0,
                 unit: str = "") -> pd.DataFrame:
    """Years as rows (newest first), the commune and the region as formatted text columns."""
    _ = translator(lang)
    years = sorted({int(y) for y in series["year"]}, reverse=True)
    com = series[series["nis_code"] == nis_code].set_index("year")["value"]
    reg = series[series["nis_code"] == REGION].set_index("year")["value"]
    name = None
    if (series["nis_code"] == nis_code).any():
        name = both_names(series[series["nis_code"] == nis_code].iloc[0].to_dict(), lang)
    col = name or _("Commune")
    return pd.DataFrame({
        _("Year"): [str(y) for y in years],
        col: [fmt_value(com.get(y), lang, decimals, unit) for y in years],
        _("Brussels-Capital Region"): [fmt_value(reg.get(y), lang, decimals, unit) for y in years],
    })


def scoped_for_commune(scoped: pd.DataFrame, indicators: pd.DataFrame, sources: pd.DataFrame,
                       communes: pd.DataFrame, nis_code: str, lang: str) -> pd.DataFrame:
    """Organisation-level (scoped) figures located in the commune, as a formatted table
    (empty when there are none)."""
    _ = translator(lang)
    d = scoped[scoped["nis_code"].astype(str) == nis_code]
    rows = []
    for r in d.to_dict("records"):
        ind = indicators.loc[r["indicator_id"]] if r["indicator_id"] in indicators.index else None
        scope = scope_text(str(r["scope"]), communes, lang, r.get(f"scope_{lang}"))
        unit = unit_label(ind, lang) if ind is not None else ""
        dec = int(ind["decimals"]) if ind is not None else 0
        rows.append({
            _("Indicator"): ind[f"label_{lang}"] if ind is not None else r["indicator_id"],
            _("Year"): year_text(None if is_missing(r["year"]) else r["year"], r.get("ref_period"), lang),
            _("Value"): fmt_value(r["value"], lang, dec, unit),
            _("Scope"): scope,
            _("Source"): source_label(sources, r["source_ids"] or r["source_id"]),
            _("Quality"): tier_label(r["quality"], lang),
            _(NOTE_HEADER_MSGID): compiled_note(r.get("note"), r.get("ref_period")),
        })
    return pd.DataFrame(rows)
