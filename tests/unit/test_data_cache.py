"""``data.cache.shared``: one result per input per process, read as shallow copies that a caller may change."""
from __future__ import annotations

import pandas as pd

from dashboard.data.cache import shallow, shared

CALLS: list[str] = []


@shared(8)
def frames(key: str) -> tuple[pd.DataFrame, dict]:
    CALLS.append(key)
    df = pd.DataFrame({"nis_code": ["21001", "21002"], "value": [1.0, 2.0]})
    return df, {"by_code": df.set_index("nis_code"), "ids": ["a", "b"]}


def test_computed_once_per_input():
    CALLS.clear()
    frames("x"), frames("x"), frames("y")
    assert CALLS == ["x", "y"]


def test_a_readers_changes_stay_in_its_copy():
    df, extra = frames("z")
    df["new"] = 0
    df.loc[0, "value"] = 99.0
    extra["by_code"].loc["21001", "value"] = -1.0
    extra["ids"].append("c")
    again, extra2 = frames("z")
    assert list(again.columns) == ["nis_code", "value"] and again["value"].tolist() == [1.0, 2.0]
    assert extra2["by_code"].loc["21001", "value"] == 1.0 and extra2["ids"] == ["a", "b"]


def test_shallow_leaves_other_values_alone():
    assert shallow(3) == 3 and shallow("s") == "s" and shallow(None) is None
