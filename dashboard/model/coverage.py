"""Data coverage: where the federation's figures are missing. Per indicator, how many of the 19 communes have
real (not example) figures in the latest year that has any, which year, which quality; per tip, how many
communes have a real assessment of at least one criterion, the latest date and the quality. Pure: DataFrames
in and out (the Data & sources page shows them; the overview links there)."""
from __future__ import annotations

import pandas as pd

from dashboard.model.indicators import REGION, TOPICS, topic_label
from dashboard.text.format import MISSING
from dashboard.text.i18n import translator

N_COMMUNES = 19


def _qualities(values, lang: str) -> str:
    _ = translator(lang)
    present = [q for q in ("official", "reported", "example") if q in set(values)]
    return ", ".join(_(q) for q in present) or MISSING


def indicator_coverage(indicators: pd.DataFrame, observations: pd.DataFrame, scoped: pd.DataFrame,
                       lang: str) -> pd.DataFrame:
    """One row per indicator, tips first (catalogue order): topic, label, ``communes`` (communes with real
    figures in ``year``, the latest year with any real commune figure), the latest year with a real regional
    figure, the qualities present and the figures kept apart (scoped: organisation-wide, undated …).
    ``n_communes`` stays numeric for sorting; ``gap`` = communes without a real figure that year."""
    # every count is one group-by over the frame (a mask of the whole frame per indicator cost half a second)
    real = observations[observations["quality"] != "example"]
    communes = real[real["nis_code"] != REGION]
    latest = communes.groupby("indicator_id")["year"].max()
    at_latest = communes[communes["year"] == communes["indicator_id"].map(latest)]
    n_at_latest = at_latest.groupby("indicator_id")["nis_code"].nunique()
    region_year = real[real["nis_code"] == REGION].groupby("indicator_id")["year"].max()
    by_indicator = observations.groupby("indicator_id")["quality"]
    qualities = by_indicator.unique()
    n_obs = by_indicator.size()
    n_example = (observations["quality"] == "example").groupby(observations["indicator_id"]).sum()
    scoped_n = scoped.groupby("indicator_id").size() if len(scoped) else pd.Series(dtype=int)
    rows = []
    order = {t: i for i, t in enumerate(TOPICS)}
    for ind in sorted(indicators.itertuples(index=False), key=lambda r: (order.get(r.topic, 99), r.sort_order)):
        iid = ind.indicator_id
        year = latest.get(iid)
        n = int(n_at_latest.get(iid, 0)) if year is not None and not pd.isna(year) else 0
        region = region_year.get(iid)
        n_mine = int(n_obs.get(iid, 0))
        rows.append({
            "indicator_id": iid, "topic": ind.topic, "topic_label": topic_label(ind.topic, lang),
            "label": getattr(ind, f"label_{lang}"), "n_communes": n,
            "communes": f"{n} / {N_COMMUNES}", "gap": N_COMMUNES - n,
            "year": MISSING if year is None or pd.isna(year) else str(int(year)),
            "region": MISSING if region is None or pd.isna(region) else str(int(region)),
            "quality": _qualities(qualities.get(iid, ()), lang),
            "example_only": bool(n_mine) and int(n_example.get(iid, 0)) == n_mine,
            "scoped": int(scoped_n.get(iid, 0)),
        })
    return pd.DataFrame(rows)


def tip_coverage(history: pd.DataFrame, criteria: pd.DataFrame, tips: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per tip: its criteria, ``communes`` with a real (not example) assessment of at least one of them,
    the latest real assessment date, the qualities present (example included, said so)."""
    rows = []
    for tip in tips.sort_values("tip_id").itertuples():
        crit = criteria[criteria["tip_id"] == tip.tip_id]
        h = history[history["criterion_id"].isin(crit["criterion_id"])] if len(history) else history
        real = h[h["quality"] != "example"] if len(h) else h
        n = int(real["nis_code"].nunique()) if len(real) else 0
        last = pd.to_datetime(real["assessed_on"]).max() if len(real) else None
        rows.append({"tip_id": int(tip.tip_id), "tip": getattr(tip, f"title_{lang}"), "criteria": len(crit),
                     "n_communes": n, "communes": f"{n} / {N_COMMUNES}", "gap": N_COMMUNES - n,
                     "latest": MISSING if last is None or pd.isna(last) else last.strftime("%Y-%m-%d"),
                     "quality": _qualities(h["quality"] if len(h) else [], lang)})
    return pd.DataFrame(rows)


def summary(ind_cov: pd.DataFrame, tip_cov: pd.DataFrame) -> dict:
    """The headline of the coverage: indicators with real figures for all 19 communes, for some, for none;
    tips assessed (real) in all 19 communes."""
    return {"complete": int((ind_cov["n_communes"] == N_COMMUNES).sum()),
            "partial": int(((ind_cov["n_communes"] > 0) & (ind_cov["n_communes"] < N_COMMUNES)).sum()),
            "none": int((ind_cov["n_communes"] == 0).sum()), "indicators": len(ind_cov),
            "tips_complete": int((tip_cov["n_communes"] == N_COMMUNES).sum()) if len(tip_cov) else 0}
