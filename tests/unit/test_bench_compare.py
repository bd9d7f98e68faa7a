"""The benchmark's comparison with its baseline: numeric leaves flattened, each as a ratio current / baseline."""
from __future__ import annotations

import json

from bench.__main__ import DEFAULT_BASELINE, compare, flatten


def test_flatten_names_numeric_leaves_by_path():
    doc = {"etl": {"shipped": {"total_seconds": 2.5, "kind": "build", "ok": True}},
           "app": {"reruns": {"map": {"p50_ms": 120, "samples": [1, 2]}}}}
    assert flatten(doc) == {"etl.shipped.total_seconds": 2.5, "app.reruns.map.p50_ms": 120,
                            "app.reruns.map.samples.0": 1, "app.reruns.map.samples.1": 2}


def test_compare_gives_ratio_to_baseline():
    base = {"app": {"map": {"p50_ms": 100.0, "p95_ms": 200.0, "bytes": 1000}}, "etl": {"seconds": 4.0}}
    cur = {"app": {"map": {"p50_ms": 150.0, "p95_ms": 100.0, "bytes": 1000}}, "etl": {"seconds": 1.0}}
    assert compare(cur, base) == {"app.map.bytes": 1.0, "app.map.p50_ms": 1.5, "app.map.p95_ms": 0.5,
                                  "etl.seconds": 0.25}


def test_compare_skips_missing_text_boolean_and_setting_leaves():
    base = {"a": {"ms": 10, "gone": 3, "label": "x", "ok": True, "reruns": 30}}
    cur = {"a": {"ms": 20, "new": 4, "label": "y", "ok": False, "reruns": 5}}
    assert compare(cur, base) == {"a.ms": 2.0}


def test_compare_zero_baseline():
    assert compare({"errors": 0, "exceptions": 2}, {"errors": 0, "exceptions": 0}) == {"errors": 1.0,
                                                                                        "exceptions": None}


def test_committed_baseline_compares_with_itself():
    doc = json.loads(DEFAULT_BASELINE.read_text(encoding="utf-8"))
    assert {"machine", "etl", "app", "note"} <= doc.keys()
    ratios = compare({"etl": doc["etl"], "app": doc["app"]}, {"etl": doc["etl"], "app": doc["app"]})
    assert ratios and all(r == 1.0 for r in ratios.values())
    assert "app.reruns.map.p50_ms" in ratios and "app.reruns.hello_floor.p50_ms" in ratios
