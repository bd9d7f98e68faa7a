"""Frames of the Map explorer and Overview pages (``views/map.py``, ``views/overview.py``): which
indicators can be mapped, option labels, headline figures, the change between two years, the table
behind every map and the links between pages.

DataFrames in, DataFrames/dicts/strings out; no Streamlit here, so everything is testable alone.
"""
from __future__ import annotations

import pandas as pd

from dashboard.model.indicators import (
    REGION,
    TOPICS,
    delta_style,
    is_percentage,
    region_published,
    source_label,
    topic_label,
)
from dashboard.model.quality import quality_of, tier_label
from dashboard.text.format import change_unit, fmt_change, fmt_number, fmt_value, is_missing
from dashboard.text.i18n import N_, translator
from dashboard.text.names import both_names

METHOD_MSGIDS = {"quantiles": N_("Quantiles"), "equal_interval": N_("Equal intervals"),
                 "natural_breaks": N_("Natural breaks")}
VIEW_MSGIDS = {"geo": N_("Geographic map"), "tile": N_("Tile map"), "table": N_("Table")}
# kinds that map as published come first when a tip's link picks "its" indicator
KIND_PRIORITY = {"rate": 0, "average": 1, "flag": 2, "count": 3, "amount": 3}


# ----------------------------------------------------------------------------- indicators

def mappable_indicators(indicators: pd.DataFrame, min_communes: int = 3) -> pd.DataFrame:
    """Indicators with commune-level data for at least ``min_communes`` communes, tips 1–5 first,
    then context, each in catalogue order."""
    d = indicators[indicators["n_communes"].fillna(0) >= min_communes].copy()
    d["_topic"] = d["topic"].map({t: i for i, t in enumerate(TOPICS)}).fillna(len(TOPICS))
    return d.sort_values(["_topic", "sort_order"], kind="stable").drop(columns="_topic")



def indicator_option_label(row, lang: str) -> str:
    """'Tip 1 · <label>' / 'Context · <label>' in the interface language."""
    return f"{topic_label(row['topic'], lang)} · {row[f'label_{lang}']}"


