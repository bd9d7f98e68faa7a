"""Ranks of the 19 communes with ties shown honestly (shared by the pages' frames and the charts)."""
from __future__ import annotations

import pandas as pd

from dashboard.text.format import fmt_rank

DIRECTIONS = ("higher_better", "lower_better", "neutral")


def rank_with_ties(values: pd.Series, direction: str = "neutral") -> pd.Series:
    """Rank 1 = best for ``direction`` (neutral: highest first); equal values share the lowest
    rank (``method="min"``: 1, 2, 2, 4); missing values get <NA>. Returns an Int64 Series."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    ascending = direction == "lower_better"
    ranks = values.rank(method="min", ascending=ascending, na_option="keep")
    return ranks.round().astype("Int64")


def tied_mask(ranks: pd.Series) -> pd.Series:
    """True where another row shares the same (non-missing) rank."""
    ranks = pd.Series(ranks)
    return ranks.notna() & ranks.duplicated(keep=False)


def rank_labels(ranks: pd.Series, n: int | None = None) -> pd.Series:
    """'=3 / 19' for tied ranks, '5 / 19' otherwise, '—' for missing (n defaults to len)."""
    ranks = pd.Series(ranks)
    n = len(ranks) if n is None else n
    tied = tied_mask(ranks)
    return pd.Series([fmt_rank(r, n, t) for r, t in zip(ranks, tied)], index=ranks.index)
