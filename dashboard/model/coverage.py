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


QUALITIES = ("official", "reported", "example")


def indicator_counts(indicators: pd.DataFrame, observations: pd.DataFrame, scoped: pd.DataFrame) -> pd.DataFrame:
    """What ``indicator_coverage`` counts, in no language: one row per indicator, tips first (catalogue
    order), with ``n_communes``, the latest years (``year``, ``region``: numbers, NaN when none), the
    qualities present (``has_official``, ``has_reported``, ``has_example``), ``example_only`` and ``scoped``.
    Every count is one group-by over the frame (masking the whole frame once per indicator cost half a
    second)."""
    order = {t: i for i, t in enumerate(TOPICS)}
    ordered = sorted(indicators.itertuples(index=False), key=lambda r: (order.get(r.topic, 99), r.sort_order))
    ids = pd.Index([r.indicator_id for r in ordered], name="indicator_id")
    real = observations[observations["quality"] != "example"]
    communes = real[real["nis_code"] != REGION]
    latest = communes.groupby("indicator_id")["year"].max()
    at_latest = communes[communes["year"] == communes["indicator_id"].map(latest)]
    present = pd.crosstab(observations["indicator_id"], observations["quality"]) if len(observations) else None
    n_obs = observations.groupby("indicator_id").size()
    out = pd.DataFrame({"topic": [r.topic for r in ordered]}, index=ids)
    out["year"] = latest.reindex(ids)
    out["n_communes"] = at_latest.groupby("indicator_id")["nis_code"].nunique().reindex(ids).fillna(0).astype(int)
    out.loc[out["year"].isna(), "n_communes"] = 0
    out["region"] = real[real["nis_code"] == REGION].groupby("indicator_id")["year"].max().reindex(ids)
    for q in QUALITIES:
        has = present[q] if present is not None and q in present else pd.Series(0, index=ids, dtype=int)
        out[f"has_{q}"] = has.reindex(ids).fillna(0) > 0
    n_example = present["example"] if present is not None and "example" in present else pd.Series(0, dtype=int)
    n_mine = n_obs.reindex(ids).fillna(0)
    out["example_only"] = (n_mine > 0) & (n_example.reindex(ids).fillna(0) == n_mine)
    out["scoped"] = (scoped.groupby("indicator_id").size().reindex(ids).fillna(0).astype(int) if len(scoped)
                     else 0)
    return out.reset_index()


def _year_text(year) -> str:
    return MISSING if year is None or pd.isna(year) else str(int(year))


def labelled_coverage(counts: pd.DataFrame, indicators: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``indicator_counts`` in ``lang``: the topic's and the indicator's labels, ``communes`` ('12 / 19'),
    ``gap``, the years and qualities as text — the columns ``indicator_coverage`` returns."""
    _ = translator(lang)
    labels = indicators.set_index("indicator_id")[f"label_{lang}"]
    names = {q: _(q) for q in QUALITIES}
    has = counts[[f"has_{q}" for q in QUALITIES]].to_numpy()
    n = counts["n_communes"].astype(int)
    return pd.DataFrame({
        "indicator_id": counts["indicator_id"], "topic": counts["topic"],
        "topic_label": [topic_label(t, lang) for t in counts["topic"]],
        "label": counts["indicator_id"].map(labels), "n_communes": n,
        "communes": [f"{k} / {N_COMMUNES}" for k in n], "gap": N_COMMUNES - n,
        "year": [_year_text(y) for y in counts["year"]], "region": [_year_text(y) for y in counts["region"]],
        "quality": [", ".join(names[q] for q, h in zip(QUALITIES, row) if h) or MISSING for row in has],
        "example_only": counts["example_only"].astype(bool), "scoped": counts["scoped"].astype(int),
    })


def indicator_coverage(indicators: pd.DataFrame, observations: pd.DataFrame, scoped: pd.DataFrame,
                       lang: str) -> pd.DataFrame:
    """One row per indicator, tips first (catalogue order): topic, label, ``communes`` (communes with real
    figures in ``year``, the latest year with any real commune figure), the latest year with a real regional
    figure, the qualities present and the figures kept apart (scoped: organisation-wide, undated …).
    ``n_communes`` stays numeric for sorting; ``gap`` = communes without a real figure that year."""
    return labelled_coverage(indicator_counts(indicators, observations, scoped), indicators, lang)


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