def indicator_option_labels(indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    """``indicator_option_label`` of every indicator, by id (a picker formats every option on every rerun)."""
    return {r["indicator_id"]: indicator_option_label(r, lang) for r in indicators.to_dict("records")}


def tip_indicator(indicators: pd.DataFrame, tip_id: int, min_communes: int = 5) -> str | None:
    """The indicator a tip links to in the map explorer: topic ``tip<n>`` with data for at least
    ``min_communes`` communes, real figures before example data, rates before averages, flags and
    totals, then most communes, then catalogue order. None when the tip has no such indicator (link to Data & sources instead)."""
    d = indicators[(indicators["topic"] == f"tip{int(tip_id)}")
                   & (indicators["n_communes"].fillna(0) >= min_communes)].copy()
    # a total without a denominator is not mapped (rates are mapped, totals are not)
    dens = d["denominators"].fillna("") if "denominators" in d else pd.Series("", index=d.index)
    total = d["kind"].isin(["count", "amount"]) & (dens == "")
    d = d[~total]
    if d.empty:
        return None
    d["_kind"] = d["kind"].map(KIND_PRIORITY).fillna(9)
    # real figures before example data
    d["_example"] = (d["n_example"].fillna(0) > 0) if "n_example" in d else False
    d = d.sort_values(["_example", "_kind", "n_communes", "sort_order"], ascending=[True, True, False, True])
    return str(d["indicator_id"].iloc[0])


def tip_link(indicators: pd.DataFrame, tip_id: int, lang: str) -> tuple[str, dict]:
    """(page, query_params) of a tip's link: map explorer on its indicator, else Data & sources."""
    return link_to_indicator(tip_indicator(indicators, tip_id), lang)


def link_to_indicator(indicator_id: str | None, lang: str) -> tuple[str, dict]:
    """(page, query_params) of a tip's link to ``indicator_id`` (``tip_indicator``; None: Data & sources)."""
    if indicator_id is None:
        return "views/sources.py", {"lang": lang}
    return "views/map.py", {"indicator": indicator_id, "lang": lang}


# ----------------------------------------------------------------------------- years and views

def parse_year(raw, options: list[int], default: int | None = None) -> int | None:
    try:
        y = int(raw)
    except (TypeError, ValueError):
        return default
    return y if y in options else default


def from_year_default(years: list[int]) -> int | None:
    """Earliest year with data (``years`` in any order)."""
    return min(years) if years else None


def view_options(has_geometry: bool) -> list[str]:
    return ["geo", "tile", "table"] if has_geometry else ["tile", "table"]


# ----------------------------------------------------------------------------- headline figures

def headline(obs: pd.DataFrame, place: str = REGION) -> dict | None:
    """Latest value of one indicator for ``place`` with the previous year's value and the change.

    ``obs``: rows of ``queries.observations`` (nis_code, year, value, source_id, quality). When the
    place has no figure, the range across communes of the latest commune year is returned instead
    (``kind='range'``, ``low``/``high``) — a rate of the region is never averaged from communes.
    None when there is no data at all."""
    if obs is None or obs.empty:
        return None
    d = obs[obs["nis_code"] == place].sort_values("year")
    if len(d):
        last = d.iloc[-1]
        prev = d.iloc[-2] if len(d) > 1 else None
        return {"kind": "value", "year": int(last["year"]), "value": float(last["value"]),
                "prev_year": int(prev["year"]) if prev is not None else None,
                "prev_value": float(prev["value"]) if prev is not None else None,
                "change": float(last["value"] - prev["value"]) if prev is not None else None,
                "source_id": last["source_id"], "quality": quality_of(d.iloc[-2:])}
    c = obs[obs["nis_code"] != REGION]
    if c.empty:
        return None
    year = int(c["year"].max())
    c = c[c["year"] == year]
    return {"kind": "range", "year": year, "low": float(c["value"].min()), "high": float(c["value"].max()),
            "n": int(c["nis_code"].nunique()), "source_id": c["source_id"].iloc[0],
            "quality": quality_of(c), "change": None, "prev_year": None}


def headline_texts(h: dict | None, indicator: pd.Series, lang: str, sources: pd.DataFrame | None = None) -> dict:
    """Strings for ``st.metric``: label, value, delta (or None; in percentage points for a percentage),
    delta_color and delta_arrow (from the change's sign) and the caption 'source · year · quality' (a range
    across communes of an indicator without a regional figure says the region's is not published)."""
    _ = translator(lang)
    unit = indicator.get(f"unit_{lang}") or ""
    dec = int(indicator["decimals"])
    label = indicator[f"label_{lang}"]
    if h is None:
        return {"label": label, "value": "—", "delta": None, "delta_color": "off", "delta_arrow": "off",
                "caption": _("No data")}
    src = source_label(sources, h["source_id"]) if sources is not None else str(h["source_id"])
    # short units ('%', '€') stay with the number; long ones ('persons') go to the label
    short = len(unit) <= 2
    if not short and unit.lower() not in label.lower():
        label = f"{label} ({unit})"
    vunit = unit if short else ""
    if h["kind"] == "range":
        label = f"{label} — " + _("range across {n} communes", n=h["n"])
        value = f"{fmt_number(h['low'], lang, dec)} – {fmt_value(h['high'], lang, dec, vunit)}"
    else:
        value = fmt_value(h["value"], lang, dec, vunit)
    delta = None
    if not is_missing(h.get("change")):
        delta = _("{change} since {year}", change=fmt_change(h["change"], lang, dec, unit,
                                                            points=is_percentage(indicator)), year=h["prev_year"])
    colour, arrow = delta_style(h.get("change"), indicator.get("direction", "neutral"))
    caption = " · ".join(p for p in (src, str(h["year"]), tier_label(h["quality"], lang)) if p)
    if h["kind"] == "range" and not region_published(indicator):
        caption = _("Region") + ": " + _("not published") + " · " + caption
    return {"label": label, "value": value, "delta": delta, "delta_color": colour, "delta_arrow": arrow,
            "caption": caption}


# ----------------------------------------------------------------------------- change between two years

def change_frame(df_from: pd.DataFrame, df_to: pd.DataFrame) -> pd.DataFrame:
    """One row per commune: value_from, value_to, year_from, year_to, change (absolute, in the
    indicator's unit) and change_pct (relative, % of the first value; NaN when it is 0)."""
    keep = [c for c in ("nis_code", "name_fr", "name_nl", "name_en") if c in df_from or c in df_to]
    a = df_from.assign(nis_code=df_from["nis_code"].astype(str))
    b = df_to.assign(nis_code=df_to["nis_code"].astype(str))
    names = pd.concat([b[[c for c in keep if c in b]], a[[c for c in keep if c in a]]]).drop_duplicates("nis_code")
    cols = lambda x, sfx: x[["nis_code", "value"] + (["year"] if "year" in x else [])].rename(
        columns={"value": f"value_{sfx}", "year": f"year_{sfx}"})
    out = names.merge(cols(a, "from"), on="nis_code", how="left").merge(cols(b, "to"), on="nis_code", how="left")
    vf = pd.to_numeric(out["value_from"], errors="coerce").astype("float64")
    vt = pd.to_numeric(out["value_to"], errors="coerce").astype("float64")
    out["change"] = vt - vf
    out["change_pct"] = ((vt - vf) / vf.abs() * 100).where(vf != 0)
    return out.sort_values("nis_code").reset_index(drop=True)



# ----------------------------------------------------------------------------- table behind a map

def table_frame(df: pd.DataFrame, lang: str, *, source: str | None, value_label: str) -> pd.DataFrame:
    """One row per commune for ``st.dataframe``: both names, value (numeric), rank of 19, year,
    source (unless ``None``: then the page states it once under the table) and the row's quality
    (translated; '—' without a figure); best rank first, communes without data last."""
    _ = translator(lang)
    d = df.copy()
    d["_sort"] = pd.to_numeric(d["rank"], errors="coerce").astype("float64").fillna(1e9)
    d = d.sort_values(["_sort", "nis_code"])
    q = d["quality"] if "quality" in d else pd.Series([None] * len(d), index=d.index)
    out = pd.DataFrame({
        _("Commune"): [both_names(r, lang) for r in d.to_dict("records")],
        value_label: pd.to_numeric(d["value"], errors="coerce").astype("float64").to_numpy(),
        _("Rank"): [("—" if is_missing(r) else f"{int(r)} / 19") for r in d["rank"]],
        _("Year"): [str(int(y)) if not is_missing(y) else "—" for y in d["year"]],
        _("Source"): source,
        _("Quality"): [tier_label(x, lang) or "—" for x in q],
    }).reset_index(drop=True)
    return out if source is not None else out.drop(columns=_("Source"))


def change_table(frame: pd.DataFrame, lang: str, *, year_from: int, year_to: int, unit: str,
                 points: bool = False) -> pd.DataFrame:
    """Table alternative to the change map: both names, value in each year and the change (in
    percentage points for a percentage)."""
    _ = translator(lang)
    d = frame.sort_values("change", ascending=False, na_position="last")
    u = f" ({unit})" if unit else ""
    cu = change_unit(unit, lang, points)
    return pd.DataFrame({
        _("Commune"): [both_names(r, lang) for r in d.to_dict("records")],
        f"{year_from}{u}": d["value_from"].to_numpy(dtype="float64"),
        f"{year_to}{u}": d["value_to"].to_numpy(dtype="float64"),
        _("Change") + (f" ({cu})" if cu else ""): d["change"].to_numpy(dtype="float64"),
    }).reset_index(drop=True)


def styled(table: pd.DataFrame, lang: str, decimals: int, signed: tuple[str, ...] = ()):
    """A Styler that shows the numeric columns per language ('1.234,5' fr/nl, '1,234.5' en; '—'
    when missing; ``signed`` columns as changes '+1,2') while ``st.dataframe`` keeps sorting on
    the numbers."""
    cols = [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]
    fmt = {c: ((lambda v, _d=decimals: fmt_change(v, lang, _d)) if c in signed
               else (lambda v, _d=decimals: fmt_number(v, lang, _d))) for c in cols}
    return table.style.format(fmt)


def metric_texts(label: str, value, lang: str, decimals: int, unit: str) -> tuple[str, str]:
    """(label, value) for ``st.metric``: a short unit ('%', '€') stays with the number, a long one
    ('persons per km²') goes to the label so the number is never cut off; '—' when missing."""
    if unit and len(unit) > 2:
        return f"{label} ({unit})", fmt_number(value, lang, decimals)
    return label, fmt_value(value, lang, decimals, unit)
