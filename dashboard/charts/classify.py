"""Class breaks for maps (mapclassify) and colour-blind-safe palettes.

``classify(values, method, k)`` returns ``(bins, classes)``: ``bins`` are the upper bounds of the
classes (ascending, no duplicates), ``classes`` a Series aligned on ``values`` with the class
index 0…len(bins)-1, or -1 where the value is missing.

Palettes (ColorBrewer, all marked colour-blind safe):
- sequential ``YlGnBu``: light = low, dark = high, whatever the direction (the legend says what
  the values are; a ranking says which is better);
- diverging (change maps) ``RdBu`` oriented by the indicator's direction: blue = change for the
  better, red = change for the worse; ``PuOr`` for neutral indicators (no good or bad end);
- ``NO_DATA`` light grey for communes without data (always with its own legend entry).
"""
from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd

from dashboard.model.meta import METHODS
from dashboard.text.format import fmt_change, fmt_number

NO_DATA = "#d9d9d9"
NO_DATA_LINE = "#969696"

# ColorBrewer schemes per number of classes
YLGNBU = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
    8: ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
    9: ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494",
        "#081d58"],
}
# diverging, from the "bad"/low end (red/orange) to the "good"/high end (blue/purple)
RDBU = {
    3: ["#ef8a62", "#f7f7f7", "#67a9cf"],
    5: ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"],
    7: ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac"],
}
PUOR = {
    3: ["#f1a340", "#f7f7f7", "#998ec3"],
    5: ["#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"],
    7: ["#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"],
}
PALETTES = {
    "sequential": YLGNBU,
    "diverging": RDBU,
    "diverging_neutral": PUOR,
    "no_data": NO_DATA,
}


def sequential_colours(k: int) -> list[str]:
    """k colours light → dark (YlGnBu). 1 and 2 classes take the darker end of the 3-class scheme."""
    if k <= 0:
        return []
    if k in YLGNBU:
        return list(YLGNBU[k])
    if k < 3:
        return list(YLGNBU[3][-k:])
    return list(YLGNBU[9])[:k]


def diverging_colours(k: int, direction: str = "neutral") -> list[str]:
    """k (odd: 1, 3, 5, 7) colours for classes from the most negative to the most positive change.

    higher_better: negative = red, positive = blue; lower_better: reversed (a fall is good);
    neutral: PuOr (orange ↔ purple, no judgement).
    """
    if k <= 0:
        return []
    scheme = PUOR if direction == "neutral" else RDBU
    if k == 1:
        return [scheme[3][1]]
    colours = list(scheme[k if k in scheme else 7])[:k]
    if direction == "lower_better":
        colours = colours[::-1]
    return colours


def _finite(values) -> tuple[pd.Series, pd.Series]:
    """(classes all -1 = no data, the finite numeric values) of ``values``."""
    s = pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    s = s.where(np.isfinite(s))
    return pd.Series(-1, index=s.index, dtype="int64"), s.dropna()


def classify(values: pd.Series, method: str = "quantiles", k: int = 5):
    """Classes of ``values`` by quantiles, equal intervals or natural breaks (Fisher–Jenks).

    Handles fewer unique values than ``k`` (k shrinks), all-equal values (one class) and all
    missing (``([], all -1)``). Returns ``(bins, classes)`` (see the module docstring).
    """
    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}; use one of {METHODS}")
    classes, present = _finite(values)
    if present.empty:
        return [], classes
    uniq = np.unique(present.to_numpy())
    k = max(1, min(int(k), len(uniq)))
    if k == 1:
        bins = [float(uniq[-1])]
    elif len(uniq) <= k:
        bins = [float(v) for v in uniq]
    else:
        y = present.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "quantiles":
                c = mapclassify.Quantiles(y, k=k)
            elif method == "equal_interval":
                c = mapclassify.EqualInterval(y, k=k)
            else:
                c = mapclassify.FisherJenks(y, k=k)
        bins = sorted({float(b) for b in c.bins})
        bins[-1] = max(bins[-1], float(uniq[-1]))
    idx = np.minimum(np.searchsorted(np.asarray(bins), present.to_numpy(), side="left"), len(bins) - 1)
    if method != "equal_interval":
        # ties can leave a quantile class empty: merge it into the next one
        used = sorted(set(int(i) for i in idx))
        if len(used) < len(bins):
            bins = [bins[i] for i in used]
            idx = np.minimum(np.searchsorted(np.asarray(bins), present.to_numpy(), side="left"),
                             len(bins) - 1)
    classes.loc[present.index] = idx
    return bins, classes


def class_bounds(bins: list[float], vmin: float) -> list[tuple[float, float]]:
    """(lower, upper) per class; the first lower bound is the minimum value."""
    lows = [vmin] + list(bins[:-1])
    return list(zip(lows, bins))


def legend_labels(bins: list[float], vmin: float, lang: str, decimals: int = 1,
                  *, signed: bool = False) -> list[str]:
    """'12,3 – 15,0' per class (fr/nl), '12.3 – 15.0' (en); one value when lower == upper."""
    fmt = (lambda v: fmt_change(v, lang, decimals)) if signed else (lambda v: fmt_number(v, lang, decimals))
    labels = []
    for lo, hi in class_bounds(bins, vmin):
        a, b = fmt(lo), fmt(hi)
        labels.append(a if a == b else f"{a} – {b}")
    return labels


def diverging_classify(values: pd.Series, k: int = 5):
    """Symmetric classes around zero for changes: the middle class is 'about no change'
    (|v| ≤ max|v| / k). Returns ``(bins, classes)`` like ``classify`` (k odd; 1 when all zero)."""
    classes, present = _finite(values)
    if present.empty:
        return [], classes
    m = float(present.abs().max())
    if m == 0:
        classes.loc[present.index] = 0
        return [0.0], classes
    k = k if k % 2 == 1 else k + 1
    edges = np.linspace(-m, m, k + 1)
    bins = [float(e) for e in edges[1:]]
    idx = np.searchsorted(np.asarray(bins), present.to_numpy(), side="left")
    classes.loc[present.index] = np.minimum(idx, len(bins) - 1)
    return bins, classes


def text_colour(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill`` ('#rrggbb')."""
    fill = fill.lstrip("#")
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if lum > 0.5 else "#ffffff"
